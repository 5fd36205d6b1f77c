"""Tables of identity."""

from django.db import models  # noqa: F401
