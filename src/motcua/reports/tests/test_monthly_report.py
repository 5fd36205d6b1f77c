"""The monthly report (issue 6 point 9): the figures come from the oversight facts and the other packages' stored
results, the scope limits them, the CLI writes DOCX/PDF with a progress bar and the web page serves the same
document to those allowed to draw it."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from docx import Document

from motcua.core.calendar import TZ
from motcua.demo import generate as gen
from motcua.dossiers.models import Dossier
from motcua.oversight import facts, queries
from motcua.oversight.tests.factories import END, START, small_catalog
from motcua.reports.monthly import ReportError, build_monthly, parse_scope, render
from motcua.steering.demo import load_demo
from motcua.units.models import Agency, Membership

pytestmark = pytest.mark.django_db

PERIOD = "2025-12"


@pytest.fixture
def history():
    small_catalog()
    gen.generate(300, start=START, end=END, seed=11)
    facts.rebuild()
    load_demo(today=date(2026, 1, 5))


def _text(section) -> str:
    return " ".join(getattr(b, "text", "") for b in section.blocks)


def test_national_report_counts_what_the_dossiers_say(history):
    report = build_monthly(PERIOD, "national", today=date(2026, 1, 5))
    titles = [s.heading for s in report.sections]
    assert titles[0].startswith("I. ") and titles[-1].startswith("VIII. ") and len(titles) == 8
    start = datetime.combine(date(2025, 12, 1), time.min, tzinfo=TZ)
    received = Dossier.objects.filter(received_at__gte=start, received_at__lt=start + timedelta(days=31)).count()
    assert received > 0
    assert f"tiếp nhận {received:,} hồ sơ".replace(",", ".") in _text(report.sections[0])
    # The ranking is the oversight index, in its order.
    table = queries.index_table(PERIOD, "province")
    ranking = report.sections[1].blocks[1]
    assert ranking.rows[0][1] == table["rows"][0]["name"]
    assert ranking.rows[0][-1] == f"{table['rows'][0]['total']:.2f}".replace(".", ",")
    # Announcement 437's tasks were due in 2023 and stay open: they are listed as overdue.
    assert "nhiệm vụ quá hạn" in _text(report.sections[6])
    assert report.issuing_body == "Văn phòng Chính phủ" and report.symbol == "BC-VPCP"


def test_a_province_report_only_counts_that_province(history):
    national = build_monthly(PERIOD, "national", today=date(2026, 1, 5))
    hanoi = build_monthly(PERIOD, "province:H01", today=date(2026, 1, 5))
    assert hanoi.issuing_body == "Ủy ban nhân dân Thành phố Hà Nội" and hanoi.symbol == "BC-UBND"
    start = datetime.combine(date(2025, 12, 1), time.min, tzinfo=TZ)
    ids = set(Agency.objects.filter(code__regex=r"^H01(\.|$)").values_list("pk", flat=True))
    received = Dossier.objects.filter(received_at__gte=start, received_at__lt=start + timedelta(days=31),
                                      agency_id__in=ids).count()
    assert f"tiếp nhận {received:,} hồ sơ".replace(",", ".") in _text(hanoi.sections[0])
    assert _text(hanoi.sections[0]) != _text(national.sections[0])


def test_both_formats_render_and_the_command_writes_them(history, tmp_path, capsys):
    report = build_monthly(PERIOD, "national", today=date(2026, 1, 5))
    docx = Document(io.BytesIO(render(report, "docx")))
    assert any(p.text == "BÁO CÁO" for p in docx.paragraphs)
    assert render(report, "pdf").startswith(b"%PDF-")
    out = tmp_path / "bao-cao.docx"
    call_command("report", "monthly", "--period", PERIOD, "--out", str(out))
    assert out.stat().st_size > 10_000
    captured = capsys.readouterr()
    assert "Wrote" in captured.out and "9/9" in captured.err  # the progress bar reached the end
    with pytest.raises(CommandError, match=r"\.docx or \.pdf"):
        call_command("report", "monthly", "--period", PERIOD, "--out", str(tmp_path / "x.txt"))
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("report", "monthly", "--period", "2025", "--out", str(out))


@pytest.mark.parametrize("scope", ["province:99", "province:abc", "agency:NOPE", "region:1", ""])
def test_unknown_scopes_are_refused_with_a_reason(scope):
    if scope == "":
        assert parse_scope(scope).kind == "national"
        return
    with pytest.raises(ReportError):
        parse_scope(scope)


def _user(username: str, agency: str, role: str):
    user = get_user_model().objects.create_user(username, password="x")
    Membership.objects.create(user=user, agency=Agency.objects.get(code=agency), role=role)
    return user


def test_web_download_is_limited_to_the_scopes_a_user_supervises(history, client):
    response = client.get("/bao-cao/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    client.force_login(_user("btp-sup", "BTP", "supervisor"))
    # Issue 14 point 9: the report is prepared in the background; the old download link leads to its progress page.
    response = client.get("/bao-cao/", {"period": PERIOD, "scope": "national", "format": "pdf", "download": "1"})
    assert response.status_code == 303
    response = client.get(client.get(response["Location"]).context["file_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(_user("h01-sup", "H01", "supervisor"))
    page = client.get("/bao-cao/")
    assert b'value="province:01"' in page.content and b'value="national"' not in page.content
    refused = client.get("/bao-cao/", {"period": PERIOD, "scope": "national", "download": "1"})
    assert refused.status_code == 403
    bad = client.get("/bao-cao/", {"period": "2025-13", "scope": "province:01", "download": "1"})
    assert bad.status_code == 400
    client.force_login(_user("citizen", "H01", "desk_officer"))
    assert client.get("/bao-cao/").status_code == 403


def test_the_report_page_speaks_english_on_request(history, client):
    client.force_login(_user("btp-en", "BTP", "supervisor"))
    page = client.get("/bao-cao/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Monthly report to the Working Group" in page and "Download the report" in page


def test_the_report_carries_the_art19_online_and_proactive_figures():
    from motcua.dossiers.tests.factories import procedure, submitted, vn
    from motcua.proactive import services
    from motcua.proactive.tests.factories import RUN_ON, age, triggers

    procedure("1.000001")
    submitted(at=vn(2026, 3, 2, 9))
    submitted(at=vn(2026, 3, 31, 16), channel="in_person")  # the month's last day counts
    report = build_monthly("2026-03", "national", today=date(2026, 4, 2))
    online = report.sections[-1]
    assert online.heading.startswith("VIII. ") and "tiếp nhận 2 hồ sơ, trong đó trực tuyến 1 (50,00%)" in _text(online)
    assert online.blocks[1].rows[0][:4] == ["1.000001", "H01.TTPVHCC", "2", "50,0%"]
    triggers("CCCD-DOITUOI")
    age("001201001111", 25)
    services.run(RUN_ON)
    today = date.today()
    report = build_monthly(f"{today:%Y-%m}", "national", today=today)
    [row] = report.sections[-1].blocks[-1].rows
    assert row[0].startswith("CCCD-DOITUOI") and row[2] == "1"
