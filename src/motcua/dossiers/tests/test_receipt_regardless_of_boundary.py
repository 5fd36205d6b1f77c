"""Receipt regardless of administrative boundary (issue 11 point 5; Decree 118/2025 Art. 14, 20, 28(2)(a); Decree
309/2026 Art. 7–8): who may receive what, the competent authority chosen on receipt, the paper file's 1-working-day
hand-over, the dossier code with the competent authority's identifier (the old code still found), and from 5/8/2026
the limit counted from the competent authority's receipt."""

import pytest

from motcua.dossiers import receipt
from motcua.dossiers.models import Dossier, DossierCodeAlias
from motcua.dossiers.queries import dossier_by_code
from motcua.dossiers.rules import RuleViolation
from motcua.units.models import Agency

from .factories import CALENDAR, Flow, procedure, submitted, vn
from .factories import CITIZEN as CITIZEN_AT

B = receipt.Body
CENTRE = B("H01.TTPVHCC", "service_centre", "province", "H01")
COMMUNE = B("H01.X00004", "commune_committee", "commune", "H01")
DEPARTMENT = B("H01.STP", "department", "province", "H01")
OTHER_PROVINCE = B("H79.STP", "department", "province", "H79")
MINISTRY_DESK = B("BTP", "ministry", "ministry", "BTP")
MINISTRY_UNIT = B("BTP.CHT", "central_other", "ministry", "BTP")
OTHER_MINISTRY = B("BCA", "ministry", "ministry", "BCA")


@pytest.mark.parametrize(("case", "desk", "competent", "on", "listed", "allowed"), [
    ("art14-2 provincial centre: a department of its province", CENTRE, DEPARTMENT, vn(2026, 3, 2), False, True),
    ("art14-2 provincial centre: a commune of its province", CENTRE, COMMUNE, vn(2026, 3, 2), False, True),
    ("art14-2 commune centre: the province's department", COMMUNE, DEPARTMENT, vn(2026, 3, 2), False, True),
    ("art14-2 not another province's body", CENTRE, OTHER_PROVINCE, vn(2026, 3, 2), False, False),
    ("art14-4 (Decree 309) nationwide list from 5/8/2026", CENTRE, OTHER_PROVINCE, vn(2026, 8, 5), True, True),
    ("art14-4 not on the list", CENTRE, OTHER_PROVINCE, vn(2026, 8, 5), False, False),
    ("art14-4 listed but before 5/8/2026", CENTRE, OTHER_PROVINCE, vn(2026, 8, 4), True, False),
    ("art14-1 a ministry's desk: its own units", MINISTRY_DESK, MINISTRY_UNIT, vn(2026, 3, 2), False, True),
    ("art14-1 a ministry's desk: not another ministry", MINISTRY_DESK, OTHER_MINISTRY, vn(2026, 3, 2), False, False),
    ("art14-2 a centre does not receive a ministry's own procedure", CENTRE, MINISTRY_UNIT, vn(2026, 3, 2), False,
     False),
    ("art14 a department receives only its own", DEPARTMENT, COMMUNE, vn(2026, 3, 2), False, False),
    ("art14 every desk its own agency", DEPARTMENT, DEPARTMENT, vn(2026, 3, 2), False, True),
])
def test_which_desks_may_receive_which_procedures(case, desk, competent, on, listed, allowed):
    assert receipt.may_receive(desk, competent, on, nationwide_listed=listed) is allowed


@pytest.mark.parametrize(("case", "received", "competent_at", "start"), [
    ("art17-3 before Decree 309: from the receipt", vn(2026, 8, 4, 9), vn(2026, 8, 5, 9), vn(2026, 8, 4, 9)),
    ("art17-3 as amended by Decree 309: from the competent authority's receipt", vn(2026, 8, 5, 9),
     vn(2026, 8, 6, 9), vn(2026, 8, 6, 9)),
    ("art17-3 amended, no later arrival recorded: the receipt", vn(2026, 8, 5, 9), None, vn(2026, 8, 5, 9)),
])
def test_the_limit_of_a_dossier_received_across_the_boundary_starts(case, received, competent_at, start):
    assert receipt.limit_start(received, competent_at, across_boundary=True) == start


