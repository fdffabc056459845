"""Taking a submission for a change: one writer at a time, with the state re-read."""

from sqlalchemy import select

from app.cycles.models import Cycle
from app.database import begin_write
from app.extensions import db
from app.submissions.models import Submission


def lock_submission(submission_id: int) -> Submission | None:
    """The submission, locked for this transaction and read afresh; None if there is none.

    The cycle row is locked first (shared), then the submission (exclusive): a cycle's
    approval, which takes the cycle row exclusively, and a change to one of its submissions
    never interleave, and the order is always the same, so they cannot deadlock.
    """
    begin_write(db.session)
    cycle_id = db.session.scalar(select(Submission.cycle_id).where(Submission.id == submission_id))
    if cycle_id is None:
        return None
    db.session.execute(select(Cycle.id).where(Cycle.id == cycle_id).with_for_update(read=True))
    submission = db.session.scalar(
        select(Submission).where(Submission.id == submission_id).with_for_update(of=Submission)
    )
    db.session.refresh(submission)
    db.session.refresh(submission.cycle)
    return submission
