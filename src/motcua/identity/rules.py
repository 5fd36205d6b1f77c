"""Pure identity rules (no ORM): reading the e-identification level from a provider's claims, and the level a
procedure requires."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

LEVEL_ONE, LEVEL_TWO = 1, 2

# Values an identity provider may give for level 2 (VNeID "mức 2"; an eIDAS-style "substantial" or "high").
_LEVEL_TWO_WORDS = {"substantial", "high", "muc2", "level2", "loa2", "2"}


def level_from_claim(value: object) -> int:
    """The e-identification level a claim value states: 2 for level 2 (``2``, ``"2"``, ``"vneid:level2"``,
    ``"urn:…:loa:2"``, eIDAS ``substantial``/``high``), otherwise 1. An absent or unknown value is level 1: a session
    is never raised to level 2 on a guess."""
    if isinstance(value, bool) or value is None:
        return LEVEL_ONE
    if isinstance(value, int):
        return LEVEL_TWO if value >= LEVEL_TWO else LEVEL_ONE
    text = str(value).strip().lower()
    if not text:
        return LEVEL_ONE
    squeezed = re.sub(r"[^a-z0-9]", "", text)
    if squeezed in _LEVEL_TWO_WORDS or text.rsplit("/", 1)[-1] in _LEVEL_TWO_WORDS:
        return LEVEL_TWO
    match = re.search(r"(?:level|loa|muc|mức|:)\s*[-_:]?\s*(\d)\s*$", text)
    if match and int(match.group(1)) >= LEVEL_TWO:
        return LEVEL_TWO
    return LEVEL_ONE


def required_level(documents: Iterable[Mapping]) -> int:
    """The e-identification level an online submission of a procedure version requires, from its required documents.

    A version with a component that registry data replaces requires level 2: the agency then relies on the population
    database instead of the applicant's papers, which is only sound when the applicant is identified as firmly as by
    showing the chip-based ID card — VNeID level 2 (Decree 69/2024 Art. 12; domain.md §4, Project 06). Otherwise level
    1 suffices. ``documents``: mappings with ``replaceable_by_registry``.
    """
    return LEVEL_TWO if any(d.get("replaceable_by_registry") for d in documents) else LEVEL_ONE