@pytest.mark.parametrize(("case", "received", "group", "channel", "identifier"), [
    ("art28-2a the competent authority's identifier", vn(2026, 3, 2), False, "in_person", "H01.STP"),
    ("art28-2a linked group in person: the receiving desk's", vn(2026, 3, 2), True, "in_person", "H01.TTPVHCC"),
    ("art28-2a linked group online: the national portal's", vn(2026, 3, 2), True, "online", "DVCQG"),
    ("before 1/7/2025 (Circular 01/2018, history): the receiving agency's", vn(2025, 6, 30), False, "in_person",
     "H01.TTPVHCC"),
])
def test_whose_identifier_the_dossier_code_carries(case, received, group, channel, identifier):
    assert receipt.code_identifier(received, "H01.TTPVHCC", "H01.STP", linked_group=group, channel=channel,
                                   portal="DVCQG") == identifier


def test_paper_file_goes_within_one_working_day():
    """Art. 20(1)(a): Friday 6/3/2026 → end of Monday 9/3."""
    assert receipt.paper_transfer_due(CALENDAR, vn(2026, 3, 6, 10)) == vn(2026, 3, 9, 17)


@pytest.mark.django_db
def test_the_centre_receives_for_a_department_the_code_becomes_the_departments_and_the_old_one_is_found():
    procedure()
    department = Agency.objects.filter(code__startswith="H01.", kind="department").order_by("code").first()
    flow = Flow(submitted(at=vn(2026, 3, 6, 9), channel="in_person"))
    old = flow.code
    d = flow("receive", "desk_officer", vn(2026, 3, 6, 10), data={"competent_agency": department.code})
    assert d.code.startswith(f"{department.code}-260306-") and d.code != old
    assert (d.competent_agency, d.paper_transfer_due_at) == (department, vn(2026, 3, 9, 17))
    assert d.events.last().data["previous_code"] == old
    assert DossierCodeAlias.objects.get(code=old).dossier_id == d.pk
    assert dossier_by_code(old).pk == d.pk and dossier_by_code(d.code).pk == d.pk
    assert d.agency.code == "H01.TTPVHCC"  # the result returns to the receiving desk (Art. 20(1)(b))


@pytest.mark.django_db
def test_a_centre_cannot_choose_another_provinces_authority():
    """From the attacker's side: naming any agency on receipt does not move a dossier out of the province."""
    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 6, 9), channel="in_person"))
    with pytest.raises(RuleViolation) as refused:
        flow("receive", "desk_officer", vn(2026, 3, 6, 10), data={"competent_agency": "H79.STP"})
    assert refused.value.rule == "outside_receipt_scope"
    assert Dossier.objects.get(code=flow.code).state == "submitted"


@pytest.mark.django_db
def test_the_desk_records_the_paper_files_hand_over_and_a_late_one_is_marked(client, monkeypatch):
    """Art. 20(1)(a): within 1 working day of receipt; tracked on the dossier page until recorded."""
    from motcua.dossiers.web import officer_views

    procedure()
    department = Agency.objects.filter(code__startswith="H01.", kind="department").order_by("code").first()
    flow = Flow(submitted(at=vn(2026, 3, 6, 9), channel="in_person"))
    flow("receive", "desk_officer", vn(2026, 3, 6, 10), data={"competent_agency": department.code})
    flow.code = flow.dossier.code  # the competent authority's code from now on
    monkeypatch.setattr(officer_views, "now", lambda: vn(2026, 3, 10, 9))
    client.force_login(flow.users["desk_officer"])
    html = client.get(f"/can-bo/ho-so/{flow.dossier.code}/").content.decode()
    assert "Quá hạn chuyển hồ sơ giấy" in html and 'value="transfer_paper"' in html
    d = flow("transfer_paper", "desk_officer", vn(2026, 3, 10, 9))
    assert d.paper_transferred_at == vn(2026, 3, 10, 9) and d.events.last().data["late"] is True
    with pytest.raises(RuleViolation):
        flow("transfer_paper", "desk_officer", vn(2026, 3, 10, 10))


