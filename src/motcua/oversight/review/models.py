"""Tables of oversight_review."""

from django.db import models  # noqa: F401
