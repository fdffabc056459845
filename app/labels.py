"""What the user reads for each state, trigger and role, in their language. The workflows'
words come from their registries (workflows/submission.py, cycle.py, question.py); this
module only translates them, and names what is not a workflow's (outbox states, reminders,
project status)."""

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.roles import ROLE_LABELS, Role
from app.timeutil import utcnow
from app.translation import catalogue
from app.translation import gettext as _
from workflows.cycle import CYCLE_WORKFLOW
from workflows.question import QUESTION_WORKFLOW
from workflows.rules import Workflow
from workflows.submission import SUBMISSION_WORKFLOW, SubmissionStatus


def _state_label(workflow: Workflow, state: str) -> str:
    entry = workflow.registry.get(state)
    return _(entry.label) if entry else state


def _tag_style(workflow: Workflow, state: str) -> str:
    entry = workflow.registry.get(state)
    return entry.tag if entry else "neutral"


_TAGS: dict[tuple[int, int, str], Markup] = {}


def _tag(workflow: Workflow, state: str) -> Markup:
    key = (id(workflow), id(catalogue()), state)  # both live as long as the process
    tag = _TAGS.get(key)
    if tag is None:
        tag = _TAGS[key] = Markup('<strong class="tag tag-{}">{}</strong>').format(
            _tag_style(workflow, state), _state_label(workflow, state)
        )
    return tag


def status_tag(status: str) -> Markup:
    """A submission's state as a list shows it on every row: a tag in its state's colour.
    A function rather than a template macro, whose call costs ten times as much."""
    return _tag(SUBMISSION_WORKFLOW, status)


def cycle_tag(status: str) -> Markup:
    return _tag(CYCLE_WORKFLOW, status)


def submission_status_label(status: str) -> str:
    return _state_label(SUBMISSION_WORKFLOW, status)


def cycle_status_label(status: str) -> str:
    return _state_label(CYCLE_WORKFLOW, status)


def question_status_label(status: str) -> str:
    return _state_label(QUESTION_WORKFLOW, status)


def submission_tag_style(status: str) -> str:
    """The tag's style of the palette (CSS `tag tag-<style>`)."""
    return _tag_style(SUBMISSION_WORKFLOW, status)


def cycle_tag_style(status: str) -> str:
    return _tag_style(CYCLE_WORKFLOW, status)


def question_tag_style(status: str) -> str:
    return _tag_style(QUESTION_WORKFLOW, status)


# A question's thread: the step each trigger writes, and its heading.
_QUESTION_STEPS = {
    entry.step[0]: entry.step[1] for entry in QUESTION_WORKFLOW.triggers.values() if entry.step
}


def question_step_label(step: str) -> str:
    heading = _QUESTION_STEPS.get(step)
    return _(heading) if heading else step


def next_step_text(status: str, for_staff: bool) -> str:
    """What happens next, and who acts: the agency's view or the authority's."""
    entry = SUBMISSION_WORKFLOW.registry.get(status)
    if entry is None or entry.next_step is None:
        return ""
    agency_text, staff_text = entry.next_step
    return _(staff_text if for_staff else agency_text)


# Audit events on a submission that are not a workflow's trigger.
OTHER_EVENTS = {"assign_reviewer": _l("Reviewer assigned")}


def event_label(event) -> str:
    """What the history page calls an event, in the past tense: a submission's trigger, a
    question's (`<trigger>_question`), or another event."""
    name = event.name
    trigger = SUBMISSION_WORKFLOW.triggers.get(name)
    if trigger is None and name.endswith("_question"):
        trigger = QUESTION_WORKFLOW.triggers.get(name.removesuffix("_question"))
    if trigger is not None and trigger.event:
        return _(trigger.event)
    return str(OTHER_EVENTS.get(name, name))


def role_label(role: str):
    return ROLE_LABELS.get(Role(role), role)


OUTBOX_STATE = {
    "queued": _l("Queued"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "skipped": _l("Skipped"),
}


def outbox_state_label(state: str):
    return OUTBOX_STATE.get(state, state)


# Messages that no trigger sends; a trigger's own is named in its registry's notice.
MESSAGE_KIND = {
    "cycle_opened": _l("Invitation"),
    "consultation_opened": _l("Invitation to comment on the questionnaire"),
    "consultation_reminder": _l("Reminder to comment on the questionnaire"),
    "deadline_reminder": _l("Reminder before the deadline"),
    "overdue_reminder": _l("Overdue reminder"),
    "escalation": _l("Escalation to administrators"),
    "clarification_reminder": _l("Reminder to answer questions"),
    "review_reminder": _l("Reminder of the review deadline"),
    "password_link": _l("Password link (development)"),
    "self_assessment_invited": _l("Invitation to self-assess"),
}


def message_kind_label(kind: str) -> str:
    trigger = SUBMISSION_WORKFLOW.triggers.get(kind)
    if trigger is not None and trigger.notice is not None:
        return _(trigger.notice.kind_label)
    return str(MESSAGE_KIND.get(kind, kind))


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
