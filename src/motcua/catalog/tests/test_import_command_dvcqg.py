"""``motcua catalog import-dvcqg``: real records in, re-import in place, malformed files refused, nothing written."""

import gzip
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.catalog import models as m
from motcua.catalog.queries import current_version

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "dvcqg_sample.jsonl"


def _import(*paths) -> str:
    out = StringIO()
    call_command("catalog", "import-dvcqg", *map(str, paths), stdout=out, stderr=StringIO())
    return out.getvalue()


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.django_db
def test_real_records_are_imported_with_their_components():
    output = _import(SAMPLE)
    assert "6 created, 0 updated" in output and "parse issues" in output
    v = current_version("1.000178")
    assert v.source == "dvcqg" and v.status == m.VersionStatus.PUBLISHED and v.levels == "ministry"
    assert [(c.kind, c.time_limit_amount, c.time_limit_unit) for c in v.channels.all()] == [
        ("postal", 60, "working_days"), ("in_person", 60, "working_days")]
    assert v.documents.count() == 8 and all(d.originals == 1 for d in v.documents.all())
    assert {b.document.number for b in v.legal_basis.all()} >= {"68/2013/TT-BCA", "02/2011/QH13"}
    assert [(r.name, r.code) for r in v.results.all()] == [("Quyết định giải quyết khiếu nại lần 1, lần 2",
                                                            "KQ.G01.00262")]
    assert v.raw["ma_thu_tuc"] == "1.000178"  # the source object verbatim
    fees = [f.amount_vnd for c in current_version("1.004270").channels.all() for f in c.fees.all()]
    assert fees == [400000, 1700000, 400000, 1700000]


@pytest.mark.django_db
def test_reimport_updates_in_place_without_duplicates():
    _import(SAMPLE)
    counts = (m.ProcedureVersion.objects.count(), m.Channel.objects.count(), m.Fee.objects.count(),
              m.RequiredDocument.objects.count(), m.LegalDocument.objects.count())
    output = _import(SAMPLE)
    assert "0 created, 6 updated" in output
    assert counts == (m.ProcedureVersion.objects.count(), m.Channel.objects.count(), m.Fee.objects.count(),
                      m.RequiredDocument.objects.count(), m.LegalDocument.objects.count())


@pytest.mark.django_db
def test_one_object_json_file_and_gzip_file(tmp_path):
    gz = tmp_path / "procedures.jsonl.gz"
    gz.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    output = _import(DATA / "dvcqg_one.json", gz)
    assert "7 created" in output and "2 file(s)" in output
    assert current_version("3.000358").name


def _write(tmp_path, name, objects_or_lines) -> Path:
    path = tmp_path / name
    lines = [o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objects_or_lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name, build, expected", [
    ("bad-json.jsonl", lambda ok: [ok[0], ok[1], '{"ma_thu_tuc": "1.0", "ten_thu_tuc": '], ["line 3", "invalid JSON"]),
    ("no-code.jsonl", lambda ok: [ok[0], {**ok[1], "ma_thu_tuc": ""}], ["line 2", "ma_thu_tuc"]),
    ("no-name.jsonl", lambda ok: [ok[0], {k: v for k, v in ok[1].items() if k != "ten_thu_tuc"}],
     ["line 2", "ten_thu_tuc"]),
    ("wrong-type.jsonl", lambda ok: [ok[0], ok[1], {**ok[2], "cach_thuc_thuc_hien": ["Trực tiếp"]}],
     ["line 3", "cach_thuc_thuc_hien", "expected a string"]),
    ("not-object.jsonl", lambda ok: [ok[0], "[1, 2]"], ["line 2", "record", "expected a JSON object"]),
])
@pytest.mark.django_db
def test_malformed_file_names_file_line_and_field_and_writes_nothing(tmp_path, name, build, expected):
    good = _lines(SAMPLE)
    path = _write(tmp_path, name, build(good))
    with pytest.raises(CommandError) as err:
        _import(SAMPLE, path)  # a good file first: it must not be written either
    message = str(err.value)
    assert name in message
    for part in expected:
        assert part in message
    assert m.Procedure.objects.count() == 0 and m.ProcedureVersion.objects.count() == 0


@pytest.mark.django_db
def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.jsonl"):
        _import(tmp_path / "nope.jsonl")
