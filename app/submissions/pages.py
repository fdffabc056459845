"""The submission page, shared by the agency's and the reviewers' actions on it. What the review
part shows on it (questions, threads, the conversation) is asked for, not imported: the review
part sits above and supplies it (`app/review/submission_page.py`)."""

from flask import render_template, request
from flask_babel import get_locale
from flask_login import current_user

from app.accounts.policies import is_own_agency_editor
from app.cycles.questionnaire_service import items_of
from app.effects import SUBMISSION_PAGE_REVIEW, ask
from app.submissions.answers import can_prefill, errors_of, section_statuses
from app.submissions.changes import answer_changes
from app.submissions.error_list import described_errors
from app.submissions.labels import section_names
from app.submissions.progress import progress_of
from app.submissions.projects import projects_of
from app.submissions.services import deadline_of
from app.submissions.stored import answers_of
from app.submissions.transitions import available_actions
from app.workflow_messages import trigger_label
from workflows.benefits import BENEFIT_PREFIX
from workflows.submission import SubmissionStatus


def _asked_about(submission):
    """The item a reviewer chose to ask about (?about=code from the comparison page)."""
    code = request.args.get("about")
    if not code:
        return None
    if code.startswith(BENEFIT_PREFIX):  # a benefit's warning on the comparison page
        return {"code": code, "target": code}
    item = next((i for i in items_of(submission.cycle_id) if i.code == code), None)
    if item is None:
        return None
    return {"code": item.code, "label": item.label(str(get_locale())), "target": f"item:{code}"}


# After submission a value changes only through a correction: if one breaks a rule, every
# reader of the page must see which, since the submission cannot move on until it is fixed.
_RULE_BREAKS_SHOWN = frozenset(
    {SubmissionStatus.IN_REVIEW, SubmissionStatus.CLARIFICATION, SubmissionStatus.APPROVED}
)


def render_submission_page(submission, status=200, errors=None, form_values=None):
    findings = errors_of(submission)  # once, for the guards and the list of rule breaks
    allowed, blocked = available_actions(submission, current_user, len(findings))
    progress = progress_of(items_of(submission.cycle_id), answers_of(submission.id), findings)
    locale = str(get_locale())
    return render_template(
        "submissions/show.html",
        submission=submission,
        deadline=deadline_of(submission.cycle),
        allowed=allowed,
        blocked={trigger: progress.refusal_text(refusal) for trigger, refusal in blocked.items()},
        trigger_label=trigger_label,
        answer_changes=answer_changes(submission, locale),
        rule_breaks=described_errors(submission, locale, findings)
        if submission.status in _RULE_BREAKS_SHOWN
        else [],
        errors=errors or {},
        form_values=form_values or {},
        sections=section_statuses(submission),
        section_labels=section_names(submission.cycle_id),
        project_count=len(projects_of(submission.id)),
        about=_asked_about(submission),
        can_prefill=is_own_agency_editor(current_user, submission.agency_id)
        and can_prefill(submission),
        # the questions, their threads and the conversation: the review part's
        **ask(SUBMISSION_PAGE_REVIEW, submission=submission, user=current_user, locale=locale),
    ), status
