"""Notifications to people (e-mail, SMS) behind a plugin interface.

A *channel* (``email``, ``sms``) is delivered by one or more *backends*, chosen in settings::

    MOTCUA_NOTIFY_BACKENDS = {"email": ["file"], "sms": ["file"]}          # the embedded default
    MOTCUA_NOTIFY_BACKENDS = {"email": ["console", "myproject.notify.SmtpBackend"], "sms": ["myproject.VnptSms"]}

A backend is named by its registered name (:func:`register_backend`) or by the dotted path of its class. Built-in:
``console`` (prints the message to standard output) and ``file`` (appends one JSON line per message to
``MOTCUA_NOTIFY_DIR/<channel>.jsonl``, default ``var/notifications/``). Integrations (an SMTP relay, an SMS gateway,
the national portal's notification service) are small classes with a ``send(message)`` method, like the plugins of
Open Forms; a test can swap the registry's backends for its own.

Messages are not sent from the request: :func:`send_later` enqueues a ``notify`` job (:mod:`motcua.core.jobs`) that
runs after the commit and is retried with back-off. A job remembers which (message, backend) pairs already went out,
so a retry resends only what failed.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from . import jobs
from .models import Job
from .registry import Registry

__all__ = [
    "CHANNELS",
    "ConsoleBackend",
    "FileBackend",
    "Message",
    "NotificationBackend",
    "backends_for",
    "deliver",
    "register_backend",
    "send_later",
]

CHANNELS = ("email", "sms")


@dataclass(frozen=True)
class Message:
    """One message to one recipient on one channel. ``subject`` is for e-mail; SMS uses ``body`` only."""

    channel: str
    to: str
    body: str
    subject: str = ""
    meta: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Message:
        return cls(channel=data["channel"], to=data["to"], body=data["body"], subject=data.get("subject", ""),
                   meta=dict(data.get("meta") or {}))


class NotificationBackend(Protocol):
    """What a backend does: deliver one message, or raise (the job retries later)."""

    def send(self, message: Message) -> None: ...


# The notification backends by short name (core.registry's pattern); a test may swap in a fresh Registry.
backends: Registry[type] = Registry("notification backend")


def register_backend(name: str) -> Callable[[type], type]:
    """Register a backend class under a short name (a decorator): ``backends.register``."""
    return backends.register(name)


@register_backend("console")
class ConsoleBackend:
    """Prints each message to standard output (development)."""

    def __init__(self, stream=None) -> None:
        self.stream = stream

    def send(self, message: Message) -> None:
        stream = self.stream or sys.stdout
        header = f"[{message.channel}] → {message.to}"
        if message.subject:
            header += f" — {message.subject}"
        stream.write(f"{header}\n{message.body}\n\n")
        stream.flush()


_FILE_LOCK = threading.Lock()


@register_backend("file")
class FileBackend:
    """Appends each message as one JSON line to ``<directory>/<channel>.jsonl`` (the embedded default)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory or settings.MOTCUA_NOTIFY_DIR)

    def send(self, message: Message) -> None:
        if message.channel not in CHANNELS:
            raise ValueError(f"Unknown channel {message.channel!r}.")
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"sent_at": timezone.now().isoformat(), **message.as_dict()}, ensure_ascii=False)
        with _FILE_LOCK, open(self.directory / f"{message.channel}.jsonl", "a", encoding="utf-8") as out:
            out.write(line + "\n")


def _backend(spec: str) -> NotificationBackend:
    cls = backends.get(spec) or import_string(spec)
    return cls()


def backends_for(channel: str) -> list[str]:
    """The configured backend names (or dotted paths) of a channel."""
    return list(settings.MOTCUA_NOTIFY_BACKENDS.get(channel, ()))


def deliver(messages: list[Message], done: set[str] | None = None) -> set[str]:
    """Send every message through every backend of its channel, skipping the pairs in ``done``.

    Returns the pairs done (``"<index>:<backend>"``). Raises on the first failure, after recording what went out in
    ``done`` (mutated in place), so a retry resends only the rest.
    """
    done = set() if done is None else done
    for index, message in enumerate(messages):
        for spec in backends_for(message.channel):
            pair = f"{index}:{spec}"
            if pair in done:
                continue
            _backend(spec).send(message)
            done.add(pair)
    return done


def send_later(messages: list[Message], *, key: str | None = None) -> Job | None:
    """Enqueue the messages as one ``notify`` job, run after the current transaction commits."""
    if not messages:
        return None
    return jobs.enqueue("notify", {"messages": [m.as_dict() for m in messages], "done": []}, key=key)


@jobs.handler("notify")
def _run_notify_job(job: Job) -> None:
    messages = [Message.from_dict(m) for m in job.payload.get("messages", [])]
    done = set(job.payload.get("done", []))
    try:
        deliver(messages, done)
    finally:
        job.payload = {**job.payload, "done": sorted(done)}
