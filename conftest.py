"""For every test of the project (src and tests/e2e): each test starts with empty per-process caches of the officer
pages: a rolled-back transaction sends no signal, so what one test cached (a scope, a calendar-exceptions stamp) could
otherwise outlive its rows into the next. The same for the signed-in sessions' and users' caches."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_queue_caches():
    from motcua.core.auth import clear_token_cache
    from motcua.core.sessions import clear_session_caches
    from motcua.dossiers import queries

    queries.clear_queue_caches()
    queries.clear_calendar_cache()
    clear_session_caches()
    clear_token_cache()
    yield
    queries.clear_queue_caches()
    queries.clear_calendar_cache()
    clear_session_caches()
    clear_token_cache()
