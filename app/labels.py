"""What the user reads for each state and role (translated)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.roles import ROLE_LABELS, Role
from app.timeutil import utcnow
from workflows.cycle import CycleStatus
from workflows.submission import SubmissionStatus

SUBMISSION_STATUS = {
    SubmissionStatus.DRAFT: _l("Draft"),
    SubmissionStatus.SUBMITTED: _l("Submitted"),
    SubmissionStatus.IN_REVIEW: _l("In review"),
    SubmissionStatus.CLARIFICATION: _l("Clarification"),
    SubmissionStatus.APPROVED: _l("Approved"),
    SubmissionStatus.EXEMPTED: _l("Exempted"),
}

CYCLE_STATUS = {
    CycleStatus.PLANNED: _l("Planned"),
    CycleStatus.OPEN: _l("Open"),
    CycleStatus.CLOSED: _l("Closed"),
    CycleStatus.APPROVED: _l("Approved (frozen)"),
    CycleStatus.PUBLISHED: _l("Published"),
}


def submission_status_label(status: str):
    return SUBMISSION_STATUS.get(status, status)


def cycle_status_label(status: str):
    return CYCLE_STATUS.get(status, status)


def role_label(role: str):
    return ROLE_LABELS.get(Role(role), role)


QUESTION_STATUS = {
    "open": _l("Open"),
    "answered": _l("Answered"),
    "resolved": _l("Resolved"),
    "withdrawn": _l("Withdrawn"),
    "closed": _l("Closed without an answer"),
}


def question_status_label(status: str):
    return QUESTION_STATUS.get(status, status)


QUESTION_STEP = {
    "raised": _l("Question from"),
    "answered": _l("Answer from"),
    "sent_back": _l("Sent back by"),
    "resolved": _l("Resolved by"),
    "edited": _l("Question changed by"),
    "withdrawn": _l("Withdrawn by"),
    "closed": _l("Closed without an answer by"),
}


def question_step_label(step: str):
    return QUESTION_STEP.get(step, step)


OUTBOX_STATE = {
    "queued": _l("Queued"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "skipped": _l("Skipped"),
}


def outbox_state_label(state: str):
    return OUTBOX_STATE.get(state, state)


MESSAGE_KIND = {
    "cycle_opened": _l("Invitation"),
    "submit": _l("Submission confirmed"),
    "request_clarification": _l("Clarification requested"),
    "answer_clarification": _l("Answers received"),
    "approve": _l("Approval"),
    "reopen": _l("Reopened"),
    "deadline_reminder": _l("Reminder before the deadline"),
    "overdue_reminder": _l("Overdue reminder"),
    "escalation": _l("Escalation to administrators"),
    "clarification_reminder": _l("Reminder to answer questions"),
    "review_reminder": _l("Reminder of the review deadline"),
    "password_link": _l("Password link (development)"),
}


def message_kind_label(kind: str):
    return MESSAGE_KIND.get(kind, kind)


# What happens next, and who acts: (agency's view, the authority's view).
NEXT_STEP = {
    SubmissionStatus.DRAFT: (
        _l("Your agency fills in the data and an editor submits it before the deadline."),
        _l("The agency is filling in its data."),
    ),
    SubmissionStatus.SUBMITTED: (
        _l(
            "The authority will start its review. Until then an editor can withdraw the "
            "submission to change it."
        ),
        _l("Waiting for a reviewer to start the review."),
    ),
    SubmissionStatus.IN_REVIEW: (
        _l(
            "A reviewer at the authority is reviewing the data. If they have questions, you "
            "will be asked to answer them."
        ),
        _l("The reviewer raises any questions, then requests clarification or approves."),
    ),
    SubmissionStatus.CLARIFICATION: (
        _l("The authority has questions. Answer every question, then send the answers."),
        _l("Waiting for the agency to answer the questions."),
    ),
    SubmissionStatus.APPROVED: (
        _l("The submission is approved. Nothing more is needed from your agency."),
        _l("Approved. An administrator can reopen it, with a reason, until the cycle is frozen."),
    ),
    SubmissionStatus.EXEMPTED: (
        _l("Your agency does not need to report in this cycle."),
        _l("Exempted from the cycle. An administrator can reinstate it."),
    ),
}


def next_step_text(status: str, for_staff: bool):
    agency_text, staff_text = NEXT_STEP[SubmissionStatus(status)]
    return staff_text if for_staff else agency_text


# What the history page says happened, in the past tense.
EVENT_NAMES = {
    "submit": _l("Submitted"),
    "withdraw": _l("Withdrawn"),
    "start_review": _l("Review started"),
    "request_clarification": _l("Clarification requested"),
    "answer_clarification": _l("Answers sent"),
    "approve": _l("Approved"),
    "reopen": _l("Reopened"),
    "exempt": _l("Exempted"),
    "reinstate": _l("Reinstated"),
    "assign_reviewer": _l("Reviewer assigned"),
    "raise_question": _l("Question raised"),
    "answer_question": _l("Question answered"),
    "resolve_question": _l("Question resolved"),
    "send_back_question": _l("Question sent back"),
}


def event_label(event):
    return EVENT_NAMES.get(event.name, event.name)


def waiting_text(submission) -> str:
    """How long the submission has waited for its next actor, in whole days."""
    if submission.status == SubmissionStatus.SUBMITTED and submission.submitted_at:
        days = (utcnow() - submission.submitted_at).days
        return _("%(n)d days since submitted", n=days)
    requested = submission.clarification_requested_at
    if submission.status == SubmissionStatus.CLARIFICATION and requested:
        days = (utcnow() - requested).days
        return _("%(n)d days since the request", n=days)
    return "–"


PROJECT_STATUS = {
    "ongoing": _l("Ongoing"),
    "reorienting": _l("Re-orienting"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
RISK = {"low": _l("low"), "medium": _l("medium"), "high": _l("high")}


def project_status_label(status: str):
    return PROJECT_STATUS.get(status, status)


def risk_label(risk: str):
    return RISK.get(risk, risk)


BENEFIT_KIND = {"economic": _l("Economic"), "qualitative": _l("Qualitative")}
BENEFIT_STATUS = {
    "on_track": _l("On track"),
    "at_risk": _l("At risk"),
    "realised": _l("Realised"),
    "abandoned": _l("Abandoned"),
}


def benefit_kind_label(kind: str):
    return BENEFIT_KIND.get(kind, kind)


def benefit_status_label(status: str):
    return BENEFIT_STATUS.get(status, status)
