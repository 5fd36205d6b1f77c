"""For every test of the project (src and tests/e2e).

- Each test starts with empty per-process caches of the officer pages: a rolled-back transaction sends no signal, so
  what one test cached (a scope, a calendar-exceptions stamp) could otherwise outlive its rows into the next. The same
  for the signed-in sessions' and users' caches.
- ``make test`` runs the whole suite once on SQLite and, on PostgreSQL, only the tests whose outcome depends on the
  database backend (``-m backend``). A test is backend-dependent when it carries ``pytest.mark.backend`` or when its
  module is listed in ``BACKEND_DEPENDENT`` below: the modules that exercise code with a PostgreSQL path of its own
  (the submission fast path and dossier codes, row locks, append-only triggers, bulk loaders, fact rebuilds, search
  and figure queries written in SQL, psycopg's loaders).
"""

from fnmatch import fnmatch

import pytest
from hypothesis import HealthCheck, settings

# Property tests check rules, not speed: on a busy machine (two xdist workers, other work beside them) input generation
# can be slow, and that must not fail a property that holds.
settings.register_profile("motcua", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("motcua")

BACKEND_DEPENDENT = (
    "*/catalog/tests/test_search_*.py",
    "*/catalog/tests/test_records_round_trip_through_the_database.py",
    "*/catalog/tests/test_import_command_dvcqg.py",
    "*/core/tests/test_psycopg_speedups_*.py",
    "*/core/tests/test_problems_lock_contention.py",
    "*/core/tests/test_migrations_are_complete.py",
    "*/demo/tests/test_generate_*.py",
    "*/dossiers/tests/test_api_submit_dossier.py",
    "*/dossiers/tests/test_api_list_filters_and_cursor.py",
    "*/dossiers/tests/test_api_actions_preconditions.py",
    "*/dossiers/tests/test_citizen_submits_online.py",
    "*/dossiers/tests/test_dossier_code_*.py",
    "*/dossiers/tests/test_events_*.py",
    "*/dossiers/tests/test_idempotency_key.py",
    "*/dossiers/tests/test_lifecycle_happy_path.py",
    "*/dossiers/tests/test_linked_groups.py",
    "*/dossiers/tests/test_stale_version_conflicts.py",
    "*/dossiers/tests/test_supplement_restarts_deadline.py",
    "*/exchange/tests/test_audit_*.py",
    "*/exchange/tests/test_concurrent_appends.py",
    "*/exchange/tests/test_purpose_binding_and_grants.py",
    "*/exchange/messaging/tests/test_signed_messages.py",
    "*/feedback/tests/test_api.py",
    "*/feedback/tests/test_generate_history.py",
    "*/feedback/tests/test_search_page.py",
    "*/feedback/tests/test_submit_and_lifecycle.py",
    "*/oversight/tests/test_dashboard_watch_list.py",
    "*/oversight/tests/test_facts_rebuild.py",
    "*/oversight/tests/test_index_compute.py",
    "*/oversight/tests/test_pakn_facts.py",
    "*/oversight/review/tests/test_bottlenecks_step_times.py",
    "*/oversight/review/tests/test_export_xes_ocel.py",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = str(item.path)
        if any(fnmatch(path, pattern) for pattern in BACKEND_DEPENDENT):
            item.add_marker(pytest.mark.backend)


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