def _received_for_department(at):
    procedure(amount=5)
    department = Agency.objects.filter(code__startswith="H01.", kind="department").order_by("code").first()
    flow = Flow(submitted(at=at, channel="in_person"))
    flow("receive", "desk_officer", at, data={"competent_agency": department.code})
    flow.code = flow.dossier.code
    return flow


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "received", "competent_at", "due"), [
    # Thu 6/8/2026 10:00 at the centre; the department receives Mon 10/8 09:00: 5 working days from Tue 11/8.
    ("Decree309-2026-Art8(3) from 5/8/2026: from the competent authority's receipt", vn(2026, 8, 6, 10),
     vn(2026, 8, 10, 9), vn(2026, 8, 17, 17)),
    # Wed 5/8/2026, the first day of the amendment.
    ("Decree309-2026-Art8(3) on 5/8/2026", vn(2026, 8, 5, 10), vn(2026, 8, 6, 9), vn(2026, 8, 13, 17)),
])
def test_the_competent_authority_records_its_receipt_and_the_due_time_follows(case, received, competent_at, due):
    flow = _received_for_department(received)
    before = flow.dossier.due_at
    d = flow("record_competent_receipt", "specialist", competent_at,
             data={"competent_received_at": competent_at.isoformat()})
    assert (d.clock_started_at, d.due_at, d.index_due_at) == (competent_at, due, due)
    assert d.due_at > before
    assert d.events.last().data["competent_received_at"] == competent_at.isoformat()
    with pytest.raises(RuleViolation) as again:
        flow("record_competent_receipt", "specialist", competent_at)
    assert again.value.rule == "competent_receipt_already_recorded"


@pytest.mark.django_db
def test_before_5_8_2026_the_limit_stays_with_the_desks_receipt():
    """Decree 118/2025 Art. 17(3) before its amendment: the competent authority's receipt does not move the limit."""
    flow = _received_for_department(vn(2026, 8, 4, 10))
    with pytest.raises(RuleViolation) as refused:
        flow("record_competent_receipt", "specialist", vn(2026, 8, 5, 9))
    assert refused.value.rule == "competent_receipt_not_applicable"


@pytest.mark.django_db
def test_the_applicant_cannot_move_the_start_of_the_limit():
    """From the attacker's side: only officers record the competent authority's receipt; a dossier of the desk's own
    agency has none to record; a time in the future or before the desk's receipt is refused."""
    from motcua.dossiers.services import ActorNotAllowed
    from motcua.dossiers.transitions import TransitionNotAllowed

    flow = _received_for_department(vn(2026, 8, 6, 10))
    with pytest.raises((TransitionNotAllowed, ActorNotAllowed)):
        flow("record_competent_receipt", "applicant", vn(2026, 8, 10, 9))
    for at in (vn(2026, 8, 6, 9), vn(2026, 8, 11, 9)):
        with pytest.raises(RuleViolation) as refused:
            flow("record_competent_receipt", "specialist", vn(2026, 8, 10, 9),
                 data={"competent_received_at": at.isoformat()})
        assert refused.value.rule == "competent_receipt_out_of_range"
    own = Flow(submitted(at=vn(2026, 8, 6, 9), channel="in_person"))
    own("receive", "desk_officer", vn(2026, 8, 6, 10))
    with pytest.raises(RuleViolation) as none:
        own("record_competent_receipt", "specialist", vn(2026, 8, 10, 9))
    assert none.value.rule == "no_competent_receipt_pending"


S = receipt.Seat
SEATS = [
    S("H01.X00004", "commune", "Thành phố Hà Nội", "Phường Ba Đình"),
    S("H01.X00008", "commune", "Thành phố Hà Nội", "Phường Ngọc Hà"),
    S("H38.X00001", "commune", "Tỉnh Thanh Hóa", "Phường Hạc Thành"),
    S("H92.X00001", "commune", "Thành phố Cần Thơ", "Phường Ninh Kiều"),
    S("H01.STP", "province", "Thành phố Hà Nội"),
    S("H38.STP", "province", "Tỉnh Thanh Hóa"),
    S("BTP", "ministry"),
]


