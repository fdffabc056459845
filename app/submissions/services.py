from dataclasses import dataclass

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cycles.models import Cycle
from app.extensions import db
from app.submissions.models import Submission
from app.timeutil import today_in_stockholm


@dataclass
class Deadline:
    date: object
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def deadline_of(cycle: Cycle) -> Deadline:
    return Deadline(
        cycle.submission_deadline, (cycle.submission_deadline - today_in_stockholm()).days
    )


def agency_submissions(agency_id: int) -> list[Submission]:
    """The agency's submissions, newest cycle first (cycle joined in the same query)."""
    return list(
        db.session.scalars(
            select(Submission)
            .join(Submission.cycle)
            .where(Submission.agency_id == agency_id)
            .order_by(Cycle.year.desc())
        )
    )


@dataclass(frozen=True)
class Receipt:
    """The last handing-in of a submission, as its confirmation page shows it."""

    reference: str
    received_at: object
    by: str


def receipt_of(submission: Submission) -> Receipt | None:
    """The reference of the last "submit": the year and the audit event that recorded it, so
    the number the agency quotes leads the authority straight to the event in the history."""
    event = db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.submission_id == submission.id,
            AuditEvent.kind == "transition",
            AuditEvent.name == "submit",
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return None
    return Receipt(
        reference=f"GR-{submission.cycle.year}-{event.id:06d}",
        received_at=event.created_at,
        by=event.actor.name if event.actor else "",
    )
