"""Every environment variable motcua reads, declared once: its name, type, default and meaning (issue 13 point 7).

``motcua/settings.py`` builds the Django settings from :func:`load`: each declared ``MOTCUA_*`` variable becomes the
Django setting of the same name (a few become Django's own: ``MOTCUA_DEBUG`` → ``DEBUG``), always defined and of
the declared type, so code reads ``settings.MOTCUA_X`` — never ``getattr(settings, "MOTCUA_X", default)`` with a
default repeated where it is read — and tests still override with ``override_settings`` or pytest-django's
``settings``. A value that does not parse stops start-up with :class:`~django.core.exceptions.ImproperlyConfigured`
naming the variable (``MOTCUA_REPLICA_MAX_LAG_SECONDS='abc': expected a number …``).

The variables a deployment never sets (the test suite's) are declared too, in their own group, and read through
:func:`env`. ``docs/operations.md``'s table is :func:`markdown_table` (``motcua settings --markdown``; a test keeps
them equal), and ``motcua settings`` shows what a process runs with (secrets masked).

This module imports nothing of motcua and no Django model: ``settings.py`` imports it before Django is set up.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "DECLARED",
    "GROUPS",
    "Var",
    "by_name",
    "display",
    "env",
    "load",
    "markdown_table",
    "unknown_in",
]

# The kinds of value and how the table names them. Code receives: str (text, secret, path, url, choice), int, float,
# bool (`1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`), tuple[str, ...] (list: comma-separated, blanks dropped),
# the decoded value (json). A blank value is the default.
KINDS: dict[str, str] = {
    "str": "text", "secret": "secret text", "int": "integer", "float": "number", "bool": "`1`/`0`",
    "list": "comma-separated", "json": "JSON", "path": "path", "url": "URL", "choice": "",
}

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Var:
    """One environment variable.

    ``default`` is the value when the variable is unset or blank, or a function of the values declared before it
    (``MOTCUA_JOBS_INLINE`` depends on ``MOTCUA_BROKER_URL``); ``default_text`` then says it in words for the table.
    ``setting`` is the Django setting it becomes: ``""`` its own name, ``None`` none (``DATABASE_URL``, which
    becomes ``DATABASES``; the test suite's variables; those a library reads itself).
    """

    name: str
    kind: str
    default: Any
    meaning: str
    group: str
    default_text: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    shape: type | None = None  # json: dict or list (default: the default's type)
    setting: str | None = ""

    @property
    def django_name(self) -> str | None:
        return self.name if self.setting == "" else self.setting

    @property
    def secret(self) -> bool:
        return self.kind == "secret"


def _under_var(*parts: str) -> Callable[[Mapping[str, Any]], str]:
    def default(values: Mapping[str, Any]) -> str:
        return str(Path(values["MOTCUA_VAR_DIR"], *parts))

    return default


def _sqlite_default(values: Mapping[str, Any]) -> str:
    return f"sqlite:///{Path(values['MOTCUA_VAR_DIR']) / 'motcua.sqlite3'}"


_DEMO_SECRET = "motcua-demo-secret-key-not-for-production"
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

GROUPS: tuple[tuple[str, str], ...] = (
    ("deployment", "Deployment and local state"),
    ("security", "Security: HTTPS, proxies, sign-in, rate limits, metrics"),
    ("identity", "Sign-in with e-identification (OpenID Connect)"),
    ("audit", "Audit trails and digital signatures"),
    ("services", "Shared cache, background work, document store, read replica"),
    ("exchange", "Base registries and messages between deployments"),
    ("dossiers", "Dossiers, documents, notifications, catalog exports"),
    ("feedback", "Feedback and petitions (PAKN), Open311"),
    ("oversight", "Steering, evaluation, service index, procedure review"),
    ("tests", "The test suite only (never set in a deployment)"),
)


def _v(group: str) -> Callable[..., Var]:
    def make(name: str, kind: str, default: Any, meaning: str, **kw: Any) -> Var:
        return Var(name, kind, default, meaning, group, **kw)

    return make


_dep, _sec, _idn, _aud, _svc, _exc, _dos, _pakn, _ovs, _tst = (_v(g) for g, _ in GROUPS)

DECLARED: tuple[Var, ...] = (
    # --- deployment ------------------------------------------------------------------------------------------------
    _dep("MOTCUA_ENV", "choice", "development", "`production` refuses debug, the demo secret key, the demo sign-in, "
       "the demo signing CA and demo data", choices=("development", "production"), setting="ENVIRONMENT"),
    _dep("MOTCUA_DEBUG", "bool", False, "Django's debug mode (development only; refused in production)",
       setting="DEBUG"),
    _dep("MOTCUA_SECRET_KEY", "secret", _DEMO_SECRET, "Django's secret key (sessions, CSRF, password-reset links) — "
       "the same on every server; in production at least 50 random characters", default_text="a demo key",
       setting="SECRET_KEY"),
    _dep("MOTCUA_ALLOWED_HOSTS", "list", ("127.0.0.1", "localhost", "testserver"), "the host names the application "
       "answers (the reverse proxy's `Host`; health probes must send one of them)", setting="ALLOWED_HOSTS"),
    _dep("MOTCUA_VAR_DIR", "path", "var", "local state: the SQLite file, uploads with the local store, keys, "
       "checkpoints, notifications (relative to the working directory)", default_text="`./var`",
       setting="VAR_DIR"),
    _dep("DATABASE_URL", "url", _sqlite_default, "the database: `postgres://user:password@host:port/name` in "
       "production, or `sqlite:///path`", default_text="SQLite file `$MOTCUA_VAR_DIR/motcua.sqlite3`", setting=None),
    _dep("MOTCUA_LOG_LEVEL", "choice", "WARNING", "the root log level",
       choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    _dep("MOTCUA_LOG_FORMAT", "choice", "text", "`json`: one JSON object a line (`time`, `level`, `name`, `message`, "
       "`request_id`; python-json-logger)", choices=("text", "json")),
    # --- security --------------------------------------------------------------------------------------------------
    _sec("MOTCUA_SSL_REDIRECT", "bool", True, "in production, redirect HTTP to HTTPS (`0` when the proxy already "
       "does; `/healthz`, `/readyz`, `/metrics` are exempt)"),
    _sec("MOTCUA_HSTS_SECONDS", "int", 31_536_000, "Strict-Transport-Security max-age in production (`0` turns it "
       "off)", minimum=0),
    _sec("MOTCUA_HSTS_INCLUDE_SUBDOMAINS", "bool", True, "HSTS `includeSubDomains`"),
    _sec("MOTCUA_HSTS_PRELOAD", "bool", True, "HSTS `preload`"),
    _sec("MOTCUA_BEHIND_HTTPS_PROXY", "bool", True, "in production, believe the proxy's `X-Forwarded-Proto: https` "
       "(the proxy must set it, never pass the client's on)"),
    _sec("MOTCUA_CSRF_TRUSTED_ORIGINS", "list", (), "origins allowed for forms when the public address differs from "
       "the host the application sees (`https://dichvucong.example.gov.vn`)", setting="CSRF_TRUSTED_ORIGINS"),
    _sec("MOTCUA_CSP", "str", _CSP, "the whole Content-Security-Policy header of every response",
       default_text="`'self'` only, no inline script or style, no framing"),
    _sec("MOTCUA_TRUSTED_PROXIES", "list", (), "reverse proxies (addresses or CIDR blocks) whose `X-Forwarded-For` is "
       "believed, read right to left — the client address of rate limits and sign-in lock-out; list the proxy when "
       "one sits in front, or every citizen shares its counter", default_text="none (`REMOTE_ADDR`)"),
    _sec("MOTCUA_SIGNIN_LOCKOUT", "bool", True, "lock sign-in after repeated failures (django-axes, counted in the "
       "database)"),
    _sec("MOTCUA_SIGNIN_FAILURE_LIMIT", "int", 5, "failed sign-ins for one user name or from one address before "
       "sign-in is refused", minimum=1),
    _sec("MOTCUA_SIGNIN_COOLOFF_MINUTES", "float", 15.0, "how long sign-in stays refused after the limit", minimum=0),
    _sec("MOTCUA_TRACK_ATTEMPTS", "int", 10, "dossier look-ups by code on the public tracking page per address and "
       "session in the window", minimum=1),
    _sec("MOTCUA_TRACK_WINDOW_SECONDS", "int", 600, "the window of `MOTCUA_TRACK_ATTEMPTS`", minimum=1),
    _sec("MOTCUA_METRICS_TOKEN", "secret", "", "a bearer token that opens `/metrics` from any address",
       default_text="none"),
    _sec("MOTCUA_METRICS_ALLOW", "list", ("127.0.0.1", "::1"), "addresses or networks that read `/metrics` without "
       "the token"),
    # --- identity --------------------------------------------------------------------------------------------------
    _idn("MOTCUA_IDENTITY_PROVIDERS", "list", ("demo", "oidc"), "sign-in providers offered (`oidc` shows only when "
       "configured); production refuses `demo`"),
    _idn("MOTCUA_OIDC_CLIENT_ID", "str", "", "the OpenID Connect client id (VNeID-style provider)"),
    _idn("MOTCUA_OIDC_CLIENT_SECRET", "secret", "", "its client secret"),
    _idn("MOTCUA_OIDC_AUTHORIZATION_ENDPOINT", "url", "", "the provider's authorization endpoint"),
    _idn("MOTCUA_OIDC_TOKEN_ENDPOINT", "url", "", "the provider's token endpoint"),
    _idn("MOTCUA_OIDC_USERINFO_ENDPOINT", "url", "", "the provider's userinfo endpoint"),
    _idn("MOTCUA_OIDC_JWKS_ENDPOINT", "url", "", "the provider's signing keys (JWKS)"),
    _idn("MOTCUA_OIDC_SIGN_ALGO", "str", "RS256", "the ID token's signature algorithm"),
    _idn("MOTCUA_OIDC_SCOPES", "str", "openid profile", "the scopes asked for (space-separated)"),
    _idn("MOTCUA_OIDC_LEVEL_CLAIM", "str", "acr", "the claim that gives the e-identification level (1 or 2)"),
    _idn("MOTCUA_OIDC_PERSONAL_ID_CLAIM", "str", "personal_id", "the claim that gives the personal identification "
       "number"),
    _idn("MOTCUA_OIDC_LABEL", "str", "VNeID", "the provider's name on the sign-in button"),
    _idn("MOTCUA_OIDC_TIMEOUT", "float", 10.0, "seconds to wait for the provider", minimum=0),
    # --- audit -----------------------------------------------------------------------------------------------------
    _aud("MOTCUA_AUDIT_KEY_FILE", "path", _under_var("audit", "chain.key"), "HMAC key file of the audit trails' hash "
       "chains — keep it off the database server and out of database backups (docs/security.md)",
       default_text="`$MOTCUA_VAR_DIR/audit/chain.key`"),
    _aud("MOTCUA_AUDIT_KEY_AUTOCREATE", "bool", True, "create that key file on first use; set `0` in production and "
       "create it with `motcua audit rotate-key`"),
    _aud("MOTCUA_AUDIT_CHECKPOINT_FILE", "path", _under_var("audit", "checkpoints.jsonl"), "signed checkpoints of "
       "every chain (append-only JSON lines, `motcua audit checkpoint`)",
       default_text="`$MOTCUA_VAR_DIR/audit/checkpoints.jsonl`"),
    _aud("MOTCUA_AUDIT_SIGNING_KEY_FILE", "path", _under_var("audit", "checkpoint-key.pem"), "the checkpoints' Ed25519 "
       "signing key", default_text="`$MOTCUA_VAR_DIR/audit/checkpoint-key.pem`"),
    _aud("MOTCUA_AUDIT_CHECKPOINT_PUBLIC_KEY", "str", "", "the checkpoints' public key to pin (base64, from "
       "`motcua audit public-key`)", default_text="derived from the signing key file"),
    _aud("MOTCUA_ACCESS_LOG_DURABLE", "bool", True, "`0`: a standalone personal-data access-log entry commits without "
       "waiting for the disk (PostgreSQL `synchronous_commit = off` for that transaction; a database crash can lose "
       "the last fraction of a second, as a whole tail)"),
    _aud("MOTCUA_SIGNING_DIR", "path", _under_var("signing"), "PAdES signing keys (Decree 118/2025 Art. 17(1)(c), "
       "19(2), 22): `officers/<user name>.p12` and `agencies/<agency code>.p12` (other characters than "
       "`A–Z a–z 0–9 . _ -` become `_`), each with its key, certificate and chain",
       default_text="`$MOTCUA_VAR_DIR/signing`"),
    _aud("MOTCUA_SIGNING_PASSPHRASE", "secret", "", "the passphrase of those PKCS#12 files", default_text="none"),
    _aud("MOTCUA_SIGNING_TRUST_ROOTS", "list", (), "PEM or DER root certificates a signature must chain to for the "
       "pages to call it valid", default_text="none (plus the demo root when the demo CA is on)"),
    _aud("MOTCUA_SIGNING_DEMO_CA", "bool", lambda v: v["MOTCUA_ENV"] != "production", "signers without a PKCS#12 file "
       "get a certificate from a demo CA under `$MOTCUA_VAR_DIR/signing-demo/`, marked \"DEMO — KHÔNG CÓ GIÁ TRỊ "
       "PHÁP LÝ\"; refused in production", default_text="`1` outside production, `0` in production"),
    # --- services --------------------------------------------------------------------------------------------------
    _svc("REDIS_URL", "url", "", "read when `MOTCUA_REDIS_URL` is unset", default_text="none", setting=None),
    _svc("MOTCUA_REDIS_URL", "url", lambda v: v["REDIS_URL"], "the shared cache (Django's `RedisCache`): API tokens, "
       "sessions, signed-in users, officer scopes, calendar stamp, rate limits, beat locks. **Required with more "
       "than one process**", default_text="`REDIS_URL`; unset: local-memory cache (one process)"),
    _svc("MOTCUA_CACHE_PREFIX", "str", "motcua", "prefix of every cache key (two deployments on one Redis; change it "
       "to drop every cached entry at an upgrade)"),
    _svc("MOTCUA_SESSION_CACHE_SECONDS", "float", 5.0, "lifetime of the cached signed-in sessions and users; a "
       "sign-out, new password, deactivation or role change made through the application applies on every server "
       "at once, a bulk SQL change within this time; `0` turns it off", minimum=0),
    _svc("MOTCUA_TOKEN_CACHE_SECONDS", "float", 5.0, "the same for API tokens", minimum=0),
    _svc("MOTCUA_QUEUE_CACHE_SECONDS", "float", 5.0, "the same for the officer pages' roles, agency lists and "
       "calendar stamp", minimum=0),
    _svc("MOTCUA_CALENDAR_CACHE_SECONDS", "float", 60.0, "lifetime of each process's built working calendars (cannot "
       "be wrong: keyed by the exceptions' stamp and a shared edit counter); `0` turns it off", minimum=0),
    _svc("MOTCUA_BROKER_URL", "url", "", "Celery's broker: `redis://host:6379/1` or `amqp://user:pass@host:5672//`",
       default_text="none: no broker, jobs run inline"),
    _svc("MOTCUA_JOBS_INLINE", "bool", lambda v: not v["MOTCUA_BROKER_URL"], "`1`: run jobs in the web process right "
       "after the commit; `0`: hand them to the broker (or to `motcua jobs run`)",
       default_text="`1` without a broker, `0` with one"),
    _svc("MOTCUA_JOBS_QUEUE", "str", "motcua", "the Celery queue of jobs and scheduled commands"),
    _svc("MOTCUA_JOBS_MODULES", "list", (), "extra modules with job handlers, imported by workers",
       default_text="none"),
    _svc("MOTCUA_JOBS_MAX_ATTEMPTS", "int", 5, "tries of a failing job before it is marked failed", minimum=1),
    _svc("MOTCUA_JOBS_BACKOFF_SECONDS", "float", 60.0, "the wait after a job's first failure, doubled after each "
       "further one (capped at 6 hours)", minimum=0),
    _svc("MOTCUA_BROKER_VISIBILITY_TIMEOUT", "int", 3600, "Redis broker: seconds before a message taken by a dead "
       "worker is delivered again (must exceed the longest job)", minimum=1),
    _svc("MOTCUA_BEAT_EVERY_SECONDS", "float", 0.0, "run every beat entry at this interval instead of its schedule "
       "(tests, drills; each message then expires after three intervals)", default_text="0 (the schedule)",
       minimum=0),
    _svc("MOTCUA_BEAT_ONLY", "list", (), "beat entry names to keep (drills that check some entries)",
       default_text="all entries"),
    _svc("MOTCUA_STORAGE", "choice", "local", "the document store: `local` (files under `$MOTCUA_VAR_DIR/media`) or "
       "`s3` (an S3-compatible store through django-storages)", choices=("local", "s3")),
    _svc("MOTCUA_S3_BUCKET", "str", "motcua", "the bucket (objects private, never overwritten, URLs signed for 5 "
       "minutes)"),
    _svc("MOTCUA_S3_ENDPOINT_URL", "url", "", "the store's endpoint (MinIO, Ceph, a cloud's object storage)",
       default_text="the SDK's"),
    _svc("MOTCUA_S3_REGION", "str", "", "the store's region", default_text="the SDK's"),
    _svc("MOTCUA_S3_ACCESS_KEY_ID", "str", "", "the access key id", default_text="the environment or instance role"),
    _svc("MOTCUA_S3_SECRET_ACCESS_KEY", "secret", "", "the secret access key",
       default_text="the environment or instance role"),
    _svc("MOTCUA_REPLICA_DATABASE_URL", "secret", "", "a PostgreSQL streaming replica of `DATABASE_URL` "
       "(`postgres://…`): the figure pages read from it", default_text="none: everything on the primary"),
    _svc("MOTCUA_REPLICA_MAX_LAG_SECONDS", "float", 60.0, "a replica further behind the primary than this is not "
       "read: the page reads the primary", minimum=0),
    _svc("MOTCUA_REPLICA_PATHS", "list", ("/giam-sat/", "/bao-cao/", "/api/v1/oversight/"), "the GET paths whose "
       "figures may come from the replica (prefixes)"),
    _svc("PROMETHEUS_MULTIPROC_DIR", "path", "", "prometheus-client's own variable: a folder for gunicorn's several "
       "worker processes (empty it at each start)", default_text="none: one process", setting=None),
    # --- exchange --------------------------------------------------------------------------------------------------
    _exc("MOTCUA_REGISTRIES", "str", "", "where each base registry is served: `name=url,…`, one URL for all, or JSON",
       default_text="the simulated registries, in-process"),
    _exc("MOTCUA_REGISTRY_SEED", "int", 2026, "the seed of the simulated registries' people and businesses"),
    _exc("MOTCUA_REGISTRY_TIMEOUT", "float", 2.0, "seconds to wait for a base registry over HTTP", minimum=0),
    _exc("MOTCUA_REGISTRY_RETRIES", "int", 2, "retries of a registry call that timed out or failed", minimum=0),
    _exc("MOTCUA_REGISTRY_BREAKER", "int", 5, "consecutive failures after which a registry is not called for a while "
       "(circuit breaker)", minimum=1),
    _exc("MOTCUA_DEPLOYMENT_ID", "str", "local", "this deployment's id in messages to other deployments"),
    _exc("MOTCUA_SIGNING_KEY_FILE", "path", _under_var("exchange", "signing-key.pem"), "this deployment's Ed25519 key "
       "for messages to other deployments", default_text="`$MOTCUA_VAR_DIR/exchange/signing-key.pem`"),
    _exc("MOTCUA_EXCHANGE_TIMEOUT", "float", 10.0, "seconds to wait for another deployment", minimum=0),
    _exc("MOTCUA_EXCHANGE_BACKOFF_SECONDS", "float", 5.0, "the wait before a message's second delivery, doubled after "
       "each further failure", minimum=0),
    _exc("MOTCUA_EXCHANGE_BACKOFF_MAX", "float", 600.0, "the longest wait between deliveries", minimum=0),
    _exc("MOTCUA_EXCHANGE_MAX_MESSAGE_AGE", "float", 7 * 86400.0, "a message created longer ago than this many seconds "
       "is refused (`400 out_of_time`; the sender stops retrying); raise it if outages can last longer",
       default_text="604800 (7 days)", minimum=0),
    _exc("MOTCUA_EXCHANGE_MAX_CLOCK_SKEW", "float", 300.0, "a message created further ahead of this clock is refused",
       minimum=0),
    _exc("MOTCUA_EXCHANGE_HANDLER_MODULES", "list", (), "extra modules with message handlers", default_text="none"),
    # --- dossiers --------------------------------------------------------------------------------------------------
    _dos("MOTCUA_PUBLIC_URL", "url", "", "the public address of links in notifications and reminders "
       "(`https://dichvucong.example.gov.vn`)", default_text="none: links without a host"),
    _dos("MOTCUA_NOTIFY_BACKENDS", "json", {"email": ["file"], "sms": ["file"]}, "notification backends per channel: "
       "`{\"email\": [\"file\" | \"console\" | dotted path, …], \"sms\": […]}`"),
    _dos("MOTCUA_NOTIFY_DIR", "path", _under_var("notifications"), "the folder of the `file` notification backend",
       default_text="`$MOTCUA_VAR_DIR/notifications`"),
    _dos("MOTCUA_UPLOAD_MAX_BYTES", "int", 20 * 1024 * 1024, "largest uploaded document",
       default_text="20971520 (20 MiB)", minimum=1),
    _dos("MOTCUA_UPLOAD_TYPES", "list", ("pdf", "jpeg", "png", "tiff"), "the document types accepted (judged from the "
       "bytes)"),
    _dos("MOTCUA_UPLOAD_SCANNER", "str", "", "dotted path of a function called with each upload before it is stored "
       "(a virus scanner); it raises to refuse", default_text="none"),
    _dos("MOTCUA_NATIONAL_PORTAL_ID", "str", "CDVCQG", "the identifier carried by the code of a linked group "
       "submitted online (Decree 118/2025 Art. 28(2)(a): the national public service portal's; in person or by post "
       "the receiving desk's); a code once given stays valid for look-up"),
    _dos("MOTCUA_GROUP_LIMITS", "json", {}, "time limits of linked-group members not fixed in domain.md (death "
       "group: removal of residence, funeral allowance): "
       "`{\"LT-KT-XTT-MT\": {\"residence_removal\": [2, \"working_days\"], …}}`",
       default_text="`{}`: group 1's figures, marked [open]"),
    _dos("MOTCUA_GROUP_AGENCIES", "json", {}, "the agency code of a linked group's member per group: "
       "`{\"<group>\": {\"<member>\": \"<agency code>\"}}`", default_text="`{}`: the group's own"),
    _dos("MOTCUA_FORM_SETS", "json", {}, "corrections of an official form's number or title per set: "
       "`{\"tt03-2025\": {\"stop\": {\"title\": \"…\"}}}`", default_text="`{}`: Circular 03/2025 Annex I"),
    _dos("MOTCUA_PDF_FONTS", "json", None, "TrueType files of the forms' PDF: `{\"regular\": path, \"bold\": path, "
       "\"italic\": path}` (they must cover Vietnamese)", default_text="DejaVu/Liberation/Noto, found on the system",
       shape=dict),
    _dos("MOTCUA_BASE_IRI", "url", "https://motcua.example/id/", "base of the IRIs in the CPSV-AP catalog exports"),
    # --- feedback --------------------------------------------------------------------------------------------------
    _pakn("MOTCUA_PAKN_REFUSE_DAYS", "int", None, "working days to refuse a PAKN item (Decree 20/2008 as amended)",
       default_text="the rule set in force: 2", minimum=0),
    _pakn("MOTCUA_PAKN_FORWARD_DAYS", "int", None, "working days to forward an item outside competence",
       default_text="the rule set in force: 5", minimum=0),
    _pakn("MOTCUA_PAKN_SUPPLEMENT_DAYS", "int", None, "working days to ask for a supplement",
       default_text="the rule set in force: 5", minimum=0),
    _pakn("MOTCUA_PAKN_ANSWER_DAYS", "int", None, "working days to answer, from receipt or forwarding",
       default_text="the rule set in force: 15", minimum=0),
    _pakn("MOTCUA_PAKN_PUBLISH_DAYS", "int", None, "working days to publish after approval",
       default_text="the rule set in force: 2", minimum=0),
    _pakn("MOTCUA_PAKN_SUBMIT_LIMIT", "int", 5, "PAKN submissions per address and per account in the window",
       minimum=1),
    _pakn("MOTCUA_PAKN_SUBMIT_WINDOW_SECONDS", "int", 3600, "the window of `MOTCUA_PAKN_SUBMIT_LIMIT`", minimum=1),
    _pakn("MOTCUA_PAKN_RATE_LIMIT", "int", 30, "ratings, re-complaints and supplements per address and account in the "
       "window", minimum=1),
    _pakn("MOTCUA_PAKN_RATE_WINDOW_SECONDS", "int", 3600, "the window of `MOTCUA_PAKN_RATE_LIMIT`", minimum=1),
    _pakn("MOTCUA_PAKN_LOOKUP_LIMIT", "int", 10, "failed look-ups by code and contact in the window", minimum=1),
    _pakn("MOTCUA_PAKN_LOOKUP_WINDOW_SECONDS", "int", 600, "the window of `MOTCUA_PAKN_LOOKUP_LIMIT`", minimum=1),
    _pakn("MOTCUA_PAKN_MAX_ATTACHMENTS", "int", 5, "files per PAKN item", minimum=0),
    _pakn("MOTCUA_PAKN_MAX_ATTACHMENT_BYTES", "int", 10 * 1024 * 1024, "bytes per PAKN file",
       default_text="10485760 (10 MiB)", minimum=1),
    _pakn("MOTCUA_OPEN311_JURISDICTION", "str", "motcua.gov.vn", "the Open311 (GeoReport v2) jurisdiction id"),
    _pakn("MOTCUA_OPEN311_CHANGESET", "str", "2026-11-30T00:00:00+07:00", "the Open311 discovery's changeset time"),
    _pakn("MOTCUA_OPEN311_CONTACT", "str", "Cơ quan tiếp nhận phản ánh, kiến nghị — xem /phan-anh-kien-nghi/",
       "the Open311 discovery's contact"),
    _pakn("MOTCUA_OPEN311_PAGE_SIZE", "int", 100, "Open311 requests per page when the client names none", minimum=1),
    _pakn("MOTCUA_OPEN311_POST_LIMIT", "int", 600, "Open311 posts per API key per hour", minimum=1),
    # --- oversight -------------------------------------------------------------------------------------------------
    _ovs("MOTCUA_STEERING_STANDING_AGENCY", "str", "VPCP", "agency code of the standing agency of the Working Group / "
       "Advisory Council (Announcement 437/TB-VPCP; set `BTP` when the deployment's instrument says so)"),
    _ovs("MOTCUA_STEERING_OBSTACLE_WORKING_DAYS", "int", 15, "working days an agency gets to resolve an obstacle when "
       "the standing agency gives no date [open: no legal limit; the PAKN answer standard]", minimum=1),
    _ovs("MOTCUA_NATIONAL_EVALUATOR", "str", "", "agency code of the national evaluator of service quality (Decree "
       "118/2025 Art. 30(4))", default_text="by date: `VPCP`, `BTP` from 5/8/2026 (Decree 309/2026 Art. 11)"),
    _ovs("MOTCUA_EVALUATION_BANDS", "json", None, "bands of the evaluation over 100 points (Decree 118/2025 Art. "
       "32(1) sets none): `[[floor, \"name\"], …]`",
       default_text="`[[90,\"Xuất sắc\"],[80,\"Tốt\"],[65,\"Khá\"],[50,\"Trung bình\"],[0,\"Yếu\"]]`", shape=list),
    _ovs("MOTCUA_EVALUATION_ONLINE", "json", [0.5, 0.2], "the online-share thresholds of the evaluation's full and "
       "half points: `[full, half]` [open]"),
    _ovs("MOTCUA_INDEX_POINTS", "json", {}, "points of the service index where Decision 766 is not settled: "
       "`{\"3.1\": 4, …}`", default_text="`{}`: 4 + 4 + 4 (oversight/rules.py)"),
    _ovs("MOTCUA_INDEX_THRESHOLDS", "json", {}, "thresholds of the service index's indicators: `{\"<code>\": value}`",
       default_text="`{}`: oversight/rules.py"),
    _ovs("MOTCUA_FACTS_MARGIN", "int", 10_000, "rows re-read behind the figures' watermark at each refresh (late "
       "commits)", minimum=0),
    _ovs("MOTCUA_REVIEW_HOURLY_INCOME_VND", "int", 45_000, "value of one hour of a citizen's time in the compliance "
       "cost (Circular 02/2017 Art. 27) [open: about 7.9 million VND a month over 176 working hours, GSO 2024]",
       minimum=0),
    # --- tests -----------------------------------------------------------------------------------------------------
    _tst("MOTCUA_VAR_DIR_PER_WORKER", "bool", False, "each pytest-xdist worker (`PYTEST_XDIST_WORKER`) keeps its "
         "local state in its own sub-folder of `MOTCUA_VAR_DIR` (`make test`)", setting=None),
    _tst("MOTCUA_TEST_SQLITE_NAME", "path", "", "the SQLite test database's file", default_text="in memory",
         setting=None),
    _tst("MOTCUA_SQLITE_NO_PERSIST", "bool", False, "close the SQLite connection after each request",
         setting=None),
    _tst("MOTCUA_TEST_PG_URL", "url", "postgres://postgres@127.0.0.1:5432", "the PostgreSQL server of the "
         "production-like tests (each test creates and drops its own database)", setting=None),
    _tst("MOTCUA_TEST_REDIS_URL", "url", "redis://127.0.0.1:6379/13", "the Redis of the production-like tests",
         setting=None),
    _tst("MOTCUA_TEST_AMQP_URL", "url", "amqp://guest:guest@127.0.0.1:5672//", "the RabbitMQ of the "
         "production-like tests", setting=None),
    _tst("MOTCUA_PG_BIN", "path", "/usr/lib/postgresql/15/bin", "PostgreSQL's programs for the tests that start "
         "their own servers (`initdb`, `pg_ctl`, `pg_basebackup`)", setting=None),
)

_BY_NAME: dict[str, Var] = {var.name: var for var in DECLARED}
assert len(_BY_NAME) == len(DECLARED), "a variable is declared twice"
assert {var.group for var in DECLARED} <= {g for g, _ in GROUPS}


def by_name(name: str) -> Var:
    """The declaration of ``name`` (``KeyError`` for a variable motcua does not read)."""
    return _BY_NAME[name]


class _Bad(ValueError):
    """A value that does not parse; the message says what was expected."""


def _number(text: str, kind: str) -> int | float:
    try:
        value: int | float = int(text) if kind == "int" else float(text)
    except ValueError:
        raise _Bad("expected a whole number" if kind == "int" else "expected a number") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad("expected a finite number")
    return value


def parse(var: Var, raw: str) -> Any:
    """``raw`` (the environment's text) as ``var``'s type; raises :class:`ValueError` saying what was expected."""
    kind = var.kind
    if kind == "secret":
        return raw
    text = raw.strip()
    if kind == "str":
        return text
    if kind in ("int", "float"):
        value = _number(text, kind)
        if var.minimum is not None and value < var.minimum:
            raise _Bad(f"expected at least {var.minimum:g}")
        return value
    if kind == "bool":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise _Bad("expected 1 or 0 (true/false, yes/no, on/off)")
    if kind == "list":
        return tuple(item.strip() for item in text.split(",") if item.strip())
    if kind == "json":
        try:
            value = json.loads(text)
        except ValueError as error:
            raise _Bad(f"expected JSON ({error})") from None
        shape = var.shape or (type(var.default) if isinstance(var.default, dict | list) else None)
        if shape is not None and not isinstance(value, shape):
            raise _Bad("expected a JSON " + ("object {…}" if shape is dict else "array […]"))
        return value
    if kind == "choice":
        wanted = text.upper() if all(c.isupper() for c in var.choices) else text.lower()
        if wanted not in var.choices:
            raise _Bad(f"expected one of {', '.join(var.choices)}")
        return wanted
    if kind == "url":
        if text and "://" not in text:
            raise _Bad("expected a URL (scheme://…)")
        return text
    if kind == "path":
        return text
    raise AssertionError(f"unknown kind {kind!r} of {var.name}")


def _value(var: Var, environ: Mapping[str, str], values: Mapping[str, Any]) -> Any:
    raw = environ.get(var.name)
    if raw is None or not raw.strip():  # set but blank is unset, as in most tools
        return var.default(values) if callable(var.default) else var.default
    return parse(var, raw)


def _shown(var: Var, raw: str) -> str:
    return "(secret, not shown)" if var.secret else repr(raw)


def load(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every declared variable's value, parsed from ``environ`` (default: the process's environment), by name.

    ``MOTCUA_VAR_DIR`` comes back absolute (with the pytest-xdist worker's sub-folder when
    ``MOTCUA_VAR_DIR_PER_WORKER`` is on) and the defaults under it follow. Raises :class:`ImproperlyConfigured`
    naming every variable whose value does not parse.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    errors: list[str] = []
    for var in DECLARED:
        try:
            values[var.name] = _value(var, environ, values)
        except ValueError as error:
            errors.append(f"{var.name}={_shown(var, environ[var.name])}: {error} — {var.meaning}.")
            values[var.name] = var.default(values) if callable(var.default) else var.default
        if var.name == "MOTCUA_VAR_DIR":
            var_dir = Path(values[var.name]).resolve()
            if _value(_BY_NAME["MOTCUA_VAR_DIR_PER_WORKER"], environ, values) and environ.get("PYTEST_XDIST_WORKER"):
                var_dir = var_dir / environ["PYTEST_XDIST_WORKER"]
            values[var.name] = var_dir
    if errors:
        raise ImproperlyConfigured("Invalid environment variable" + ("s" if len(errors) > 1 else "") + ":\n  "
                                   + "\n  ".join(errors))
    return values


def django_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """The Django settings the declared variables become (``MOTCUA_X`` → ``MOTCUA_X``, ``MOTCUA_DEBUG`` → ``DEBUG``
    …); the variables that are not Django settings (``DATABASE_URL``, the test suite's) are left out."""
    return {var.django_name: values[var.name] for var in DECLARED if var.django_name}


def env(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One declared variable read from the environment now, typed — for the test suite's variables, which are no
    Django settings. Raises :class:`ImproperlyConfigured` for a bad value, ``KeyError`` for an undeclared name."""
    var = _BY_NAME[name]
    environ = os.environ if environ is None else environ
    if callable(var.default):
        return load(environ)[name]
    try:
        return _value(var, environ, {})
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}={_shown(var, environ[name])}: {error} — {var.meaning}.") from None


def unknown_in(environ: Mapping[str, str] | None = None) -> list[str]:
    """``MOTCUA_*`` variables set in ``environ`` that motcua does not read (a typo silently ignored otherwise)."""
    environ = os.environ if environ is None else environ
    return sorted(name for name in environ if name.startswith("MOTCUA_") and name not in _BY_NAME)


def display(var: Var, value: Any) -> str:
    """``value`` as an operator reads it (secrets and the passwords in URLs masked)."""
    if var.secret:
        return "(set)" if value else "(empty)"
    if var.kind == "url" and "@" in str(value):
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", str(value))
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if var.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _default_cell(var: Var) -> str:
    if var.default_text:
        return var.default_text
    default = var.default
    if default in ("", (), None):
        return "none"
    if isinstance(default, bool):
        return f"`{int(default)}`"
    if isinstance(default, float) and default.is_integer():
        return f"`{int(default)}`"
    return f"`{display(var, default)}`"


def _type_cell(var: Var) -> str:
    if var.kind == "choice":
        return " \\| ".join(f"`{c}`" for c in var.choices)
    words = KINDS[var.kind]
    if var.minimum is not None and var.kind in ("int", "float"):
        words += f", ≥ {var.minimum:g}"
    return words


def markdown_table(variables: Iterable[Var] = DECLARED) -> str:
    """The environment variables as Markdown, one table per group: variable, type, default, meaning
    (``docs/operations.md`` holds exactly this between its ``settings-table`` markers)."""
    variables = list(variables)
    lines: list[str] = []
    for group, title in GROUPS:
        rows = [v for v in variables if v.group == group]
        if not rows:
            continue
        lines += [f"### {title}", "", "| variable | type | default | meaning |", "|---|---|---|---|"]
        for var in rows:
            meaning = var.meaning[0].upper() + var.meaning[1:] if var.meaning[0].islower() else var.meaning
            lines.append(f"| `{var.name}` | {_type_cell(var)} | {_default_cell(var)} | {meaning} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def check_environment(app_configs: Any = None, **kwargs: Any) -> list:
    """Django system check: a ``MOTCUA_*`` variable that is set but not declared is a typo or a leftover, and
    motcua would silently run without it (``motcua.W001``)."""
    from django.core.checks import Warning

    return [Warning(f"{name} is set in the environment but motcua reads no such variable.",
                    hint="Check its spelling against `motcua settings` (docs/operations.md lists every variable).",
                    id="motcua.W001") for name in unknown_in()]
