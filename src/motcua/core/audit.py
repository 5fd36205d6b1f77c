"""`motcua audit verify`: every hash-chained log of the project (issue 4 point 5, issue 12 points 3 and 19; issue 15
point 4).

Each package that keeps a chained log registers its verifier with :func:`motcua.core.eventlog.register_chained_log`
in its ``AppConfig.ready()`` (the registry access log and the message log: exchange; dossier events: dossiers; PAKN
events and personal-data access: feedback; steering events: steering); :func:`verify_all` and :func:`checkpoint`
walk the registry, so this module, below them all, imports none of them. Each entry's ``hash`` is the keyed link
(:mod:`motcua.core.chain`) of the previous hash and the entry's canonical content. Verification streams every entry
once, in chain order, recomputes each link and checks it (:func:`walk`); then compares every chain with the last
signed checkpoint (:mod:`motcua.core.checkpoints`). For each chain it names the first entry that breaks it:

- **edited** — the stored hash does not match the entry's content and its ``prev_hash`` (a column was changed, or
  the entry was re-hashed without the key), or the entry's own hash was recomputed after an edit (the next entry no
  longer links to it), or the chain's entry at the checkpointed length no longer carries the checkpointed hash;
- **deleted** — a ``seq`` is missing, or the chain ends before its recorded end (the access log's head row, a
  dossier's or item's ``version``) or before the length the last checkpoint recorded, or a checkpointed chain has
  no entry left at all;
- **reordered** — the entry is self-consistent but links to an entry of the chain other than the one before it;
- **unsealed** — the entry has no hash: nothing protects it, so it is a failure;
- **unkeyed** — a plain SHA-256 link (as written before keys existed) that no signed checkpoint covers: anyone with
  write access to the database could have written it;
- **unknown key** — the entry's key id is not in the key file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from .chain import BAD, GENESIS, UNKEYED, UNKNOWN_KEY, UNSEALED, canonical_json, check_text
from .eventlog import chained_logs

CHUNK = 20_000
LATEST = object()  # "compare with the last checkpoint in the checkpoint file"
# Set only by `motcua audit checkpoint --accept-unkeyed` (the first checkpoint after upgrading a deployment whose
# entries predate the keys): plain SHA-256 links are then checked like keyed ones, and the checkpoint pins them.
_TRUST_UNKEYED: ContextVar[bool] = ContextVar("trust_unkeyed", default=False)


@dataclass
class Finding:
    kind: str  # edited | deleted | reordered | unsealed | unkeyed | unknown key
    chain: str  # "chain 3" / "dossier H01.TTPVHCC-260302-0001"
    seq: int
    entry_id: int | None  # the named entry's id (None when it was deleted)
    detail: str
    position: int | None = None  # id of the entry where the break shows, to order findings across chains

    def describe(self, log: str) -> str:
        where = f"{log} {self.chain} entry #{self.seq}" + (f" (id {self.entry_id})" if self.entry_id else "")
        return f"{self.kind}: {where} — {self.detail}"


@dataclass
class Report:
    log: str
    entries: int = 0
    chains: int = 0
    unsealed: int = 0
    findings: list[Finding] = field(default_factory=list)
    heads: dict[str, list] = field(default_factory=dict)  # chain key → [length, last hash], for the next checkpoint
    checkpoint: str = ""  # when the checkpoint compared with was written ("" when none)

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        """The earliest broken entry (smallest id; a deleted tail, with no id, last)."""
        if not self.findings:
            return None

        def order(f: Finding):
            at = f.entry_id or f.position
            return (at is None, at or 0, f.chain, f.seq)

        return min(self.findings, key=order)

    def merge(self, part: Report) -> None:
        self.entries += part.entries
        self.chains += part.chains
        self.unsealed += part.unsealed
        self.findings.extend(part.findings)
        self.heads.update(part.heads)

    def summary(self) -> str:
        head = f"{self.log}: {self.entries:,} entries in {self.chains:,} chains"
        if self.unsealed:
            head += f", {self.unsealed:,} unsealed"
        head += f" (checked against the checkpoint of {self.checkpoint})" if self.checkpoint else \
            " (no signed checkpoint yet)"
        if self.intact:
            return head + ": intact"
        lines = [head + f": TAMPERED ({len(self.findings)} chain(s) broken)",
                 "first: " + self.first.describe(self.log)]
        lines += ["  " + f.describe(self.log) for f in self.findings[:20] if f is not self.first]
        return "\n".join(lines)


def pins_of(log: str, checkpoint: Any) -> tuple[dict[str, list], str]:
    """The checkpointed chains of ``log`` (chain key → [length, hash]) and when they were checkpointed."""
    if checkpoint is LATEST:
        from . import checkpoints

        checkpoint = checkpoints.latest()
    if not checkpoint:
        return {}, ""
    return checkpoint.get("logs", {}).get(log, {}), checkpoint.get("at", "")


class _ChainWalk:
    """One pass over the rows of a log, chain after chain: the state of the chain being read and one method per
    step (start a chain, check an entry's seal, its link, its checkpoint pin; close the chain)."""

    _NONE = object()

    def __init__(self, report: Report, text: Callable[[tuple], str], *, chain_name: Callable[[Any], str],
                 expected_end: Callable[[Any], int | None], moved: Callable[[Any, int, str, str], bool],
                 pins: dict[str, list], ordinal: bool) -> None:
        self.report, self.text, self.chain_name, self.expected_end, self.moved = (report, text, chain_name,
                                                                                 expected_end, moved)
        self.pins, self.ordinal = pins, ordinal
        self.trust_unkeyed = _TRUST_UNKEYED.get()
        self.key: Any = self._NONE
        self.expected_prev, self.expected_seq, self.broken = GENESIS, 1, False
        self.last_seq, self.last_hash, self.previous_id = 0, "", None

    def run(self, rows: Iterator[tuple], tick: Callable[[int], None] | None) -> Report:
        count = 0
        for row in rows:
            count += 1
            if tick and count % CHUNK == 0:
                tick(CHUNK)
            if row[0] != self.key:
                self._start(row[0])
            self._entry(row)
        if self.key is not self._NONE:
            self._close()
        self.report.entries = count
        if tick:
            tick(count % CHUNK)
        return self.report

    def _start(self, chain_key: Any) -> None:
        if self.key is not self._NONE:
            self._close()
        self.key, self.expected_prev, self.expected_seq, self.broken, self.last_seq = chain_key, GENESIS, 1, False, 0
        self.previous_id = None
        self.report.chains += 1

    def _fail(self, kind: str, seq: int, entry_id: int | None, detail: str, position: int | None = None) -> None:
        self.report.findings.append(Finding(kind, self.chain_name(self.key), seq, entry_id, detail, position))
        self.broken = True

    def _entry(self, row: tuple) -> None:
        seq, entry_id, prev_hash, stored = row[1], row[2], row[3], row[4]
        self.last_seq, self.last_hash = seq, stored
        if self.broken:
            return
        pin = self.pins.get(str(self.key))
        # One finding per entry at most: its seal first, then its link to the one before, then the checkpoint.
        if not self._seal_broken(row, pin) and not self._link_broken(seq, entry_id, prev_hash):
            self._pin_broken(seq, entry_id, stored, pin)
        self.expected_prev, self.expected_seq, self.previous_id = stored, seq + 1, entry_id

    def _seal_broken(self, row: tuple, pin: list | None) -> bool:
        seq, entry_id, prev_hash, stored = row[1], row[2], row[3], row[4]
        status = check_text(prev_hash, self.text(row), stored)
        if status == UNSEALED:
            self.report.unsealed += 1
            self._fail("unsealed", seq, entry_id, "it has no hash: it could be changed or removed without detection")
        elif status == UNKNOWN_KEY:
            self._fail("unknown key", seq, entry_id, f"its hash names key {stored.partition(':')[0]!r}, which is not "
                                                     f"in the audit key file")
        elif status == BAD:
            self._fail("edited", seq, entry_id, "its content no longer matches its hash")
        elif status == UNKEYED and not (pin and seq <= pin[0]) and not self.trust_unkeyed:
            self._fail("unkeyed", seq, entry_id, "its hash is plain SHA-256, without the audit key, and no signed "
                                                 "checkpoint covers it")
        else:
            return False
        return True

    def _link_broken(self, seq: int, entry_id: int, prev_hash: str) -> bool:
        expected_seq = self.expected_seq
        if prev_hash == self.expected_prev and seq == expected_seq:
            return False
        if seq > expected_seq:
            self._fail("deleted", expected_seq, None, f"entries #{expected_seq}–#{seq - 1} are missing before #{seq} "
                                                      f"(id {entry_id})", entry_id)
        elif self.ordinal and not self.moved(self.key, seq, prev_hash, self.expected_prev):
            self._fail("deleted", seq, entry_id, f"the entry it links to is missing: an entry between #{seq - 1} "
                                                 f"and #{seq} was deleted (or changed and re-hashed)")
        elif self.moved(self.key, seq, prev_hash, self.expected_prev):
            self._fail("reordered", seq, entry_id, f"it links to another entry of the chain, not to #{seq - 1}")
        else:
            self._fail("edited", max(seq - 1, 1), self.previous_id, f"entry #{seq - 1} was changed and its hash "
                                                                    f"recomputed: #{seq} (id {entry_id}) no longer "
                                                                    f"links to it", entry_id)
        return True

    def _pin_broken(self, seq: int, entry_id: int, stored: str, pin: list | None) -> bool:
        if pin and seq == pin[0] and stored != pin[1]:
            self._fail("edited", seq, entry_id, f"the chain was rewritten: its hash differs from the one the signed "
                                                f"checkpoint of {self.report.checkpoint} records")
            return True
        return False

    def _close(self) -> None:
        """The chain read ended: record its head; a chain shorter than its recorded end or its pin lost entries."""
        report, chain_key, last_seq = self.report, self.key, self.last_seq
        report.heads[str(chain_key)] = [last_seq, self.last_hash]
        if self.broken:
            return
        end = self.expected_end(chain_key)
        pin = self.pins.get(str(chain_key))
        if end is not None and end > last_seq:
            report.findings.append(Finding("deleted", self.chain_name(chain_key), last_seq + 1, None,
                                           f"the chain ends at #{last_seq} but its recorded end is #{end}: "
                                           f"entries #{last_seq + 1}–#{end} are missing"))
        elif pin and pin[0] > last_seq:
            report.findings.append(Finding("deleted", self.chain_name(chain_key), last_seq + 1, None,
                                           f"the chain ends at #{last_seq} but the signed checkpoint of "
                                           f"{report.checkpoint} records #{pin[0]}: entries #{last_seq + 1}–"
                                           f"#{pin[0]} are missing"))


def walk(rows: Iterator[tuple], text: Callable[[tuple], str], *, chain_name: Callable[[Any], str],
         expected_end: Callable[[Any], int | None], moved: Callable[[Any, int, str, str], bool], report: Report,
         tick: Callable[[int], None] | None = None, pins: dict[str, list] | None = None,
         ordinal: bool = False) -> Report:
    """Verify rows ``(chain key, seq, id, prev_hash, hash, *content columns)`` sorted by chain key and seq;
    ``text(row)`` is the row's canonical content JSON.

    ``moved(key, seq, prev_hash, expected_prev)`` tells a reordering from an edit when an entry does not link to its
    predecessor. ``ordinal``: the chain is in id order and ``seq`` is the position (a broken link is then a deleted
    entry unless the entry it links to still exists). ``pins``: the last checkpoint's [length, hash] per chain."""
    return _ChainWalk(report, text, chain_name=chain_name, expected_end=expected_end, moved=moved, pins=pins or {},
                      ordinal=ordinal).run(rows, tick)


def missing_chains(report: Report, pins: dict[str, list], name: Callable[[str], str]) -> None:
    """Chains the checkpoint records that have no entry left (deleted whole, head rows and all)."""
    for chain_key, (length, _) in sorted(pins.items()):
        if length and chain_key not in report.heads:
            report.findings.append(Finding("deleted", name(chain_key), 1, None,
                                           f"the whole chain is missing; the signed checkpoint of "
                                           f"{report.checkpoint} records {length} entries"))


def progress_bar(total: int, label: str, enabled: bool) -> tuple[Callable[[int], Any] | None, Callable[[], Any]]:
    """``(tick, close)`` of a progress bar on stderr, or ``(None, no-op)`` when not ``enabled``."""
    if not enabled:
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=label, unit=" entries", unit_scale=True, mininterval=0.5)
    return bar.update, bar.close


