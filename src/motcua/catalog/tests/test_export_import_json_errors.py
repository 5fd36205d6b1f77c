"""A malformed catalog file changes nothing, and the error names the file, the line, the record and the field."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.catalog import models as m
from motcua.catalog.exports.json_format import dump_records
from motcua.catalog.services import upsert_records

from .factories import make_record


def catalog_state() -> list:
    return list(m.ProcedureVersion.objects.order_by("procedure__code").values_list("procedure__code", "name"))


def import_json(path) -> None:
    call_command("catalog", "import-json", str(path), stdout=io.StringIO())


@pytest.mark.django_db
def test_import_json_error_names_file_record_line_and_field_and_changes_nothing(tmp_path):
    upsert_records([make_record("1.000001", "Tên cũ")])
    before = catalog_state()
    text = dump_records([make_record("1.000001", "Tên mới"), make_record("1.000002"), make_record("1.000003")])
    document = json.loads(text)
    document["procedures"][2]["channels"][1]["fees"][0]["amount_vnd"] = -5
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    record_line = [i + 1 for i, line in enumerate(text.splitlines()) if line == "    {"][2]  # third record opens

    with pytest.raises(CommandError) as err:
        import_json(path)

    message = str(err.value)
    assert message.startswith(str(path))
    assert f"line {record_line}" in message
    assert "record 3 (procedures[2], code 1.000003)" in message
    assert "field channels[1].fees[0].amount_vnd" in message
    assert "non-negative integer" in message
    assert catalog_state() == before  # the two valid records before it were not stored either


@pytest.mark.django_db
def test_import_json_unknown_field_is_named(tmp_path):
    document = json.loads(dump_records([make_record()]))
    document["procedures"][0]["documents"][0]["colour"] = "red"
    path = tmp_path / "extra.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match=r"record 1 \(procedures\[0\], code 1.000001\): "
                                           r"field documents\[0\].colour: unknown field"):
        import_json(path)
    assert catalog_state() == []


@pytest.mark.django_db
def test_import_json_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "motcua-catalog",\n  "version": 1,\n  "procedures": [\n    {,\n', encoding="utf-8")
    with pytest.raises(CommandError, match="^" + re.escape(f"{path}: line 5: not valid JSON")):
        import_json(path)


@pytest.mark.django_db
@pytest.mark.parametrize(("document", "expected"), [
    ([], "expected an object"),
    ({"format": "other", "version": 1, "procedures": []}, 'field format: "format" must be "motcua-catalog"'),
    ({"format": "motcua-catalog", "version": 2, "procedures": []}, "field version: unsupported version 2"),
    ({"format": "motcua-catalog", "version": 1, "procedures": {}}, 'field procedures: "procedures" must be a list'),
    ({"format": "motcua-catalog", "version": 1, "procedures": ["x"]}, "record 1 (procedures[0]): field record"),
])
def test_import_json_rejects_other_documents(tmp_path, document, expected):
    path = tmp_path / "other.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError) as err:
        import_json(path)
    assert expected in str(err.value)


@pytest.mark.django_db
def test_import_json_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.json: no such file"):
        import_json(tmp_path / "nope.json")
