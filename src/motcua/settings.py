"""Django settings for motcua.

Everything that differs between the embedded default and production comes from the environment:

- ``DATABASE_URL``: ``sqlite:///path/to/db.sqlite3`` or ``postgres://user@host:port/name``; without it the embedded
  SQLite file ``$MOTCUA_VAR_DIR/motcua.sqlite3`` is used.
- ``MOTCUA_VAR_DIR``: where local state lives (database, uploaded files); default ``./var``.
- ``MOTCUA_DEBUG``: ``1`` for development (default ``0``).
- ``MOTCUA_SECRET_KEY``: required when ``MOTCUA_ENV=production``.
- ``MOTCUA_ALLOWED_HOSTS``: comma-separated host names (default: localhost names).
- ``MOTCUA_ENV``: ``production`` refuses to start with debug settings or the demo secret key.
"""

from __future__ import annotations

import contextlib
import json as _json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", Path.cwd() / "var")).resolve()
# `make test` runs tests in parallel (pytest-xdist) and sets MOTCUA_VAR_DIR_PER_WORKER: each worker keeps its local
# state (uploads, keys, checkpoints) in its own folder.
if os.environ.get("MOTCUA_VAR_DIR_PER_WORKER") and os.environ.get("PYTEST_XDIST_WORKER"):
    VAR_DIR = VAR_DIR / os.environ["PYTEST_XDIST_WORKER"]

ENVIRONMENT = os.environ.get("MOTCUA_ENV", "development")
DEBUG = os.environ.get("MOTCUA_DEBUG", "0") == "1"
_DEMO_SECRET = "motcua-demo-secret-key-not-for-production"
SECRET_KEY = os.environ.get("MOTCUA_SECRET_KEY", _DEMO_SECRET)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]

if ENVIRONMENT == "production":
    if DEBUG:
        raise ImproperlyConfigured("MOTCUA_DEBUG must not be 1 when MOTCUA_ENV=production.")
    if SECRET_KEY == _DEMO_SECRET:
        raise ImproperlyConfigured("Set MOTCUA_SECRET_KEY when MOTCUA_ENV=production.")
    if "demo" in [p.strip() for p in os.environ.get("MOTCUA_IDENTITY_PROVIDERS", "demo,oidc").split(",")]:
        raise ImproperlyConfigured("The demo identity provider is refused in production: set "
                                   "MOTCUA_IDENTITY_PROVIDERS=oidc and the MOTCUA_OIDC_* variables.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "motcua.core",
    "motcua.units",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.identity",
    "motcua.exchange",
    "motcua.exchange.store",
    "motcua.exchange.messaging",
    "motcua.feedback",
    "motcua.steering",
    "motcua.oversight",
    "motcua.oversight.review",
    "motcua.reports",
    "motcua.api",
    "motcua.portal",
    "motcua.demo",
    "motcua.proactive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.core.badinput.BadInputMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.portal.context_processors.nav",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] and DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and one writer work side by side; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if os.environ.get("MOTCUA_SQLITE_NO_PERSIST") else 600
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("MOTCUA_TEST_SQLITE_NAME", "")} if os.environ.get(
        "MOTCUA_TEST_SQLITE_NAME"
    ) else {}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns on every start when the folder is missing; files come from the packages (finders) anyway.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
# Serve static files straight from the installed packages: no collectstatic step, no CDN, works offline.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/dang-nhap/"
# Database sessions and the password backend, each signed-in request's session and user rows kept per process for
# MOTCUA_SESSION_CACHE_SECONDS (default 5, 0 = off; motcua.core.sessions says what applies at once and what within it).
SESSION_ENGINE = "motcua.core.sessions"
AUTHENTICATION_BACKENDS = ["motcua.core.sessions.CachedModelBackend"]
if os.environ.get("MOTCUA_SESSION_CACHE_SECONDS"):
    MOTCUA_SESSION_CACHE_SECONDS = float(os.environ["MOTCUA_SESSION_CACHE_SECONDS"])
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "motcua.core.problems.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["motcua.core.badinput.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "motcua.core.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": (
        "REST API of motcua: the public catalog of administrative procedures and the working calendar, and the "
        "one-stop dossiers (header `Authorization: Bearer TOKEN`, where TOKEN is the access token issued to the "
        "account). "
        "Errors are application/problem+json (RFC 9457)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SORT_OPERATION_PARAMETERS": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "motcua.core.schema.drop_backend_integer_limits"],
    # Several packages name a field "kind" or "status": give each choice set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "ObstacleReportKindEnum": "motcua.steering.models.ReportKind",
        "FeedbackKindEnum": "motcua.feedback.models.Kind",
        "ObstacleStatusEnum": [(v, v) for v in ("submitted", "assigned", "in_progress", "answered", "resolved",
                                                "rejected")],
        "TaskAssignmentStatusEnum": [(v, v) for v in ("assigned", "in_progress", "done", "cancelled")],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "WARNING")},
}


