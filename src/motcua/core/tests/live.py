"""Real processes for the production tests: a migrated database, Redis, web servers, Celery workers and beat.

Each helper skips the test with a reason when what it needs (Redis, PostgreSQL) does not answer here. Every process
started is stopped at the end of its test (by its own pid).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from motcua.core import config

SRC = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
REDIS_URL = config.env("MOTCUA_TEST_REDIS_URL")
PG_URL = config.env("MOTCUA_TEST_PG_URL")
AMQP_URL = config.env("MOTCUA_TEST_AMQP_URL")


def rabbitmq_or_skip() -> str:
    from kombu import Connection

    try:
        with Connection(AMQP_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # any connection problem means "not here"
        pytest.skip(f"RabbitMQ does not answer at {AMQP_URL}: {exc}")
    return AMQP_URL


def delete_amqp_queue(name: str) -> None:
    from kombu import Connection

    with contextlib.suppress(Exception), Connection(AMQP_URL, connect_timeout=2) as conn:
        conn.default_channel.queue_delete(name)
        conn.default_channel.exchange_delete(name)


def redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # any connection problem means "not here"
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {exc}")
    return REDIS_URL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(var_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like process: shared Redis cache and broker, its own queue and key prefix."""
    run = uuid.uuid4().hex[:10]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL", "PYTEST",
                                                                     "DJANGO_SETTINGS"))}
    env.update({
        "PYTHONPATH": str(SRC), "DJANGO_SETTINGS_MODULE": "motcua.settings", "MOTCUA_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url, "MOTCUA_REDIS_URL": REDIS_URL, "MOTCUA_BROKER_URL": REDIS_URL,
        "MOTCUA_CACHE_PREFIX": f"t{run}", "MOTCUA_JOBS_QUEUE": f"t{run}", "MOTCUA_LOG_LEVEL": "INFO",
    })
    env.update(extra)
    return env


_TEMPLATE: dict[str, Path] = {}


def migrated_sqlite(tmp: Path) -> str:
    """A migrated SQLite file for this test (migrated once per session, then copied)."""
    if "sqlite" not in _TEMPLATE:
        folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"motcua-live-{os.getpid()}"
        folder.mkdir(parents=True, exist_ok=True)
        template = folder / "template.sqlite3"
        if not template.exists():
            env = base_env(folder, f"sqlite:///{template}")
            run_cli(env, "migrate", "-v0", timeout=300)
        _TEMPLATE["sqlite"] = template
    target = tmp / "db.sqlite3"
    shutil.copy(_TEMPLATE["sqlite"], target)
    return f"sqlite:///{target}"


def postgres_or_skip(name: str) -> str:
    """A fresh, migrated PostgreSQL database ``name`` (dropped first); skip when PostgreSQL does not answer."""
    try:
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # any connection problem means "not here"
        pytest.skip(f"PostgreSQL does not answer at {PG_URL}: {exc}")
    url = f"{PG_URL}/{name}"
    return url


def drop_postgres(name: str) -> None:
    import psycopg

    with contextlib.suppress(Exception), psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_cli(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    done = subprocess.run([PYTHON, "-c", "from motcua.cli import main; main()", *args], env=env, timeout=timeout,
                          capture_output=True, text=True)
    if done.returncode:
        raise AssertionError(f"motcua {' '.join(args)} failed: {done.stdout}\n{done.stderr}")
    return done.stdout


def run_python(env: dict[str, str], code: str, timeout: float = 60) -> str:
    """Run ``code`` in a fresh Django process with ``env``; its stdout."""
    prelude = "import django; django.setup()\n"
    done = subprocess.run([PYTHON, "-c", prelude + code], env=env, timeout=timeout, capture_output=True, text=True)
    if done.returncode:
        raise AssertionError(f"python failed: {done.stdout}\n{done.stderr}")
    return done.stdout


class Processes:
    """Processes started by one test, stopped (their own pids) at its end."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, env: dict[str, str], *args: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        proc = subprocess.Popen([PYTHON, *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        proc.log_path = self.logs / f"{name}.log"  # type: ignore[attr-defined]
        self.started.append(proc)
        return proc

    def worker(self, name: str, env: dict[str, str]) -> subprocess.Popen:
        return self.start(name, env, "-m", "celery", "-A", "motcua", "worker", "--pool", "solo", "-Q",
                          env["MOTCUA_JOBS_QUEUE"], "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h", "--without-gossip",
                          "--without-mingle", "--loglevel", "INFO")

    def beat(self, name: str, env: dict[str, str], folder: Path) -> subprocess.Popen:
        return self.start(name, env, "-m", "celery", "-A", "motcua", "beat", "--loglevel", "INFO",
                          "--schedule", str(folder / "beat-schedule"))

    def server(self, name: str, env: dict[str, str], port: int) -> str:
        proc = self.start(name, env, "-c", "from motcua.cli import main; main()", "serve", f"127.0.0.1:{port}")
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(url + "/healthz"), 60, f"{name} did not start", proc)
        return url

    def stop(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.started:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def tail(self) -> str:
        return "\n".join(f"--- {p.log_path.name}\n{p.log_path.read_text(errors='replace')[-3000:]}"  # type: ignore
                         for p in self.started)


def _answers(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def wait_for(predicate, seconds: float, message: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"{message}: the process ended ({proc.returncode}); "
                                 f"{proc.log_path.read_text(errors='replace')[-3000:]}")  # type: ignore
        time.sleep(0.2)
    raise AssertionError(message)


@contextlib.contextmanager
def processes(tmp: Path) -> Iterator[Processes]:
    procs = Processes(tmp)
    try:
        yield procs
    except BaseException:
        print(procs.tail())
        raise
    finally:
        procs.stop()
