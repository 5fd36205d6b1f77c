"""The officer's timeline and process-control table (form 05) name people by their full name in Vietnamese order
(family name first: ``Nguyễn Thị Lan``) and roles by their label ("Desk officer"), never by codes such as
``desk_officer``; the printed form 05 does the same in Vietnamese."""

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers.web import officer_views

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_timeline_and_process_control_show_full_names_and_role_labels(client, monkeypatch):
    monkeypatch.setattr(officer_views, "now", lambda: vn(2026, 3, 3, 12))
    procedure()
    flow = Flow(submitted())
    get_user_model().objects.filter(pk=flow.users["desk_officer"].pk).update(first_name="Lan", last_name="Nguyễn Thị")
    get_user_model().objects.filter(pk=flow.users["specialist"].pk).update(first_name="Minh", last_name="Trần Văn")
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    client.force_login(flow.users["leader"])
    response = client.get(f"/can-bo/ho-so/{flow.code}/", **EN)
    html = response.content.decode()
    timeline = html[html.index('id="timeline-h"'):]
    assert "(Desk officer: Nguyễn Thị Lan)" in timeline and "desk_officer" not in timeline
    assert "Handler: Trần Văn Minh" in timeline  # the assignee by name, not by username
    process = response.context["process"]
    assert process and all("_" not in row.role for row in process)  # labels, not codes
    start = html.index('id="process-h"')
    table = html[start:html.index('</section>', start)]  # documents now stand beside the actions, above
    assert "desk_officer" not in table and "specialist" not in table.replace("specialist-H01", "")
    assert "Nguyễn Thị Lan" in table and "Desk officer" in table
    dossier_page = html[:html.index('id="timeline-h"')]
    assert "Trần Văn Minh" in dossier_page and "Minh Trần Văn" not in html


def test_printed_form_05_shows_vietnamese_names_role_labels_and_unit_names(client):
    from decimal import Decimal

    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import ProcessDefinition, ProcessStep
    from motcua.dossiers.web import forms_docs
    from motcua.units.models import Agency

    procedure()
    definition = ProcessDefinition.objects.create(procedure=Procedure.objects.get(code="1.000001"))
    steps = [("receive", "desk_officer", None), ("appraise", "specialist", "H01.STP"),
             ("check", "supervisor", None), ("approve", "leader", None), ("return", "desk_officer", None)]
    for position, (key, role, unit) in enumerate(steps):
        ProcessStep.objects.create(definition=definition, position=position, key=key, name=key, role=role,
                                   unit=Agency.objects.get(code=unit) if unit else None,
                                   budget_amount=Decimal(1), budget_unit="working_hours")
    flow = Flow(submitted())
    get_user_model().objects.filter(pk=flow.users["desk_officer"].pk).update(first_name="Lan", last_name="Nguyễn Thị")
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    d = flow.dossier
    document = forms_docs.form_05(d, list(d.events.select_related("actor").order_by("seq")), vn(2026, 3, 2, 12))
    table = next(b for b in document.blocks if b.kind == "table")
    handlers = [row[1] for row in table.rows]
    assert handlers[0] == "Nguyễn Thị Lan"
    assert handlers[1] == "Chuyên viên xử lý (Sở Tư pháp thành phố Hà Nội)"
    assert handlers[2] == "Cán bộ giám sát" and handlers[3] == "Lãnh đạo" and handlers[4] == "Bộ phận Một cửa"
    printed = " ".join(" ".join(row) for row in table.rows)
    for code in ("desk_officer", "specialist", "supervisor", "leader", "H01.STP"):
        assert code not in printed
    client.force_login(flow.users["leader"])
    html = client.get(f"/can-bo/ho-so/{flow.code}/mau/06/").content.decode()  # Circular 03/2025: control slip
    assert "Nguyễn Thị Lan" in html and "Cán bộ giám sát" in html and "supervisor" not in html
