"""Tables of exchange_messaging."""

from django.db import models  # noqa: F401
