from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db

# The reviewer's working steps on questions: an agency reads a question and a send-back
# comment in the question's thread once a clarification round carries them, never before.
STAFF_ONLY_EVENTS = ("raise_question", "send_back_question")


def submission_history(submission_id: int, for_staff: bool) -> list[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.submission_id == submission_id)
    if not for_staff:
        statement = statement.where(AuditEvent.name.not_in(STAFF_ONLY_EVENTS))
    return list(db.session.scalars(statement.order_by(AuditEvent.created_at, AuditEvent.id)))
