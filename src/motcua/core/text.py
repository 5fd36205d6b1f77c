"""Vietnamese text folding for search: case- and diacritics-insensitive, with đ → d.

"Đăng ký khai sinh" and "dang ky khai sinh" fold to the same string, so either finds the other.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z.]+")
_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics (đ → d), collapse whitespace."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def terms(text: str | None) -> list[str]:
    """Folded search terms: letters, digits and dots (procedure codes like ``1.000080`` stay whole)."""
    return [t.strip(".") for t in _NON_WORD.split(fold(text)) if t.strip(".")]


# Vietnamese alphabetical order (issue 14 point 4): a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, each
# letter's tones after its plain form (ngang, huyền, hỏi, ngã, sắc, nặng, as dictionaries order them).
_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {ch: i for i, ch in enumerate(_LETTERS)}
_TONES = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}



def _letter(decomposed: str) -> tuple[str, str]:
    """A decomposed character's base letter (with ă â ê ô ơ ư kept) and its tone mark."""
    base, marks = decomposed[0], decomposed[1:]
    tone = ""
    for mark in marks:
        if mark in _TONES:
            tone = mark
        elif mark == "\u0306" and base == "a":
            base = "ă"
        elif mark == "\u0302" and base in "aeo":
            base = {"a": "â", "e": "ê", "o": "ô"}[base]
        elif mark == "\u031b" and base in "ou":
            base = {"o": "ơ", "u": "ư"}[base]
    return base, tone


def vn_sort_key(text: str | None) -> tuple:
    """A key that sorts Vietnamese words in dictionary order: "Đường bộ" after "Du lịch" and before "Giáo dục",
    not after "Việc làm" as code-point order puts it. Spaces, digits and punctuation come before letters, letters
    outside the alphabet (f, j, w, z) after them."""
    letters, tones = [], []
    for ch in unicodedata.normalize("NFC", (text or "").lower()):
        base, tone = _letter(unicodedata.normalize("NFD", ch))
        if base in _RANK:
            letters.append((0, _RANK[base]))
        else:  # spaces, digits and punctuation before letters ("Ba Đình" before "Bạch Mai"); f j w z after
            letters.append((1, ord(base)) if base.isalpha() else (-1, ord(base)))
        tones.append(_TONES.get(tone, 0))
    return tuple(letters), tuple(tones)
