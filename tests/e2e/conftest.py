"""End-to-end tests run Django's live server and a synchronous Playwright browser in one process.

Playwright's sync API runs an event loop in the test thread, so Django's "async unsafe" guard would refuse the
database calls the fixtures make; allowing them is safe here because nothing else runs concurrently.
"""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
