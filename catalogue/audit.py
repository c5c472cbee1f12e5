"""The audit trail: one event per write, append-only and hash-chained so that tampering shows.

Each event stores the SHA-256 of its canonical content, which includes the hash of the event before it.
A one-row head names the last event: appends lock it (FOR UPDATE; on SQLite the writer's BEGIN IMMEDIATE
already serialises them), so events are numbered without gaps in commit order, and a removed tail shows
as well as a removed, altered or reordered event. An event is appended in the transaction of the write it
records: a write that fails leaves no event.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalogue.store.tables import Base, Study

GENESIS = "0" * 64
HEAD_ID = 1
# Events keep the first URNs a write touched, with the count and a digest of the whole sorted list.
ITEMS_KEPT = 200
REORDER_WINDOW = 1000
BATCH = 1000


class AuditEvent(Base):
    """One write: who, when, what, on which study and items; `hash` covers all of it and `prev_hash`."""

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC, kept as text so that it hashes the same
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64))
    study_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no foreign key: events outlive
    study_slug: Mapped[str | None] = mapped_column(String(64))
    items: Mapped[list[Any]] = mapped_column(default=list)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's head: the last event's number and hash (one row, locked by every append)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_fields(event: AuditEvent | dict[str, Any]) -> dict[str, Any]:
    """The hashed content of an event (a stored row or an exported line), `hash` excepted."""
    get = event.get if isinstance(event, dict) else lambda name: getattr(event, name)
    study = get("study") if isinstance(event, dict) else get("study_slug")
    return {
        "seq": get("seq"), "at": get("at"), "actor": get("actor"), "action": get("action"),
        "study_id": get("study_id"), "study": study,
        "items": list(get("items") or []), "detail": dict(get("detail") or {}), "prev_hash": get("prev_hash"),
    }


def event_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def event_append(
    session: Session,
    *,
    actor: str,
    action: str,
    study: Study | None = None,
    items: Sequence[str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    head = session.scalar(select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update())
    if head is None:
        head = AuditHead(id=HEAD_ID, seq=0, hash=GENESIS)
        session.add(head)
    kept = sorted(set(items))
    extra: dict[str, Any] = {}
    if len(kept) > ITEMS_KEPT:
        extra = {"items_total": len(kept),
                 "items_sha256": hashlib.sha256("\n".join(kept).encode("utf-8")).hexdigest()}
        kept = kept[:ITEMS_KEPT]
    event = AuditEvent(
        seq=head.seq + 1,
        at=datetime.now(UTC).isoformat(timespec="microseconds"),
        actor=actor,
        action=action,
        study_id=study.id if study is not None else None,
        study_slug=study.slug if study is not None else None,
        items=kept,
        # A JSON round trip, so that what is hashed is exactly what the database gives back.
        detail=json.loads(canonical_json({**(detail or {}), **extra})),
        prev_hash=head.hash,
    )
    event.hash = event_hash(event_fields(event))
    session.add(event)
    head.seq, head.hash = event.seq, event.hash
    session.flush()
    return event


def event_json(event: AuditEvent) -> dict[str, Any]:
    """An event as the API, the pages and the JSON-lines export show it."""
    fields = event_fields(event)
    return {**fields, "hash": event.hash}


def events_of(
    session: Session, *, study_id: int | None = None, limit: int = 100, before: int | None = None
) -> list[AuditEvent]:
    """The latest events (of one study, or all), newest first."""
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if study_id is not None:
        query = query.where(AuditEvent.study_id == study_id)
    if before is not None:
        query = query.where(AuditEvent.seq < before)
    return list(session.scalars(query))


COLUMNS = (AuditEvent.seq, AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.study_id,
           AuditEvent.study_slug, AuditEvent.items, AuditEvent.detail, AuditEvent.prev_hash, AuditEvent.hash)


def events_stream(session: Session, *, study_id: int | None = None) -> Iterator[dict[str, Any]]:
    """Every event in chain order (of one study, or all) as exported, read in batches of plain rows."""
    last = 0
    while True:
        query = select(*COLUMNS).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(BATCH)
        if study_id is not None:
            query = query.where(AuditEvent.study_id == study_id)
        rows: list[Any] = list(session.execute(query).all())
        if not rows:
            return
        for seq, at, actor, action, sid, slug, items, detail, prev_hash, digest in rows:
            yield {"seq": seq, "at": at, "actor": actor, "action": action, "study_id": sid, "study": slug,
                   "items": list(items or []), "detail": dict(detail or {}), "prev_hash": prev_hash,
                   "hash": digest}
        last = rows[-1][0]


def events_jsonl(events: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The JSON-lines export: one event per line, with its hash, verifiable with `export_verify`."""
    for event in events:
        yield canonical_json(event) + "\n"


