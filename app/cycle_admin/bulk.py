"""Bulk work for an administrator of 70–340 agencies: exempt many with one reason, assign a
reviewer to many submissions, remind the selected agencies now. Each is all or nothing, in one
transaction; operations flush, never commit."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Agency, User
from app.audit.operations import record_submission_event
from app.cycles.models import Cycle
from app.errors import FieldErrors
from app.extensions import db
from app.labels import submission_status_label
from app.notifications.outbox import recipients_of_agencies
from app.notifications.reminders import remind_now
from app.roles import Role
from app.submissions.locking import lock_submission
from app.submissions.models import Submission
from app.submissions.transitions import fire_transition
from app.timeutil import today_in_stockholm
from workflows.cycle import FROZEN_STATES, CycleStatus
from workflows.submission import SUBMISSION_WORKFLOW, SubmissionFacts, SubmissionStatus

ACTIONS = {
    "exempt": _l("Exempt the selected agencies"),
    "assign_reviewer": _l("Assign a reviewer"),
    "remind": _l("Send a reminder now"),
}
UNDER_REVIEW = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.IN_REVIEW,
    SubmissionStatus.CLARIFICATION,
)


@dataclass
class Selection:
    cycle: Cycle
    action: str
    chosen: list[Submission] = field(default_factory=list)  # the action applies to these
    skipped: list[tuple[Submission, str]] = field(default_factory=list)  # and why not to these

    @property
    def ids(self) -> list[int]:
        return [submission.id for submission in self.chosen + [s for s, _why in self.skipped]]


def _why_not(cycle: Cycle, action: str, submission: Submission) -> str | None:
    status = submission.status
    if action == "exempt":
        facts = SubmissionFacts(Role.ADMIN.value, False, cycle.status, reason="(one for all)")
        refusal = SUBMISSION_WORKFLOW.check("exempt", status, facts)
        return None if refusal is None else _("only a draft or a submitted one can be exempted")
    if cycle.status in FROZEN_STATES:
        return _("the cycle is frozen")
    if action == "assign_reviewer" and status not in UNDER_REVIEW:
        return _("only a submitted one or one in review gets a reviewer")
    if action == "remind" and (
        status != SubmissionStatus.DRAFT or cycle.status != CycleStatus.OPEN
    ):
        return _("only a draft in an open cycle is reminded")
    return None


def select_submissions(cycle: Cycle, action: str, ids: list[int]) -> Selection:
    selection = Selection(cycle, action)
    submissions = db.session.scalars(
        select(Submission)
        .join(Agency, Agency.id == Submission.agency_id)
        .where(Submission.cycle_id == cycle.id, Submission.id.in_(ids))
        .order_by(Agency.name)
    )
    for submission in submissions:
        why = _why_not(cycle, action, submission)
        if why is None:
            selection.chosen.append(submission)
        else:
            label = str(submission_status_label(submission.status)).lower()
            selection.skipped.append((submission, f"{label}: {why}"))
    return selection


def reviewers() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.REVIEWER, User.active).order_by(User.name)
        )
    )


def exempt_many(selection: Selection, reason: str, actor) -> int:
    if not " ".join(reason.split()):
        raise FieldErrors({"reason": _("Give the reason for the exemption.")})
    for submission in selection.chosen:
        fire_transition(submission.id, "exempt", actor, reason)  # refused: the caller rolls back
    return len(selection.chosen)


def assign_reviewer(selection: Selection, reviewer_id: int | None, actor) -> int:
    reviewer = db.session.get(User, reviewer_id) if reviewer_id else None
    if reviewer is None or reviewer.role != Role.REVIEWER or not reviewer.active:
        raise FieldErrors({"reviewer": _("Choose a reviewer.")})
    for chosen in selection.chosen:
        submission = lock_submission(chosen.id)  # as it is now, under the lock
        if _why_not(selection.cycle, "assign_reviewer", submission) is not None:
            raise FieldErrors({"reviewer": _("A submission changed meanwhile. Try again.")})
        before = submission.reviewer.email if submission.reviewer else None
        submission.reviewer_id = reviewer.id
        record_submission_event(
            "assignment", "assign_reviewer", actor, submission, from_value=before,
            to_value=reviewer.email,
        )  # fmt: skip
    db.session.flush()
    return len(selection.chosen)


def _reminder_kind(cycle: Cycle) -> str:
    return (
        "overdue_reminder"
        if today_in_stockholm() > cycle.submission_deadline
        else ("deadline_reminder")
    )


def reminder_mail_count(selection: Selection) -> int:
    agencies = [submission.agency for submission in selection.chosen]
    kind = _reminder_kind(selection.cycle)
    return sum(len(recipients) for recipients in recipients_of_agencies(agencies, kind).values())


def remind_selected(selection: Selection) -> int:
    """Queue a reminder for each chosen agency today; one a day at most (its key is the day's)."""
    return remind_now(selection.chosen, today_in_stockholm())
