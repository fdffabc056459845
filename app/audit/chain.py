"""The audit trail's hash chain: each event's hash covers its fields and the previous event's
hash, starting from a fixed genesis value."""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from app.audit.models import AuditChainHead, AuditEvent
from app.database import begin_write, read_snapshot
from app.extensions import db

GENESIS = "0" * 64
HEAD_ID = 1


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    fields = [
        prev_hash,
        event.created_at.isoformat(timespec="microseconds"),
        event.actor_id,
        event.agency_id,
        event.cycle_id,
        event.submission_id,
        event.kind,
        event.name,
        event.from_value,
        event.to_value,
        event.comment,
        event.request_id,
    ]
    canonical = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def link(event: AuditEvent) -> None:
    """Chain the event to the last one; the head row is locked until the transaction ends."""
    begin_write(db.session)  # on SQLite the head is read under the write lock, or forks
    head = db.session.scalar(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update()
    )
    if head is None:  # only before the migration's own head row exists
        head = AuditChainHead(id=HEAD_ID, last_hash=GENESIS)
        db.session.add(head)
    event.prev_hash = head.last_hash
    event.hash = event_hash(event.prev_hash, event)
    head.last_hash = event.hash


@dataclass(frozen=True)
class ChainCheck:
    checked: int
    broken_at: int | None  # the id of the first event whose link or hash is wrong
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(batch: int = 1000) -> ChainCheck:
    """Walk the trail in order, in batches, recomputing every hash — all in one snapshot of
    the database, so events appended meanwhile are not mistaken for missing ones."""
    read_snapshot(db.session)
    try:
        return _walk(batch)
    finally:
        db.session.rollback()  # the snapshot ends with the check


def _walk(batch: int) -> ChainCheck:
    expected_prev, checked, last_id = GENESIS, 0, 0
    while True:
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not events:
            break
        for event in events:
            if event.prev_hash != expected_prev:
                return ChainCheck(checked, event.id, "does not link to the event before it")
            if event.hash != event_hash(event.prev_hash, event):
                return ChainCheck(checked, event.id, "its content does not match its hash")
            expected_prev, checked, last_id = event.hash, checked + 1, event.id
        db.session.expunge_all()
    head = db.session.get(AuditChainHead, HEAD_ID)
    if head is not None and head.last_hash != expected_prev:
        return ChainCheck(checked, last_id, "the last events are missing")
    return ChainCheck(checked, None)
