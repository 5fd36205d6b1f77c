"""Pure PAKN rules, table-driven: time standards with the working calendar (and their settings), overdue flags,
removal of personal data from published text, spam flags, redirect hints for complaints and denunciations."""

from datetime import datetime

import pytest

from motcua.core.calendar import TZ, WorkingCalendar
from motcua.feedback import rules

CAL = WorkingCalendar()


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(("received", "stage", "due_day"), [
    (vn(2026, 3, 2, 9), "decision_due_at", "2026-03-04"),   # Mon → Wed (2 working days, receipt day not counted)
    (vn(2026, 3, 2, 9), "forward_due_at", "2026-03-09"),    # 5 working days
    (vn(2026, 3, 2, 9), "supplement_due_at", "2026-03-09"),
    (vn(2026, 3, 2, 9), "answer_due_at", "2026-03-23"),     # 15 working days
    # Decree 20/2008 (domain.md §5): no 15:00 shift — a Friday 16:00 receipt counts from Friday, not Monday.
    (vn(2026, 3, 6, 16), "decision_due_at", "2026-03-10"),
    (vn(2026, 3, 8, 10), "decision_due_at", "2026-03-10"),  # Sunday: Sunday not counted → Mon, Tue
    (vn(2026, 4, 24, 9), "decision_due_at", "2026-04-29"),  # Fri; Mon 27/4 off (Hùng Kings, observed)
    (vn(2026, 4, 28, 9), "decision_due_at", "2026-05-04"),  # Tue; 30/4 and 1/5 off, then the weekend
])
def test_receipt_due_times(received, stage, due_day):
    assert rules.receipt_due_times(CAL, received)[stage].date().isoformat() == due_day


def test_time_standards_come_from_settings(settings):
    settings.MOTCUA_PAKN_ANSWER_DAYS = 10
    settings.MOTCUA_PAKN_PUBLISH_DAYS = 1
    assert rules.receipt_due_times(CAL, vn(2026, 3, 2, 9))["answer_due_at"].date().isoformat() == "2026-03-16"
    assert rules.publish_due(CAL, vn(2026, 3, 2, 9)).date().isoformat() == "2026-03-03"
    settings.MOTCUA_PAKN_REFUSE_DAYS = -1
    with pytest.raises(ValueError):
        rules.standard_days("refuse")


DUE = vn(2026, 3, 23, 17)


@pytest.mark.parametrize(("clocks", "now", "flags"), [
    (rules.Clocks("handling", answer_due_at=DUE), vn(2026, 3, 20), []),
    (rules.Clocks("handling", answer_due_at=DUE), vn(2026, 3, 24), ["answer"]),
    (rules.Clocks("published", answered_at=vn(2026, 3, 20), answer_due_at=DUE, published_at=vn(2026, 3, 21),
                  publish_due_at=vn(2026, 3, 24, 17)), vn(2026, 5, 1), []),
    (rules.Clocks("published", answered_at=vn(2026, 3, 25), answer_due_at=DUE, published_at=vn(2026, 3, 30),
                  publish_due_at=vn(2026, 3, 27, 17)), vn(2026, 5, 1), ["answer", "publish"]),
    (rules.Clocks("awaiting_publication", answered_at=vn(2026, 3, 20), answer_due_at=DUE,
                  publish_due_at=vn(2026, 3, 24, 17)), vn(2026, 3, 25), ["publish"]),
    (rules.Clocks("refused", refused_at=vn(2026, 3, 6), decision_due_at=vn(2026, 3, 4, 17), answer_due_at=DUE),
     vn(2026, 5, 1), ["refuse"]),
    (rules.Clocks("received", forwarded_at=vn(2026, 3, 12), forward_due_at=vn(2026, 3, 9, 17)), vn(2026, 3, 12),
     ["forward"]),
])
def test_overdue_flags(clocks, now, flags):
    assert rules.overdue_flags(clocks, now) == flags


@pytest.mark.parametrize(("text", "names", "kept", "gone"), [
    ("Gọi tôi số 0912 345 678 nhé", (), "Gọi tôi số", "0912 345 678"),
    ("SĐT: +84 912.345.678", (), "SĐT:", "912.345.678"),
    ("Email an.nguyen+pakn@example.com.vn", (), "Email", "example.com"),
    ("CCCD 001090012345, CMND 012345678", (), "CCCD", "001090012345"),
    ("Tôi là nguyễn văn an ở Hà Nội", ("Nguyễn Văn An",), "ở Hà Nội", "nguyễn văn an"),
    ("Nghị định 15/2020/NĐ-CP và 123 hồ sơ", (), "15/2020/NĐ-CP và 123 hồ sơ", "[đã ẩn]"),
])
def test_redact(text, names, kept, gone):
    out = rules.redact(text, names)
    assert kept in out and gone not in out


