"""The authority's observations to a ministry: one text per agency and cycle, audited."""

from app.accounts.models import Agency
from app.audit.operations import record_event
from app.cycles.models import Cycle
from app.extensions import db
from app.ministry.models import MinistryObservation
from app.ministry.services import observation_of
from app.timeutil import utcnow


def save_observation(cycle: Cycle, agency: Agency, text: str, actor) -> None:
    """Write, change or (empty text) remove the observation; flush only."""
    text = text.strip()
    observation = observation_of(cycle, agency)
    before = observation.text if observation else ""
    if not text:
        if observation is not None:
            db.session.delete(observation)
    elif observation is None:
        db.session.add(
            MinistryObservation(
                cycle_id=cycle.id,
                agency_id=agency.id,
                text=text,
                updated_at=utcnow(),
                updated_by_id=actor.id,
            )
        )
    else:
        observation.text, observation.updated_at = text, utcnow()
        observation.updated_by_id = actor.id
    if text != before:
        record_event(
            "ministry_observation",
            "saved" if text else "removed",
            actor,
            agency_id=agency.id,
            cycle_id=cycle.id,
            comment=text or before,
        )
    db.session.flush()
