"""Keyed links of the audit trails (issue 12 point 3): the fast HMAC equals the standard library's, a link names its
key, and a link is only accepted under the key that made it."""

import hmac

from hypothesis import given
from hypothesis import strategies as st

from motcua.core import chain


@given(st.binary(min_size=0, max_size=200), st.binary(max_size=2000))
def test_the_precomputed_hmac_equals_the_standard_librarys(key, message):
    assert chain._mac(key, message) == hmac.digest(key, message, "sha256").hex()


def test_a_link_names_its_key_and_verifies_only_under_it(tmp_path, settings):
    settings.MOTCUA_AUDIT_KEY_FILE = str(tmp_path / "chain.key")
    chain.reset_keys()
    try:
        content = {"a": 1, "b": "Nguyễn"}
        link = chain.link_hash("", content)
        key_id = chain.load_keys()[1]
        assert link.startswith(f"{key_id}:") and len(link) <= chain.HASH_LENGTH
        assert chain.check("", content, link) == chain.OK
        assert chain.check("", {**content, "a": 2}, link) == chain.BAD
        assert chain.check("x", content, link) == chain.BAD
        assert chain.check("", content, "ffffffff" + link[8:]) == chain.UNKNOWN_KEY
        assert chain.check("", content, "") == chain.UNSEALED
        plain = chain.plain_link_hash("", chain.canonical_json(content))
        assert chain.check("", content, plain) == chain.UNKEYED
        assert (tmp_path / "chain.key").stat().st_mode & 0o777 == 0o600
    finally:
        chain.reset_keys()
