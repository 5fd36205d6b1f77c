"""The CPSV-AP 3.2 export conforms to the release's SHACL shapes (the project's copy in catalog/standards/cpsv-ap)
and says what the catalog says: identifiers, Vietnamese titles, channels, durations, costs in VND, evidence."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pyshacl
import pytest
from django.core.management import call_command
from rdflib import XSD, Graph, Literal, URIRef

from motcua.catalog.exports.cpsv import (
    CPSV,
    CV,
    DCT,
    SHAPES_PATH,
    VND,
    build_graph,
    iso_duration,
    load_shapes,
    procedure_iri,
    service_description,
    to_jsonld,
    to_turtle,
)
from motcua.catalog.records import (
    AgencyRecord,
    ChannelRecord,
    DocumentRecord,
    FeeRecord,
    LegalRecord,
    ResultRecord,
    StepRecord,
    TimeLimit,
)
from motcua.catalog.services import upsert_records

from .factories import make_record


def varied_records():
    """Factory records covering the awkward cases: no agencies, no steps, unknown units, fractions, no amounts."""
    return [
        make_record(),
        make_record(
            "1.000948.H38", "Cấp bản sao \"trích lục\"\nhộ tịch",
            agencies=[AgencyRecord("implementing", "Sở Tư pháp", "H38.STP"),
                      AgencyRecord("competent", "Ủy ban nhân dân tỉnh Thanh Hóa", "H38"),
                      AgencyRecord("coordinating", "Công an tỉnh")],
            channels=[
                ChannelRecord("in_person", TimeLimit(Decimal("0.5"), "working_days"), "1/2 ngày làm việc"),
                ChannelRecord("postal", TimeLimit(Decimal(4), "working_hours"), "4 giờ làm việc",
                              [FeeRecord(None, "Theo quy định"), FeeRecord(12000)]),
                ChannelRecord("online", TimeLimit(Decimal(1), "unknown"), "sau khi nhận đủ hồ sơ"),
                ChannelRecord("online", None, ""),
            ],
            documents=[DocumentRecord("Tờ khai", 1, 2, "Mẫu TP/HT-01", "https://example.vn/mau tờ khai.docx",
                                      "Trường hợp 1", True, True)],
            legal_basis=[LegalRecord("04/2020/TT-BTP", "Thông tư 04", dt.date(2020, 5, 28), dt.date(2020, 7, 16))],
            results=[ResultRecord("Bản sao trích lục", "KQ.G01.00001", "Bản sao")],
        ),
        make_record("2.000635", "Thủ tục không có gì", agencies=[], steps=[], requirements="", channels=[],
                    documents=[], legal_basis=[], results=[], sector="", kind="", subjects=[], status="abolished"),
        make_record("2.000636", "Thủ tục trong ngày", steps=[StepRecord("", "Nộp hồ sơ tại bộ phận một cửa")],
                    channels=[ChannelRecord("in_person", TimeLimit(Decimal(1), "same_day"), "Trong ngày"),
                              ChannelRecord("online", TimeLimit(Decimal(30), "calendar_days"), "30 Ngày")]),
    ]


def validate(graph: Graph, inference: str | None = "rdfs") -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(graph, shacl_graph=load_shapes(), inference=inference,
                                         abort_on_first=False)
    return conforms, text


def test_cpsv_shapes_are_the_projects_copy():
    assert "catalog/standards/cpsv-ap" in SHAPES_PATH.as_posix()
    assert "/work/shared" not in SHAPES_PATH.as_posix()
    assert len(load_shapes()) > 500


def test_cpsv_turtle_conforms_to_shapes():
    turtle = to_turtle(build_graph(varied_records()))
    graph = Graph().parse(data=turtle, format="turtle")
    assert set(graph) == set(build_graph(varied_records()))  # the hand-written Turtle loses nothing
    for inference in ("rdfs", None):
        conforms, text = validate(graph, inference)
        assert conforms, text


def test_cpsv_jsonld_conforms_to_shapes_and_reads_back_without_network():
    text = to_jsonld(build_graph(varied_records()))
    assert '"@type": "PublicService"' in text
    assert "https://" not in text.split('"@graph"')[0].split('"@context"')[0]  # nothing to fetch before the context
    graph = Graph().parse(data=text, format="json-ld")
    assert set(graph) == set(build_graph(varied_records()))
    conforms, report = validate(graph)
    assert conforms, report


def test_cpsv_a_nonconforming_service_is_caught():
    """Guards the guard: a service without title and competent authority fails the same validation."""
    graph = build_graph([make_record()])
    service = procedure_iri("1.000001")
    graph.remove((service, DCT.title, None))
    graph.remove((service, CV.hasCompetentAuthority, None))
    conforms, text = validate(graph)
    assert not conforms
    assert "hasCompetentAuthority" in text


def test_cpsv_service_carries_the_record():
    graph = build_graph(varied_records())
    s = procedure_iri("1.000948.H38")
    assert s == URIRef("https://motcua.example/id/procedure/1.000948.H38")
    assert graph.value(s, DCT.identifier) == Literal("1.000948.H38")
    assert graph.value(s, DCT.title) == Literal("Cấp bản sao \"trích lục\"\nhộ tịch", lang="vi")
    # The competent authority is the agency in the competent role; every agency also participates in its role.
    authorities = list(graph.objects(s, CV.hasCompetentAuthority))
    assert [str(a) for a in authorities] == ["https://motcua.example/id/organisation/H38"]
    assert len(list(graph.objects(s, CV.hasParticipation))) == 3
    # Channels with their durations; the service's processing time is the longest (4 working hours).
    assert len(list(graph.objects(s, CV.hasChannel))) == 4
    durations = {str(graph.value(ch, CV.processingTime)) for ch in graph.objects(s, CV.hasChannel)}
    assert durations == {"PT4H", "None"}
    assert graph.value(s, CV.processingTime) == Literal("PT4H", datatype=XSD.duration)
    costs = list(graph.objects(s, CV.hasCost))
    assert {graph.value(c, CV.currency) for c in costs} == {VND}
    assert sorted(float(v) for c in costs if (v := graph.value(c, CV.hasValue)) is not None) == [12000.0]
    assert len(list(graph.objects(s, CPSV.hasInput))) == 1
    assert len(list(graph.objects(s, CPSV.produces))) == 1


def test_cpsv_description_is_built_from_steps_and_requirements_and_never_empty():
    record = make_record()
    assert service_description(record).startswith("Trình tự thực hiện:\nBước 1: Nộp hồ sơ\nBước 2: Nhận kết quả")
    assert "Yêu cầu, điều kiện thực hiện:\nKhông có" in service_description(record)
    empty = make_record("9.999999", "Thủ tục trống", steps=[], requirements="  ")
    assert service_description(empty) == "Thủ tục hành chính Thủ tục trống (mã 9.999999)."


@pytest.mark.parametrize(("amount", "unit", "expected"), [
    ("5", "working_days", "P5D"),
    ("0.5", "working_days", "PT4H"),
    ("30", "calendar_days", "P30D"),
    ("1.5", "calendar_days", "PT36H"),
    ("4", "working_hours", "PT4H"),
    ("1.5", "working_hours", "PT1H30M"),
    ("1", "same_day", "PT8H"),
    ("3", "unknown", None),
])
def test_cpsv_processing_time_is_an_xsd_duration(amount, unit, expected):
    assert iso_duration(TimeLimit(Decimal(amount), unit)) == expected
    if expected:
        assert not Literal(expected, datatype=XSD.duration).ill_typed


def test_cpsv_base_iri_comes_from_settings(settings):
    settings.MOTCUA_BASE_IRI = "https://tthc.example.gov.vn/id"
    graph = build_graph([make_record()])
    assert (URIRef("https://tthc.example.gov.vn/id/procedure/1.000001"), DCT.identifier,
            Literal("1.000001")) in graph


@pytest.mark.django_db
def test_cpsv_export_command_writes_turtle_and_jsonld(tmp_path):
    upsert_records(varied_records())
    for fmt, parser in (("cpsv-turtle", "turtle"), ("cpsv-jsonld", "json-ld")):
        out = tmp_path / f"catalog.{parser}"
        call_command("catalog", "export", "--format", fmt, "--out", str(out), stderr=io.StringIO())
        graph = Graph().parse(out, format=parser)
        assert len(set(graph.subjects(None, CPSV.PublicService))) == 4
        conforms, report = validate(graph)
        assert conforms, report
