from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import roles_required
from app.accounts.policies import is_authority_staff, is_own_agency_editor
from app.audit.services import submission_history
from app.consultation.services import consultations_for
from app.cycles.questionnaire_changes import new_and_changed
from app.extensions import db
from app.roles import AGENCY_ROLES, Role
from app.submissions import bp
from app.submissions.access import ANYONE_SIGNED_IN, load_submission
from app.submissions.answers import can_prefill, prefill_from_last_year
from app.submissions.changes import item_labels
from app.submissions.consequences import CONFIRMED_TRIGGERS, submission_consequences
from app.submissions.pages import render_submission_page
from app.submissions.services import agency_submissions, deadline_of, receipt_of
from app.submissions.transitions import (
    SubmissionNotFound,
    TransitionRefused,
    facts_for,
    fire_transition,
)
from app.workflow_messages import (
    done_message,
    refusal_message,
    trigger_label,
)
from workflows.submission import SUBMISSION_WORKFLOW


@bp.get("/agency/")
@roles_required(*AGENCY_ROLES)
def agency_overview():
    submissions = agency_submissions(current_user.agency_id)
    return render_template(
        "submissions/agency_overview.html",
        agency=current_user.agency,
        rows=[(submission, deadline_of(submission.cycle)) for submission in submissions],
        consultations=consultations_for(current_user.agency_id),
    )


@bp.get("/submissions/<int:submission_id>")
@roles_required(*ANYONE_SIGNED_IN)
def show(submission_id):
    return render_submission_page(load_submission(submission_id))


@bp.get("/submissions/<int:submission_id>/transitions/<trigger>")
@roles_required(Role.ADMIN)
def confirm_transition(submission_id, trigger, error=None, reason="", status=200):
    """Exempting and reopening are asked for here first, with what they will do."""
    submission = load_submission(submission_id)
    if trigger not in CONFIRMED_TRIGGERS:
        abort(404)
    # The reason is asked for on this page: every other condition is checked before it.
    facts = facts_for(submission, current_user, reason="(asked below)")
    refusal = SUBMISSION_WORKFLOW.check(trigger, submission.status, facts)
    return render_template(
        "submissions/confirm.html",
        submission=submission,
        trigger=trigger,
        action=trigger_label(trigger),
        consequences=None if refusal else submission_consequences(submission, trigger),
        refusal=refusal_message(refusal) if refusal else None,
        error=error,
        reason=reason,
    ), status


@bp.post("/submissions/<int:submission_id>/transitions/<trigger>")
@roles_required(*ANYONE_SIGNED_IN)
def transition(submission_id, trigger):
    load_submission(submission_id)
    reason = request.form.get("reason", "")
    try:
        submission = fire_transition(submission_id, trigger, current_user, reason)
    except SubmissionNotFound:
        abort(404)
    except TransitionRefused as refused:
        db.session.rollback()
        submission = load_submission(submission_id)
        message = refusal_message(refused.refusal)
        if trigger in CONFIRMED_TRIGGERS and current_user.role == Role.ADMIN:
            return confirm_transition(submission_id, trigger, message, reason, 409)
        return render_submission_page(
            submission,
            409,
            errors={f"reason-{trigger}": message},
            form_values={f"reason-{trigger}": reason},
        )
    db.session.commit()
    if trigger == "submit":  # the receipt page says it, with a reference and what comes next
        return redirect(url_for("submissions.received", submission_id=submission.id))
    flash(done_message(trigger), "success")
    return redirect(url_for("submissions.show", submission_id=submission.id))


@bp.get("/submissions/<int:submission_id>/received")
@roles_required(*ANYONE_SIGNED_IN)
def received(submission_id):
    """The confirmation after "Submit": received, its reference number, and what happens next."""
    submission = load_submission(submission_id)
    receipt = receipt_of(submission)
    if receipt is None:
        abort(404)  # never handed in: nothing was received
    return render_template("submissions/received.html", submission=submission, receipt=receipt)


@bp.get("/submissions/<int:submission_id>/history")
@roles_required(*ANYONE_SIGNED_IN)
def history(submission_id):
    submission = load_submission(submission_id)
    return render_template(
        "submissions/history.html",
        submission=submission,
        events=submission_history(submission.id, is_authority_staff(current_user)),
        trigger_label=trigger_label,
        item_labels=item_labels(submission, str(get_locale())),
    )


@bp.post("/submissions/<int:submission_id>/prefill")
@roles_required(Role.AGENCY_EDITOR)
def prefill(submission_id):
    submission = load_submission(submission_id)
    if not is_own_agency_editor(current_user, submission.agency_id):
        abort(403)
    if not can_prefill(submission):
        abort(409)
    values, projects = prefill_from_last_year(submission, current_user)
    db.session.commit()
    flash(
        _(
            "Filled in from last year: %(values)d values and %(projects)d projects (the ongoing "
            "ones, and ended ones whose benefits are still followed). Check and update every "
            "answer, and report each benefit's realisation this year.",
            values=values,
            projects=projects,
        ),
        "success",
    )
    if new_and_changed(submission.cycle)[1]:
        flash(
            _(
                "Questions whose definition changed this year were left empty: last year's "
                "answer was measured otherwise."
            ),
            "info",
        )
    return redirect(url_for("submissions.show", submission_id=submission_id))
