from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db


def submission_history(submission_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.submission_id == submission_id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )
