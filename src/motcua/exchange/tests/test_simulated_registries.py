"""Simulated registries (issue 4 point 1): seeded and deterministic, consistent with the demo citizens, and every
record agrees with its personal ID (province of birth registration, century and sex, birth year)."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.identifiers import parse_personal_id
from motcua.demo.accounts import DEMO_CITIZENS
from motcua.exchange.errors import InvalidIdentifier, InvalidRequest, NotFound
from motcua.exchange.registries import SPECS
from motcua.exchange.registries.simulated import PROVINCES, World, simulated_registries

TODAY = date(2026, 11, 30)


@st.composite
def personal_ids(draw):
    year = draw(st.integers(1900, TODAY.year))
    female = draw(st.booleans())
    province = draw(st.sampled_from(sorted(PROVINCES)))
    rest = draw(st.integers(1, 999_999))
    return f"{province:03d}{(year // 100 - 19) * 2 + female}{year % 100:02d}{rest:06d}"


def test_every_registry_declares_its_identifier_and_attributes():
    assert set(SPECS) == {"population", "civil_status", "residence", "business", "social_insurance"}
    assert SPECS["business"].identifier == "enterprise_code"
    assert all(SPECS[n].identifier == "personal_id" for n in SPECS if n != "business")
    assert {"full_name", "birth_date", "sex", "birth_registration_place", "permanent_residence",
            "temporary_residence", "household_members", "eid_level"} == set(SPECS["population"].attributes)


def test_demo_citizens_are_in_the_population_registry_with_their_names():
    population = simulated_registries(today=TODAY)["population"]
    for person in DEMO_CITIZENS:
        record = population.lookup(person.personal_id, [])
        parsed = parse_personal_id(person.personal_id, today=TODAY)
        assert record["full_name"] == person.full_name
        assert record["sex"] == parsed.sex and record["birth_date"].year == parsed.birth_year
        assert record["eid_level"] in (1, 2)


def test_the_demo_household_agrees_across_registries():
    world = simulated_registries(today=TODAY)
    an = world["population"].lookup("001090012345", ["household_members"])["household_members"]
    assert [m["full_name"] for m in an] == ["Nguyễn Văn An", "Trần Thị Bình", "Nguyễn Minh Khôi"]
    for member in an:
        residence = world["residence"].lookup(member["personal_id"], [])
        assert residence["household_head"] == "Nguyễn Văn An" and residence["relation_to_head"] == member["relation"]
    child = world["civil_status"].lookup("001221001234", ["birth_record"])["birth_record"]
    assert (child["father_name"], child["mother_name"]) == ("Nguyễn Văn An", "Trần Thị Bình")
    assert world["civil_status"].lookup("001185004321", ["marital_status"]) == {"marital_status": "Đã kết hôn"}


@settings(max_examples=200, deadline=None)
@given(personal_ids())
def test_every_record_agrees_with_its_personal_id(pid):
    world = World(2026, today=TODAY)
    record = world.person(pid)
    parsed = parse_personal_id(pid, today=TODAY)
    population = record["population"]
    assert population["sex"] == parsed.sex
    assert population["birth_date"].year == parsed.birth_year and population["birth_date"] <= TODAY
    assert population["birth_registration_place"] == PROVINCES[parsed.province_code]
    assert record["civil_status"]["birth_record"]["registered_on"] >= population["birth_date"]
    assert World(2026, today=TODAY).person(pid) == record  # deterministic
    card = record["social_insurance"]["health_insurance_card"]["number"]
    assert len(card) == 15 and card[2] == "4"


def test_the_seed_changes_the_world_and_some_ids_are_not_registered():
    pid = "079300123456"
    assert World(1, today=TODAY).person(pid) != World(2, today=TODAY).person(pid)
    with pytest.raises(NotFound):
        World(today=TODAY).person("079300000000")
    with pytest.raises(NotFound):
        World(today=TODAY).business("0100000000")
    with pytest.raises(InvalidIdentifier):
        World(today=TODAY).person("079390123456")  # born 2090


def test_businesses_are_consistent_and_unknown_attributes_refused():
    registry = simulated_registries(today=TODAY)["business"]
    company = registry.lookup("0101234567", [])
    rep = company["legal_representative"]
    assert parse_personal_id(rep["personal_id"], today=TODAY)
    assert World(today=TODAY).person(rep["personal_id"])["population"]["full_name"] == rep["full_name"]
    assert registry.lookup("0101234567-001", ["name"])["name"].startswith("Chi nhánh")
    with pytest.raises(InvalidRequest):
        registry.lookup("0101234567", ["salary"])
