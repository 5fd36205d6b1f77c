"""The e-identification level read from a provider's claim, and the level a procedure version requires."""

import pytest

from motcua.identity import rules


@pytest.mark.parametrize(("value", "level"), [
    (2, 2), ("2", 2), (3, 2), (1, 1), ("1", 1), (0, 1), (None, 1), ("", 1), (True, 1),
    ("vneid:level2", 2), ("urn:vneid:loa:2", 2), ("level-2", 2), ("LOA2", 2), ("Mức 2", 2),
    ("http://eidas.europa.eu/LoA/substantial", 2), ("http://eidas.europa.eu/LoA/high", 2),
    ("http://eidas.europa.eu/LoA/low", 1), ("vneid:level1", 1), ("password", 1), ("12", 1),
])
def test_level_from_claim(value, level):
    assert rules.level_from_claim(value) == level


@pytest.mark.parametrize(("documents", "level"), [
    ([], 1),
    ([{"replaceable_by_registry": False}], 1),
    ([{"replaceable_by_registry": False}, {"replaceable_by_registry": True}], 2),
    ([{"reusable_from_result": True}], 1),
])
def test_required_level(documents, level):
    assert rules.required_level(documents) == level
