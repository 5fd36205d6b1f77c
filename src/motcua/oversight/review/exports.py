"""The dossier event log for process mining (issue 6 point 6): XES (IEEE 1849-2016) and OCEL 2.0 JSON.

Both are written as a stream: dossiers are read in chunks by primary key and their events fetched per chunk, so
memory stays flat whatever the size of the history. No personal data leaves: a case is named by its dossier code,
officers by their user name, applicants only by the role ``applicant``.

Activities are the actions of :mod:`motcua.dossiers.transitions`; ``complete_step`` carries its step
(``complete_step:appraise``) so that the steps of the internal process stay apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO
from xml.sax.saxutils import quoteattr

from django.contrib.auth import get_user_model

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.units.roles import DOSSIER_ROLES

OFFICER_ROLES = {str(r) for r in DOSSIER_ROLES}  # motcua.units.roles


@dataclass(frozen=True)
class Selection:
    """Which dossiers to export: submitted in [since, until), optionally of some procedures or agencies (codes)."""

    since: datetime | None = None
    until: datetime | None = None
    procedures: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()


def activity(action: str, step: str) -> str:
    return f"{action}:{step}" if action == "complete_step" and step else action


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dossiers(sel: Selection):
    q = Dossier.objects.all()
    if sel.since:
        q = q.filter(submitted_at__gte=sel.since)
    if sel.until:
        q = q.filter(submitted_at__lt=sel.until)
    if sel.procedures:
        q = q.filter(procedure__code__in=sel.procedures)
    if sel.agencies:
        q = q.filter(agency__code__in=sel.agencies)
    return q.order_by("pk")


def iter_cases(sel: Selection, chunk: int = 2000) -> Iterator[tuple[dict, list[tuple]]]:
    """(dossier row, its events) in dossier order. Event rows: (seq, at, action, step, role, actor username)."""
    users = dict(get_user_model().objects.values_list("pk", "username"))
    q = _dossiers(sel)
    last = 0
    fields = ("pk", "code", "procedure__code", "agency__code", "channel", "state", "submitted_at")
    while True:
        batch = list(q.filter(pk__gt=last).values(*fields)[:chunk])
        if not batch:
            return
        last = batch[-1]["pk"]
        events: dict[int, list[tuple]] = {d["pk"]: [] for d in batch}
        for did, seq, at, action, step, role, actor in (
                DossierEvent.objects.filter(dossier_id__in=list(events)).order_by("dossier_id", "seq")
                .values_list("dossier_id", "seq", "at", "action", "step", "role", "actor_id")):
            name = users.get(actor, "") if role in OFFICER_ROLES else ""
            events[did].append((seq, at, action, step, role, name))
        for d in batch:
            yield d, events[d["pk"]]


def _attr(kind: str, key: str, value: str) -> str:
    return f"<{kind} key={quoteattr(key)} value={quoteattr(value)}/>"


def write_xes(out: TextIO, sel: Selection = Selection()) -> int:
    """Write the log as XES; returns the number of events."""
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">\n'
              '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n'
              '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
              '<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>\n'
              '<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>\n'
              '<global scope="trace"><string key="concept:name" value="__INVALID__"/></global>\n'
              '<global scope="event"><string key="concept:name" value="__INVALID__"/>'
              '<date key="time:timestamp" value="1970-01-01T00:00:00.000Z"/></global>\n'
              '<classifier name="Activity" keys="concept:name"/>\n')
    n = 0
    for d, events in iter_cases(sel):
        parts = ["<trace>", _attr("string", "concept:name", d["code"]),
                 _attr("string", "procedure", d["procedure__code"]), _attr("string", "agency", d["agency__code"]),
                 _attr("string", "channel", d["channel"]), _attr("string", "state", d["state"])]
        for seq, at, action, step, role, name in events:
            parts.append("<event>" + _attr("string", "concept:name", activity(action, step))
                         + _attr("date", "time:timestamp", _iso(at))
                         + _attr("string", "lifecycle:transition", "complete")
                         + _attr("string", "org:role", role)
                         + _attr("string", "org:resource", name or role)
                         + _attr("int", "seq", str(seq)) + "</event>")
            n += 1
        parts.append("</trace>\n")
        out.write("".join(parts))
    out.write("</log>\n")
    return n


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


EPOCH = "1970-01-01T00:00:00Z"


def write_ocel(out: TextIO, sel: Selection = Selection()) -> int:
    """Write the log as OCEL 2.0 JSON; returns the number of events.

    Objects: dossier, procedure, agency, officer; each event is related to its dossier, the dossier's procedure and
    receiving agency, and the officer who acted. Keys are written in stream order: objects and events first, their
    types last (a JSON object's key order carries no meaning)."""
    out.write('{"objects":[')
    first = True
    procedures: set[str] = set()
    agencies: set[str] = set()
    officers: set[str] = set()
    activities: set[str] = set()

    def obj(o: dict) -> None:
        nonlocal first
        out.write(("" if first else ",") + _dump(o))
        first = False

    for d, events in iter_cases(sel):
        procedures.add(d["procedure__code"])
        agencies.add(d["agency__code"])
        officers.update(e[5] for e in events if e[5])
        obj({"id": f"dossier:{d['code']}", "type": "dossier",
             "attributes": [{"name": "channel", "time": EPOCH, "value": d["channel"]},
                            {"name": "state", "time": EPOCH, "value": d["state"]}],
             "relationships": [{"objectId": f"procedure:{d['procedure__code']}", "qualifier": "procedure"},
                               {"objectId": f"agency:{d['agency__code']}", "qualifier": "receiving agency"}]})
    for code in sorted(procedures):
        obj({"id": f"procedure:{code}", "type": "procedure", "attributes": [], "relationships": []})
    for code in sorted(agencies):
        obj({"id": f"agency:{code}", "type": "agency", "attributes": [], "relationships": []})
    for name in sorted(officers):
        obj({"id": f"officer:{name}", "type": "officer", "attributes": [], "relationships": []})
    out.write('],"events":[')
    first = True
    n = 0
    for d, events in iter_cases(sel):
        for seq, at, action, step, role, name in events:
            act = activity(action, step)
            activities.add(act)
            rels = [{"objectId": f"dossier:{d['code']}", "qualifier": "dossier"},
                    {"objectId": f"procedure:{d['procedure__code']}", "qualifier": "procedure"},
                    {"objectId": f"agency:{d['agency__code']}", "qualifier": "agency"}]
            if name:
                rels.append({"objectId": f"officer:{name}", "qualifier": "actor"})
            out.write(("" if first else ",") + _dump({
                "id": f"{d['code']}#{seq}", "type": act, "time": _iso(at),
                "attributes": [{"name": "role", "value": role}], "relationships": rels}))
            first = False
            n += 1
    out.write('],"objectTypes":' + _dump([
        {"name": "dossier", "attributes": [{"name": "channel", "type": "string"}, {"name": "state", "type": "string"}]},
        {"name": "procedure", "attributes": []}, {"name": "agency", "attributes": []},
        {"name": "officer", "attributes": []}]))
    out.write(',"eventTypes":' + _dump([{"name": a, "attributes": [{"name": "role", "type": "string"}]}
                                        for a in sorted(activities)]))
    out.write("}\n")
    return n


def selection_from(since: str | None = None, until: str | None = None, procedures: Iterable[str] = (),
                   agencies: Iterable[str] = ()) -> Selection:
    """A selection from command-line text (dates as YYYY-MM-DD, Vietnam time)."""
    from datetime import date

    from motcua.core.calendar import TZ

    def day(text: str | None) -> datetime | None:
        if not text:
            return None
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=TZ)

    return Selection(day(since), day(until), tuple(procedures), tuple(agencies))
