"""Hash chains for append-only logs (issue 4 point 5).

Each entry's hash covers its content and the previous entry's hash: editing, deleting or reordering an entry breaks
every later link, which `motcua audit verify` finds by recomputing the chain. Content is hashed in a canonical JSON
form (sorted keys, no spaces, UTF-8), so the same values give the same hash on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = ""  # the "previous hash" of a chain's first entry


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON: sorted keys, compact separators, non-ASCII kept, Django types as strings."""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the previous hash and the entry's canonical content."""
    return hashlib.sha256(f"{prev_hash}\n{canonical_json(content)}".encode()).hexdigest()
