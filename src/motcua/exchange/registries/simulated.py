"""Simulated base registries: seeded, deterministic, consistent with the demo citizens (issue 4 point 1).

Pure Python (no ORM), so the same world runs in-process or behind ``motcua registry serve``.

- **People.** Every valid personal ID (:func:`motcua.core.identifiers.parse_personal_id`) is registered, except
  those whose random part (digits 7–12) is ``000000``: they are *not found*, so clients can exercise that branch. The
  record is drawn from a random generator seeded with ``seed`` and the ID, so it is the same on every run, and it
  agrees with the ID: sex from digit 4, birth year from digits 4–6, place of birth registration from digits 1–3.
  The demo citizens (:data:`motcua.demo.accounts.DEMO_CITIZENS`) have their own names; Nguyễn Văn An and Trần Thị
  Bình share one household in Hà Nội with their son (born 2021), so household and residence data agree.
- **Businesses.** Every valid enterprise code is registered except those ending in ``0000``.
- **Faults.** ``delay`` (seconds per call) and ``fail_rate`` (share of calls answered "unavailable") simulate a slow
  or failing registry; the HTTP server exposes them as ``--delay-ms`` and ``--fail-rate``.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from motcua.core.identifiers import IdentifierError, parse_enterprise_code, parse_personal_id

from ..errors import InvalidIdentifier, InvalidRequest, NotFound, RegistryUnavailable
from .base import PERSONAL_ID, CallContext, RegistrySpec
from .specs import SPECS

DEFAULT_SEED = 2026

# Provinces of birth registration by the code in digits 1–3 (Circular 07/2016/TT-BCA Annex; before the 2025 merger).
PROVINCES: dict[int, str] = {
    1: "Hà Nội", 2: "Hà Giang", 4: "Cao Bằng", 6: "Bắc Kạn", 8: "Tuyên Quang", 10: "Lào Cai", 11: "Điện Biên",
    12: "Lai Châu", 14: "Sơn La", 15: "Yên Bái", 17: "Hòa Bình", 19: "Thái Nguyên", 20: "Lạng Sơn",
    22: "Quảng Ninh", 24: "Bắc Giang", 25: "Phú Thọ", 26: "Vĩnh Phúc", 27: "Bắc Ninh", 30: "Hải Dương",
    31: "Hải Phòng", 33: "Hưng Yên", 34: "Thái Bình", 35: "Hà Nam", 36: "Nam Định", 37: "Ninh Bình",
    38: "Thanh Hóa", 40: "Nghệ An", 42: "Hà Tĩnh", 44: "Quảng Bình", 45: "Quảng Trị", 46: "Thừa Thiên Huế",
    48: "Đà Nẵng", 49: "Quảng Nam", 51: "Quảng Ngãi", 52: "Bình Định", 54: "Phú Yên", 56: "Khánh Hòa",
    58: "Ninh Thuận", 60: "Bình Thuận", 62: "Kon Tum", 64: "Gia Lai", 66: "Đắk Lắk", 67: "Đắk Nông",
    68: "Lâm Đồng", 70: "Bình Phước", 72: "Tây Ninh", 74: "Bình Dương", 75: "Đồng Nai", 77: "Bà Rịa - Vũng Tàu",
    79: "TP Hồ Chí Minh", 80: "Long An", 82: "Tiền Giang", 83: "Bến Tre", 84: "Trà Vinh", 86: "Vĩnh Long",
    87: "Đồng Tháp", 89: "An Giang", 91: "Kiên Giang", 92: "Cần Thơ", 93: "Hậu Giang", 94: "Sóc Trăng",
    95: "Bạc Liêu", 96: "Cà Mau",
}
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = {"male": ("Văn", "Đức", "Minh", "Quang", "Hữu"), "female": ("Thị", "Ngọc", "Thu", "Thanh", "Mai")}
GIVEN = {"male": ("An", "Bảo", "Cường", "Dũng", "Hải", "Hùng", "Khang", "Long", "Nam", "Phúc", "Quân", "Sơn",
                  "Thắng", "Tuấn", "Việt", "Vinh"),
         "female": ("Anh", "Chi", "Dung", "Giang", "Hà", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung", "Phương",
                    "Thảo", "Trang", "Vân", "Yến")}
STREETS = ("Lý Thường Kiệt", "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Hai Bà Trưng", "Quang Trung",
           "Phan Chu Trinh", "Điện Biên Phủ", "Hùng Vương", "Nguyễn Huệ")
WARDS = ("phường Trung Tâm", "phường Đông", "phường Tây", "xã Bắc", "xã Nam", "phường Bến Thành")
HOSPITALS = ("Trạm y tế phường", "Bệnh viện đa khoa tỉnh", "Trung tâm y tế khu vực", "Bệnh viện Bạch Mai",
             "Bệnh viện Chợ Rẫy")
TRADE = ("Thương mại", "Xây dựng", "Dịch vụ", "Công nghệ", "Vận tải", "Nông sản", "Du lịch")
LINES = ("4690 Bán buôn tổng hợp", "4100 Xây dựng nhà các loại", "6201 Lập trình máy vi tính",
         "4933 Vận tải hàng hóa bằng đường bộ", "5510 Dịch vụ lưu trú ngắn ngày", "1079 Sản xuất thực phẩm khác")

# Demo citizens (motcua.demo.accounts): fixed names, one shared household.
DEMO_HOUSEHOLD = "HN-0010900001"
DEMO_PEOPLE: dict[str, dict[str, Any]] = {
    "001090012345": {"full_name": "Nguyễn Văn An", "birth_date": date(1990, 3, 12), "household": DEMO_HOUSEHOLD,
                     "relation": "Chủ hộ", "address": "Số 12, phố Hàng Bạc, phường Hoàn Kiếm, Thành phố Hà Nội",
                     "spouse": "001185004321", "eid_level": 2},
    "001185004321": {"full_name": "Trần Thị Bình", "birth_date": date(1985, 7, 4), "household": DEMO_HOUSEHOLD,
                     "relation": "Vợ", "address": "Số 12, phố Hàng Bạc, phường Hoàn Kiếm, Thành phố Hà Nội",
                     "spouse": "001090012345", "eid_level": 2},
    "001221001234": {"full_name": "Nguyễn Minh Khôi", "birth_date": date(2021, 9, 20), "household": DEMO_HOUSEHOLD,
                     "relation": "Con", "address": "Số 12, phố Hàng Bạc, phường Hoàn Kiếm, Thành phố Hà Nội",
                     "father": "001090012345", "mother": "001185004321", "eid_level": 0},
    "079201006789": {"full_name": "Lê Minh Châu", "birth_date": date(2001, 1, 15), "household": "HCM-0792010001",
                     "relation": "Chủ hộ",
                     "address": "Số 45, đường Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh", "eid_level": 2},
    "038178009876": {"full_name": "Phạm Thị Dung", "birth_date": date(1978, 11, 2), "household": "TH-0381780001",
                     "relation": "Chủ hộ", "address": "Số 8, đường Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
                     "eid_level": 1},
}


def _rng(seed: int, kind: str, identifier: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{kind}:{identifier}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def province_name(code: int) -> str:
    return PROVINCES.get(code, f"Tỉnh mã {code:03d}")


@dataclass
class _Person:
    """What is drawn about one person, step by step (:meth:`World.person`)."""

    parsed: Any
    demo: dict[str, Any]
    sex: str
    name: str
    birth: date
    age: int
    province: str
    address: str
    temporary: str
    household: str = ""
    members: list[dict[str, str]] = field(default_factory=list)
    head: dict[str, str] = field(default_factory=dict)
    relation: str = ""
    eid_level: int = 0
    married: bool = False
    registered: date | None = None
    father: str = ""
    mother: str = ""
    marriage: list[dict[str, Any]] = field(default_factory=list)


class World:
    """The simulated national databases: people and businesses derived from their identifiers and a seed."""

    def __init__(self, seed: int = DEFAULT_SEED, *, today: date | None = None) -> None:
        self.seed = seed
        self.today = today

    # -- people --------------------------------------------------------------------------------------------------
    # A person is drawn step by step from one generator seeded with the ID; the steps keep the order of the draws, so
    # a person is the same on every run and in every version that keeps that order.
    def person(self, personal_id: str) -> dict[str, Any]:
        """Everything the simulated databases hold on a person (NotFound / InvalidIdentifier otherwise)."""
        parsed = self._registered(personal_id)
        rng = _rng(self.seed, "person", parsed.number)
        today = self.today or date.today()
        who = self._identity(parsed, rng, DEMO_PEOPLE.get(parsed.number, {}), today)
        self._household(who, rng)
        demo, age = who.demo, who.age
        who.eid_level = demo.get("eid_level", 0 if age < 14 else (2 if rng.random() < 0.7 else 1))
        self._family(who, rng)
        insurance_number = f"{parsed.province_code % 100:02d}{rng.randrange(10**8):08d}"
        return {"population": self._population_record(who), "civil_status": self._civil_status_record(who, rng),
                "residence": self._residence_record(who),
                "social_insurance": self._social_insurance_record(who, rng, insurance_number, today)}

    def _registered(self, personal_id: str):
        """The parsed ID of a registered person: ``InvalidIdentifier`` for a malformed one, ``NotFound`` for one whose
        random part is ``000000``."""
        try:
            parsed = parse_personal_id(personal_id, today=self.today)
        except IdentifierError as error:
            raise InvalidIdentifier(str(error), code=error.rule) from error
        if parsed.number[6:] == "000000":
            raise NotFound(f"Không có công dân mang số định danh {parsed.number} trong cơ sở dữ liệu.")
        return parsed

    @staticmethod
    def _identity(parsed, rng: random.Random, demo: dict[str, Any], today: date) -> _Person:
        """Name, birth date (in the ID's birth year, not after today), addresses."""
        sex = parsed.sex
        if demo:
            birth, name = demo["birth_date"], demo["full_name"]
        else:
            first, last = date(parsed.birth_year, 1, 1), min(date(parsed.birth_year, 12, 31), today)
            birth = first + timedelta(days=rng.randrange((last - first).days + 1))
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
        province = province_name(parsed.province_code)
        address = demo.get("address") or (f"Số {rng.randrange(1, 300)}, đường {rng.choice(STREETS)}, "
                                          f"{rng.choice(WARDS)}, {province}")
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        temporary = "" if demo or rng.random() < 0.8 else (f"Số {rng.randrange(1, 300)}, đường {rng.choice(STREETS)}, "
                                                           f"{rng.choice(WARDS)}, TP Hồ Chí Minh")
        return _Person(parsed=parsed, demo=demo, sex=sex, name=name, birth=birth, age=age, province=province,
                       address=address, temporary=temporary)

    @staticmethod
    def _household(who: _Person, rng: random.Random) -> None:
        """The household: the demo family's, else one of the person alone as its head."""
        demo, number = who.demo, who.parsed.number
        who.household = demo.get("household") or f"HK-{number[:6]}{rng.randrange(10**4):04d}"
        if demo:
            who.members = [{"personal_id": pid, "full_name": p["full_name"], "relation": p["relation"]}
                           for pid, p in DEMO_PEOPLE.items() if p["household"] == who.household]
            who.head = next(m for m in who.members if m["relation"] == "Chủ hộ")
            who.relation = demo["relation"]
        else:
            who.members = [{"personal_id": number, "full_name": who.name, "relation": "Chủ hộ"}]
            who.head, who.relation = who.members[0], "Chủ hộ"

    @staticmethod
    def _family(who: _Person, rng: random.Random) -> None:
        """Marriage, birth registration and parents' names."""
        demo, sex, name = who.demo, who.sex, who.name
        who.married = bool(demo.get("spouse")) or (not demo and who.age >= 20 and rng.random() < 0.6)
        spouse = demo.get("spouse")
        who.registered = who.birth + timedelta(days=rng.randrange(1, 60))
        who.father = DEMO_PEOPLE.get(demo.get("father", ""), {}).get("full_name") or (
            f"{name.split()[0]} {rng.choice(MIDDLE['male'])} {rng.choice(GIVEN['male'])}")
        who.mother = DEMO_PEOPLE.get(demo.get("mother", ""), {}).get("full_name") or (
            f"{rng.choice(FAMILY)} {rng.choice(MIDDLE['female'])} {rng.choice(GIVEN['female'])}")
        if who.married:
            other = "female" if sex == "male" else "male"
            spouse_name = DEMO_PEOPLE[spouse]["full_name"] if spouse else (
                f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[other])} {rng.choice(GIVEN[other])}")
            wed = date(max(who.birth.year + 20, 2012 if demo else who.birth.year + 20), 5, 18)
            who.marriage = [{"registration_number": f"{rng.randrange(1, 999)}/{wed.year}", "registered_on": wed,
                             "spouse_name": spouse_name, "spouse_personal_id": spouse or ""}]

    @staticmethod
    def _population_record(who: _Person) -> dict[str, Any]:
        return {"full_name": who.name, "birth_date": who.birth, "sex": who.sex,
                "birth_registration_place": who.province, "permanent_residence": who.address,
                "temporary_residence": who.temporary, "household_members": who.members, "eid_level": who.eid_level}

    @staticmethod
    def _civil_status_record(who: _Person, rng: random.Random) -> dict[str, Any]:
        return {
            "birth_record": {"registration_number": f"{rng.randrange(1, 2000)}/{who.registered.year}",
                             "registered_on": who.registered, "place": f"UBND {rng.choice(WARDS)}, {who.province}",
                             "father_name": who.father, "mother_name": who.mother},
            "marital_status": "Đã kết hôn" if who.married else "Chưa kết hôn",
            "marriage_records": who.marriage,
            "death_record": None,
        }

    @staticmethod
    def _residence_record(who: _Person) -> dict[str, Any]:
        return {"permanent_address": who.address, "temporary_address": who.temporary,
                "household_code": who.household, "household_head": who.head["full_name"],
                "relation_to_head": who.relation}

    @staticmethod
    def _social_insurance_record(who: _Person, rng: random.Random, insurance_number: str,
                                 today: date) -> dict[str, Any]:
        # Card: benefit group (2 letters), benefit level, province (2 digits), social-insurance number (10 digits).
        age, code = who.age, who.parsed.province_code
        group = "TE" if age < 6 else ("HS" if age < 18 else ("HT" if age >= 60 else "GD"))
        return {
            "social_insurance_number": insurance_number,
            "health_insurance_card": {
                "number": f"{group}4{code % 100:02d}{insurance_number}", "valid_from": date(today.year, 1, 1),
                "valid_to": date(today.year, 12, 31),
                "initial_hospital": f"{rng.choice(HOSPITALS)} ({who.province})",
            },
        }

    # -- businesses ----------------------------------------------------------------------------------------------
    def business(self, code: str) -> dict[str, Any]:
        try:
            parsed = parse_enterprise_code(code)
        except IdentifierError as error:
            raise InvalidIdentifier(str(error), code=error.rule) from error
        if parsed.code.endswith("0000"):
            raise NotFound(f"Không có doanh nghiệp mang mã số {parsed.number} trong cơ sở dữ liệu.")
        rng = _rng(self.seed, "business", parsed.number)
        province = province_name(int(parsed.code[:2]) if int(parsed.code[:2]) in PROVINCES else 1)
        representative_pid = f"{int(parsed.code[:2]) if int(parsed.code[:2]) in PROVINCES else 1:03d}" \
                             f"{rng.choice('01')}{rng.randrange(60, 99)}{rng.randrange(1, 10**6):06d}"
        rep = self.person(representative_pid)["population"]
        kind = "Chi nhánh" if parsed.branch else "Công ty TNHH"
        return {"business": {
            "name": f"{kind} {rng.choice(TRADE)} {rng.choice(GIVEN['male'])} {rng.choice(STREETS)}",
            "address": f"Số {rng.randrange(1, 500)}, đường {rng.choice(STREETS)}, {rng.choice(WARDS)}, {province}",
            "legal_representative": {"full_name": rep["full_name"], "personal_id": representative_pid,
                                     "title": "Giám đốc"},
            "status": "Đang hoạt động" if rng.random() < 0.9 else "Tạm ngừng kinh doanh",
            "registered_on": date(2005, 1, 1) + timedelta(days=rng.randrange(6000)),
            "business_lines": sorted(rng.sample(LINES, 2)),
        }}


