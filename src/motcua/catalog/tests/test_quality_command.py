"""``motcua catalog quality``: per-component shares, incomplete records, and the time-limit headline (≥ 95%)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from motcua.catalog.records import ChannelRecord

from .factories import create_procedure

FULL = Path(__file__).parents[1] / "data" / "dvcqg" / "procedures.jsonl.gz"
SAMPLE = Path(__file__).parent / "data" / "dvcqg_sample.jsonl"


def _quality(*args) -> str:
    out = StringIO()
    call_command("catalog", "quality", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_quality_lists_incomplete_records_with_what_they_miss():
    create_procedure("1.000001")
    create_procedure("1.000002", steps=[], channels=[ChannelRecord("online")])
    report = json.loads(_quality("--json"))
    assert report["records"] == 2
    assert report["incomplete"] == [{"code": "1.000002", "name": "Đăng ký khai sinh", "missing": ["b", "đ"]}]
    assert report["components"]["steps"] == {"parsed": 1, "share": 0.5}
    text = _quality()
    assert "1.000002: missing b, đ" in text and "steps" in text


@pytest.mark.django_db
def test_headline_counts_records_whose_portal_text_states_a_unit():
    call_command("catalog", "import-dvcqg", str(SAMPLE), stdout=StringIO(), stderr=StringIO())
    headline = json.loads(_quality("--json"))["headline"]
    # not counted: 1.004757 states bare numbers ("Trực tuyến1200 VNĐ"), 1.003213 "Không có thông tin"
    assert headline["stated_with_unit"] == 4 and headline["machine_readable"] == 4 and headline["met"]


@pytest.mark.slow
@pytest.mark.django_db
def test_full_portal_sample_meets_the_time_limit_target():
    call_command("catalog", "import-dvcqg", str(FULL), stdout=StringIO(), stderr=StringIO())
    report = json.loads(_quality("--json"))
    assert report["records"] == 1399
    assert report["headline"]["stated_with_unit"] > 1000
    assert report["headline"]["share"] >= 0.95
    for component in ("name", "channels", "subjects", "sector"):
        assert report["components"][component]["share"] >= 0.95
