"""Portal files are read as JSON lines (plain or gzip, detected by magic bytes) or as one JSON object or a list."""

import gzip
import json
from pathlib import Path

import pytest

from motcua.catalog.importers.dvcqg import DvcqgFileError, read_dvcqg_files

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "dvcqg_sample.jsonl"


def test_json_lines_give_file_and_line():
    rows = list(read_dvcqg_files([SAMPLE]))
    assert [line for _, line, _ in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0][0] == str(SAMPLE) and rows[0][2]["ma_thu_tuc"] == "1.000178"


def test_gzip_is_detected_by_magic_bytes_whatever_the_name(tmp_path):
    path = tmp_path / "records.data"  # no .gz suffix on purpose
    path.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    assert [obj["ma_thu_tuc"] for _, _, obj in read_dvcqg_files([path])] == [
        obj["ma_thu_tuc"] for _, _, obj in read_dvcqg_files([SAMPLE])]


def test_one_object_and_a_list_of_objects(tmp_path):
    [(_, line, obj)] = list(read_dvcqg_files([DATA / "dvcqg_one.json"]))
    assert line == 1 and obj["ma_thu_tuc"] == "3.000358"
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"ma_thu_tuc": "1"}, {"ma_thu_tuc": "2"}], indent=2), encoding="utf-8")
    assert [(line, obj["ma_thu_tuc"]) for _, line, obj in read_dvcqg_files([listed])] == [(1, "1"), (2, "2")]


def test_bad_json_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"ma_thu_tuc": "1"}\n\n{"ma_thu_tuc": \n', encoding="utf-8")
    with pytest.raises(DvcqgFileError) as err:
        list(read_dvcqg_files([path]))
    assert err.value.line == 3 and "bad.jsonl, line 3" in str(err.value)