class SimulatedRegistry:
    """One registry of the simulated world, in-process."""

    def __init__(self, spec: RegistrySpec, world: World | None = None, *, delay: float = 0.0,
                 fail_rate: float = 0.0) -> None:
        self.spec = spec
        self.world = world or World()
        self.delay = delay
        self.fail_rate = fail_rate
        self._random = random.Random(self.world.seed)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SimulatedRegistry({self.spec.name!r})"

    def lookup(self, identifier: str, attributes: Sequence[str], context: CallContext | None = None) -> dict[str,
                                                                                                             Any]:
        unknown = [a for a in attributes if a not in self.spec.attributes]
        if unknown:
            raise InvalidRequest(f"Cơ sở dữ liệu {self.spec.label} không cung cấp: {', '.join(unknown)}.",
                                 code="unknown_attribute")
        if self.delay:
            time.sleep(self.delay)
        if self.fail_rate:
            with self._lock:
                failed = self._random.random() < self.fail_rate
            if failed:
                raise RegistryUnavailable(f"{self.spec.label} tạm thời không phản hồi (mô phỏng sự cố).")
        record = (self.world.person(identifier) if self.spec.identifier == PERSONAL_ID
                  else self.world.business(identifier))[self.spec.name]
        wanted = list(attributes) or list(self.spec.attributes)
        return {name: record[name] for name in wanted}


def simulated_registries(seed: int = DEFAULT_SEED, *, today: date | None = None, delay: float = 0.0,
                         fail_rate: float = 0.0) -> dict[str, SimulatedRegistry]:
    """Every registry of one simulated world."""
    world = World(seed, today=today)
    return {name: SimulatedRegistry(spec, world, delay=delay, fail_rate=fail_rate) for name, spec in SPECS.items()}
