"""Which case applies (issue 14 point 2): a procedure's required documents grouped into the cases a citizen chooses
between, as one question ("Trường hợp của bạn là …?"), then only that case's documents are asked. Pure functions over
the catalog's text (``name`` and ``case`` of each document, as imported from the national portal), no ORM.

The national portal's records state cases in two ways, and the form reads both:

- a heading in the document's case field ("Trường hợp cấp lại do bị mất thẻ", "Đối với phương tiện giao thông",
  "Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn, ở nhờ" — a variant of the procedure, starting with its own
  action): each such heading is one case; headings that only split one dossier into parts ("Hồ sơ của người nhận con
  nuôi", "Nhóm 1 gồm …") are not cases, all their documents are asked;
- a condition in the document's own text ("Trường hợp trẻ em bị bỏ rơi thì phải có biên bản …"): the condition is a
  case, beside the ordinary one ("Không thuộc các trường hợp trên").

Documents the form does not offer as a case:

- a document for post or desk submission only ("Trường hợp gửi hồ sơ qua hệ thống bưu chính thì …", an identity paper
  "khi làm thủ tục trực tiếp"): a channel, not a case — the online form does not ask it (Decree 118/2025 Art. 15:
  in person, by post, online are distinct ways to submit; Art. 16(1)(a): the guidance names the papers to give);
- acting on someone's authorisation ("… trong trường hợp ủy quyền …"): who submits, not which case — one separate
  yes/no question;
- a paper asked only when the agency cannot read a registry ("trong trường hợp cơ quan … không thể khai thác được
  thông tin …"): the agency asks for it then (Decree 118/2025 Art. 17(1)(b)), so the form lists it among the notes;
- a statement of what need not be given ("Trường hợp … thì không phải nộp bản giấy"), and other notes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from motcua.dossiers.web import document_layout as layout

ORDINARY = "thong-thuong"
ORDINARY_LABEL = "Không thuộc các trường hợp trên"

_MARKER = re.compile(r"^(?:\d+[.)]\s*|[a-zđ][.)]\s*)?(?:trong )?(?:trường hợp|đối với|nếu|khi|cấp lại do|cấp đổi do)\b",
                     re.I)
_NUMBERING = re.compile(r"^(?:\d+[.)]|[a-zđ][.)])\s*", re.I)
_LEADING = re.compile(r"^(?:trong )?trường hợp (?P<case>.+?)(?:,? thì |,? phải |, )", re.I)
_TRAILING = re.compile(r"\btrong trường hợp (?P<case>[^.;]+)", re.I)
_POSTAL = re.compile(r"(?:gửi|nộp) (?:hồ sơ )?qua (?:hệ thống |dịch vụ )?bưu chính", re.I)
_DESK = re.compile(r"khi làm thủ tục trực tiếp|(?:nếu|khi) (?:người có yêu cầu )?nộp hồ sơ trực tiếp", re.I)
_PAPER = re.compile(r"trực tiếp hoặc (?:gửi )?(?:hồ sơ )?qua (?:hệ thống )?bưu chính", re.I)
_NOTE = re.compile(r"^\W*lưu ý\b", re.I)
_ONLINE_ALSO = re.compile(r"trực tuyến|tải lên", re.I)
_AUTHORISED = re.compile(r"\bủy quyền|\buỷ quyền|người đại diện", re.I)
_AGENCY_SIDE = re.compile(r"^(?:cơ quan|người tiếp nhận|cán bộ)|không (?:thể )?khai thác được|không tra cứu được", re.I)
_NOT_NEEDED = re.compile(r"không (?:phải|cần) (?:nộp|xuất trình|tải lên)|chỉ cần cung cấp", re.I)
_STOP = re.compile(r"[.;:]\s*$")


class DocumentLike(Protocol):
    name: str
    case: str


@dataclass(frozen=True)
class Case:
    """One answer to "Trường hợp của bạn là …?": its key (``c1``, ``c2`` … or ``ORDINARY``), its label and the
    positions (in the list given) of the documents asked in this case only."""

    key: str
    label: str
    documents: tuple[int, ...] = ()


@dataclass(frozen=True)
class Layout:
    """How the online form asks a procedure's documents.

    ``cases``: the answers to the question (empty: no question); ``common``: asked in every case; ``authorised``:
    asked only of someone acting on an authorisation; ``channel``: position → ``"postal"`` / ``"in_person"`` for a
    document of that channel only (not asked online); ``agency_asks`` and ``notes``: shown as text, never asked."""

    cases: tuple[Case, ...] = ()
    common: tuple[int, ...] = ()
    authorised: tuple[int, ...] = ()
    channel: dict[int, str] = field(default_factory=dict)
    agency_asks: tuple[int, ...] = ()
    notes: tuple[int, ...] = ()

    def case_of(self, position: int) -> Case | None:
        return next((c for c in self.cases if position in c.documents), None)

    def asked(self, case_key: str, *, authorised: bool = False, channel: str = "online") -> set[int]:
        """The documents asked for one answer (``""``: none chosen yet — only those common to all cases)."""
        chosen = next((c for c in self.cases if c.key == case_key), None)
        wanted = set(self.common) | set(chosen.documents if chosen else ())
        if authorised:
            wanted |= set(self.authorised)
        wanted |= {i for i, kind in self.channel.items()
                   if kind == channel or (kind == "paper" and channel in ("postal", "in_person"))}
        return wanted


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _sentence(text: str) -> str:
    """A case as a label: its first letter upper-case, no closing punctuation."""
    text = _STOP.sub("", layout.clean(text)).strip(" ,")
    return text[:1].upper() + text[1:]


def _is_variant_heading(heading: str, procedure_name: str) -> bool:
    """A heading naming a variant of the procedure: a case marker, or the procedure's own action ("Đăng ký thường
    trú vào chỗ ở …" in "Đăng ký thường trú")."""
    if _MARKER.match(heading):
        return True
    action = " ".join(re.sub(r"^thủ tục\s+", "", procedure_name.strip(), flags=re.I).lower().split()[:3])
    text = _NUMBERING.sub("", heading).lower()
    return bool(action) and len(action.split()) >= 2 and text.startswith(action) and len(text) > len(action) + 3


