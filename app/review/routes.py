from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import roles_required
from app.accounts.errors import FieldErrors
from app.accounts.models import Role
from app.accounts.operations import peer_groups
from app.extensions import db
from app.pagination import paginate
from app.review import bp
from app.review.comparison import compare
from app.review.models import Question
from app.review.questions import raise_question, resolve_question, send_back_question
from app.review.services import (
    QueueFilter,
    answer_progress,
    cycle_years,
    reviewers,
    status_counts,
    submissions_for_review,
)
from app.submissions.models import Submission
from app.submissions.pages import render_submission_page
from workflows.submission import SubmissionStatus

staff_only = roles_required(Role.REVIEWER, Role.ADMIN)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _queue_filter(years: list[int]) -> QueueFilter:
    status = request.args.get("status") or None
    if status not in {s.value for s in SubmissionStatus}:
        status = None
    filters = QueueFilter(_int_arg("cycle"), status, _int_arg("peer_group"), _int_arg("reviewer"))
    if filters.cycle_year is None and years and "cycle" not in request.args:
        filters.cycle_year = years[0]
    return filters


@bp.get("/")
@staff_only
def queue():
    years = cycle_years()
    filters = _queue_filter(years)
    page = paginate(submissions_for_review(filters), per_page=50)
    progress = answer_progress([submission.id for submission in page.items])
    return render_template(
        "review/queue.html",
        page=page,
        filters=filters,
        years=years,
        peer_groups=peer_groups(),
        statuses=list(SubmissionStatus),
        reviewers=reviewers(),
        counts=status_counts(filters),
        progress=progress,
    )


@bp.post("/submissions/<int:submission_id>/questions")
@roles_required(Role.REVIEWER)
def raise_question_view(submission_id):
    submission = db.get_or_404(Submission, submission_id)
    subject, text = request.form.get("subject", ""), request.form.get("text", "")
    try:
        question = raise_question(
            submission, subject, text, current_user, request.form.get("item_code") or None
        )
    except FieldErrors as error:
        db.session.rollback()
        submission = db.get_or_404(Submission, submission_id)
        return render_submission_page(
            submission,
            422,
            errors={f"question-{key}": message for key, message in error.errors.items()},
            form_values={"question-subject": subject, "question-text": text},
        )
    db.session.commit()
    flash(
        _("The question has been added. It reaches the agency when you request clarification."),
        "success",
    )
    return redirect(
        url_for("submissions.show", submission_id=submission.id, _anchor=f"question-{question.id}")
    )


@bp.post("/questions/<int:question_id>/resolve")
@roles_required(Role.REVIEWER)
def resolve(question_id):
    question = db.get_or_404(Question, question_id)
    submission = db.session.get(Submission, question.submission_id)
    try:
        resolve_question(submission, question, current_user)
    except FieldErrors as error:
        db.session.rollback()
        flash(error.errors["resolve"], "error")
        return redirect(url_for("submissions.show", submission_id=submission.id))
    db.session.commit()
    flash(_("The question is resolved."), "success")
    return redirect(
        url_for("submissions.show", submission_id=submission.id, _anchor=f"question-{question.id}")
    )


@bp.get("/submissions/<int:submission_id>/compare")
@staff_only
def compare_view(submission_id):
    submission = db.get_or_404(Submission, submission_id)
    values, figures = compare(submission, str(get_locale()))
    return render_template(
        "review/compare.html", submission=submission, values=values, figures=figures
    )


@bp.post("/questions/<int:question_id>/send-back")
@roles_required(Role.REVIEWER)
def send_back(question_id):
    question = db.get_or_404(Question, question_id)
    submission = db.session.get(Submission, question.submission_id)
    comment = request.form.get("comment", "")
    try:
        send_back_question(submission, question, comment, current_user)
    except FieldErrors as error:
        db.session.rollback()
        field = f"send-back-{question_id}"
        return render_submission_page(
            db.session.get(Submission, question.submission_id),
            422,
            errors={field: error.errors["send_back"]},
            form_values={field: comment},
        )
    db.session.commit()
    flash(
        _("The question is open again; it goes to the agency with the next clarification round."),
        "success",
    )
    return redirect(
        url_for("submissions.show", submission_id=submission.id, _anchor=f"question-{question.id}")
    )
