"""Issue 12 point 7: production settings are hardened — HSTS, Secure cookies, HTTPS redirect, a secret key of real
strength, ``manage.py check --deploy`` clean — and every response carries a Content-Security-Policy that the pages
keep to (no inline script, no inline style)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from motcua.core.tests.test_settings_from_environment import STRONG_KEY

PRODUCTION = {"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": STRONG_KEY, "MOTCUA_IDENTITY_PROVIDERS": "oidc",
              "MOTCUA_ALLOWED_HOSTS": "motcua.example.gov.vn"}
SRC = Path(__file__).resolve().parents[3]


def _run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    # The e2e conftest allows async-unsafe calls for Playwright in this process; a deployment never has it.
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("MOTCUA_", "DATABASE_URL")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**clean, "MOTCUA_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "motcua.settings",
           "PYTHONPATH": f"{SRC}{os.pathsep}{clean.get('PYTHONPATH', '')}", **env}
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    out = _run(["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_production_sets_hsts_secure_cookies_and_https(tmp_path):
    probe = ("import django; django.setup(); from django.conf import settings as s; "
             "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
             "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS)")
    out = _run(["-c", probe], PRODUCTION, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["31536000", "True", "True", "True", "True", "True", "DENY"]


@pytest.mark.parametrize("key", [
    "short-key",
    "a" * 64,  # long but one character
    "django-insecure-" + "x1y2z3w4v5" * 5,  # Django's own "not for production" prefix
], ids=["short", "one-character", "django-insecure-prefix"])
def test_production_refuses_a_weak_secret_key(tmp_path, key):
    out = _run(["-c", "import django; django.setup()"], {**PRODUCTION, "MOTCUA_SECRET_KEY": key}, tmp_path)
    assert out.returncode != 0
    assert "MOTCUA_SECRET_KEY is too weak" in out.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/dang-nhap/", "/phan-anh-kien-nghi/", "/api/v1/procedures", "/khong-co/"])
def test_every_response_carries_the_content_security_policy(path):
    response = Client().get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


@pytest.mark.django_db
def test_the_api_documentation_loads_its_script_from_a_file_not_inline():
    page = Client().get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> in the API documentation"
    assert "script-src 'self';" in page["Content-Security-Policy"]
    script = Client().get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    redoc = Client().get("/api/v1/redoc/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", redoc)


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"<style\b", re.I), "inline <style>"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    """What the policy would block: checked over every template of the project, so a new one cannot add it."""
    found = []
    for template in sorted((SRC / "motcua").rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        found += [f"{template.relative_to(SRC)}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert found == []
