"""The Celery application: ``celery -A motcua worker`` and ``celery -A motcua beat`` (docs/operations.md).

Configuration comes from Django's settings (``CELERY_*``, derived from ``MOTCUA_BROKER_URL`` and friends in
``motcua/settings.py``); the tasks are in :mod:`motcua.core.tasks`, the beat schedule in :mod:`motcua.core.schedule`.
Without a broker (the embedded default) nothing here is used: jobs run inline after their commit.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.worker_hijack_root_logger = False  # Django's LOGGING (JSON with request ids) stays in charge
app.conf.imports = ("motcua.core.tasks",)


@app.on_after_configure.connect
def _schedule(sender: Celery, **_kwargs) -> None:
    from motcua.core.schedule import beat_schedule

    sender.conf.beat_schedule = beat_schedule()
