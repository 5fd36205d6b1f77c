"""Pure rules of the reviews (issue 6 points 4–7): no ORM, no clock; table-driven tests in ``tests/``.

- overlap similarity between procedures (TF-IDF cosine over folded syllables and syllable pairs, per field);
- the 36-month dormancy rule (Announcement 437/TB-VPCP direction 1);
- the proposal per procedure (abolish, merge, simplify, keep) with its reasons;
- equal treatment: localised versions asking more than the national version;
- compliance cost (Circular 02/2017/TT-VPCP Art. 27) and the savings targets (Resolution 66/NQ-CP, 2025);
- step statistics, overdue attribution and the directly-follows graph;
- the staff reallocation that keeps total headcount constant (Announcement 437 direction 3).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from motcua.core.text import fold

# ---------------------------------------------------------------------------------------------------------------
# Overlap similarity
# ---------------------------------------------------------------------------------------------------------------

# Function words that carry no meaning about what a procedure does. Kept short because folding merges words
# ("khai tử" folds to "khai tu", "tái cấp" to "tai cap", "đổi" to "doi"): only words whose folded form is not also a
# common content word. Boilerplate specific to procedure records ("tờ khai", "bản sao", "nộp hồ sơ") is not listed:
# the corpus' document frequency discounts it (IDF), so the rule works on catalogs it has not seen.
STOPWORDS = frozenset({"va", "cua", "cac", "cho", "theo", "trong", "voi", "duoc", "nhung", "hoac", "neu", "thi",
                       "nay", "mot", "khi"})

FIELDS = ("name", "documents", "steps")


# "Thủ tục ..." (procedure ...) opens many names and says nothing; removed as a phrase, because "thu" alone is a
# content word ("thu hồi": revoke).
_GENERIC_PREFIX = re.compile(r"\bthu tuc\b")
_NON_WORD = re.compile(r"[^0-9a-z.]+")


class _FoldTable(dict):
    """``str.translate`` table folding one character at a time like :func:`motcua.core.text.fold` (đ → d, marks
    stripped, lower case), filled on first sight: folding a whole catalog costs a dictionary lookup per character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = fold(ch) if not ch.isspace() else " "
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fast_terms(text: str | None) -> list[str]:
    """The same terms as :func:`motcua.core.text.terms`, faster on long texts."""
    if not text:
        return []
    return [t.strip(".") for t in _NON_WORD.split(text.translate(_FOLD)) if t.strip(".")]


def features(text: str) -> Counter:
    """Folded syllables and adjacent syllable pairs ("khai sinh" must differ from "khai tu": pairs keep the word)."""
    words = _GENERIC_PREFIX.sub(" ", " ".join(fast_terms(text))).split()
    syllables = [t for t in words if t not in STOPWORDS and not t.replace(".", "").isdigit()]
    grams: Counter = Counter(syllables)
    grams.update(f"{a}_{b}" for a, b in itertools.pairwise(syllables))
    return grams


@dataclass
class Corpus:
    """Document frequencies per field, to weight features by rarity (IDF) and drop the commonest ones."""

    size: int = 0
    df: dict[str, Counter] = field(default_factory=lambda: {f: Counter() for f in FIELDS})

    @classmethod
    def build(cls, items: Iterable[Mapping[str, Counter]]) -> Corpus:
        corpus = cls()
        for item in items:
            corpus.size += 1
            for f in FIELDS:
                corpus.df[f].update(item[f].keys())
        return corpus

    def idf(self, f: str, feature: str) -> float:
        # Smoothed IDF: a feature in every record weighs log(1 + 1/N) ≈ 0.
        return math.log((1 + self.size) / (1 + self.df[f].get(feature, 0)))

    def vector(self, f: str, counts: Counter, max_share: float = 0.2) -> dict[str, float]:
        """TF-IDF, L2-normalised; features in more than ``max_share`` of the records (and in more than 5: a small
        catalog has no boilerplate to speak of) are boilerplate and dropped."""
        limit = max(5.0, max_share * self.size)
        vec = {}
        for feat, n in counts.items():
            if self.df[f].get(feat, 0) > limit:
                continue
            w = (1 + math.log(n)) * self.idf(f, feat)
            if w > 0:
                vec[feat] = w
        norm = math.sqrt(sum(w * w for w in vec.values()))
        return {k: w / norm for k, w in vec.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(k, 0.0) for k, w in a.items())


