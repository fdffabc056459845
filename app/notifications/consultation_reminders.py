"""A reminder before a consultation's deadline: the consulted agencies that have not commented
yet hear, once, a few days before the last day, that their comments are still welcome. The
sweep writes it; the sender asks again (`still_needed`) whether the consultation is still
open and the agency still silent."""

from datetime import date, timedelta

from sqlalchemy import select

from app.accounts.models import Agency
from app.consultation.models import Consultation, ConsultationComment
from app.consultation.operations import consulted_agency_ids
from app.cycles.models import Cycle
from app.extensions import db
from app.notifications.messages import MessageFacts
from app.notifications.models import OutboxMessage
from app.notifications.outbox import link_to, queue_many, recipients_of_agencies
from workflows.consultation import ConsultationStatus
from workflows.cycle import CycleStatus

KIND = "consultation_reminder"
DAYS_BEFORE = 3  # the reminder goes out this many days before the last day for comments


def _due(today: date) -> list[tuple[Cycle, Consultation]]:
    rows = db.session.execute(
        select(Cycle, Consultation)
        .join(Consultation, Consultation.cycle_id == Cycle.id)
        .where(
            Cycle.status == CycleStatus.PLANNED,
            Consultation.status == ConsultationStatus.OPEN,
            Consultation.deadline > today,
            Consultation.deadline <= today + timedelta(days=DAYS_BEFORE),
        )
    ).all()
    return [(cycle, consultation) for cycle, consultation in rows]


def _silent(cycle: Cycle, agency_ids: list[int]) -> list[Agency]:
    """The consulted agencies without a comment yet."""
    commented = set(
        db.session.scalars(
            select(ConsultationComment.agency_id).where(ConsultationComment.cycle_id == cycle.id)
        )
    )
    wanted = [i for i in agency_ids if i not in commented]
    return list(db.session.scalars(select(Agency).where(Agency.id.in_(wanted)))) if wanted else []


def queue_consultation_reminders(today: date) -> int:
    """One message per silent agency and consultation, keyed so that a second sweep adds
    nothing; flush, never commit. Returns the number of agencies reminded."""
    reminded = 0
    for cycle, consultation in _due(today):
        agencies = _silent(cycle, consulted_agency_ids(cycle))
        recipients = recipients_of_agencies(agencies, KIND)
        link = link_to(f"/cycles/{cycle.year}/consultation")
        messages = [
            (
                f"{KIND}:{consultation.id}:{agency.id}",
                MessageFacts(
                    kind=KIND,
                    agency=agency.name,
                    year=cycle.year,
                    due_on=consultation.deadline,
                    days=(consultation.deadline - today).days,
                    link=link,
                ),
                recipients[agency.id],
                {"cycle_id": cycle.id, "agency_id": agency.id, "due_on": consultation.deadline},
            )
            for agency in agencies
        ]
        queue_many(messages)
        reminded += len(messages)
    return reminded


def still_needed(message: OutboxMessage) -> bool:
    """At sending: the consultation still takes comments and the agency has still not
    commented."""
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.cycle_id == message.cycle_id)
    )
    if consultation is None or consultation.status != ConsultationStatus.OPEN:
        return False
    commented = db.session.scalar(
        select(ConsultationComment.id)
        .where(
            ConsultationComment.cycle_id == message.cycle_id,
            ConsultationComment.agency_id == message.agency_id,
        )
        .limit(1)
    )
    return commented is None
