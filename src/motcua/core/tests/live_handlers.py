"""A job kind for the worker-killing test (loaded through MOTCUA_JOBS_MODULES): its effect is a row it writes; on
its first run it announces itself in a marker file and waits long enough to be killed."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.utils import timezone

from motcua.core.jobs import handler
from motcua.core.models import Job, JobStatus


@handler("test.effect-then-wait")
def effect_then_wait(job: Job) -> None:
    Job.objects.create(kind="test.effect", payload={"of": job.pk}, status=JobStatus.DONE, run_after=timezone.now())
    marker = Path(job.payload["marker"])
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        time.sleep(120)
