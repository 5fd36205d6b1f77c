"""The monthly report prepared in the background and announced (issue 14 point 9): building it takes seconds, so the
page starts a job (:mod:`motcua.core.jobs`: a Celery worker in production; in the embedded default the web process,
once the page has been sent), shows the job's progress section by section — the nine steps of the command's progress
bar — and offers the file when it is ready.

Progress is kept in the shared cache (a worker's job runs in one transaction, so its row says nothing until the end);
the file in the document store (``reports/prepared/``). Only the user who asked for a report may follow or fetch it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from motcua.core import jobs
from motcua.core.models import Job, JobStatus

from .monthly import SECTIONS, build_monthly, render

KIND = "reports.monthly"
STEPS = len(SECTIONS) + 1  # the sections, then the file
FOLDER = "reports/prepared"
PROGRESS_SECONDS = 24 * 3600
STEP_LABELS = {
    "start": "Đang chờ bắt đầu",
    "dossiers": "Tình hình tiếp nhận, giải quyết hồ sơ",
    "index": "Chỉ số phục vụ người dân, doanh nghiệp",
    "late": "Hồ sơ trễ hạn và nguyên nhân",
    "feedback": "Phản ánh, kiến nghị",
    "obstacles": "Vướng mắc của Hội đồng tư vấn",
    "simplification": "Thủ tục đề xuất đơn giản hóa",
    "tasks": "Nhiệm vụ được giao",
    "online": "Dịch vụ công trực tuyến và chủ động",
    "rendered": "Tạo tệp",
}
CONTENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "pdf": "application/pdf"}


def file_name(period: str, scope: str, fmt: str) -> str:
    return f"bao-cao-thang-{period}-{scope.replace(':', '-')}.{fmt}"


def _progress_key(job: Job) -> str:
    # The job's creation time too: a job id alone may come back after the table is emptied (tests, a restore).
    return f"reports:monthly:progress:{job.pk}:{job.created_at.timestamp():.6f}"


def start(user, period: str, scope: str, fmt: str) -> Job:
    """Queue the report (checked by the caller: a valid month and scope the user may draw). The same request by the
    same user on the same figures gives the same job (a second click does not build it twice)."""
    from motcua.oversight.queries import after_response, watermark

    key = f"{KIND}:{user.pk}:{period}:{scope}:{fmt}:{watermark()}:{timezone.localdate():%Y%m%d}"[:200]
    inline = bool(settings.MOTCUA_JOBS_INLINE)
    job = jobs.enqueue(KIND, {"user": user.pk, "period": period, "scope": scope, "format": fmt},
                       key=key, max_attempts=2,
                       run_after=timezone.now() + timedelta(seconds=1) if inline else None)
    if inline and job.status == JobStatus.PENDING:
        after_response(job.pk, job.run_after)
    return job


@jobs.handler(KIND)
def build(job: Job) -> None:
    """Build the report, telling the cache each finished section, and store the file."""
    p = job.payload
    done = 0

    def progress(name: str) -> None:
        nonlocal done
        done += 1
        cache.set(_progress_key(job), {"done": done, "step": name}, PROGRESS_SECONDS)

    cache.set(_progress_key(job), {"done": 0, "step": "start"}, PROGRESS_SECONDS)
    report = build_monthly(p["period"], p["scope"], progress=progress)
    data = render(report, p["format"])
    progress("rendered")
    name = default_storage.save(f"{FOLDER}/{job.pk}-{file_name(p['period'], p['scope'], p['format'])}",
                                ContentFile(data))
    job.payload = {**p, "file": name, "size": len(data)}


def for_user(job_id: int, user) -> Job | None:
    """The report job ``job_id`` when ``user`` asked for it (``None`` otherwise: another user's job is not found)."""
    job = Job.objects.filter(pk=job_id, kind=KIND).first()
    if job is None or not user.is_authenticated or job.payload.get("user") != user.pk:
        return None
    return job


def status(job: Job) -> dict:
    """What the page shows: ``state`` (waiting, running, ready, failed), the steps done of :data:`STEPS`, the step's
    name in Vietnamese and, when ready, the file's size."""
    seen = cache.get(_progress_key(job)) or {"done": 0, "step": "start"}
    if job.status == JobStatus.DONE and job.payload.get("file"):
        state, done, step = "ready", STEPS, "rendered"
    elif job.status == JobStatus.FAILED:
        state, done, step = "failed", seen["done"], seen["step"]
    else:
        state, done, step = ("running" if seen["done"] or job.status == JobStatus.RUNNING else "waiting",
                             min(seen["done"], STEPS - 1) if job.status != JobStatus.DONE else seen["done"],
                             seen["step"])
    return {"state": state, "done": done, "steps": STEPS, "percent": round(100 * done / STEPS),
            "step": STEP_LABELS.get(step, step), "size": job.payload.get("size"),
            "format": job.payload.get("format", "pdf"), "period": job.payload.get("period"),
            "scope": job.payload.get("scope")}


def open_file(job: Job):
    """The stored file of a finished job (``None`` when there is none)."""
    name = job.payload.get("file")
    if job.status != JobStatus.DONE or not name or not default_storage.exists(name):
        return None
    return default_storage.open(name, "rb")
