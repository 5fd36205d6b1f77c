"""One roles enum (issue 15 point 3): the membership roles and their Vietnamese labels in ``units.models``, with the
sets named for their meaning — who handles a dossier, who works with dossiers (handling or reading), every staff
role — and one label for every role code, membership or not."""

from django.utils import translation

from motcua.units.roles import DOSSIER_ROLES, HANDLING_ROLES, STAFF_ROLES, Role, role_label


def test_each_set_adds_to_the_one_before_and_says_who_it_leaves_out():
    assert set(HANDLING_ROLES) < set(DOSSIER_ROLES) < set(STAFF_ROLES) == set(Role.values)
    assert Role.SUPERVISOR not in HANDLING_ROLES and Role.SUPERVISOR in DOSSIER_ROLES  # supervisors only read
    assert Role.CATALOG_OFFICER not in DOSSIER_ROLES  # the catalog officer handles no dossier
    assert list(DOSSIER_ROLES) == ["desk_officer", "specialist", "leader", "supervisor"]  # the queue's order


def test_every_role_code_has_one_vietnamese_label_and_an_english_one():
    with translation.override("vi"):
        assert [role_label(r) for r in (*DOSSIER_ROLES, "applicant", "system")] == [
            "Cán bộ một cửa", "Chuyên viên xử lý", "Lãnh đạo", "Giám sát", "Người nộp hồ sơ", "Hệ thống"]
        assert role_label("catalog_officer", in_sentence=True) == "cán bộ quản lý TTHC"
        assert role_label("") == "" and role_label("unknown_role") == "unknown_role"
    with translation.override("en"):
        assert [role_label(r) for r in (*DOSSIER_ROLES, "applicant", "system")] == [
            "Desk officer", "Specialist", "Leader", "Supervisor", "Applicant", "System"]