def moved_in(chain: QuerySet, seq: int, prev_hash: str, expected_prev: str) -> bool:
    """Whether an entry that does not link to its predecessor was moved within ``chain`` (another entry links to
    the expected hash, or the hash it links to is in the chain). Only called on a broken link, so two small indexed
    queries at most."""
    if chain.filter(prev_hash=expected_prev).exclude(seq=seq).exists():
        return True
    return bool(prev_hash) and chain.filter(hash=prev_hash).exists()


# Logs whose entries define chain_content(): through the ORM, one entry object at a time -----------------------

def verify_objects(log: str, queryset: QuerySet, *, chain_of: Callable[[Any], Any], chain_name: Callable[[Any], str],
                   chain_filter: Callable[[Any], dict] | None = None, expected_end: Callable[[Any], int | None]
                   = lambda k: None, checkpoint: Any = LATEST, progress: bool = False) -> Report:
    """Verify a log whose entries define ``chain_content()``. ``chain_filter(key)`` selects one chain (chains
    numbered by ``seq``); without it the log is one chain in id order."""
    pins, at = pins_of(log, checkpoint)
    report = Report(log, checkpoint=at)
    ordinal = chain_filter is None
    model = queryset.model

    def rows():
        for position, entry in enumerate(queryset.iterator(chunk_size=2000), 1):
            yield (chain_of(entry), position if ordinal else entry.seq, entry.pk, entry.prev_hash, entry.hash, entry)

    if ordinal:
        def moved(key, seq, prev, expected):
            return bool(prev) and model._default_manager.filter(hash=prev).exists()
    else:
        def moved(key, seq, prev, expected):
            return moved_in(model._default_manager.filter(**chain_filter(key)), seq, prev, expected)

    tick, close = progress_bar(queryset.count() if progress else 0, log, progress)
    try:
        walk(rows(), lambda r: canonical_json(r[5].chain_content()), chain_name=chain_name,
             expected_end=expected_end, moved=moved, report=report, tick=tick, pins=pins, ordinal=ordinal)
    finally:
        close()
    missing_chains(report, pins, lambda k: chain_name(k))
    return report


