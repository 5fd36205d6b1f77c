"""The submission benchmark's baseline (issue 13 point 8): a bare Django view on the same database making the same
writes as one online submission — the Bearer token check, the day's counter upsert, the dossier row and its first
event, in one transaction — and nothing else (no validation, catalog reads, rules, serializers or middleware).
Served by the same gunicorn with the same workers, loaded by the same ``wrk`` script: motcua's rate divided by this
one's is the ratio that holds from one machine to another (target ≥ 0.5).

The rows are copies of a template dossier and its first event (``BENCH_TEMPLATE_DOSSIER``, an id) with a new code,
so every NOT NULL column is filled as motcua fills it. ``gunicorn bare_submit:application`` with ``DATABASE_URL``.
"""

from __future__ import annotations

import os

import dj_database_url
import django
from django.conf import settings

settings.configure(
    DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, MIDDLEWARE=[], INSTALLED_APPS=[], SECRET_KEY="bare",
    USE_TZ=True, DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)})
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

TEMPLATE = int(os.environ["BENCH_TEMPLATE_DOSSIER"])
_shape: dict = {}


def _columns(table: str, skip: set[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                       "ORDER BY ordinal_position", [table])
        return [name for (name,) in cursor.fetchall() if name not in skip]


def _prepare() -> dict:
    if not _shape:
        dossier = _columns("dossiers_dossier", {"id", "code"})
        event = _columns("dossiers_dossierevent", {"id", "dossier_id"})
        with connection.cursor() as cursor:
            cursor.execute("SELECT d.agency_id, a.code FROM dossiers_dossier d JOIN units_agency a "
                           "ON a.id = d.agency_id WHERE d.id = %s", [TEMPLATE])
            agency_id, agency_code = cursor.fetchone()
        _shape.update(
            agency_id=agency_id, agency_code=agency_code,
            dossier=f"INSERT INTO dossiers_dossier (code, {', '.join(dossier)}) SELECT %s, {', '.join(dossier)} "
                    f"FROM dossiers_dossier WHERE id = %s RETURNING id",
            event=f"INSERT INTO dossiers_dossierevent (dossier_id, {', '.join(event)}) SELECT %s, "
                  f"{', '.join(event)} FROM dossiers_dossierevent WHERE dossier_id = %s AND seq = 1")
    return _shape


@csrf_exempt
def submit(request: HttpRequest) -> JsonResponse:
    shape = _prepare()
    key = request.headers.get("Authorization", "").removeprefix("Bearer ")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT user_id FROM authtoken_token WHERE key = %s", [key])
        if cursor.fetchone() is None:
            return JsonResponse({"detail": "unauthorised"}, status=401)
        cursor.execute("INSERT INTO dossiers_dossiercounter (agency_id, day, last) VALUES (%s, CURRENT_DATE, 1) "
                       "ON CONFLICT (agency_id, day) DO UPDATE SET last = dossiers_dossiercounter.last + 1 "
                       "RETURNING to_char(day, 'YYMMDD'), last", [shape["agency_id"]])
        day, last = cursor.fetchone()
        code = f"BARE-{shape['agency_code']}-{day}-{last:06d}"
        cursor.execute(shape["dossier"], [code, TEMPLATE])
        (dossier_id,) = cursor.fetchone()
        cursor.execute(shape["event"], [dossier_id, TEMPLATE])
    return JsonResponse({"code": code}, status=201)


urlpatterns = [path("api/v1/dossiers", submit), path("api/v1/", lambda request: JsonResponse({}))]
application = get_wsgi_application()
