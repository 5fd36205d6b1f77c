"""Tables of exchange_store."""

from django.db import models  # noqa: F401
