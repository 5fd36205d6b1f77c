"""The officer queue's per-process caches (issue 3 "Speed": the first page went from nine queries to four) never
change what an officer may see: a membership removed, a holiday added or an agency renamed in this process applies
at the next page; a change made elsewhere (another process, a bulk write) within MOTCUA_QUEUE_CACHE_SECONDS. The rows
built in Python escape what the applicant typed, and the nav reads the officer scope the view already has."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core import ttlcache
from motcua.core.models import CalendarException
from motcua.dossiers import access, services
from motcua.dossiers.web import officer_views
from motcua.units.models import Agency, Membership

from .factories import AGENCY, CITIZEN, Flow, officer, procedure, submitted, vn

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
QUEUE = "/can-bo/"


@pytest.fixture(autouse=True)
def caches(settings):
    """The default lifetime, whatever the environment says (conftest empties the caches around each test)."""
    settings.MOTCUA_QUEUE_CACHE_SECONDS = 5


@pytest.fixture
def clock(monkeypatch):
    """The page's time (officer_views.now) and the caches' clock (core.ttlcache.now), both movable."""
    moment = {"now": vn(2026, 3, 2, 11), "monotonic": 1000.0}
    monkeypatch.setattr(officer_views, "now", lambda: moment["now"])
    monkeypatch.setattr(ttlcache, "now", lambda: moment["monotonic"])
    return moment


def _received(at):
    flow = Flow(submitted(at=at))
    flow("receive", "desk_officer", at)
    return flow.dossier


def _page(client, **params) -> str:
    response = client.get(QUEUE, params, **EN)
    assert response.status_code == 200
    return response.content.decode()


def _tables(captured) -> list[str]:
    return re.findall(r'FROM "(\w+)"', " ".join(q["sql"] for q in captured.captured_queries))


def test_a_second_page_reads_neither_memberships_nor_agencies_nor_calendar_exceptions_again(client, clock):
    procedure()
    _received(vn(2026, 3, 2, 10))
    client.force_login(officer("desk", "desk_officer"))
    _page(client)
    with CaptureQueriesContext(connection) as captured:
        html = _page(client)
    tables = _tables(captured)
    assert "units_membership" not in tables and "units_agency" not in tables
    assert "core_calendarexception" not in tables
    assert len(captured.captured_queries) == 2  # count, the page's rows (session and user: core.sessions' cache)
    assert 'href="/can-bo/">Officer workspace</a>' in html  # the nav, without asking again


def test_a_membership_removed_in_this_process_refuses_the_next_page(client, clock):
    procedure()
    desk = officer("desk", "desk_officer")
    client.force_login(desk)
    _page(client)
    Membership.objects.filter(user=desk).delete()
    assert client.get(QUEUE).status_code == 403


def test_a_membership_added_in_this_process_shows_its_role_at_once(client, clock):
    procedure()
    desk = officer("desk", "desk_officer")
    client.force_login(desk)
    assert 'value="leader"' not in _page(client)
    officer("desk", "leader")
    assert 'value="leader"' in _page(client)


def test_a_change_made_elsewhere_is_seen_once_the_cache_expires(client, clock):
    """A bulk update sends no signal, as a change made by another process is not seen here: the page may show the
    old scope for MOTCUA_QUEUE_CACHE_SECONDS, not longer."""
    procedure()
    desk = officer("desk", "desk_officer")
    client.force_login(desk)
    _page(client)
    Membership.objects.filter(user=desk).update(role="catalog_officer")
    clock["monotonic"] += 4
    assert client.get(QUEUE).status_code == 200
    clock["monotonic"] += 2
    assert client.get(QUEUE).status_code == 403


def test_a_holiday_added_changes_the_badges(client, clock):
    """Received Monday 2/3 10:00, due Monday 9/3 17:00: at 11:00 the week's working time covers the steps' budgets;
    a day off on Wednesday takes 8 hours away and the dossier is at risk at the next page."""
    procedure(amount=5)
    _received(vn(2026, 3, 2, 10))
    client.force_login(officer("desk", "desk_officer"))
    assert ">At risk</span>" not in _page(client)
    CalendarException.objects.create(date=date(2026, 3, 4), kind="day_off", reason="test")
    assert ">At risk</span>" in _page(client)


def test_a_holiday_added_elsewhere_changes_the_badges_once_the_cache_expires(client, clock):
    procedure(amount=5)
    _received(vn(2026, 3, 2, 10))
    client.force_login(officer("desk", "desk_officer"))
    assert ">At risk</span>" not in _page(client)
    CalendarException.objects.bulk_create([CalendarException(date=date(2026, 3, 4), kind="day_off")])  # no signal
    assert ">At risk</span>" not in _page(client)
    clock["monotonic"] += 6
    assert ">At risk</span>" in _page(client)


def test_an_agency_renamed_shows_in_the_filter_at_the_next_page(client, clock):
    procedure()
    client.force_login(officer("desk", "desk_officer"))
    assert f"{AGENCY} — " in _page(client)
    agency = Agency.objects.get(code=AGENCY)
    agency.name = "Trung tâm đổi tên"
    agency.save()
    assert f"{AGENCY} — Trung tâm đổi tên" in _page(client)


def test_without_the_cache_every_page_reads_the_scope(client, clock, settings):
    settings.MOTCUA_QUEUE_CACHE_SECONDS = 0
    procedure()
    desk = officer("desk", "desk_officer")
    client.force_login(desk)
    _page(client)
    Membership.objects.filter(user=desk).update(role="catalog_officer")
    assert client.get(QUEUE).status_code == 403


def test_the_cached_scope_cannot_be_changed_by_a_caller(clock):
    desk = officer("desk", "desk_officer")
    scope = access.officer_scope(desk)
    with pytest.raises(TypeError):
        scope[0] = ("leader",)  # type: ignore[index]
    assert all(isinstance(roles, tuple) for roles in scope.values())


def test_the_rows_escape_the_applicant_name_and_keep_the_markup(client, clock):
    procedure(amount=5)
    applicant = dict(CITIZEN, full_name='<script>alert("x")</script> & Co')
    dossier = services.submit("1.000001", AGENCY, "online", applicant, {}, at=vn(2026, 2, 23, 9))
    Flow(dossier)("receive", "desk_officer", vn(2026, 2, 23, 10))  # due 2/3 17:00: overdue on 9/3
    clock["now"] = vn(2026, 3, 9, 16)
    client.force_login(officer("desk", "desk_officer"))
    html = _page(client)
    assert "<script>" not in html
    assert "<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</td>" in html
    assert (f'<tr class="is-overdue">\n      <td><a href="/can-bo/ho-so/{dossier.code}/">{dossier.code}</a></td>'
            in html)
    assert '<time datetime="2026-03-02T17:00:00+07:00">17:00 02/03/2026</time>' in html
    assert '<span class="badge badge-overdue">Overdue</span>' in html
    assert re.search(r'<td>[^<]+ <span class="status-code">\(\d+\)</span></td>', html)


def test_a_dossier_not_received_shows_a_dash_for_its_due_time(client, clock):
    procedure()
    submitted(at=vn(2026, 3, 2, 9), channel="in_person")
    client.force_login(officer("desk", "desk_officer"))
    assert "<td>—</td>" in _page(client)


def test_an_online_dossier_not_received_shows_its_receipt_deadline(client, clock):
    """Decree 118/2025 Art. 17(2)(c): 8 working hours from arrival (Monday 09:00 → Tuesday 09:00)."""
    procedure()
    submitted(at=vn(2026, 3, 2, 9))
    client.force_login(officer("desk", "desk_officer"))
    assert "Tiếp nhận trước 09:00 03/03/2026" in _page(client)


def test_the_nav_still_asks_when_the_view_does_not_know(client, django_user_model):
    """A catalog officer holds a membership but no dossier role: the officer links stay; a citizen gets theirs."""
    catalog = django_user_model.objects.create_user("catalog")
    Membership.objects.create(user=catalog, agency=Agency.objects.get(code=AGENCY), role="catalog_officer")
    client.force_login(catalog)
    assert 'href="/can-bo/"' in client.get("/", **EN).content.decode()
    client.force_login(django_user_model.objects.create_user("citizen"))
    html = client.get("/", **EN).content.decode()
    assert 'href="/can-bo/"' not in html and 'href="/du-lieu-cua-toi/"' in html


def test_the_page_is_the_same_with_and_without_the_caches(client, clock, settings):
    procedure(amount=5)
    for day in (2, 3, 4):
        _received(vn(2026, 3, day, 10))
    submitted(at=vn(2026, 3, 5, 9))
    clock["now"] = vn(2026, 3, 9, 16)
    client.force_login(officer("desk", "desk_officer"))
    cached = [_without_csrf(_page(client)), _without_csrf(_page(client))]
    settings.MOTCUA_QUEUE_CACHE_SECONDS = 0
    assert _without_csrf(_page(client)) == cached[0] == cached[1]


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_every_page_keeps_the_queue_order(client, clock, monkeypatch):
    """The page's rows are chosen in the queue's order and joined afterwards: the order survives the join."""
    procedure()
    monkeypatch.setattr(officer_views, "PAGE_SIZE", 2)
    made = [submitted(at=vn(2026, 3, 2, 9) + timedelta(minutes=m)) for m in range(5)]
    client.force_login(officer("desk", "desk_officer"))
    codes = [re.findall(r'href="/can-bo/ho-so/([^/]+)/"', _page(client, page=n)) for n in (1, 2, 3)]
    assert codes == [[made[0].code, made[1].code], [made[2].code, made[3].code], [made[4].code]]
