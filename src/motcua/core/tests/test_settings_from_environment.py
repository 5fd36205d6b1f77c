"""Every command takes its database from DATABASE_URL; production refuses unsafe settings."""

import os
import subprocess
import sys

PROBE = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'motcua.settings'); django.setup(); "
    "from django.conf import settings; d = settings.DATABASES['default']; "
    "print(d['ENGINE'], d['NAME'], d.get('HOST', ''))"
)


STRONG_KEY = "kq3V9x-Hn2uR7wZb0tLs4YcP8eJm1AdGf6oQiK5TgXyN_pWrBvUh"  # 52 characters, many different ones


def _settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True,
                          timeout=60)


def test_database_url_selects_sqlite_file(tmp_path):
    out = _settings({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["django.db.backends.sqlite3", f"{tmp_path}/x.sqlite3"]


def test_database_url_selects_postgresql():
    out = _settings({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/motcua"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["django.db.backends.postgresql", "motcua", "127.0.0.1"]


def test_without_database_url_the_embedded_sqlite_file_under_var_is_used(tmp_path):
    out = _settings({"MOTCUA_VAR_DIR": str(tmp_path / "var")})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["django.db.backends.sqlite3", f"{tmp_path}/var/motcua.sqlite3"]


def test_production_refuses_debug_and_the_demo_secret_key():
    debug = _settings({"MOTCUA_ENV": "production", "MOTCUA_DEBUG": "1", "MOTCUA_SECRET_KEY": STRONG_KEY})
    assert debug.returncode != 0 and "MOTCUA_DEBUG" in debug.stderr
    demo_key = _settings({"MOTCUA_ENV": "production"})
    assert demo_key.returncode != 0 and "MOTCUA_SECRET_KEY" in demo_key.stderr
    ok = _settings({"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": STRONG_KEY, "MOTCUA_IDENTITY_PROVIDERS": "oidc"})
    assert ok.returncode == 0, ok.stderr


def test_production_refuses_the_demo_identity_provider():
    default = _settings({"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": STRONG_KEY})
    assert default.returncode != 0 and "demo identity provider" in default.stderr
    listed = _settings({"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": STRONG_KEY,
                        "MOTCUA_IDENTITY_PROVIDERS": "oidc, demo"})
    assert listed.returncode != 0 and "MOTCUA_IDENTITY_PROVIDERS=oidc" in listed.stderr
