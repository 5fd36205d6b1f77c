"""The same index figures from the CLI (table, json, csv), the API and the web page; drill-down access; bad input
answers 400 with nothing computed; the evaluation; a refresh's new tables replace the old ones."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.dossiers.tests.factories import AGENCY, officer, procedure, vn
from motcua.oversight import facts, queries
from motcua.oversight.models import IndexSnapshot

from .conftest import approve, handled

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("oversight", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_api_and_page_agree(tet_dossiers):
    as_json = json.loads(run("index", "--period", "2026-02", "--level", "province", "--format", "json"))
    hanoi = next(r for r in as_json["rows"] if r["code"] == "01")
    s21 = next(s for s in hanoi["scores"] if s["code"] == "2.1")
    assert (s21["numerator"], s21["denominator"], s21["rate"], s21["points"]) == (2, 4, 50.0, 10.0)
    assert hanoi["rank"] == 1 and len(as_json["rows"]) == 34

    rows = list(csv.DictReader(io.StringIO(run("index", "--period", "2026-02", "--level", "province", "--format",
                                               "csv"))))
    first = rows[0]
    assert (first["code"], first["2.1 numerator"], first["2.1 denominator"], first["2.1 rate"],
            first["2.1 points"]) == ("01", "2", "4", "50.00", "10.00")
    assert rows[-1]["2.1 rate"] == "N/A"
    assert float(first["total"]) == hanoi["total"]

    table = run("index", "--period", "2026-02", "--level", "province")
    assert table.splitlines()[2].split()[:2] == ["1", "01"]
    assert f"{hanoi['total']:.2f}" in table.splitlines()[2]

    api = Client().get("/api/v1/oversight/index", {"period": "2026-02", "level": "province"}).json()
    assert api == as_json

    queries.warm(["2026-02"])  # what the scheduled refresh stores: the pages read it (issue 14 point 9)
    page = Client().get("/giam-sat/chi-so/", {"period": "2026-02", "level": "province"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{hanoi['total']:.2f}".replace(".", ",") in html or f"{hanoi['total']:.2f}" in html
    assert "<svg" in html and "Bảng số liệu của biểu đồ" in html
    # Drill down: the province links to its agencies, the agency to its procedures.
    assert "scope=province%3A01" in html
    agencies = Client().get("/giam-sat/chi-so/", {"period": "2026-02", "level": "agency", "scope": "province:01"})
    assert AGENCY in agencies.content.decode()
    # An agency's procedures are prepared when first asked for (after the page is sent), then shown.
    ask = {"period": "2026-02", "level": "procedure", "scope": f"agency:{AGENCY}"}
    assert "Số liệu đang được chuẩn bị" in Client().get("/giam-sat/chi-so/", ask).content.decode()
    assert "1.000001" in Client().get("/giam-sat/chi-so/", ask).content.decode()


def test_bad_input_is_a_clear_400():
    r = Client().get("/api/v1/oversight/index", {"period": "2026-13", "level": "province"})
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    assert "period" in r.json()["errors"]
    r = Client().get("/api/v1/oversight/index", {"period": "2026-10", "level": "galaxy"})
    assert r.status_code == 400 and "level" in r.json()["errors"]
    r = Client().get("/api/v1/oversight/index", {"level": "province"})
    assert r.status_code == 400
    assert Client().get("/giam-sat/chi-so/", {"period": "nope"}).status_code == 400
    assert not IndexSnapshot.objects.exists()
    with pytest.raises(CommandError):
        run("index", "--period", "2026-14")


def test_drill_down_is_for_supervisors(tet_dossiers):
    d1, d2, d3, _d4 = tet_dossiers
    params = {"period": "2026-02", "level": "agency", "code": AGENCY, "indicator": "2.1", "part": "numerator"}
    assert Client().get("/api/v1/oversight/index/dossiers", params).status_code in (401, 403)
    client = Client()
    client.force_login(officer(f"desk_officer-{AGENCY}", "desk_officer"))
    assert client.get("/api/v1/oversight/index/dossiers", params).status_code == 403
    assert client.get("/giam-sat/chi-so/ho-so/", params).status_code == 403
    client.force_login(officer("giam-sat", "supervisor"))
    queries.warm(["2026-02"], levels=("agency",))
    body = client.get("/api/v1/oversight/index/dossiers", params).json()
    assert body["count"] == 2 and {r["code"] for r in body["results"]} == {d1.code, d3.code}
    page = client.get("/giam-sat/chi-so/ho-so/", params).content.decode()
    assert d1.code in page and d3.code in page and d2.code not in page
    unit = client.get("/giam-sat/chi-so/don-vi/", {"period": "2026-02", "level": "agency", "code": AGENCY,
                                                   "scope": f"agency:{AGENCY}"}).content.decode()
    assert "/giam-sat/chi-so/ho-so/?" in unit and "2.1" in unit


def test_evaluation_everywhere(tet_dossiers):
    """2026-Q1 is under Decree 118/2025 Chapter V: criteria a–đ of Art. 32(1) from the index."""
    body = Client().get("/api/v1/oversight/evaluation", {"period": "2026-Q1"}).json()
    assert body["kind"] == "nd118-ch5" and body["evaluator"]["code"] == "VPCP"
    row = next(r for r in body["rows"] if r["code"] == AGENCY)
    # b) progress: index 2.1 = 1 of 4 on time (d1) → 5 of 20 points → 25 %.
    assert row["criteria"][1] == 25.0
    assert row["band"] in ("Yếu", "Trung bình", "Khá", "Tốt", "Xuất sắc")
    assert "TCđ" in run("evaluation", "--period", "2026-Q1")
    assert "TCb" in run("evaluation", "--period", "2026-Q1", "--format", "csv")
    assert Client().get("/giam-sat/danh-gia/", {"period": "2026-Q1"}).status_code == 200


def test_the_history_evaluation_everywhere():
    """A period before 1/7/2025 keeps the nine indicators of Circular 01/2018 (history)."""
    procedure()
    received = vn(2025, 5, 5, 10)
    handled(received, approve(vn(2025, 5, 6, 10)))  # early
    handled(received, approve(vn(2025, 6, 20, 10)))  # late
    facts.refresh()
    queries.warm(["2025-Q2"], levels=("agency",))
    body = Client().get("/api/v1/oversight/evaluation", {"period": "2025-Q2"}).json()
    assert body["kind"] == "tt01-2018"
    row = next(r for r in body["rows"] if r["code"] == AGENCY)
    assert row["scores"][0] == 1.0  # early 2, late 0: average 1
    assert row["scores"][3] is None  # no source for agencies contacted
    assert "TC1" in run("evaluation", "--period", "2025-Q2")
    html = Client().get("/giam-sat/danh-gia/", {"period": "2025-Q2"}).content.decode()
    assert "Thông tư 01/2018/TT-VPCP, trước 1/7/2025" in html


def test_a_refresh_computes_new_tables_and_drops_the_old_once_stored(tet_dossiers):
    run("index", "--period", "2026-03", "--level", "agency", "--scope", f"agency:{AGENCY}", "--format", "json")
    assert IndexSnapshot.objects.filter(kind="index").count() == 1
    handled(vn(2026, 3, 2, 9), approve(vn(2026, 3, 3, 9)))
    before = json.loads(run("index", "--period", "2026-03", "--level", "agency", "--scope", f"agency:{AGENCY}",
                            "--format", "json"))
    facts.refresh()
    # The old table stays for the pages (with its time) until the refresh has stored the new one (issue 14 point 9),
    # but it is no longer the current one: the CLI and the API compute the new figures.
    assert not IndexSnapshot.objects.filter(watermark=queries.watermark()).exists()
    after = json.loads(run("index", "--period", "2026-03", "--level", "agency", "--scope", f"agency:{AGENCY}",
                           "--format", "json"))
    den = lambda t: next(s for s in t["rows"][0]["scores"] if s["code"] == "2.1")["denominator"]  # noqa: E731
    assert den(after) == den(before) + 1
    queries.warm(["2026-03"], levels=("agency",))  # the refresh stores the tables again and drops the old ones
    assert not IndexSnapshot.objects.filter(watermark__lt=queries.watermark()).exists()


def test_dashboard_and_status():
    out = run("status")
    assert "Watermark" in out
    r = Client().get("/giam-sat/")
    assert r.status_code == 200 and "/giam-sat/chi-so/" in r.content.decode()


def test_refresh_command_shows_progress_and_the_dispatcher_lists_everyone(tet_dossiers):
    out, err = io.StringIO(), io.StringIO()
    # Only the facts here: the tables the refresh then stores are tested in test_supervisor_pages_read_stored_figures.
    call_command("oversight", "refresh", "--rebuild", "--no-warm", stdout=out, stderr=err)
    assert out.getvalue().startswith("Rebuilt: 4 dossiers")
    assert "100%" in err.getvalue() and "4/4" in err.getvalue()
    from motcua.oversight.management.commands.oversight import subcommands

    names = set(subcommands())
    assert {"refresh", "index", "evaluation", "warm", "status"} <= names
    assert {"review", "bottlenecks", "export-xes"} <= names  # the reviews' subcommands plug in


def test_procedures_behind_catalog_figures(tet_dossiers):
    from motcua.oversight import index

    table = index.compute("2026-02", "agency", f"agency:{AGENCY}")
    row = next(r for r in table.rows if r["code"] == AGENCY)
    s31 = next(s for s in row["scores"] if s.code == "3.1")
    body = Client().get("/api/v1/oversight/index/procedures", {"period": "2026-02", "level": "agency",
                                                               "code": AGENCY, "indicator": "3.1",
                                                               "part": "denominator"}).json()
    assert body["count"] == s31.denominator
    num = Client().get("/api/v1/oversight/index/procedures", {"period": "2026-02", "level": "agency",
                                                              "code": AGENCY, "indicator": "3.1",
                                                              "part": "numerator"}).json()
    assert num["count"] == s31.numerator
    bad = Client().get("/api/v1/oversight/index/procedures", {"period": "2026-02", "level": "agency",
                                                              "code": AGENCY, "indicator": "2.1"})
    assert bad.status_code == 400
