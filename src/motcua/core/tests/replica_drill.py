"""Driven by ``test_figures_from_a_streaming_replica.py`` in its own process: DATABASE_URL is a throwaway primary,
MOTCUA_REPLICA_DATABASE_URL its streaming replica. Prints what it observed as one JSON object on the last line."""

from __future__ import annotations

import json
import os
import re
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections, router  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from motcua.core import replica  # noqa: E402
from motcua.core.tests.pgcluster import wait_for  # noqa: E402
from motcua.oversight.facts import EVENTS  # noqa: E402
from motcua.oversight.models import FactWatermark  # noqa: E402

FACTS = "/api/v1/oversight/facts"


def observe(client: Client) -> dict:
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        r = client.get(FACTS)
    return {"status": r.status_code, "watermark": r.json()["watermark"], "source": r["X-Figures-Source"],
            "as_of": r["X-Figures-As-Of"], "lag": r.get("X-Replica-Lag-Seconds"),
            "replica_sql": [q["sql"] for q in on_replica.captured_queries]}


def replica_sql(sql: str):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def main() -> None:
    out: dict = {}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    out["migrate_seconds"] = round(time.monotonic() - started, 1)
    FactWatermark.objects.update_or_create(name=EVENTS, defaults={"last_id": 100, "refreshed_at": timezone.now()})
    wait_for(lambda: replica.choose_source().replica and replica.choose_source().lag_seconds == 0, 30)
    client = Client()
    out["caught_up"] = observe(client)
    page = client.get("/giam-sat/")
    stamp = re.search(r'<p class="figures-as-of"[^>]*>(.*?)</p>', page.content.decode())
    out["page"] = {"status": page.status_code, "stamp": stamp.group(1) if stamp else None}
    with replica.reading_figures(replica.FiguresSource("replica", timezone.now(), 0.0)):
        out["routes"] = {"fact_read": router.db_for_read(FactWatermark),
                         "fact_write": router.db_for_write(FactWatermark),
                         "user_read": router.db_for_read(get_user_model())}
    out["routes_outside"] = router.db_for_read(FactWatermark) or "default"

    # The replica falls behind: replay paused, a newer figure committed on the primary.
    replica_sql("SELECT pg_wal_replay_pause()::text")
    wait_for(lambda: replica_sql("SELECT pg_get_wal_replay_pause_state()") == "paused", 10)
    time.sleep(1.0)
    written_at = timezone.now()
    FactWatermark.objects.filter(name=EVENTS).update(last_id=200)
    out["written_at"] = written_at.isoformat()
    time.sleep(1.5)
    settings.MOTCUA_REPLICA_MAX_LAG_SECONDS = 3600
    out["behind_within_limit"] = observe(client)
    page = client.get("/giam-sat/chi-so/")
    stamp = re.search(r'<p class="figures-as-of"[^>]*>(.*?)</p>', page.content.decode())
    out["behind_page_stamp"] = stamp.group(1) if stamp else None
    settings.MOTCUA_REPLICA_MAX_LAG_SECONDS = 1
    out["behind_beyond_limit"] = observe(client)

    replica_sql("SELECT pg_wal_replay_resume()::text")
    settings.MOTCUA_REPLICA_MAX_LAG_SECONDS = 60
    wait_for(lambda: replica.choose_source().lag_seconds == 0 and replica.choose_source().replica, 30)
    out["resumed"] = observe(client)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