Breakage = Literal["altered", "removed", "reordered", "inserted"]


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """The first place where the chain does not hold: the event number and what happened there."""

    seq: int
    kind: Breakage
    message: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    events: int
    head_seq: int
    head_hash: str
    broken: BrokenLink | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


def chain_verify(session: Session) -> ChainReport:
    """Walk the stored chain from the first event and report the first broken link, if any."""
    head = session.get(AuditHead, HEAD_ID)

    def stored_hash_at(prev_hash: str) -> int | None:
        return session.scalar(select(AuditEvent.seq).where(AuditEvent.hash == prev_hash).limit(1))

    return _verify(
        events_stream(session),
        head=(head.seq, head.hash) if head else (0, GENESIS),
        located=stored_hash_at,
    )


def export_verify(lines: Iterable[str]) -> ChainReport:
    """Verify a full JSON-lines export (a study's own export has gaps: only a full one is a chain)."""
    events: list[dict[str, Any]] = [json.loads(line) for line in lines if line.strip()]
    by_hash = {e.get("hash"): e.get("seq") for e in events}
    head = (int(events[-1]["seq"]), str(events[-1]["hash"])) if events else (0, GENESIS)
    return _verify(iter(events), head=head, located=by_hash.get)


def _verify(events: Iterator[dict[str, Any]], *, head: tuple[int, str], located: Any) -> ChainReport:
    prev_hash, expected, count = GENESIS, 1, 0
    for event in events:
        count += 1
        fields = event_fields(event)
        seq = fields["seq"]
        if seq != expected:
            return _report(count, head, BrokenLink(
                expected, "removed",
                f"event #{expected} is missing: the chain goes from #{expected - 1} to #{seq} (removed)",
            ))
        if event_hash(fields) != event.get("hash"):
            original = _written_as(fields, event.get("hash"))
            if original is not None and located(fields["prev_hash"]) is not None:
                return _report(count, head, BrokenLink(
                    seq, "reordered", f"event #{seq} was written as event #{original}: events were reordered",
                ))
            if original is not None:
                return _report(count, head, BrokenLink(
                    seq, "removed", f"event #{seq} was written as event #{original}: the event before it was "
                    "removed and the later ones renumbered",
                ))
            return _report(count, head, BrokenLink(
                seq, "altered",
                f"event #{seq} ({fields['action']} by {fields['actor']} at {fields['at']}) was altered: "
                "its content does not match its hash",
            ))
        if fields["prev_hash"] != prev_hash:
            elsewhere = located(fields["prev_hash"])
            kind: Breakage = "reordered" if elsewhere is not None else "removed"
            what = (f"it follows event #{elsewhere}: events were reordered" if elsewhere is not None
                    else "the event it followed was removed")
            return _report(count, head,
                           BrokenLink(seq, kind, f"event #{seq} does not follow #{seq - 1}: {what}"))
        prev_hash, expected = event["hash"], expected + 1
    last = expected - 1
    if head != (last, prev_hash):
        if head[0] > last:
            return _report(count, head, BrokenLink(
                last + 1, "removed",
                f"the chain ends at event #{last} but its head names #{head[0]}: "
                "the last events were removed",
            ))
        return _report(count, head, BrokenLink(
            head[0] + 1 if head[0] < last else last, "inserted",
            f"the chain's head names event #{head[0]} but the chain ends at #{last}: "
            "events were added outside the audit trail",
        ))
    return _report(count, head, None)


def _written_as(fields: dict[str, Any], stored: str | None) -> int | None:
    """The position an event was written at, when it now sits at another one."""
    seq = fields["seq"]
    for candidate in range(max(1, seq - REORDER_WINDOW), seq + REORDER_WINDOW + 1):
        if candidate != seq and event_hash({**fields, "seq": candidate}) == stored:
            return candidate
    return None


def _report(count: int, head: tuple[int, str], broken: BrokenLink | None) -> ChainReport:
    return ChainReport(events=count, head_seq=head[0], head_hash=head[1], broken=broken)
