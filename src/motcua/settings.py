"""Django settings for motcua.

Everything that differs between the embedded default and production comes from the environment, and every variable
read is declared once — name, type, default, meaning — in :mod:`motcua.core.config` (the table in
docs/operations.md is generated from it: ``motcua settings --markdown``). Each declared ``MOTCUA_*`` variable
becomes the Django setting of the same name, always defined and typed, so code reads ``settings.MOTCUA_X``; a few
become Django's own (``MOTCUA_DEBUG`` → ``DEBUG``, ``MOTCUA_SECRET_KEY`` → ``SECRET_KEY``, ``MOTCUA_ALLOWED_HOSTS``
→ ``ALLOWED_HOSTS``, ``MOTCUA_VAR_DIR`` → ``VAR_DIR``, ``MOTCUA_ENV`` → ``ENVIRONMENT``,
``MOTCUA_CSRF_TRUSTED_ORIGINS`` → ``CSRF_TRUSTED_ORIGINS``). A value that does not parse stops start-up with a
message naming the variable. This module only derives Django's and Celery's settings from those values.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from motcua.core import config as _config

_env = _config.load()
globals().update(_config.django_settings(_env))

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR: Path = _env["MOTCUA_VAR_DIR"]  # absolute; with the pytest-xdist worker's sub-folder under `make test`
ENVIRONMENT: str = _env["MOTCUA_ENV"]
PRODUCTION = ENVIRONMENT == "production"
DEBUG: bool = _env["MOTCUA_DEBUG"]
SECRET_KEY: str = _env["MOTCUA_SECRET_KEY"]
ALLOWED_HOSTS = list(_env["MOTCUA_ALLOWED_HOSTS"])

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("MOTCUA_DEBUG must not be 1 when MOTCUA_ENV=production.")
    if _config.by_name("MOTCUA_SECRET_KEY").default == SECRET_KEY:
        raise ImproperlyConfigured("Set MOTCUA_SECRET_KEY when MOTCUA_ENV=production.")
    if "demo" in _env["MOTCUA_IDENTITY_PROVIDERS"]:
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

DATABASES = {"default": dj_database_url.parse(_env["DATABASE_URL"], conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] and DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and one writer work side by side; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if _env["MOTCUA_SQLITE_NO_PERSIST"] else 600
    DATABASES["default"]["TEST"] = {"NAME": _env["MOTCUA_TEST_SQLITE_NAME"]} if _env["MOTCUA_TEST_SQLITE_NAME"] else {}

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
# Database sessions and the password backend, each signed-in request's session and user rows kept in the shared cache
# for MOTCUA_SESSION_CACHE_SECONDS (motcua.core.sessions says what applies at once and what within it).
SESSION_ENGINE = "motcua.core.sessions"
AUTHENTICATION_BACKENDS = ["motcua.core.sessions.CachedModelBackend"]
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
    "root": {"handlers": ["console"], "level": _env["MOTCUA_LOG_LEVEL"]},
}


# --- Law (issue 11): rule sets and configurable legal choices ---------------------------------------------------------
# Digitisation and signatures (issue 11 point 8; motcua.core.signing): the demo CA for signers without a PKCS#12 file
# is on by default outside production and refused in production.
if PRODUCTION and _env["MOTCUA_SIGNING_DEMO_CA"]:
    raise ImproperlyConfigured("MOTCUA_SIGNING_DEMO_CA must not be 1 when MOTCUA_ENV=production.")


# --- Security (issue 12): production hardening, sign-in throttling, trusted proxies, audit keys -------------------
# docs/security.md explains each; docs/operations.md's table lists the variables.
# A secret key of real strength in production (Django's own bar: 50 characters, 5 different ones, not the
# "django-insecure-" prefix): it signs sessions, CSRF tokens and password-reset links.
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")):
    raise ImproperlyConfigured(
        "MOTCUA_SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'.")

# HTTPS only in production (MOTCUA_SSL_REDIRECT=0 when the reverse proxy already redirects), HSTS for
# MOTCUA_HSTS_SECONDS (default one year; 0 turns it off), Secure cookies. The health and metrics endpoints are
# exempt from the redirect (probes speak plain HTTP on the private network).
SECURE_SSL_REDIRECT = PRODUCTION and _env["MOTCUA_SSL_REDIRECT"]
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$", r"^metrics/?$"]
SECURE_HSTS_SECONDS = _env["MOTCUA_HSTS_SECONDS"] if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env["MOTCUA_HSTS_INCLUDE_SUBDOMAINS"]
SECURE_HSTS_PRELOAD = _env["MOTCUA_HSTS_PRELOAD"]
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
if PRODUCTION and _env["MOTCUA_BEHIND_HTTPS_PROXY"]:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = list(_env["MOTCUA_CSRF_TRUSTED_ORIGINS"])
# Content-Security-Policy on every response (motcua.core.csp): the pages carry no inline script or style, every
# asset is served from this site; MOTCUA_CSP replaces the whole policy. The client's address (rate limits, sign-in
# lock-out, sign-in records): X-Forwarded-For is read, right to left, only through MOTCUA_TRUSTED_PROXIES.

# Sign-in brute force (django-axes): after MOTCUA_SIGNIN_FAILURE_LIMIT failed sign-ins for one user name or from one
# address, sign-in is refused for MOTCUA_SIGNIN_COOLOFF_MINUTES, also with the right password. Counters live in the
# database (shared by every server process); a success resets them.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = ["motcua.core.signin.LockoutBackend", *AUTHENTICATION_BACKENDS]
AXES_ENABLED = _env["MOTCUA_SIGNIN_LOCKOUT"]
AXES_FAILURE_LIMIT = _env["MOTCUA_SIGNIN_FAILURE_LIMIT"]
AXES_COOLOFF_TIME = timedelta(minutes=_env["MOTCUA_SIGNIN_COOLOFF_MINUTES"])
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "motcua.core.clientip.client_ip_for_axes"
AXES_LOCKOUT_CALLABLE = "motcua.core.signin.locked_out"
AXES_VERBOSE = False

# Audit trail (issue 12 point 3; docs/security.md "Audit trail: keys, checkpoints, verification, rotation"): the
# MOTCUA_AUDIT_* variables. Messages between deployments (issue 12 point 18): MOTCUA_EXCHANGE_MAX_MESSAGE_AGE and
# MOTCUA_EXCHANGE_MAX_CLOCK_SKEW.


# --- Production (issue 13): cache, background work, storage, health, metrics, logs ---------------------------------
# The shared cache (MOTCUA_REDIS_URL, else REDIS_URL) for API tokens, sessions, signed-in users, the officer pages'
# scopes and calendars, and rate limits. Unset (the embedded default): local-memory cache, right for one process only.
if _env["MOTCUA_REDIS_URL"]:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": _env["MOTCUA_REDIS_URL"], "KEY_PREFIX": _env["MOTCUA_CACHE_PREFIX"],
                          "TIMEOUT": 300}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "motcua",
                          "KEY_PREFIX": _env["MOTCUA_CACHE_PREFIX"],
                          "TIMEOUT": 300, "OPTIONS": {"MAX_ENTRIES": 50_000}}}

# Celery's broker (MOTCUA_BROKER_URL). Unset (the embedded default): no broker, jobs run inline after the commit.
CELERY_BROKER_URL = _env["MOTCUA_BROKER_URL"] or "memory://"
CELERY_TASK_ALWAYS_EAGER = not _env["MOTCUA_BROKER_URL"]
CELERY_TASK_DEFAULT_QUEUE = _env["MOTCUA_JOBS_QUEUE"]
CELERY_TASK_ACKS_LATE = True  # a message is acknowledged after its task ran: a killed worker's job comes back
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# kombu 5.7 scans for such messages only on every 10th restore attempt (about every 100 s): scan on each one (every
# 10 s per worker, one small Redis query), so a dead worker's job comes back soon after its visibility timeout.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _env["MOTCUA_BROKER_VISIBILITY_TIMEOUT"],
                                   "unacked_restore_throttle": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_ENABLE_UTC = True

# The document store (MOTCUA_STORAGE): files under MOTCUA_VAR_DIR/media, or an S3-compatible store through
# django-storages. Documents are always served through the application's permission check.
if _env["MOTCUA_STORAGE"] == "s3":
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": _env["MOTCUA_S3_BUCKET"],
        "endpoint_url": _env["MOTCUA_S3_ENDPOINT_URL"] or None,
        "region_name": _env["MOTCUA_S3_REGION"] or None,
        "access_key": _env["MOTCUA_S3_ACCESS_KEY_ID"] or None,
        "secret_key": _env["MOTCUA_S3_SECRET_ACCESS_KEY"] or None,
        "default_acl": "private", "querystring_auth": True, "querystring_expire": 300,
        "file_overwrite": False, "addressing_style": "path",
    }}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {"default": _default_storage,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# Logs: MOTCUA_LOG_FORMAT "json" is one JSON object a line with the request id (python-json-logger).
MIDDLEWARE.insert(0, "motcua.core.observability.RequestIdMetricsMiddleware")
LOGGING["filters"] = {"request_id": {"()": "motcua.core.observability.RequestIdFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["request_id"]
if _env["MOTCUA_LOG_FORMAT"] == "json":
    LOGGING["formatters"] = {"json": {"()": "pythonjsonlogger.json.JsonFormatter",
                                      "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                                      "rename_fields": {"asctime": "time", "levelname": "level"},
                                      "json_ensure_ascii": False}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A broker that is down must not hold a request: one quick retry, then the row waits for beat's dispatch_due.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.5}
# A PostgreSQL streaming replica (MOTCUA_REPLICA_DATABASE_URL): GET requests of the figure pages and API
# (MOTCUA_REPLICA_PATHS) read the oversight, dossier, PAKN, steering and catalog tables from it (motcua.core.replica);
# writes, sign-in, sessions, roles and every other page stay on the primary. A replica further behind than
# MOTCUA_REPLICA_MAX_LAG_SECONDS is not read (the page falls back to the primary); every figure page states the
# moment its data is complete to ("số liệu tính đến …").
if _env["MOTCUA_REPLICA_DATABASE_URL"]:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("MOTCUA_REPLICA_DATABASE_URL needs a PostgreSQL DATABASE_URL (its primary).")
    DATABASES["replica"] = dj_database_url.parse(_env["MOTCUA_REPLICA_DATABASE_URL"], conn_max_age=600)
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)  # a dead replica: fall back fast
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["motcua.core.replica.ReplicaRouter"]
MIDDLEWARE.append("motcua.core.replica.FiguresSourceMiddleware")

# --- Staff journeys (issue 14 points 5-11, 13) ---------------------------------------------------------------------
# A refused form (CSRF) answers the site's Vietnamese 403 page, not Django's bare English one.
CSRF_FAILURE_VIEW = "motcua.portal.views.csrf_failure"
TEMPLATES[0]["OPTIONS"]["context_processors"].append("motcua.steering.context_processors.steering_nav")
