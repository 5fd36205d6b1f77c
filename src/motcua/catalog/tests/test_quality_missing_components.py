"""Decree 63/2010 Art. 8(2): a record lacking any of components a–g is incomplete; records and stored versions alike."""

import pytest

from motcua.catalog.queries import versions_with_components
from motcua.catalog.records import AgencyRecord, ChannelRecord
from motcua.catalog.rules import missing_components

from .factories import create_procedure, make_record


@pytest.mark.parametrize("overrides, missing", [
    ({}, []),
    ({"name": " "}, ["a"]),
    ({"steps": [], "subjects": []}, ["b", "e"]),
    ({"channels": []}, ["c", "đ"]),
    ({"channels": [ChannelRecord("in_person")]}, ["đ"]),
    ({"documents": []}, ["d"]),
    ({"agencies": [AgencyRecord("coordinating", "Bộ Tài chính")]}, ["g"]),
    ({"agencies": [AgencyRecord("competent", "Bộ Tư pháp")]}, []),  # the deciding body performs it
])
def test_missing_components_of_a_record(overrides, missing):
    assert missing_components(make_record(**overrides)) == missing


@pytest.mark.django_db
def test_missing_components_of_a_stored_version():
    create_procedure("1.000002", steps=[], channels=[ChannelRecord("online")])
    version = versions_with_components().get(procedure__code="1.000002")
    assert missing_components(version) == ["b", "đ"]
