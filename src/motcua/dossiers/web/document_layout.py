"""How the online form lays out a procedure's required documents (issue 14 point 2): pure functions over the
catalog's text, no ORM.

The national portal's records put section headings ("* Giấy tờ phải nộp:", "* Lưu ý:") where the case of a
document belongs, and list notes to the desk among the documents. The form therefore:

- never shows a heading as a case ("Chỉ áp dụng cho trường hợp: * Giấy tờ phải nộp:" was the result);
- shows notes as notes, not as file inputs;
- asks whether a conditional document's case ("Trường hợp trẻ em bị bỏ rơi …") applies before showing its input;
- shows one declaration per channel: the paper declaration for in-person and postal submission, the electronic
  form online (not both).
"""

from __future__ import annotations

import re

_BULLET = re.compile(r"^[\s*+\-–•·]+")
_HEADINGS = re.compile(r"^(?:[a-z]\)\s*)?(?:thành phần hồ sơ|giấy tờ phải nộp|giấy tờ phải xuất trình|"
                       r"giấy tờ nộp|giấy tờ xuất trình|hồ sơ gồm)\s*(?:bao gồm)?\s*:?$", re.I)
_NOTE_HEADING = re.compile(r"^lưu ý\s*:?$", re.I)
_CONDITIONAL = re.compile(r"^(?:trong )?trường hợp\b", re.I)
_PAPER = re.compile(r"nếu .{0,60}(?:nộp hồ sơ )?theo hình thức trực tiếp|trực tiếp hoặc (?:gửi )?qua (?:hệ thống )?"
                    r"bưu chính", re.I)
_ELECTRONIC_FORM = re.compile(r"(?:mẫu|tờ khai).{0,40}điện tử|điện tử tương tác", re.I)


def clean(text: str | None) -> str:
    """A catalog phrase without its bullet, trailing colons and doubled colons ("sau::" → "sau:")."""
    text = _BULLET.sub("", (text or "").strip())
    text = re.sub(r":{2,}", ":", text)
    return re.sub(r"\s+", " ", text).strip()


def case_label(case: str | None) -> str:
    """The case a document applies to, or "" when the field holds a section heading or a note heading."""
    text = clean(case).rstrip(" :")
    if not text or _HEADINGS.match(text + ":") or _HEADINGS.match(text) or _NOTE_HEADING.match(text):
        return ""
    return text


def is_note(name: str | None, case: str | None) -> bool:
    """A note among the documents: under a "Lưu ý" heading, a sub-point ("+ …"), or a lead-in ending with ":"."""
    raw = (name or "").strip()
    if _NOTE_HEADING.match(clean(case).rstrip(" :") + ":") or _NOTE_HEADING.match(clean(case)):
        return True
    return raw.startswith("+") or raw.rstrip().endswith(":")


def is_conditional(name: str | None, case: str | None) -> bool:
    """A document that only some applicants give: its case is named, or its text starts with "Trường hợp …"."""
    return bool(case_label(case)) or bool(_CONDITIONAL.match(clean(name)))


def channel_only(name: str | None, names: list[str]) -> str:
    """``"paper"`` for a paper declaration when the procedure also has an electronic form, ``"online"`` for that
    electronic form, ``""`` otherwise: one declaration per channel."""
    has_electronic = any(_ELECTRONIC_FORM.search(n or "") for n in names)
    has_paper = any(_PAPER.search(n or "") for n in names)
    if not (has_electronic and has_paper):
        return ""
    if _PAPER.search(name or ""):
        return "paper"
    if _ELECTRONIC_FORM.search(name or ""):
        return "online"
    return ""