# --- Law (issue 11): rule sets and configurable legal choices ---------------------------------------------------------
# Digitisation and signatures (issue 11 point 8; motcua.core.signing): PKCS#12 files per officer and per agency under
# MOTCUA_SIGNING_DIR (officers/<user name>.p12, agencies/<agency code>.p12), their passphrase, the trusted roots
# (comma-separated PEM/DER files), and a demo CA under $MOTCUA_VAR_DIR/signing-demo/ for signers without a file
# (on by default outside production; refused in production).
MOTCUA_SIGNING_DIR = os.environ.get("MOTCUA_SIGNING_DIR", str(VAR_DIR / "signing"))
MOTCUA_SIGNING_PASSPHRASE = os.environ.get("MOTCUA_SIGNING_PASSPHRASE", "")
MOTCUA_SIGNING_TRUST_ROOTS = os.environ.get("MOTCUA_SIGNING_TRUST_ROOTS", "")
MOTCUA_SIGNING_DEMO_CA = os.environ.get("MOTCUA_SIGNING_DEMO_CA", "0" if ENVIRONMENT == "production" else "1") == "1"
if ENVIRONMENT == "production" and MOTCUA_SIGNING_DEMO_CA:
    raise ImproperlyConfigured("MOTCUA_SIGNING_DEMO_CA must not be 1 when MOTCUA_ENV=production.")

# law-forms-eval (docs/law.md "Evaluation and the service index", "Roles that moved"):
# - MOTCUA_NATIONAL_EVALUATOR: the agency code of the national evaluator of service quality (Decree 118/2025
#   Art. 30(4)); empty (default) = by date: VPCP until 4/8/2026, BTP (Ministry of Justice) from 5/8/2026
#   (Decree 309/2026 Art. 11).
# - MOTCUA_STEERING_STANDING_AGENCY: the agency code of the standing agency of the Working Group / Advisory Council
#   (default VPCP, Announcement 437/TB-VPCP; no text read moves it, set BTP when the deployment's instrument says so).
# - MOTCUA_EVALUATION_BANDS: JSON [[floor, "name"], …] over the 100 points of Decree 118/2025 Art. 32(1); the
#   decree sets no bands: default [[90, "Xuất sắc"], [80, "Tốt"], [65, "Khá"], [50, "Trung bình"], [0, "Yếu"]].
MOTCUA_NATIONAL_EVALUATOR = os.environ.get("MOTCUA_NATIONAL_EVALUATOR", "")
MOTCUA_STEERING_STANDING_AGENCY = os.environ.get("MOTCUA_STEERING_STANDING_AGENCY", "VPCP")
MOTCUA_EVALUATION_BANDS = _json.loads(os.environ.get("MOTCUA_EVALUATION_BANDS") or "null")

# law-finish: MOTCUA_NATIONAL_PORTAL_ID is the identifier an online linked group's dossier code carries (Decree
# 118/2025 Art. 28(2)(a): the national public service portal's). No text read gives the portal's code in the
# agency code list, so the default is the portal's short name; set the official one when it is published.
MOTCUA_NATIONAL_PORTAL_ID = os.environ.get("MOTCUA_NATIONAL_PORTAL_ID", "CDVCQG").strip() or "CDVCQG"


# --- Security (issue 12): production hardening, sign-in throttling, trusted proxies, audit keys -------------------
# docs/security.md explains each; README's configuration table lists the variables.
PRODUCTION = ENVIRONMENT == "production"


def _env_flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in ("1", "true", "yes", "on")


# A secret key of real strength in production (Django's own bar: 50 characters, 5 different ones, not the
# "django-insecure-" prefix): it signs sessions, CSRF tokens and password-reset links.
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")):
    raise ImproperlyConfigured(
        "MOTCUA_SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'.")

