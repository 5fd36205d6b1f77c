"""The queue's rows written in Python (``queue_rows.row_html``, the speed trick of ``bench/dossiers.py --only queue``)
are the same HTML as the plain template (``dossiers/officer/_queue_row.html``), for rows of every kind: due today,
overdue, at risk, paused, waiting for a supplement, not received yet with its receipt deadline (in time or late),
finished on time or late, a consultation overdue, no due time, and texts that must be escaped."""

from datetime import timedelta

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.web import officer_views, queue_rows

from .factories import AGENCY, Flow, officer, procedure, submitted, vn

MOMENT = vn(2026, 3, 9, 16)


def _row(badge_key, css: str = "", due: bool = True, name: str = "Nguyễn Văn An", procedure_name: str = "Thủ tục",
         code: str = "H01.TTPVHCC-260302-0001", status_code: int = 4, due_text: str = "") -> queue_rows.QueueRow:
    badges = queue_rows.badge_html()
    dossier = Dossier(code=code, applicant_name=name, status_code=status_code)
    dossier.procedure_name = procedure_name
    local = vn(2026, 3, 9, 17)
    return queue_rows.QueueRow(dossier, overdue=False, due_today=False, at_risk=False, url=f"/can-bo/ho-so/{code}/",
                               procedure=procedure_name, status="Đang giải quyết",
                               due_iso=local.isoformat() if due else "",
                               due_text=due_text or (f"{local:%H:%M %d/%m/%Y}" if due else ""), css=css,
                               badges=badges[badge_key] if badge_key is not None else "")


ROWS = {
    "overdue": _row((True, False, False, False), "is-overdue"),
    "due today and at risk": _row((False, True, True, False), "is-today"),
    "at risk": _row((False, False, True, False), "is-risk"),
    "overdue, consultation overdue": _row((True, False, False, True), "is-overdue"),
    "on time": _row("on_time"),
    "paused (waiting for a supplement)": _row("paused", status_code=5),
    "finished on time": _row("done_on_time", status_code=10),
    "finished late": _row("done_late", status_code=10),
    "receipt deadline passed": _row((False, False, False, False), "receipt-late", status_code=1,
                                    due_text="Tiếp nhận trước 17:00 09/03/2026 (quá hạn tiếp nhận)"),
    "no due time": _row((False, False, False, False), due=False, status_code=1),
    "texts to escape": _row((True, False, False, False), "is-overdue receipt-late",
                            name='<script>alert("x")</script> & Co\'s', procedure_name="<b>Cấp \"bản sao\"</b> & …",
                            code="H01&X-260302-0001"),
}


@pytest.mark.parametrize("kind", list(ROWS))
def test_the_fast_row_is_the_templates_row(kind):
    row = ROWS[kind]
    assert queue_rows.row_html(row) == queue_rows.row_html_plain(row)


def test_texts_are_escaped_and_only_the_badges_are_markup():
    html = queue_rows.row_html(ROWS["texts to escape"])
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#x27;s" in html
    assert "&lt;b&gt;Cấp &quot;bản sao&quot;&lt;/b&gt; &amp; …" in html and 'href="/can-bo/ho-so/H01&amp;X' in html
    assert '<span class="badge badge-overdue">' in html


@pytest.mark.django_db
def test_the_queue_pages_rows_are_the_templates_rows_for_dossiers_in_every_state(client, monkeypatch):
    """Real dossiers through the real page, for each role: every row the page wrote equals the template's."""
    monkeypatch.setattr(officer_views, "now", lambda: MOMENT)
    procedure(amount=5)
    overdue = Flow(submitted(at=vn(2026, 2, 23, 9)))
    overdue("receive", "desk_officer", vn(2026, 2, 23, 10))  # due 2/3 17:00
    today = Flow(submitted(at=vn(2026, 3, 2, 9)))
    today("receive", "desk_officer", vn(2026, 3, 2, 10))  # due 9/3 17:00: due today and at risk at 16:00
    later = Flow(submitted(at=vn(2026, 3, 5, 9)))
    later("receive", "desk_officer", vn(2026, 3, 5, 10))
    paused = Flow(submitted(at=vn(2026, 3, 5, 9)))
    paused("receive", "desk_officer", vn(2026, 3, 5, 10))
    paused("assign", "leader", vn(2026, 3, 5, 11), data={"assignee": f"specialist-{AGENCY}"})
    paused("request_supplement", "specialist", vn(2026, 3, 6, 9), reason="Thiếu giấy tờ",
           data={"missing": ["Bản sao giấy khai sinh"]})
    consulting = Flow(submitted(at=vn(2026, 3, 2, 9)))
    consulting("receive", "desk_officer", vn(2026, 3, 2, 10))
    consulting("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": f"specialist-{AGENCY}"})
    consulting("consult", "specialist", vn(2026, 3, 3, 9),
               data={"unit": "Phòng Tư pháp", "due_at": (MOMENT - timedelta(days=2)).isoformat()})
    submitted(at=vn(2026, 3, 9, 8))  # waits for the desk: its receipt deadline
    submitted(at=vn(2026, 3, 2, 8))  # its receipt deadline passed
    kinds: set[str] = set()
    badges: list[str] = []
    for role in ("desk_officer", "specialist", "leader", "supervisor"):
        client.force_login(officer(f"{role}-{AGENCY}", role))
        response = client.get("/can-bo/", {"role": role})
        assert response.status_code == 200
        html = response.content.decode()
        for row in response.context["rows"]:
            plain = queue_rows.row_html_plain(row)
            assert row.html == plain, row.dossier.code
            assert plain in html
            kinds |= set(row.css.split())
            badges.append(str(row.badges))
    assert {"is-overdue", "is-today", "receipt-late"} <= kinds
    for shown in ("Tạm dừng tính hạn", "Trong hạn", 'data-badge="consultation-overdue"', "badge-risk"):
        assert any(shown in b for b in badges), shown
