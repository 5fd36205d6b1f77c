"""/metrics aggregates every gunicorn worker's counters (PROMETHEUS_MULTIPROC_DIR), and the embedded default's
single process serves health and metrics with no service at all (issue 13 point 5)."""

from __future__ import annotations

import re

import pytest
import requests

from . import live

pytestmark = [pytest.mark.slow]


def _count(text: str, route: str) -> float:
    pattern = (r'motcua_http_request_duration_seconds_count\{method="GET",route="' + route
               + r'",status="2xx"\} ([0-9.e+]+)')
    return sum(float(v) for v in re.findall(pattern, text))


def test_metrics_count_the_requests_of_every_worker(tmp_path):
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    env = live.base_env(tmp_path, live.migrated_sqlite(tmp_path), MOTCUA_REDIS_URL="", MOTCUA_BROKER_URL="",
                        PROMETHEUS_MULTIPROC_DIR=str(multiproc))
    port = live.free_port()
    with live.processes(tmp_path) as procs:
        proc = procs.start("gunicorn", env, "-c", "from motcua.cli import main; main()", "serve",
                           f"127.0.0.1:{port}", "--production", "--workers", "3")
        url = f"http://127.0.0.1:{port}"
        live.wait_for(lambda: live._answers(url + "/healthz"), 60, "gunicorn did not start", proc)
        for _ in range(60):  # new connections: gunicorn's sync workers share them out
            assert requests.get(url + "/healthz", headers={"Connection": "close"}, timeout=10).status_code == 200
        pids = {int(p.stem.rsplit("_", 1)[-1]) for p in multiproc.glob("*.db")}
        assert len(pids) >= 2, "the requests did not reach several workers"
        text = requests.get(url + "/metrics", timeout=20).text
        assert _count(text, "healthz") >= 61


def test_the_embedded_default_is_ready_with_no_service(tmp_path):
    env = live.base_env(tmp_path, live.migrated_sqlite(tmp_path), MOTCUA_REDIS_URL="", MOTCUA_BROKER_URL="")
    with live.processes(tmp_path) as procs:
        url = procs.server("web", env, live.free_port())
        ready = requests.get(url + "/readyz", timeout=20).json()
        assert ready["status"] == "ready", ready
        assert ready["checks"]["cache"]["detail"] == "LocMemCache"
        assert ready["checks"]["broker"]["detail"].startswith("inline")
        assert requests.get(url + "/", timeout=20).status_code == 200
