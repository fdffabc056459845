"""Appending to the audit trail. There is deliberately no function to change or delete."""

import re

from flask import g, has_request_context

from app.audit.chain import link
from app.audit.models import AuditEvent
from app.extensions import db
from app.timeutil import utcnow


def record_event(
    kind: str,
    name: str,
    actor=None,
    *,
    agency_id=None,
    cycle_id=None,
    submission_id=None,
    from_value=None,
    to_value=None,
    comment=None,
) -> AuditEvent:
    event = AuditEvent(
        created_at=utcnow(),
        kind=kind,
        name=name,
        actor_id=getattr(actor, "id", None),
        agency_id=agency_id,
        cycle_id=cycle_id,
        submission_id=submission_id,
        from_value=from_value,
        to_value=to_value,
        comment=(comment or "").strip() or None,
        request_id=g.get("request_id") if has_request_context() else None,
    )
    link(event)
    db.session.add(event)
    return event


def record_submission_event(kind: str, name: str, actor, submission, **details) -> AuditEvent:
    """An event about one submission, filed under its agency and cycle as well."""
    return record_event(
        kind,
        name,
        actor,
        agency_id=submission.agency_id,
        cycle_id=submission.cycle_id,
        submission_id=submission.id,
        **details,
    )


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def typed(text: str | None, limit: int = 254) -> str | None:
    """What a user typed, safe to keep in the trail and to print in a log: no line breaks or
    other control characters (no forged log lines), no more than `limit` characters."""
    if text is None:
        return None
    return _CONTROL.sub("?", text)[:limit]
