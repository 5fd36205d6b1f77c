"""The working calendar's year data for 2026 (decided) and 2027 (provisional), shipped with the project.

Source: ../shared/law/holidays-2026-2027.md (a table from press reports; the notices' full texts were not found) and
../shared/law/README.md. The ``holidays`` package already knows the statutory holidays (Labour Code 2019 Art. 112)
and, for 2026, the 2/9 swap (31/8 off, 22/8 worked); it does NOT know the New Year swap of 2026. Rows entered here:

- 2026 (official): Friday 2/1/2026 off, Saturday 10/1/2026 worked (Văn bản 12729/VPCP-KGVX ngày 25/12/2025, the
  Prime Minister agreeing to the Ministry of Home Affairs' proposal; number as quoted by a press copy). The 2/9 swap
  (Monday 31/8 off, Saturday 22/8 worked) is entered too, so the admin shows the year's swaps in one place.
- 2027 (provisional: no decision found; as of 22/9/2026 two proposals, 7 or 10 consecutive days): Tết Đinh Mùi as
  the statutory calendar computes it (Thursday 4/2 – Wednesday 10/2/2027; working days off 4, 5, 8, 9, 10/2) and
  Friday 3/9/2027 as the day next to Thursday 2/9/2027. Marked provisional until the notice is recorded.

A row an administrator already entered for the same date (nationwide) is left as it is.
"""

from datetime import date

from django.db import migrations

NEW_YEAR_2026 = ("Hoán đổi ngày làm việc Thứ Sáu 02/01/2026 sang Thứ Bảy 10/01/2026 (Tết Dương lịch nghỉ 01/01–"
                 "04/01/2026; Văn bản 12729/VPCP-KGVX ngày 25/12/2025)")
NATIONAL_DAY_2026 = "Hoán đổi ngày làm việc Thứ Hai 31/8/2026 sang Thứ Bảy 22/8/2026 (Quốc khánh nghỉ 29/8–02/9/2026)"
TET_2027 = "Tết Âm lịch Đinh Mùi 2027 — tạm tính theo lịch luật định, chưa có quyết định chính thức"
NATIONAL_DAY_2027 = "Ngày nghỉ liền kề Quốc khánh 02/9/2027 — tạm tính, chưa có quyết định chính thức"

DAYS = [
    (date(2026, 1, 2), "day_off", NEW_YEAR_2026),
    (date(2026, 1, 10), "working_day", NEW_YEAR_2026),
    (date(2026, 8, 22), "working_day", NATIONAL_DAY_2026),
    (date(2026, 8, 31), "day_off", NATIONAL_DAY_2026),
    *[(date(2027, 2, d), "day_off", TET_2027) for d in (4, 5, 8, 9, 10)],
    (date(2027, 9, 3), "day_off", NATIONAL_DAY_2027),
]

YEARS = [
    {"year": 2026, "notice_number": "12729/VPCP-KGVX", "notice_date": date(2025, 12, 25),
     "source": ("../shared/law/holidays-2026-2027.md: 24h.com.vn, tracuuquyhoach.com (Tết Dương lịch, số văn bản "
                "theo bản sao tin, chưa đối chiếu bản gốc); kienthuc.net.vn 13/10/2025 (Tết Âm lịch 14–22/02, Quốc "
                "khánh 29/8–02/9 hoán đổi 31/8 ↔ 22/8); thanhnien.vn 13/01/2026; baochinhphu.vn (24/11)"),
     "note": "Đã quyết định. Ngày nghỉ luật định do gói holidays tính; bảng này ghi các ngày hoán đổi."},
    {"year": 2027, "notice_number": "", "notice_date": None,
     "source": "../shared/law/holidays-2026-2027.md: chưa tìm thấy quyết định (22/09/2026: 2 phương án 7 hoặc 10 ngày)",
     "note": "Tạm tính: Tết Âm lịch và ngày liền kề 02/9 chưa có văn bản. Ghi số, ngày văn bản khi có để bỏ tạm tính."},
]


def load(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarException = apps.get_model("core", "CalendarException")
    for values in YEARS:
        if not CalendarYear.objects.filter(year=values["year"]).exists():
            CalendarYear.objects.create(**values)
    taken = set(CalendarException.objects.filter(agency__isnull=True, date__in=[d for d, _, _ in DAYS])
                .values_list("date", flat=True))
    CalendarException.objects.bulk_create([CalendarException(date=d, kind=kind, reason=reason)
                                           for d, kind, reason in DAYS if d not in taken])


def unload(apps, schema_editor):
    CalendarException = apps.get_model("core", "CalendarException")
    for d, kind, reason in DAYS:
        CalendarException.objects.filter(agency__isnull=True, date=d, kind=kind, reason=reason).delete()
    apps.get_model("core", "CalendarYear").objects.filter(year__in=[v["year"] for v in YEARS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_calendar_year")]
    operations = [migrations.RunPython(load, unload)]
