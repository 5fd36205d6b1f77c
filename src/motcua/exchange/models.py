"""Tables of exchange."""

from django.db import models  # noqa: F401