@pytest.mark.parametrize(("case", "levels", "address", "chosen"), [
    ("art20-1a commune level: the commune in the address", ["commune"],
     "Số 5 Hoàng Diệu, phường Ba Đình, thành phố Hà Nội", "H01.X00004"),
    ("art20-1a commune level: without diacritics", ["commune"], "so 5, Phuong Ngoc Ha, TP Ha Noi", "H01.X00008"),
    ("art20-1a commune level in another province (listed nationwide)", ["commune"],
     "12 Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ", "H92.X00001"),
    ("art20-1a province level: the province in the address", ["province"], "Phường Hạc Thành, tỉnh Thanh Hóa",
     "H38.STP"),
    ("art20-1a province and commune levels: the commune first", ["province", "commune"],
     "phường Ba Đình, Hà Nội", "H01.X00004"),
    ("art20-1a province and commune levels: no commune named, the province", ["province", "commune"],
     "Thanh Hóa", "H38.STP"),
    ("art20-1a ministry level: the ministry", ["ministry"], "bất kỳ", "BTP"),
    ("art20-1a no seat named: the desk names it", ["commune"], "Thôn 3, xã Đông Sơn, tỉnh Quảng Trị", None),
    ("art20-1a an empty address: the desk names it", ["province"], "", None),
    ("art20-1a a word inside another is not a name", ["province"], "Hà Nội Mới Plaza", "H01.STP"),
])
def test_the_competent_authority_is_chosen_from_the_applicants_address(case, levels, address, chosen):
    assert receipt.competent_by_address(levels, address, SEATS) == chosen


def test_two_seats_named_in_one_address_leave_the_choice_to_the_desk():
    two = [S("A", "commune", "Tỉnh X", "Phường Một"), S("B", "commune", "Tỉnh X", "Phường Một")]
    assert receipt.competent_by_address(["commune"], "phường Một, tỉnh X", two) is None


def _commune_procedure():
    from motcua.catalog.models import VersionAgency

    version = procedure()
    version.levels = "commune"
    version.save(update_fields=["levels"])
    communes = list(Agency.objects.filter(code__startswith="H01.", kind="commune_committee", unit__isnull=False)
                    .select_related("unit__province").order_by("code")[:2])
    VersionAgency.objects.create(version=version, role="competent", position=1, name=communes[0].name,
                                 agency=communes[0])
    return communes


@pytest.mark.django_db
def test_the_centre_receives_for_the_applicants_commune_when_nobody_names_it():
    """Art. 14(2), 20(1)(a): a commune-level procedure received at the provincial centre goes to the committee of
    the commune in the applicant's address, without the desk naming it."""
    from motcua.dossiers import services

    _first, second = _commune_procedure()
    applicant = {**CITIZEN_AT, "address": f"Số 1, {second.unit.name}, {second.unit.province.name}"}
    d = services.submit("1.000001", "H01.TTPVHCC", "in_person", applicant, {"field": "value"}, at=vn(2026, 3, 6, 9))
    flow = Flow(d)
    d = flow("receive", "desk_officer", vn(2026, 3, 6, 10))
    assert d.competent_agency == second and d.code.startswith(f"{second.code}-260306-")


@pytest.mark.django_db
def test_an_address_that_names_no_commune_leaves_the_choice_to_the_desk():
    from motcua.dossiers import services

    _commune_procedure()
    applicant = {**CITIZEN_AT, "address": "Thôn 3, xã Không Có, tỉnh Không Có"}
    d = services.submit("1.000001", "H01.TTPVHCC", "in_person", applicant, {"field": "value"}, at=vn(2026, 3, 6, 9))
    unnamed = Flow(d)
    kept = unnamed("receive", "desk_officer", vn(2026, 3, 6, 10))
    assert kept.competent_agency is None and kept.code.startswith("H01.TTPVHCC-")
    flow = Flow(services.submit("1.000001", "H01.TTPVHCC", "in_person", applicant, {"field": "value"},
                                at=vn(2026, 3, 6, 9)))
    department = Agency.objects.filter(code__startswith="H01.", kind="department").order_by("code").first()
    d = flow("receive", "desk_officer", vn(2026, 3, 6, 10), data={"competent_agency": department.code})
    assert d.competent_agency == department  # the desk's choice wins
