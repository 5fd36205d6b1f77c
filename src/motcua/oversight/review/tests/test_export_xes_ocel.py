"""The event log exported as XES and OCEL 2.0 JSON is read back by pm4py (an AGPL test-only extra, imported only
here) with every event, case and activity; no personal data leaves."""

import io
import json
import xml.etree.ElementTree as ET

import pytest

from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.factories import procedure
from motcua.oversight.review import cli, exports

from .factories import handled

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    procedure("1.000001", amount=5)
    return [handled("1.000001"), handled("1.000001", supplement=True, refuse=True)]


def test_xes_is_read_by_pm4py(history, tmp_path):
    pm4py = pytest.importorskip("pm4py", reason="pm4py (AGPL, test-only extra 'mining') is not installed")
    out = tmp_path / "log.xes"
    cli.main(["export-xes", "--out", str(out)], stdout=io.StringIO(), stderr=io.StringIO())
    df = pm4py.read_xes(str(out))
    assert len(df) == DossierEvent.objects.count() == 7 + 7
    assert set(df["case:concept:name"]) == {d.code for d in history}
    first = df[df["case:concept:name"] == history[0].code].sort_values("time:timestamp")
    assert list(first["concept:name"]) == ["submit", "receive", "assign", "complete_step:appraise", "approve",
                                           "issue_result", "return_result"]
    assert {"specialist-H01.TTPVHCC", "leader-H01.TTPVHCC", "applicant"} <= set(first["org:resource"])
    dfg, start, _end = pm4py.discover_dfg(df)
    assert dfg[("submit", "receive")] == 2 and start == {"submit": 2}
    text = out.read_text(encoding="utf-8")
    assert "001090012345" not in text and "Nguyễn Văn An" not in text  # the applicant's ID and name never leave


def test_ocel2_json_is_read_by_pm4py(history, tmp_path):
    pm4py = pytest.importorskip("pm4py", reason="pm4py (AGPL, test-only extra 'mining') is not installed")
    out = tmp_path / "log.jsonocel"
    cli.main(["export-ocel", "--out", str(out)], stdout=io.StringIO(), stderr=io.StringIO())
    ocel = pm4py.read_ocel2_json(str(out))
    assert len(ocel.events) == 14
    types = set(ocel.objects["ocel:type"])
    assert types == {"dossier", "procedure", "agency", "officer"}
    assert set(ocel.objects[ocel.objects["ocel:type"] == "dossier"]["ocel:oid"]) == {
        f"dossier:{d.code}" for d in history}
    relations = ocel.relations
    assert len(relations[relations["ocel:type"] == "dossier"]) == 14  # every event → its dossier
    assert len(relations[relations["ocel:type"] == "agency"]) == 14
    assert len(ocel.o2o) == 4  # each dossier → its procedure and agency
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "complete_step:appraise" in {t["name"] for t in data["eventTypes"]}


def test_selection_by_procedure_and_dates(history):
    procedure("1.000009", amount=5)
    handled("1.000009", day=16)
    buf = io.StringIO()
    n = exports.write_xes(buf, exports.selection_from(procedures=["1.000009"]))
    assert n == 7
    root = ET.fromstring(buf.getvalue())
    assert len(root.findall("{http://www.xes-standard.org/}trace")) == 1
    assert exports.write_xes(io.StringIO(), exports.selection_from(since="2026-03-10")) == 7
    assert exports.write_xes(io.StringIO(), exports.selection_from(until="2026-03-10")) == 14


def test_bad_date_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        cli.main(["export-xes", "--out", str(tmp_path / "x.xes"), "--since", "2026-13-01"], stderr=io.StringIO())
    with pytest.raises(CommandError, match="không tồn tại"):
        cli.main(["export-ocel", "--out", str(tmp_path / "missing" / "x.json")], stderr=io.StringIO())