def _channel_only(name: str) -> str:
    """``"postal"``, ``"in_person"`` or ``"paper"`` (either) for a document of those channels only, else ``""``."""
    if _ONLINE_ALSO.search(name):
        return ""
    if _POSTAL.search(name) and (_DESK.search(name) or _PAPER.search(name)):
        return "paper"
    if _POSTAL.search(name):
        return "postal"
    if _DESK.search(name):
        return "in_person"
    return ""


def document_cases(documents: Sequence[DocumentLike], procedure_name: str = "") -> Layout:
    """The question and the documents of each answer, for ``documents`` in the catalog's order."""
    headings: dict[str, list[int]] = {}
    leading: dict[str, list[int]] = {}
    common: list[int] = []
    authorised: list[int] = []
    channel: dict[int, str] = {}
    agency_asks: list[int] = []
    notes: list[int] = []
    for i, doc in enumerate(documents):
        name, raw_case = _fold(doc.name), _fold(doc.case)
        text = layout.clean(name)
        if layout.is_note(name, raw_case) or _NOTE.match(name):
            notes.append(i)
            continue
        if kind := _channel_only(text):
            channel[i] = kind
            continue
        if _MARKER.match(text) and _NOT_NEEDED.search(text):
            notes.append(i)  # what need not be given is a note
            continue
        if _AUTHORISED.search(text) and (_TRAILING.search(text) or _LEADING.match(text)):
            authorised.append(i)
            continue
        condition = _LEADING.match(text)
        trailing = _TRAILING.search(text)
        if (condition and _AGENCY_SIDE.search(condition.group("case"))) or (
                trailing and _AGENCY_SIDE.search(trailing.group("case"))) or (
                _MARKER.match(text) and _AGENCY_SIDE.search(text)):
            agency_asks.append(i)
            continue
        heading = layout.case_label(raw_case)
        if heading and _MARKER.match(heading) and _AUTHORISED.search(heading):
            authorised.append(i)  # "Trường hợp ủy quyền": who submits
        elif heading:
            headings.setdefault(heading, []).append(i)
        elif condition:
            leading.setdefault(_sentence(condition.group("case")), []).append(i)
        else:
            common.append(i)
    cases: list[Case] = []
    variants = [h for h in headings if _is_variant_heading(h, procedure_name)]
    if len(variants) >= 2 and 2 * len(variants) >= len(headings):
        variants = list(headings)  # most headings are variants: the others are too ("Người được chăm sóc … được")
    for heading, positions in headings.items():
        if heading not in variants or len(variants) < 2:
            common.extend(positions)  # parts of one dossier, or a single heading: asked of everyone
    if len(variants) >= 2:
        cases.extend(Case(f"c{n}", _sentence(_NUMBERING.sub("", h)), tuple(headings[h]))
                     for n, h in enumerate(variants, start=1))
    if leading:
        start = len(cases) + 1
        cases.extend(Case(f"c{n}", label, tuple(positions))
                     for n, (label, positions) in enumerate(leading.items(), start=start))
        cases.append(Case(ORDINARY, ORDINARY_LABEL))
    return Layout(tuple(cases), tuple(sorted(common)), tuple(authorised), channel, tuple(agency_asks), tuple(notes))
