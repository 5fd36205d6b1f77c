"""End-to-end tests run Django's live server and a synchronous Playwright browser in one process.

Every test here takes the one ``browser`` fixture below (Debian's Chromium, headless) and is marked ``e2e``; without
``/usr/bin/chromium`` they are skipped with the reason. Playwright's sync API runs an event loop in the test thread,
so Django's "async unsafe" guard would refuse the database calls the fixtures make; allowing them is safe here because
nothing else runs concurrently.
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                                                            "(apt-get install chromium, or `make system-packages`)")
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(skip)


@contextmanager
def _chromium():
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # Inside `sync_playwright()` (an event loop runs in this thread) Django's connection handler, an asgiref
            # Local, hands out another connection than outside: close it, or PostgreSQL cannot drop the test database.
            connections.close_all()


@pytest.fixture
def open_browser(live_server):
    """``with open_browser() as browser:`` for a test that must check something after the browser is gone: code that
    runs its own asyncio loop (pyHanko's validation) cannot run inside Playwright's."""
    return _chromium


@pytest.fixture
def browser(open_browser):
    """A headless Chromium for one test; each person in a test opens a context of their own."""
    with open_browser() as chromium:
        yield chromium


@pytest.fixture(autouse=True)
def _reference_units(request):
    """``live_server`` runs on ``transactional_db``, which empties the tables after each test: the provinces, communes
    and agencies the data migration loaded are gone for the next live-server test on the same worker. Put them back
    when they are missing, so no test depends on running first."""
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from motcua.units.models import Agency

    if not Agency.objects.filter(code="H01.TTPVHCC").exists():
        from motcua.units.services import load_reference_units

        load_reference_units()


@pytest.fixture(autouse=True)
def axe_found(request, monkeypatch):
    """Issue 14 point 13: every HTML page a test here opens with ``page.goto`` is checked with axe-core (vendored,
    no CDN) at 1280 and 390 px, right after it loads; the test fails, naming page, width and rule, if any violation
    was found. Pages reached by a click are checked where the test calls ``browsing.audit(page)``."""
    found: list[str] = []
    # A module not yet run with this check says so with ``AXE_EVERY_PAGE = False`` (remove it once it passes).
    if not {"browser", "open_browser"} & set(request.fixturenames) or not getattr(request.module, "AXE_EVERY_PAGE",
                                                                                   True):
        yield found
        return
    from browsing import audit, is_html
    from playwright.sync_api import Page

    original = Page.goto

    def goto(self, url, **kwargs):
        response = original(self, url, **kwargs)
        if is_html(response) and not getattr(self.context, "without_script", False):  # axe is a script
            audit(self, found)
        return response

    monkeypatch.setattr(Page, "goto", goto)
    yield found
    if found:
        pytest.fail("axe-core found accessibility problems:\n" + "\n".join(found), pytrace=False)
