"""Reminders computed from the cycles' plans and the submissions' states.

Every reminder belongs to a series (one agency's submission deadline, one clarification round,
one reviewer's review deadline); within a series only the latest reminder that is due is sent,
so a sweep after days of downtime sends one reminder, not one per missed day. Its key (cycle,
agency or reviewer, kind, due date) makes sending it twice impossible, whoever sweeps and how
often. Whether a reminder is still needed is checked again when it is sent (`still_needed`).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.cycles.models import Cycle
from app.database import begin_write
from app.extensions import db
from app.notifications.consultation_reminders import queue_consultation_reminders
from app.notifications.consultation_reminders import still_needed as consultation_still_needed
from app.notifications.inbox import agency_user_ids, notify
from app.notifications.messages import MessageFacts
from app.notifications.models import OutboxMessage
from app.notifications.outbox import agency_recipients, link_to, queue, staff_recipients
from app.roles import Role
from app.submissions.models import Submission
from app.timeutil import today_in_stockholm
from workflows.calendar import parse_days, subtract_working_days
from workflows.cycle import CycleStatus
from workflows.submission import SubmissionStatus

CLARIFICATION_REMINDER_WORKING_DAYS = 2  # before the agency's answers are due
REVIEW_REMINDER_DAYS = (7, 1)  # before the review deadline
UNFINISHED_REVIEW = (SubmissionStatus.IN_REVIEW, SubmissionStatus.CLARIFICATION)
AGENCY_KINDS = ("deadline_reminder", "overdue_reminder", "clarification_reminder")


@dataclass(frozen=True)
class Reminder:
    kind: str
    due_on: date  # the day it goes out
    deadline: date  # the deadline it is about
    cycle: Cycle
    submission: Submission | None = None
    reviewer: User | None = None
    held: int = 0  # for a reviewer: submissions not yet approved

    @property
    def target(self) -> str:
        if self.submission is not None:
            return f"agency:{self.submission.agency_id}"
        return f"reviewer:{self.reviewer.id}"

    @property
    def series(self) -> tuple:
        if self.kind in ("deadline_reminder", "overdue_reminder"):
            return ("submission_deadline", self.cycle.id, self.target)
        if self.kind == "clarification_reminder":
            return ("clarification", self.cycle.id, self.target, self.deadline)
        return (self.kind, self.cycle.id, self.target)

    @property
    def key(self) -> str:
        return f"reminder:{self.cycle.id}:{self.target}:{self.kind}:{self.due_on.isoformat()}"

    @property
    def relevant_until(self) -> date | None:
        """A reminder before a deadline is pointless once the deadline has passed."""
        if self.kind in ("deadline_reminder", "clarification_reminder", "review_reminder"):
            return self.deadline
        return None


def _deadline_series(submission: Submission) -> list[Reminder]:
    cycle = submission.cycle
    deadline = cycle.submission_deadline
    opened = cycle.opened_at.date() if cycle.opened_at else cycle.opens_on
    reminders = [
        Reminder("deadline_reminder", deadline - timedelta(days=days), deadline, cycle, submission)
        for days in parse_days(cycle.reminder_days_before)
        if deadline - timedelta(days=days) > opened  # the invitation says it on the first day
    ]
    reminders += [
        Reminder(
            "overdue_reminder",
            deadline + timedelta(days=1 + n * cycle.overdue_every_days),
            deadline,
            cycle,
            submission,
        )
        for n in range(cycle.overdue_reminders_max)
    ]
    if cycle.escalate_after_days:
        due = deadline + timedelta(days=cycle.escalate_after_days)
        reminders.append(Reminder("escalation", due, deadline, cycle, submission))
    return reminders


def _clarification_series(submission: Submission) -> list[Reminder]:
    due = submission.clarification_due_on
    day = subtract_working_days(due, CLARIFICATION_REMINDER_WORKING_DAYS)
    if (
        submission.clarification_requested_at
        and day <= submission.clarification_requested_at.date()
    ):
        return []
    return [Reminder("clarification_reminder", day, due, submission.cycle, submission)]


def _review_series(cycle: Cycle, reviewer: User, held: int) -> list[Reminder]:
    deadline = cycle.review_deadline
    return [
        Reminder(
            "review_reminder", deadline - timedelta(days=d), deadline, cycle, None, reviewer, held
        )
        for d in REVIEW_REMINDER_DAYS
    ]


def scheduled_reminders() -> list[Reminder]:
    """Every reminder the plans give for what is unfinished now, due or not: three queries,
    whatever the number of agencies."""
    drafts = db.session.scalars(
        select(Submission)
        .join(Submission.cycle)
        .where(Cycle.status == CycleStatus.OPEN, Submission.status == SubmissionStatus.DRAFT)
    )
    reminders = [r for submission in drafts for r in _deadline_series(submission)]
    in_clarification = db.session.scalars(
        select(Submission).where(
            Submission.status == SubmissionStatus.CLARIFICATION,
            Submission.clarification_due_on.is_not(None),
        )
    )
    reminders += [r for s in in_clarification for r in _clarification_series(s)]
    held = db.session.execute(
        select(Cycle, User, func.count(Submission.id))
        .join(Submission, Submission.cycle_id == Cycle.id)
        .join(User, User.id == Submission.reviewer_id)
        .where(
            Cycle.status.in_((CycleStatus.OPEN, CycleStatus.CLOSED)),
            Submission.status.in_(UNFINISHED_REVIEW),
            User.active,
        )
        .group_by(Cycle.id, User.id)
    ).all()
    reminders += [
        r for cycle, reviewer, count in held for r in _review_series(cycle, reviewer, count)
    ]
    return reminders


def due_reminders(today: date) -> list[Reminder]:
    """The latest due reminder of each series, if it is still of use today."""
    latest = {}
    for reminder in scheduled_reminders():
        if reminder.due_on > today:
            continue
        if reminder.relevant_until is not None and today > reminder.relevant_until:
            continue
        current = latest.get(reminder.series)
        if current is None or reminder.due_on > current.due_on:
            latest[reminder.series] = reminder
    return sorted(latest.values(), key=lambda r: (r.due_on, r.key))


def upcoming_reminders(today: date, days: int = 14) -> list[Reminder]:
    """What the sweeps of the coming days will send, if nothing changes meanwhile."""
    end = today + timedelta(days=days)
    return sorted(
        (r for r in scheduled_reminders() if today < r.due_on <= end),
        key=lambda r: (r.due_on, r.key),
    )


def facts_of(reminder: Reminder, today: date) -> MessageFacts:
    if reminder.submission is not None:
        agency, link = reminder.submission.agency.name, f"/submissions/{reminder.submission.id}"
    else:
        agency, link = "", f"/review/?cycle={reminder.cycle.year}"
    sent_on = max(today, reminder.due_on)  # a catch-up counts from the day it goes out
    days = {
        "deadline_reminder": (reminder.deadline - sent_on).days,
        "escalation": (sent_on - reminder.deadline).days,
    }.get(reminder.kind, 0)
    return MessageFacts(
        kind=reminder.kind,
        agency=agency,
        year=reminder.cycle.year,
        due_on=reminder.deadline,
        count=reminder.held,
        days=days,
        link=link_to(link),
    )


def recipients_of(reminder: Reminder):
    if reminder.kind == "escalation":
        admins = db.session.scalars(select(User).where(User.role == Role.ADMIN, User.active))
        return staff_recipients(list(admins), reminder.kind)
    if reminder.reviewer is not None:
        return staff_recipients([reminder.reviewer], reminder.kind)
    return agency_recipients(reminder.submission.agency, reminder.kind)


def sweep(today: date) -> int:
    """Queue the reminders due today (and the latest one missed, if any); flush, never commit.
    Returns how many messages were queued."""
    begin_write(db.session)
    queued = sum(_send(reminder, today) for reminder in due_reminders(today))
    queued += queue_consultation_reminders(today)
    db.session.flush()
    return queued


def _send(reminder: Reminder, today: date) -> int:
    submission = reminder.submission
    refs = {
        "cycle_id": reminder.cycle.id,
        "agency_id": submission.agency_id if submission else None,
        "submission_id": submission.id if submission else None,
        "due_on": reminder.deadline,
    }
    queued = queue(reminder.key, facts_of(reminder, today), recipients_of(reminder), **refs)
    if reminder.kind in AGENCY_KINDS:
        notify(
            agency_user_ids(submission.agency_id),
            reminder.kind,
            reminder.key,
            submission.id,
            reminder.deadline,
        )
    return queued


def remind_now(drafts: list[Submission], today: date) -> int:
    """An administrator's reminder, today, to each of these drafts' agencies: the deadline
    reminder before the deadline, the overdue one after. It is keyed like the sweep's reminder
    of the same day, so an agency is never reminded twice in one day."""
    queued = 0
    for submission in drafts:
        deadline = submission.cycle.submission_deadline
        kind = "overdue_reminder" if today > deadline else "deadline_reminder"
        queued += _send(Reminder(kind, today, deadline, submission.cycle, submission), today)
    db.session.flush()
    return queued


BEFORE_A_DEADLINE = (
    "deadline_reminder",
    "clarification_reminder",
    "review_reminder",
    "consultation_reminder",
)


def still_needed(message: OutboxMessage) -> bool:
    """Re-checked at the moment of sending: nobody is reminded of something already done, nor
    told "in one day" of a deadline that has passed while the message waited."""
    if message.kind in BEFORE_A_DEADLINE and today_in_stockholm() > message.due_on:
        return False
    if message.kind in ("deadline_reminder", "overdue_reminder", "escalation"):
        submission = db.session.get(Submission, message.submission_id)
        return (
            submission is not None
            and submission.status == SubmissionStatus.DRAFT
            and submission.cycle.status == CycleStatus.OPEN
        )
    if message.kind == "consultation_reminder":
        return consultation_still_needed(message)
    if message.kind == "clarification_reminder":
        submission = db.session.get(Submission, message.submission_id)
        return submission is not None and submission.status == SubmissionStatus.CLARIFICATION
    if message.kind == "review_reminder":
        still_held = db.session.scalar(
            select(func.count(Submission.id)).where(
                Submission.cycle_id == message.cycle_id,
                Submission.reviewer_id == message.user_id,
                Submission.status.in_(UNFINISHED_REVIEW),
            )
        )
        return bool(still_held)
    return True