# HTTPS only in production (MOTCUA_SSL_REDIRECT=0 when the reverse proxy already redirects), HSTS for
# MOTCUA_HSTS_SECONDS (default one year; 0 turns it off), Secure cookies. The health and metrics endpoints are
# exempt from the redirect (probes speak plain HTTP on the private network).
SECURE_SSL_REDIRECT = PRODUCTION and _env_flag("MOTCUA_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$", r"^metrics/?$"]
SECURE_HSTS_SECONDS = int(os.environ.get("MOTCUA_HSTS_SECONDS", "31536000")) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("MOTCUA_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_flag("MOTCUA_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The reverse proxy says the request came over HTTPS; believed only in production, where the proxy must set (not
# pass on) X-Forwarded-Proto.
if PRODUCTION and _env_flag("MOTCUA_BEHIND_HTTPS_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if os.environ.get("MOTCUA_CSRF_TRUSTED_ORIGINS"):
    CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ["MOTCUA_CSRF_TRUSTED_ORIGINS"].split(",") if o.strip()]

# Content-Security-Policy on every response (motcua.core.csp): the pages carry no inline script or style, every
# asset is served from this site. MOTCUA_CSP replaces the whole policy.
MOTCUA_CSP = os.environ.get("MOTCUA_CSP", (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"))

# The client's address (rate limits, sign-in lock-out, sign-in records): X-Forwarded-For is read, right to left,
# only through these reverse proxies (addresses or CIDR blocks, comma-separated; none by default: REMOTE_ADDR).
MOTCUA_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("MOTCUA_TRUSTED_PROXIES", "").split(",") if p.strip()]

# Sign-in brute force (django-axes): after MOTCUA_SIGNIN_FAILURE_LIMIT failed sign-ins (default 5) for one user name
# or from one address, sign-in is refused for MOTCUA_SIGNIN_COOLOFF_MINUTES (default 15), also with the right
# password. Counters live in the database (shared by every server process); a success resets them.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = ["motcua.core.signin.LockoutBackend", *AUTHENTICATION_BACKENDS]
AXES_ENABLED = _env_flag("MOTCUA_SIGNIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = int(os.environ.get("MOTCUA_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("MOTCUA_SIGNIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "motcua.core.clientip.client_ip_for_axes"
AXES_LOCKOUT_CALLABLE = "motcua.core.signin.locked_out"
AXES_VERBOSE = False

# Audit trail (issue 12 point 3; docs/security.md "Audit trail: keys, checkpoints, verification, rotation").
# The HMAC key file of the hash chains (lines "<key id> <hex key>", the last one seals): keep it outside the database
# and its backups. Created on first use unless MOTCUA_AUDIT_KEY_AUTOCREATE is off (then `motcua audit rotate-key`).
MOTCUA_AUDIT_KEY_FILE = os.environ.get("MOTCUA_AUDIT_KEY_FILE", str(VAR_DIR / "audit" / "chain.key"))
MOTCUA_AUDIT_KEY_AUTOCREATE = os.environ.get("MOTCUA_AUDIT_KEY_AUTOCREATE", "1")
# Signed checkpoints (`motcua audit checkpoint`): the append-only JSON-lines file, its Ed25519 signing key, and the
# public key to pin (base64, from `motcua audit public-key`; empty: derived from the signing key file).
MOTCUA_AUDIT_CHECKPOINT_FILE = os.environ.get("MOTCUA_AUDIT_CHECKPOINT_FILE",
                                              str(VAR_DIR / "audit" / "checkpoints.jsonl"))
MOTCUA_AUDIT_SIGNING_KEY_FILE = os.environ.get("MOTCUA_AUDIT_SIGNING_KEY_FILE",
                                               str(VAR_DIR / "audit" / "checkpoint-key.pem"))
MOTCUA_AUDIT_CHECKPOINT_PUBLIC_KEY = os.environ.get("MOTCUA_AUDIT_CHECKPOINT_PUBLIC_KEY", "")
# Messages between deployments (issue 12 point 18): a signed message created more than MAX_MESSAGE_AGE seconds ago
# or more than MAX_CLOCK_SKEW seconds ahead of this deployment's clock is refused (400 out_of_time).
MOTCUA_EXCHANGE_MAX_MESSAGE_AGE = float(os.environ.get("MOTCUA_EXCHANGE_MAX_MESSAGE_AGE", 7 * 86400))
MOTCUA_EXCHANGE_MAX_CLOCK_SKEW = float(os.environ.get("MOTCUA_EXCHANGE_MAX_CLOCK_SKEW", 300))


# --- Production (issue 13): cache, background work, storage, health, metrics, logs ---------------------------------
# Every setting of this block is read from the environment once, here; docs/operations.md lists them all.
#
# MOTCUA_REDIS_URL (or REDIS_URL): the shared cache (Django's RedisCache) for API tokens, sessions, signed-in users,
# the officer pages' scopes and calendars, and rate limits. Unset (the embedded default): local-memory cache, which is
# right for one process only.
MOTCUA_REDIS_URL = os.environ.get("MOTCUA_REDIS_URL") or os.environ.get("REDIS_URL") or ""
if MOTCUA_REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": MOTCUA_REDIS_URL,
                          "KEY_PREFIX": os.environ.get("MOTCUA_CACHE_PREFIX", "motcua"),
                          "TIMEOUT": 300}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "motcua",
                          "KEY_PREFIX": os.environ.get("MOTCUA_CACHE_PREFIX", "motcua"),
                          "TIMEOUT": 300, "OPTIONS": {"MAX_ENTRIES": 50_000}}}

# MOTCUA_BROKER_URL: Celery's broker (redis://127.0.0.1:6379/1 or amqp://guest:guest@127.0.0.1:5672//). Unset (the
# embedded default): no broker, jobs run inline after the commit (MOTCUA_JOBS_INLINE, default 1 without a broker).
MOTCUA_BROKER_URL = os.environ.get("MOTCUA_BROKER_URL", "")
MOTCUA_JOBS_INLINE = os.environ.get("MOTCUA_JOBS_INLINE", "0" if MOTCUA_BROKER_URL else "1") == "1"
# MOTCUA_JOBS_QUEUE: the Celery queue of the outbox and scheduled tasks (default "motcua").
MOTCUA_JOBS_QUEUE = os.environ.get("MOTCUA_JOBS_QUEUE", "motcua")
# MOTCUA_BROKER_VISIBILITY_TIMEOUT: seconds after which a Redis-broker message taken by a worker that died is handed
# to another worker (default 3600; must exceed the longest job).
MOTCUA_BROKER_VISIBILITY_TIMEOUT = int(os.environ.get("MOTCUA_BROKER_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_URL = MOTCUA_BROKER_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not MOTCUA_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = MOTCUA_JOBS_QUEUE
CELERY_TASK_ACKS_LATE = True  # a message is acknowledged after its task ran: a killed worker's job comes back
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# kombu 5.7 scans for such messages only on every 10th restore attempt (about every 100 s): scan on each one (every
# 10 s per worker, one small Redis query), so a dead worker's job comes back soon after its visibility timeout.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": MOTCUA_BROKER_VISIBILITY_TIMEOUT,
                                   "unacked_restore_throttle": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_ENABLE_UTC = True

# MOTCUA_STORAGE: "local" (default: files under MOTCUA_VAR_DIR/media) or "s3" (an S3-compatible store through
# django-storages, with MOTCUA_S3_BUCKET, MOTCUA_S3_ENDPOINT_URL, MOTCUA_S3_REGION, MOTCUA_S3_ACCESS_KEY_ID,
# MOTCUA_S3_SECRET_ACCESS_KEY). Documents are always served through the application's permission check.
MOTCUA_STORAGE = os.environ.get("MOTCUA_STORAGE", "local")
if MOTCUA_STORAGE == "s3":
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": os.environ.get("MOTCUA_S3_BUCKET", "motcua"),
        "endpoint_url": os.environ.get("MOTCUA_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("MOTCUA_S3_REGION") or None,
        "access_key": os.environ.get("MOTCUA_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("MOTCUA_S3_SECRET_ACCESS_KEY") or None,
        "default_acl": "private", "querystring_auth": True, "querystring_expire": 300,
        "file_overwrite": False, "addressing_style": "path",
    }}
elif MOTCUA_STORAGE == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("MOTCUA_STORAGE must be 'local' or 's3'.")
STORAGES = {"default": _default_storage,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# MOTCUA_METRICS_TOKEN: a bearer token that /metrics requires; MOTCUA_METRICS_ALLOW: comma-separated client addresses
# or networks allowed without it (default 127.0.0.1,::1). PROMETHEUS_MULTIPROC_DIR (prometheus-client's own
# variable): set it for gunicorn's several worker processes.
MOTCUA_METRICS_TOKEN = os.environ.get("MOTCUA_METRICS_TOKEN", "")
MOTCUA_METRICS_ALLOW = [a.strip() for a in os.environ.get("MOTCUA_METRICS_ALLOW", "127.0.0.1,::1").split(",")
                        if a.strip()]
# MOTCUA_LOG_FORMAT: "text" (default) or "json" (one JSON object a line with the request id; python-json-logger).
MOTCUA_LOG_FORMAT = os.environ.get("MOTCUA_LOG_FORMAT", "text")
MIDDLEWARE.insert(0, "motcua.core.observability.RequestIdMetricsMiddleware")
LOGGING["filters"] = {"request_id": {"()": "motcua.core.observability.RequestIdFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["request_id"]
if MOTCUA_LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "pythonjsonlogger.json.JsonFormatter",
                                      "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                                      "rename_fields": {"asctime": "time", "levelname": "level"},
                                      "json_ensure_ascii": False}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
# MOTCUA_BEAT_EVERY_SECONDS: run every beat entry at this interval instead of its schedule (tests, drills; default
# 0 = the schedule of motcua.core.schedule).
MOTCUA_BEAT_EVERY_SECONDS = float(os.environ.get("MOTCUA_BEAT_EVERY_SECONDS", "0"))
# MOTCUA_BEAT_ONLY: comma-separated beat entry names to keep (drills that check some of them; default: all entries).
MOTCUA_BEAT_ONLY = [n.strip() for n in os.environ.get("MOTCUA_BEAT_ONLY", "").split(",") if n.strip()]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A broker that is down must not hold a request: one quick retry, then the row waits for beat's dispatch_due.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.5}
# MOTCUA_JOBS_MODULES: comma-separated modules with extra job handlers to import in workers (default none).
MOTCUA_JOBS_MODULES = tuple(m.strip() for m in os.environ.get("MOTCUA_JOBS_MODULES", "").split(",") if m.strip())
# MOTCUA_TOKEN_CACHE_SECONDS, MOTCUA_QUEUE_CACHE_SECONDS (the shared cache's lifetimes, default 5, see
# MOTCUA_SESSION_CACHE_SECONDS above) and MOTCUA_CALENDAR_CACHE_SECONDS (each process's built calendars, default 60).
for _name in ("MOTCUA_TOKEN_CACHE_SECONDS", "MOTCUA_QUEUE_CACHE_SECONDS", "MOTCUA_CALENDAR_CACHE_SECONDS"):
    if os.environ.get(_name):
        globals()[_name] = float(os.environ[_name])
# MOTCUA_REPLICA_DATABASE_URL: a PostgreSQL streaming replica of DATABASE_URL (postgres://…). When set, GET requests
# of the figure pages and API (MOTCUA_REPLICA_PATHS, default "/giam-sat/,/bao-cao/,/api/v1/oversight/") read the
# oversight, dossier, PAKN, steering and catalog tables from it (motcua.core.replica); writes, sign-in, sessions,
# roles and every other page stay on the primary. MOTCUA_REPLICA_MAX_LAG_SECONDS (default 60): a replica further
# behind than this is not read (the page falls back to the primary); every figure page states the moment its data
# is complete to ("số liệu tính đến …").
MOTCUA_REPLICA_DATABASE_URL = os.environ.get("MOTCUA_REPLICA_DATABASE_URL", "")
MOTCUA_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("MOTCUA_REPLICA_MAX_LAG_SECONDS", "60"))
MOTCUA_REPLICA_PATHS = tuple(p.strip() for p in os.environ.get(
    "MOTCUA_REPLICA_PATHS", "/giam-sat/,/bao-cao/,/api/v1/oversight/").split(",") if p.strip())
if MOTCUA_REPLICA_DATABASE_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("MOTCUA_REPLICA_DATABASE_URL needs a PostgreSQL DATABASE_URL (its primary).")
    DATABASES["replica"] = dj_database_url.parse(MOTCUA_REPLICA_DATABASE_URL, conn_max_age=600)
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)  # a dead replica: fall back fast
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["motcua.core.replica.ReplicaRouter"]
MIDDLEWARE.append("motcua.core.replica.FiguresSourceMiddleware")

# --- Staff journeys (issue 14 points 5-11, 13) ---------------------------------------------------------------------
# A refused form (CSRF) answers the site's Vietnamese 403 page, not Django's bare English one.
CSRF_FAILURE_VIEW = "motcua.portal.views.csrf_failure"
TEMPLATES[0]["OPTIONS"]["context_processors"].append("motcua.steering.context_processors.steering_nav")
