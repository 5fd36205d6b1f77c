"""Issue 14 point 9: after the scheduled refresh every oversight page a supervisor can open from the menus — each
period and level offered, at the nation and inside a province — answers from stored tables, with a bounded number of
queries and without computing a table (counted through the metric every computation increments). A table not stored
yet says it is being prepared and is queued, never computed in the request."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from prometheus_client import REGISTRY

from motcua.core import jobs
from motcua.core.models import Job
from motcua.demo import generate as gen
from motcua.oversight import facts, index, queries, rules
from motcua.oversight.views import LEVEL_CHOICES
from motcua.units.models import Agency, Membership

from .factories import small_catalog

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20
MAX_DASHBOARD_QUERIES = 40  # the watch list, PAKN, obstacle and late-receipt figures read the facts directly


def computed() -> float:
    """How many index and evaluation tables this process has computed (the metric ``index.TABLES_COMPUTED``)."""
    return sum(REGISTRY.get_sample_value("motcua_oversight_tables_computed_total", {"kind": kind}) or 0.0
               for kind in ("index", "evaluation"))


@pytest.fixture
def history():
    """Dossiers over the last four months, so that the periods the menus offer hold figures."""
    small_catalog()
    today = timezone.localdate()
    gen.generate(300, start=today - timedelta(days=120), end=today, seed=3)
    facts.rebuild()
    index.directory(fresh=True)


def _member(username: str, code: str, role: str = "supervisor"):
    user = get_user_model().objects.create_user(username, password="x")
    Membership.objects.create(user=user, agency=Agency.objects.get(code=code), role=role)
    return user


def _first_row_code(html: str) -> str | None:
    import re

    found = re.search(r'<span class="ov-source">([^<]+)</span>', html)
    return found.group(1) if found else None


@pytest.mark.slow
def test_after_the_refresh_every_page_of_the_menus_reads_stored_tables(history, client,
                                                                     django_assert_max_num_queries):
    call_command("oversight", "refresh", "--no-progress", stdout=None)
    stored = set(queries.IndexSnapshot.objects.values_list("kind", "period", "level", "scope"))
    for p in queries.offered_periods():
        assert ("evaluation", p.key, "agency", "") in stored
        for level, _name in LEVEL_CHOICES:
            assert ("index", p.key, level, "") in stored, (p.key, level)

    national = _member("sup-btp-stored", "BTP")
    hanoi = _member("sup-h01-stored", "H01")
    before = computed()
    for viewer, scope in ((national, ""), (hanoi, "province:01")):
        client.force_login(viewer)
        urls = ["/giam-sat/"]
        levels = [k for k, _n in LEVEL_CHOICES] if not scope else queries.CONTAINED["province"]
        for p in queries.offered_periods():
            urls.append(f"/giam-sat/danh-gia/?period={p.key}")
            urls += [f"/giam-sat/chi-so/?period={p.key}&level={level}" for level in levels]
        for url in urls:
            with django_assert_max_num_queries(MAX_DASHBOARD_QUERIES if url == "/giam-sat/" else MAX_QUERIES):
                response = client.get(url)
            html = response.content.decode()
            assert response.status_code == 200, url
            assert "Số liệu đang được chuẩn bị" not in html, url
            if "/chi-so/" in url:
                assert 'class="ov-table"' in html, url
                code = _first_row_code(html)
                level = url.rsplit("level=", 1)[1]
                with django_assert_max_num_queries(MAX_QUERIES):
                    unit = client.get(f"/giam-sat/chi-so/don-vi/?period={url.split('period=')[1].split('&')[0]}"
                                      f"&level={level}&code={code}")
                assert unit.status_code == 200 and "Tử số" in unit.content.decode(), (url, code)
    assert computed() == before, "a page computed a table instead of reading the stored one"
    assert not Job.objects.filter(kind=queries.PREPARE).exists()


def test_a_table_not_stored_yet_is_queued_and_never_computed_in_the_request(history, client, settings):
    settings.MOTCUA_JOBS_INLINE = False  # a worker runs the queue: nothing runs in this process by itself
    client.force_login(_member("sup-btp-queue", "BTP"))
    month = queries.offered_periods()[0].key
    before = computed()
    response = client.get(f"/giam-sat/chi-so/?period={month}&level=agency")
    html = response.content.decode()
    assert response.status_code == 200 and "Số liệu đang được chuẩn bị" in html
    assert "Đang chuẩn bị — tải lại trang" in html  # without scripts, a link to reload
    assert computed() == before
    job = Job.objects.get(kind=queries.PREPARE)
    assert job.payload == {"kind": "index", "period": month, "level": "agency", "scope": ""}
    client.get(f"/giam-sat/chi-so/?period={month}&level=agency")  # asking again queues nothing more
    assert Job.objects.filter(kind=queries.PREPARE).count() == 1
    state = f"/giam-sat/chuan-bi.json?kind=index&period={month}&level=agency&scope="
    assert f'data-preparing="{state.replace("&", "&amp;")}"' in html  # what the page's script asks
    assert client.get(state).json() == {"ready": False}
    # The worker computes it once; then the page shows it.
    assert jobs.run_job(job.pk, now=timezone.now() + timedelta(seconds=5)) == "done"
    assert computed() == before + 1
    assert client.get(state).json() == {"ready": True}
    page = client.get(f"/giam-sat/chi-so/?period={month}&level=agency").content.decode()
    assert "Số liệu đang được chuẩn bị" not in page and 'class="ov-table"' in page


def test_in_the_embedded_default_the_job_runs_once_the_page_is_sent(history, client):
    """Jobs inline (no broker): the page is rendered first, saying the table is being prepared; the job runs when
    the response has been sent, so the next view shows the table."""
    client.force_login(_member("sup-btp-inline", "BTP"))
    quarter = queries.offered_periods()[12].key
    first = client.get(f"/giam-sat/danh-gia/?period={quarter}").content.decode()
    assert "Số liệu đang được chuẩn bị" in first
    assert Job.objects.get(kind=queries.PREPARE).status == "done"
    second = client.get(f"/giam-sat/danh-gia/?period={quarter}").content.decode()
    assert "Số liệu đang được chuẩn bị" not in second and "Xếp loại" in second


def test_a_refresh_keeps_showing_the_previous_tables_until_it_has_stored_the_new_ones(history, client):
    month = queries.offered_periods()[0].key
    queries.warm([month])
    old = queries.stored_index_table(month, "province")
    assert old.current
    call_command("oversight", "refresh", "--no-warm", "--no-progress", stdout=None)  # the facts only
    shown = queries.stored_index_table(month, "province")
    assert not shown.current and shown.payload["rows"] == old.payload["rows"]
    page = client.get(f"/giam-sat/chi-so/?period={month}&level=province").content.decode()
    assert "số liệu mới hơn đang được tính" in page
    queries.warm([month])
    assert queries.stored_index_table(month, "province").current
    assert queries.IndexSnapshot.objects.filter(watermark__lt=queries.watermark()).count() == 0


def test_a_table_inside_a_province_is_the_national_tables_rows_of_its_units(history):
    month = queries.offered_periods()[0].key
    queries.warm([month], levels=("agency",))
    part = queries.stored_index_table(month, "agency", "province:01").payload
    computed_inside = index.compute(rules.parse_period(month), "agency", "province:01").as_dict()
    assert [(r["code"], r["rank"], r["total"]) for r in part["rows"]] == [
        (r["code"], r["rank"], r["total"]) for r in computed_inside["rows"]]
    assert part["rows"][0]["scores"] == computed_inside["rows"][0]["scores"]


def test_a_stored_table_reads_back_the_same_in_a_fraction_of_the_space(history):
    import json

    table = index.compute(rules.parse_period(queries.offered_periods()[0].key), "agency").as_dict()
    packed = queries.pack(table)
    assert queries.unpack(json.loads(json.dumps(packed))) == json.loads(json.dumps(table))
    assert len(json.dumps(packed)) * 5 < len(json.dumps(table))
