"""The one guard that keeps a frozen cycle frozen in the application: before any flush, every
new, changed or deleted row that belongs to a cycle is traced to its cycle, and if that cycle
is approved or published the flush is refused. The database triggers (migration 0011) refuse
the same changes made outside the app."""

from datetime import datetime
from itertools import chain

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.cycles.models import Cycle
from app.cycles.questionnaire import QuestionnaireItem, QuestionnaireRule
from app.review.models import Comment, Question, QuestionEntry
from app.submissions.models import (
    Project,
    ProjectBaselineChange,
    Submission,
    SubmissionValue,
    WarningExplanation,
)
from workflows.cycle import FROZEN_STATES


class CycleFrozen(Exception):
    def __init__(self, year: int, since: datetime | None):
        super().__init__(f"the {year} cycle is frozen")
        self.year, self.since = year, since


_ON_SUBMISSION = (SubmissionValue, WarningExplanation, Project, Question, Comment)
_ON_CYCLE = (Submission, QuestionnaireItem, QuestionnaireRule)


def _changed(session: Session):
    for obj in chain(session.new, session.deleted):
        yield obj
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            yield obj


def _cycle_ids(session: Session, objects: list) -> set[int]:
    cycle_ids = {o.cycle_id for o in objects if isinstance(o, _ON_CYCLE)}
    submission_ids = {o.submission_id for o in objects if isinstance(o, _ON_SUBMISSION)}
    project_ids = {o.project_id for o in objects if isinstance(o, ProjectBaselineChange)}
    question_ids = {o.question_id for o in objects if isinstance(o, QuestionEntry)}
    if project_ids:
        submission_ids |= set(
            session.scalars(select(Project.submission_id).where(Project.id.in_(project_ids)))
        )
    if question_ids:
        submission_ids |= set(
            session.scalars(select(Question.submission_id).where(Question.id.in_(question_ids)))
        )
    if submission_ids:
        cycle_ids |= set(
            session.scalars(select(Submission.cycle_id).where(Submission.id.in_(submission_ids)))
        )
    return cycle_ids - {None}


@event.listens_for(Session, "before_flush")
def _refuse_changes_in_frozen_cycles(session, _context, _instances):
    objects = list(_changed(session))
    if not objects:
        return
    with session.no_autoflush:
        cycle_ids = _cycle_ids(session, objects)
        if not cycle_ids:
            return
        frozen = session.execute(
            select(Cycle.year, Cycle.approved_at).where(
                Cycle.id.in_(cycle_ids), Cycle.status.in_(tuple(FROZEN_STATES))
            )
        ).first()
    if frozen is not None:
        raise CycleFrozen(*frozen)
