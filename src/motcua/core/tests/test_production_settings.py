"""Production settings from the environment (issue 13): the shared cache, the broker, the document store; the
embedded default needs no service."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'motcua.settings'); django.setup(); "
    "from django.conf import settings as s; "
    "print(s.CACHES['default']['BACKEND'].rsplit('.', 1)[1], s.STORAGES['default']['BACKEND'].rsplit('.', 1)[1], "
    "s.MOTCUA_JOBS_INLINE, s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
)


def _probe(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL", "REDIS_URL"))}
    return subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("env, expected", [
    ({}, "LocMemCache FileSystemStorage True True memory://"),
    ({"MOTCUA_REDIS_URL": "redis://cache:6379/0", "MOTCUA_BROKER_URL": "redis://queue:6379/1",
      "MOTCUA_STORAGE": "s3", "MOTCUA_S3_BUCKET": "ho-so"},
     "RedisCache S3Storage False False redis://queue:6379/1"),
    ({"REDIS_URL": "redis://cache:6379/0", "MOTCUA_BROKER_URL": "amqp://guest:guest@mq:5672//"},
     "RedisCache FileSystemStorage False False amqp://guest:guest@mq:5672//"),
], ids=["embedded-default", "redis-and-s3", "rabbitmq-broker"])
def test_the_environment_selects_cache_broker_and_store(env, expected):
    out = _probe(env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected


def test_an_unknown_store_is_refused_at_start():
    out = _probe({"MOTCUA_STORAGE": "ftp"})
    assert out.returncode != 0 and "MOTCUA_STORAGE" in out.stderr


def test_json_logs_are_one_object_a_line_with_the_request_id():
    code = ("import django, logging, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'motcua.settings'); "
            "django.setup(); from motcua.core.observability import set_request_id; set_request_id('yeu-cau-9'); "
            "logging.getLogger('motcua.test').warning('Hồ sơ %s', 'H01')")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL", "REDIS_URL"))}
    out = subprocess.run([sys.executable, "-c", code], env={**clean, "MOTCUA_LOG_FORMAT": "json"},
                         capture_output=True, text=True, timeout=60)
    import json

    line = json.loads(out.stderr.strip().splitlines()[-1])
    assert (line["level"], line["message"], line["request_id"]) == ("WARNING", "Hồ sơ H01", "yeu-cau-9")
