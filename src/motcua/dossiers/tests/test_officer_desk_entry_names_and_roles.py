"""The officer's timeline and process-control table (form 05) name people by their full name and roles by their
label ("Desk officer"), never by codes such as ``desk_officer``."""

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
    assert "(Desk officer: Lan Nguyễn Thị)" in timeline and "desk_officer" not in timeline
    assert "Handler: Minh Trần Văn" in timeline  # the assignee by name, not by username
    process = response.context["process"]
    assert process and all("_" not in row.role for row in process)  # labels, not codes
    table = html[html.index('id="process-h"'):html.index('id="docs-h"')]
    assert "desk_officer" not in table and "specialist" not in table.replace("specialist-H01", "")
    assert "Lan Nguyễn Thị" in table and "Desk officer" in table
