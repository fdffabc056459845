"""What changed in a submission's answers after the agency submitted it, read from the audit
trail (every change after submission is recorded there with old, new, who, when and why), so
the reviewer sees corrections made in clarification wherever they look at the values."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.cycles.questionnaire_service import items_of
from app.database import read_columns
from app.extensions import db
from app.submissions.models import Submission


@dataclass(frozen=True)
class AnswerChange:
    code: str
    period: str  # "outcome" or "forecast"
    label: str
    old: str | None  # as stored before the first change since submission
    new: str | None  # as stored now
    who: str
    when: datetime
    why: str
    times: int  # how many changes since submission


# The columns a change is told with, the author's name joined: on every view of the
# submission page and the comparison, most often finding nothing.
_CHANGES = (
    select(
        AuditEvent.name,
        AuditEvent.from_value,
        AuditEvent.to_value,
        AuditEvent.comment,
        AuditEvent.created_at,
        User.name.label("actor_name"),
    )
    .outerjoin(User, User.id == AuditEvent.actor_id)
    .where(
        AuditEvent.submission_id == bindparam("submission_id"),
        AuditEvent.kind == "value_change",
        AuditEvent.name.contains(":"),
        AuditEvent.created_at >= bindparam("since"),
    )
    .order_by(AuditEvent.created_at, AuditEvent.id)
)


def answer_changes(submission: Submission, locale: str) -> list[AnswerChange]:
    """Every answer changed since the submission was (last) submitted, in the questionnaire's
    order: its value then and now, and the latest change's author, time and reason."""
    if submission.submitted_at is None:
        return []
    parameters = {"submission_id": submission.id, "since": submission.submitted_at}
    events = read_columns(db.session, _CHANGES, parameters).all()
    first_old: dict[tuple[str, str], str | None] = {}
    latest: dict = {}
    times: dict[tuple[str, str], int] = {}
    for event in events:
        key = tuple(event.name.split(":", 1))
        first_old.setdefault(key, event.from_value)
        latest[key] = event
        times[key] = times.get(key, 0) + 1
    changes = []
    for item in items_of(submission.cycle_id):
        for period in ("outcome", "forecast"):
            event = latest.get((item.code, period))
            if event is None or (first_old[(item.code, period)] or None) == (
                event.to_value or None
            ):
                continue  # changed and changed back: nothing to see
            changes.append(
                AnswerChange(
                    item.code,
                    period,
                    item.label(locale),
                    first_old[(item.code, period)],
                    event.to_value,
                    event.actor_name or "–",
                    event.created_at,
                    event.comment or "",
                    times[(item.code, period)],
                )
            )
    return changes


def item_labels(submission: Submission, locale: str) -> dict[str, str]:
    """code → the item's label, for pages that name items found in the audit trail."""
    return {item.code: item.label(locale) for item in items_of(submission.cycle_id)}