def verify_all(*, logs: list[str] | None = None, progress: bool = False) -> list[Report]:
    """Verify every log (or those named) against the last signed checkpoint. Raises
    :class:`motcua.core.checkpoints.CheckpointError` when the checkpoint file itself was altered."""
    from . import checkpoints

    latest = checkpoints.latest()
    registered = {log.name: log for log in chained_logs()}
    unknown = [name for name in logs or () if name not in registered]
    if unknown:
        raise ValueError(f"no chained log named {', '.join(unknown)} (known: {', '.join(registered)})")
    return [registered[name].verify(progress=progress, checkpoint=latest) for name in (logs or list(registered))]


def checkpoint(*, progress: bool = False, accept_unkeyed: bool = False) -> tuple[list[Report], str | None]:
    """Verify every log and, when all are intact, append a signed checkpoint of their chains; return the reports and
    the new checkpoint's digest (``None`` when something was broken: nothing is written). ``accept_unkeyed``: once,
    after upgrading, pin the plain SHA-256 entries written before keys existed (docs/security.md)."""
    from . import checkpoints

    token = _TRUST_UNKEYED.set(accept_unkeyed)
    try:
        reports = verify_all(progress=progress)
    finally:
        _TRUST_UNKEYED.reset(token)
    if not all(r.intact for r in reports):
        return reports, None
    _, digest = checkpoints.write({r.log: r.heads for r in reports})
    return reports, digest
