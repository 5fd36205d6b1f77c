"""Message kinds of linked groups across deployments, registered with the exchange's messaging
(:func:`motcua.exchange.messaging.services.handler`) when ``DossiersConfig.ready()`` imports this module."""

from __future__ import annotations

from motcua.exchange.messaging.services import NotYet, handler

from .. import groups
from ..models import Dossier


@handler("group.child_submit")
def child_submit(sender: str, body: dict) -> dict:
    """Another deployment received a linked group: create the child here (Decree 63/2024, issue 4 point 8)."""
    child = groups.submit_remote_child(sender, body)
    return {"child": child.code}


@handler("group.child_update")
def child_update(sender: str, body: dict) -> dict:
    """A child held by ``sender`` changed state: record it on the parent here."""
    parent = Dossier.objects.filter(code=body.get("parent", ""), group_parent_code="").exclude(group_code="").first()
    if parent is None:
        raise NotYet(f"No group parent {body.get('parent')!r} here.")
    groups.apply_child_update(parent, body, via=sender)
    return {"parent": parent.code}


@handler("group.child_evidence")
def child_evidence(sender: str, body: dict) -> dict:
    """A previous member's result (e.g. the birth record) for a child held here."""
    child = groups.find_remote_child(sender, body.get("parent", ""), body.get("key", ""), body.get("attempt", 1))
    if child is None:
        raise NotYet(f"The child {body.get('key')}#{body.get('attempt')} of {body.get('parent')} is not here yet.")
    groups.give_result(child, body.get("record") or {}, source_key=body.get("source", ""))
    return {"child": child.code}
