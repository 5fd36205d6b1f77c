"""Every model change comes with its migration: a missing migration fails the build, not a deployment."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        if exc.code:
            pytest.fail(f"Missing migrations (run `motcua makemigrations`):\n{out.getvalue()}")
