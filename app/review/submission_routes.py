"""The review's actions on the submission page, on the submissions blueprint at its
addresses: the agency answers a question (with a correction, if any), and anyone concerned
writes in the conversation. Each renders the submission page again on a refusal."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import roles_required
from app.errors import FieldErrors
from app.extensions import db
from app.review.comments import add_comment
from app.review.models import Question
from app.review.questions import answer_question
from app.roles import Role
from app.submissions import bp
from app.submissions.access import load_submission
from app.submissions.answers import blocking_error_count
from app.submissions.pages import render_submission_page
from app.workflow_messages import question_done_message


@bp.post("/submissions/<int:submission_id>/questions/<int:question_id>/answer")
@roles_required(Role.AGENCY_EDITOR)
def answer(submission_id, question_id):
    submission = load_submission(submission_id)
    question = db.session.get(Question, question_id)
    if question is None or question.submission_id != submission.id or not question.rounds_sent:
        abort(404)  # a question no round has carried to the agency is not the agency's to see
    text, correction = request.form.get("answer", ""), request.form.get("correction", "")
    try:
        answer_question(submission, question, text, current_user, correction)
    except FieldErrors as error:
        db.session.rollback()  # neither the answer nor the correction is kept half-way
        return render_submission_page(
            load_submission(submission_id),
            422,
            errors={f"{field}-{question_id}": message for field, message in error.errors.items()},
            form_values={f"answer-{question_id}": text, f"correction-{question_id}": correction},
        )
    db.session.commit()
    flash(question_done_message("answer"), "success")
    if correction.strip() and blocking_error_count(submission):
        flash(
            _(
                "The answers now break a rule; see the list under “What happens next”. Correct "
                "the values before you send the answers."
            ),
            "error",
        )
    return redirect(
        url_for("submissions.show", submission_id=submission.id, _anchor=f"question-{question_id}")
    )


@bp.post("/submissions/<int:submission_id>/comments")
@roles_required(Role.AGENCY_EDITOR, Role.REVIEWER, Role.ADMIN)
def comment(submission_id):
    submission = load_submission(submission_id)
    kind, text = request.form.get("kind", ""), request.form.get("text", "")
    try:
        add_comment(submission, kind, text, current_user)
    except PermissionError:
        abort(403)
    except FieldErrors as error:
        db.session.rollback()
        field = f"comment-{kind}"
        return render_submission_page(
            load_submission(submission_id),
            422,
            errors={field: error.errors["text"]},
            form_values={field: text},
        )
    db.session.commit()
    flash(_("Your message has been saved."), "success")
    return redirect(
        url_for("submissions.show", submission_id=submission_id, _anchor=f"comments-{kind}")
    )