@pytest.mark.parametrize(("title", "content", "kwargs", "reasons"), [
    ("Thời hạn giải quyết", "Hồ sơ của tôi bị chậm ba ngày so với giấy hẹn.", {}, []),
    ("Vay tiền nhanh", "Vay tiền nhanh lãi thấp liên hệ ngay hôm nay", {}, ["spam_words"]),
    ("Xem", "http://a.vn http://b.vn http://c.vn ba đường dẫn", {}, ["links"]),
    ("Chậm", "quá chậmmmmmmmmmmmm rồi đó", {}, ["repeated_characters"]),
    ("CHẬM TRẢ KẾT QUẢ", "HỒ SƠ CỦA TÔI BỊ CHẬM RẤT NHIỀU NGÀY RỒI", {}, ["shouting"]),
    ("A", "chậm", {}, ["too_short"]),
    ("Thời hạn", "Hồ sơ của tôi bị chậm ba ngày.", {"same_text_recently": 1, "submissions_last_hour": 3},
     ["duplicate", "burst"]),
])
def test_spam_reasons(title, content, kwargs, reasons):
    assert rules.spam_reasons(title, content, **kwargs) == reasons


@pytest.mark.parametrize(("text", "hint"), [
    ("Tôi khiếu nại quyết định xử phạt", "complaint"),
    ("Đơn tố cáo cán bộ nhận hối lộ", "denunciation"),
    ("To cao hanh vi tham nhung", "denunciation"),
    ("Thủ tục đăng ký khai sinh còn rườm rà", ""),
])
def test_redirect_hints(text, hint):
    assert rules.suggest_redirect(text) == hint
    if hint:
        assert ("Luật Khiếu nại" if hint == "complaint" else "Luật Tố cáo") in rules.REDIRECTS[hint]


def test_tracking_codes_are_well_formed_and_vary():
    codes = {rules.tracking_code(vn(2026, 3, 2, 9)) for _ in range(200)}
    assert len(codes) == 200 and all(rules.CODE_PATTERN.match(c) for c in codes)


@pytest.mark.parametrize(("day", "key"), [
    pytest.param(vn(2013, 6, 30, 10), "nd20-2008", id="Decree20-2008-before-Decree48-2013"),
    pytest.param(vn(2013, 7, 1, 10), "nd20-2008+nd48-2013", id="Decree20-2008-as-amended-by-Decree48-2013"),
    pytest.param(vn(2026, 8, 4, 10), "nd20-2008+nd48-2013", id="Decree20-2008-in-force-2026"),
    pytest.param(vn(2026, 8, 5, 10), "nd20-2008+nd48-2013+nd309-2026", id="Decree20-2008-with-Decree309-2026"),
])
def test_pakn_rule_set_is_chosen_by_the_date_of_receipt(day, key):
    chosen = rules.pakn_rules_for(day)
    assert chosen.key == key
    assert chosen.days["forward"] == 5  # Decree 20/2008 Art. 9(1)(d)
    assert chosen.cutoff_moves_start is False


def test_pakn_time_standards_follow_the_rule_set_of_the_receipt_date(monkeypatch):
    older = rules.PaknRules(key="test-older", basis="test", effective_from=vn(2008, 3, 3).date(),
                            effective_to=vn(2026, 6, 30).date(), days={**rules.DEFAULT_DAYS, "answer": 10},
                            central_agency="VPCP")
    newer = rules.PaknRules(key="test-newer", basis="test", effective_from=vn(2026, 7, 1).date(), effective_to=None,
                            days={**rules.DEFAULT_DAYS, "answer": 20}, central_agency="VPCP")
    monkeypatch.setattr(rules, "PAKN_RULE_SETS", (older, newer))
    # Tue 30/6/2026 + 10 working days → Tue 14/7; Wed 1/7/2026 + 20 working days → Wed 29/7.
    assert rules.receipt_due_times(CAL, vn(2026, 6, 30, 16))["answer_due_at"].date().isoformat() == "2026-07-14"
    assert rules.receipt_due_times(CAL, vn(2026, 7, 1, 9))["answer_due_at"].date().isoformat() == "2026-07-29"
