"""Throwaway PostgreSQL servers for the production drills (replica, restarts): never the shared server.

``initdb`` refuses to run as root, so as root every PostgreSQL binary runs as the ``postgres`` OS user
(``runuser -u postgres --``) in a folder of ``/tmp`` it owns. Trust authentication, 127.0.0.1 only, a free port."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from motcua.core import config

BIN = Path(config.env("MOTCUA_PG_BIN"))


def missing() -> str:
    """Why the drills cannot run here ('' when they can)."""
    for name in ("initdb", "pg_ctl", "pg_basebackup", "postgres"):
        if not (BIN / name).exists():
            return f"PostgreSQL binaries not found in {BIN} ({name})"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser"
    if os.geteuid() == 0:
        try:
            subprocess.run(["id", "postgres"], check=True, capture_output=True)
        except subprocess.CalledProcessError:
            return "no postgres OS user to run initdb as"
    return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    cmd = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


class Cluster:
    """One PostgreSQL server in its own data folder."""

    def __init__(self, root: Path, name: str, port: int | None = None) -> None:
        self.root = root
        self.data = root / name
        self.port = port or free_port()
        self.log = root / f"{name}.log"

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def initdb(self, extra_conf: str = "") -> Cluster:
        _as_postgres([str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8", "--no-sync"])
        self._conf(f"wal_level = replica\nmax_wal_senders = 5\nfsync = off\nfull_page_writes = off\n"
                   f"shared_buffers = 32MB\nmax_connections = 80\n{extra_conf}")
        with open(self.data / "pg_hba.conf", "a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        return self

    def _conf(self, text: str) -> None:
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.root}'\n{text}\n")

    def basebackup_of(self, primary: Cluster) -> Cluster:
        """A streaming replica of ``primary`` (``pg_basebackup -R``: standby.signal and primary_conninfo)."""
        _as_postgres([str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                      "-D", str(self.data), "-R", "-X", "stream", "--no-sync"])
        self._conf("hot_standby = on\nhot_standby_feedback = on")
        return self

    def start(self) -> Cluster:
        _as_postgres([str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"])
        return self

    def stop(self, mode: str = "fast") -> None:
        _as_postgres([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"])

    def psql(self, sql: str, db: str = "postgres") -> str:
        return _as_postgres([str(BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db,
                             "-At", "-c", sql]).stdout.strip()


class Workspace:
    """A folder in /tmp owned by the postgres OS user; removed (servers stopped) on exit."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="motcua-pg-", dir="/tmp"))
        os.chmod(self.root, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.clusters: list[Cluster] = []

    def cluster(self, name: str) -> Cluster:
        c = Cluster(self.root, name)
        self.clusters.append(c)
        return c

    def close(self) -> None:
        for c in reversed(self.clusters):
            if (c.data / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.CalledProcessError):
                    c.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def wait_for(check, timeout: float = 30.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(every)
