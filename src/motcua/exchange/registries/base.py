"""The registry plugin protocol (issue 4 point 1; Open Forms' prefill plugins, X-Road services).

A registry plugin answers one question: *given this identifier, what are these attributes?* It declares
its :class:`RegistrySpec` — the identifier it needs (``personal_id`` or ``enterprise_code``) and the attributes it
provides — and implements :meth:`Registry.lookup`. Plugins know nothing of grants or logs: the exchange service
(:func:`motcua.exchange.services.fetch`) checks the grant, calls the plugin and logs the attempt.

Every call carries a :class:`CallContext` (who asks, for which agency, dossier and purpose) so that a remote registry
can log it on its side too (X-Road's ``X-Road-Client`` / ``X-Road-UserId`` / ``X-Road-Issue`` headers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

PERSONAL_ID = "personal_id"
ENTERPRISE_CODE = "enterprise_code"
IDENTIFIER_KINDS = (PERSONAL_ID, ENTERPRISE_CODE)


@dataclass(frozen=True)
class RegistrySpec:
    """What a registry is: its name, the authority that keeps it, the identifier it needs, what it provides."""

    name: str
    label: str  # Vietnamese, shown to users as the source of a value
    authority: str  # who keeps the database
    identifier: str  # PERSONAL_ID or ENTERPRISE_CODE
    attributes: dict[str, str] = field(default_factory=dict)  # attribute → Vietnamese label

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "authority": self.authority, "identifier": self.identifier,
                "attributes": dict(self.attributes)}


@dataclass(frozen=True)
class CallContext:
    """Who asks and why; sent with every call (in-process or over HTTP)."""

    agency: str = ""  # requesting agency code ("" for a citizen's self-service)
    actor: str = ""  # user name of the officer or citizen ("" for the system)
    role: str = ""
    dossier_code: str = ""
    purpose: str = ""
    procedure_code: str = ""


@runtime_checkable
class Registry(Protocol):
    """A base registry. ``lookup`` returns ``{attribute: value}`` for the asked attributes (all declared ones when
    ``attributes`` is empty); raises :class:`~motcua.exchange.errors.NotFound` when no record exists,
    :class:`~motcua.exchange.errors.RegistryUnavailable` when the registry cannot answer now, and
    :class:`~motcua.exchange.errors.InvalidIdentifier` for a malformed identifier."""

    spec: RegistrySpec

    def lookup(self, identifier: str, attributes: Sequence[str], context: CallContext) -> dict[str, Any]: ...
