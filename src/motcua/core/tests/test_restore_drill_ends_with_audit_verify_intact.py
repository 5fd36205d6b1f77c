"""Issue 13 point 7: the backup and restore drill of docs/operations.md, run for real on this machine.

A production-like database (PostgreSQL) gets a dossier history with its hash chains; the nightly backup takes a
signed checkpoint, dumps the database with ``pg_dump -Fc`` and keeps the checkpoint file beside the dump; production
goes on (more dossiers, the next checkpoint). On a "spare machine" (another folder, another database) the dump is
restored with ``pg_restore``, ``motcua migrate`` has nothing to apply, and ``motcua audit verify`` — with the audit
key from its own backup, the checkpoint file taken with the dump and the pinned public key — reports every chain
intact. Against production's later checkpoint the same restored copy is reported incomplete (exit 1): the entries
written after the dump are what a restore loses, and verify names them.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from motcua.core import config
from motcua.core.tests import live

pytestmark = [pytest.mark.backend, pytest.mark.slow]


def _tool(name: str) -> str:
    path = Path(config.env("MOTCUA_PG_BIN")) / name
    found = str(path) if path.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (MOTCUA_PG_BIN={config.env('MOTCUA_PG_BIN')})")
    return found


def _cli(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([live.PYTHON, "-c", "from motcua.cli import main; main()", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_a_restored_backup_verifies_intact_against_the_checkpoint_taken_with_it(tmp_path):
    pg_dump, pg_restore = _tool("pg_dump"), _tool("pg_restore")
    run = uuid.uuid4().hex[:8]
    names = (f"motcua_drill_{run}", f"motcua_drill_{run}_restored")
    production_url = live.postgres_or_skip(names[0])
    try:
        # Production: one process, no cache or broker needed for the drill (jobs run inline).
        production = live.base_env(tmp_path / "production", production_url, MOTCUA_REDIS_URL="",
                                   MOTCUA_BROKER_URL="", MOTCUA_LOG_LEVEL="WARNING")
        live.run_cli(production, "migrate", "-v0", timeout=900)
        live.run_cli(production, "demo", "generate", "--dossiers", "40", timeout=900)
        audit = tmp_path / "production" / "audit"

        # The nightly backup: a checkpoint, the dump, the checkpoint file beside it; the audit key and the public key
        # come from their own backups (never the database's).
        live.run_cli(production, "audit", "checkpoint", "--no-progress")
        public_key = live.run_cli(production, "audit", "public-key").strip()
        backup = tmp_path / "backup"
        backup.mkdir()
        subprocess.run([pg_dump, "-Fc", "-d", production_url, "-f", str(backup / "motcua.dump")], check=True,
                       timeout=600)
        shutil.copy(audit / "checkpoints.jsonl", backup / "checkpoints.jsonl")
        key_backup = tmp_path / "key-backup" / "chain.key"
        key_backup.parent.mkdir()
        shutil.copy(audit / "chain.key", key_backup)

        # Production goes on after the backup: more dossiers, and the next hour's checkpoint.
        live.run_cli(production, "demo", "generate", "--dossiers", "5", "--seed", "2", timeout=900)
        live.run_cli(production, "audit", "checkpoint", "--no-progress")

        # The drill, on the spare machine.
        restored_url = live.postgres_or_skip(names[1])
        subprocess.run([pg_restore, "--no-owner", "-d", restored_url, str(backup / "motcua.dump")], check=True,
                       timeout=600)
        spare = live.base_env(tmp_path / "spare", restored_url, MOTCUA_REDIS_URL="", MOTCUA_BROKER_URL="",
                              MOTCUA_LOG_LEVEL="WARNING", MOTCUA_AUDIT_KEY_FILE=str(key_backup),
                              MOTCUA_AUDIT_KEY_AUTOCREATE="0",
                              MOTCUA_AUDIT_CHECKPOINT_FILE=str(backup / "checkpoints.jsonl"),
                              MOTCUA_AUDIT_CHECKPOINT_PUBLIC_KEY=public_key)
        assert "No migrations to apply" in live.run_cli(spare, "migrate")
        assert "pending:" in live.run_cli(spare, "jobs", "status")
        verified = _cli(spare, "audit", "verify", "--no-progress")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        dossier_events = next(line for line in verified.stdout.splitlines() if line.startswith("dossier events"))
        assert "checked against the checkpoint of" in dossier_events and dossier_events.endswith(": intact")
        assert not (tmp_path / "spare" / "audit" / "chain.key").exists()  # no key was invented on the spare machine

        # The same copy against production's later checkpoint: what the backup does not hold is named, exit 1.
        later = {**spare, "MOTCUA_AUDIT_CHECKPOINT_FILE": str(audit / "checkpoints.jsonl")}
        incomplete = _cli(later, "audit", "verify", "--no-progress")
        assert incomplete.returncode == 1, incomplete.stdout + incomplete.stderr
        assert "deleted" in incomplete.stdout + incomplete.stderr
    finally:
        for name in names:
            live.drop_postgres(name)
