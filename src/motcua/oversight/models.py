"""Tables of oversight."""

from django.db import models  # noqa: F401