def contrast(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """How much each of two normalised name vectors has of its own: the smaller of the two shares (Σ w²) of features
    the other lacks. Siblings ("đăng ký khai sinh" / "đăng ký khai tử") each carry a distinctive rare word, so both
    shares are large; a duplicate, or a name that only adds words to the other, has a small one."""
    own_a = sum(w * w for k, w in a.items() if k not in b)
    own_b = sum(w * w for k, w in b.items() if k not in a)
    return min(own_a, own_b)


@dataclass(frozen=True)
class OverlapThresholds:
    """A pair is proposed only when names AND dossier components agree (siblings share a pattern of name but not
    their documents), or when names are near-identical and steps agree; and when the names are not siblings (each
    with a distinctive word of its own, see :func:`contrast`). The weighted score ranks the proposals.

    Tuned on the 1,399 DVCQG records of the demo catalog: at these values no birth/death registration pair is
    proposed, while records published identically by several ministries come first."""

    name: float = 0.5
    documents: float = 0.35
    near_identical_name: float = 0.85
    steps: float = 0.35
    max_contrast: float = 0.15
    weights: tuple[float, float, float] = (0.5, 0.35, 0.15)


def overlap_score(name: float, documents: float, steps: float, contrast_: float = 0.0,
                  t: OverlapThresholds = OverlapThresholds()) -> float | None:
    """The ranking score of a pair, or None when the fields do not agree enough to propose it."""
    agrees = (name >= t.name and documents >= t.documents) or (name >= t.near_identical_name and steps >= t.steps)
    if not agrees or contrast_ >= t.max_contrast:
        return None
    wn, wd, ws = t.weights
    return round(wn * name + wd * documents + ws * steps, 4)


# ---------------------------------------------------------------------------------------------------------------
# Dormancy: no dossier in 36 months
# ---------------------------------------------------------------------------------------------------------------

DORMANT_MONTHS = 36


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the last day of the month when it does not exist)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(y, m, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def dormancy(last_dossier: date | None, valid_from: date | None, as_of: date, months: int = DORMANT_MONTHS) -> str:
    """``dormant`` (no dossier in the window), ``young`` (no dossier, but in force for less than the window, so it
    cannot be judged yet) or ``active``. Announcement 437/TB-VPCP: review procedures with no dossier in 3 years."""
    cutoff = months_before(as_of, months)
    if last_dossier is not None and last_dossier >= cutoff:
        return "active"
    if valid_from is not None and valid_from > cutoff:
        return "young"
    return "dormant"


# ---------------------------------------------------------------------------------------------------------------
# Proposal per procedure
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalThresholds:
    overdue_share: float = 0.10
    supplement_share: float = 0.20
    many_documents: int = 8
    merge_score: float = 0.75


@dataclass(frozen=True)
class ProcedureFacts:
    """What the proposal looks at. Shares are fractions (0–1) of the dossiers in the review window."""

    dormancy: str
    last_dossier: date | None = None
    dossiers: int = 0
    overdue_share: float = 0.0
    supplement_share: float = 0.0
    documents: int = 0
    online: bool = True
    duplicate_of: str = ""  # a reviewer decided "duplicate"
    best_overlap: tuple[str, float] | None = None  # the strongest undecided candidate
    extra_demands: tuple[str, ...] = ()  # a localised copy asking more than the national version


def propose(f: ProcedureFacts, t: ProposalThresholds = ProposalThresholds()) -> tuple[str, list[str]]:
    """abolish > merge > simplify > keep, with every reason that applies (Vietnamese, shown to reviewers)."""
    if f.dormancy == "dormant":
        since = f"từ {f.last_dossier:%d/%m/%Y}" if f.last_dossier else "từ khi công bố"
        return "abolish", [f"Không phát sinh hồ sơ trong {DORMANT_MONTHS} tháng ({since}); Thông báo 437/TB-VPCP "
                           "yêu cầu rà soát, đề xuất bãi bỏ hoặc đơn giản hóa."]
    if f.duplicate_of:
        return "merge", [f"Người rà soát đã xác định trùng lặp với thủ tục {f.duplicate_of}."]
    if f.best_overlap and f.best_overlap[1] >= t.merge_score:
        return "merge", [f"Tên, thành phần hồ sơ và trình tự gần trùng với thủ tục {f.best_overlap[0]} "
                         f"(điểm tương đồng {f.best_overlap[1]:.2f}); cần người rà soát xác nhận."]
    reasons = []
    if f.dossiers and f.overdue_share >= t.overdue_share:
        reasons.append(f"Tỷ lệ hồ sơ quá hạn {f.overdue_share:.0%} (ngưỡng {t.overdue_share:.0%}).")
    if f.dossiers and f.supplement_share >= t.supplement_share:
        reasons.append(f"Tỷ lệ hồ sơ phải bổ sung {f.supplement_share:.0%} (ngưỡng {t.supplement_share:.0%}): "
                       "thành phần hồ sơ hoặc hướng dẫn chưa rõ.")
    if f.documents >= t.many_documents:
        reasons.append(f"Yêu cầu {f.documents} thành phần hồ sơ (từ {t.many_documents} trở lên).")
    if not f.online:
        reasons.append("Chưa cung cấp dịch vụ công trực tuyến.")
    demands = {"more_documents": "thêm thành phần hồ sơ", "more_time": "thời hạn dài hơn",
               "higher_fees": "phí, lệ phí cao hơn"}
    if f.extra_demands:
        reasons.append("Bản địa phương yêu cầu " + ", ".join(demands[d] for d in f.extra_demands)
                       + " so với thủ tục quốc gia (bảo đảm bình đẳng).")
    if reasons:
        return "simplify", reasons
    if f.dormancy == "young" and not f.dossiers:
        return "keep", [f"Có hiệu lực chưa đủ {DORMANT_MONTHS} tháng và chưa có hồ sơ: chưa đủ căn cứ đánh giá."]
    return "keep", ["Có phát sinh hồ sơ, xử lý đúng hạn, không trùng lặp đã biết."]


# ---------------------------------------------------------------------------------------------------------------
# Equal treatment and good local practice
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionTerms:
    """What a version asks of the applicant: documents, time limit (working days) and fees (VND)."""

    documents: int
    time_limit_days: float | None
    fee_vnd: int | None


def extra_demands(local: VersionTerms, national: VersionTerms) -> list[str]:
    """Flags where a province's localised version asks more than the national one (Decree 118/2025 Art. 5(1)(đ)
    prohibits asking for documents beyond the law; Announcement 437 asks for equal treatment)."""
    flags = []
    if local.documents > national.documents:
        flags.append("more_documents")
    if (local.time_limit_days is not None and national.time_limit_days is not None
            and local.time_limit_days > national.time_limit_days):
        flags.append("more_time")
    if local.fee_vnd is not None and national.fee_vnd is not None and local.fee_vnd > national.fee_vnd:
        flags.append("higher_fees")
    return flags


@dataclass(frozen=True)
class Practice:
    province: str
    dossiers: int
    median_days: float | None
    online_share: float | None
    satisfaction: float | None


def best_practice(rows: Sequence[Practice], min_dossiers: int = 5) -> str | None:
    """The province to learn from: among those with enough dossiers, the fastest median handling; ties go to the
    higher online share, then the higher satisfaction, then the province code (stable)."""
    eligible = [r for r in rows if r.dossiers >= min_dossiers and r.median_days is not None]
    if not eligible:
        return None
    return min(eligible, key=lambda r: (r.median_days, -(r.online_share or 0), -(r.satisfaction or 0),
                                        r.province)).province


# ---------------------------------------------------------------------------------------------------------------
# Compliance cost (Circular 02/2017/TT-VPCP Art. 27) and targets (Resolution 66/NQ-CP, 2025)
# ---------------------------------------------------------------------------------------------------------------

# The value of an applicant's hour is configuration: MOTCUA_REVIEW_HOURLY_INCOME_VND (motcua.core.config, default
# 45,000 VND [open]: about 7.9 million VND a month over 176 working hours, GSO 2024).


def cost_per_performance(hours: Decimal, hourly_income_vnd: Decimal, fees_vnd: Decimal,
                         other_vnd: Decimal) -> Decimal:
    """Time valued at the average income, plus fees and charges, plus other lawful costs (opportunity cost ignored)."""
    return (Decimal(hours) * Decimal(hourly_income_vnd) + Decimal(fees_vnd) + Decimal(other_vnd)).quantize(
        Decimal(1), ROUND_HALF_UP)


def annual_cost(per_performance: Decimal, performances_per_subject: Decimal, subjects: Decimal) -> Decimal:
    """Art. 27: cost per performance × performances per year per subject × subjects per year."""
    return (Decimal(per_performance) * Decimal(performances_per_subject) * Decimal(subjects)).quantize(
        Decimal(1), ROUND_HALF_UP)


def savings_rate(before: Decimal | float, after: Decimal | float) -> Decimal | None:
    """(before − after) ÷ before, in percent, 2 decimals; None when there is nothing to save from."""
    before, after = Decimal(before), Decimal(after)
    if before <= 0:
        return None
    return ((before - after) / before * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


TARGETS = {2025: Decimal(30), 2026: Decimal(50)}  # percent cut against 2024 (Resolution 66/NQ-CP, 2025)
BASELINE_YEAR = 2024


def target_status(rate: Decimal | None, year: int) -> str:
    """``met`` / ``behind`` against the year's target; ``no_target`` for other years; ``no_data`` without a rate."""
    target = TARGETS.get(year)
    if target is None:
        return "no_target"
    if rate is None:
        return "no_data"
    return "met" if rate >= target else "behind"


# ---------------------------------------------------------------------------------------------------------------
# Bottlenecks
# ---------------------------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float | None:
    """Linear-interpolated percentile (the same as numpy's default and PostgreSQL's ``percentile_cont``)."""
    if not values:
        return None
    xs = sorted(values)
    k = (len(xs) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return float(xs[lo] + (xs[hi] - xs[lo]) * (k - lo))


def attribute_overdue(step_times: Sequence[tuple[str, str, float, float | None]]) -> tuple[str, str] | None:
    """The (step, unit) an overdue dossier is attributed to: the step that overran its budget the most.

    ``step_times`` rows are (step key, unit, seconds taken, budget seconds or None). None when no step overran
    (the delay was elsewhere: waiting between steps, or a step without budget)."""
    worst, worst_over = None, 0.0
    for key, unit, taken, budget in step_times:
        if budget is None:
            continue
        over = taken - budget
        if over > worst_over:
            worst, worst_over = (key, unit), over
    return worst


START, END = "▶", "■"


def directly_follows(traces: Iterable[Sequence[tuple[str, float]]]) -> dict[tuple[str, str], list[float]]:
    """Each directly-follows pair (a → b) with the seconds between a and b, over traces of (activity, epoch
    seconds); every trace starts at ▶ and ends at ■ (duration 0)."""
    edges: dict[tuple[str, str], list[float]] = defaultdict(list)
    for trace in traces:
        if not trace:
            continue
        edges[(START, trace[0][0])].append(0.0)
        for (a, ta), (b, tb) in itertools.pairwise(trace):
            edges[(a, b)].append(tb - ta)
        edges[(trace[-1][0], END)].append(0.0)
    return edges


# ---------------------------------------------------------------------------------------------------------------
# Workload and reallocation (Announcement 437 direction 3: by transfer, without new headcount)
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitLoad:
    unit: str
    group: str  # transfers stay inside a group (a province, a ministry)
    staff: tuple[str, ...]  # officers, the least loaded first
    arrivals_per_week: float
    open_dossiers: int
    completions_per_week: float


@dataclass(frozen=True)
class Move:
    officer: str
    from_unit: str
    to_unit: str
    weeks: int


MIN_RATE = 1e-6  # dossiers per officer per week below which a group's rate says nothing
MAX_NEED = 1e6


def needed_staff(u: UnitLoad, per_officer_per_week: float, clear_weeks: int) -> float:
    """Officers needed to keep up with arrivals and clear the backlog in ``clear_weeks`` at the group's rate."""
    if per_officer_per_week <= MIN_RATE:
        return float(len(u.staff))
    backlog_excess = max(0.0, u.open_dossiers - u.arrivals_per_week)  # about a week's arrivals is normal work in hand
    return min(MAX_NEED, (u.arrivals_per_week + backlog_excess / clear_weeks) / per_officer_per_week)


def reallocate(units: Sequence[UnitLoad], clear_weeks: int = 8, min_weeks: int = 2,
               max_weeks: int = 26) -> list[Move]:
    """Greedy transfers inside each group: one officer at a time from the unit with the most spare staff to the one
    short of the most, while the donor keeps what it needs (and at least one officer). Headcount is constant: each
    move takes one officer from one unit to another; an officer moves at most once.

    The group's rate is its completions per officer per week; a move lasts as long as the receiver needs to clear its
    excess backlog with the extra officer, between ``min_weeks`` and ``max_weeks``."""
    moves: list[Move] = []
    by_group: dict[str, list[UnitLoad]] = defaultdict(list)
    for u in units:
        by_group[u.group].append(u)
    for group in sorted(by_group):
        members = by_group[group]
        headcount = sum(len(u.staff) for u in members)
        if headcount == 0:
            continue
        rate = sum(u.completions_per_week for u in members) / headcount
        if rate <= MIN_RATE:
            continue
        staff = {u.unit: len(u.staff) for u in members}
        need = {u.unit: needed_staff(u, rate, clear_weeks) for u in members}
        available = {u.unit: list(u.staff) for u in members}
        load = {u.unit: u for u in members}
        while True:
            donors = [(staff[n] - max(1.0, math.ceil(need[n])), n) for n in staff]
            donors = [(s, n) for s, n in donors if s >= 1 and available[n]]
            takers = [(need[n] - staff[n], n) for n in staff if need[n] - staff[n] >= 1]
            if not donors or not takers:
                break
            _, donor = max(donors, key=lambda x: (x[0], x[1]))
            _shortfall, taker = max(takers, key=lambda x: (x[0], x[1]))
            officer = available[donor].pop(0)
            staff[donor] -= 1
            staff[taker] += 1
            u = load[taker]
            excess = max(0.0, u.open_dossiers - u.arrivals_per_week)
            weeks = math.ceil(min(excess / rate, max_weeks)) if excess else min_weeks
            moves.append(Move(officer, donor, taker, max(min_weeks, min(max_weeks, weeks))))
    return moves


def sustained_backlog(weekly: Sequence[tuple[int, int]], share: float = 0.75) -> bool:
    """Arrivals exceeded completions in at least ``share`` of the weeks (rows: (arrivals, completions))."""
    if not weekly:
        return False
    return sum(1 for a, c in weekly if a > c) >= share * len(weekly)
