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
