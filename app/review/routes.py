from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import roles_required
from app.accounts.operations import peer_groups
from app.errors import FieldErrors
from app.extensions import db
from app.labels import question_status_label
from app.pagination import paginate, small_int
from app.review import bp
from app.review.comparison import benefit_warnings, compare
from app.review.dashboard import (
    STATUS_CHOICES,
    UNRESOLVED,
    QuestionFilter,
    days_open,
    questions_across,
    questions_csv,
    resolution_figures,
)
from app.review.models import Question
from app.review.questions import (
    close_question,
    edit_question,
    raise_question,
    resolve_question,
    send_back_question,
    withdraw_question,
)
from app.review.services import (
    QueueFilter,
    QueueRow,
    answer_progress,
    cycle_years,
    reviewers,
    status_counts,
    submissions_for_review,
)
from app.roles import Role
from app.submissions.changes import answer_changes
from app.submissions.labels import section_names
from app.submissions.models import Submission
from app.submissions.pages import render_submission_page
from app.workflow_messages import question_done_message
from workflows.submission import SubmissionStatus

staff_only = roles_required(Role.REVIEWER, Role.ADMIN)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return small_int(value)


def _shared_filters(years: list[int]) -> dict:
    """Cycle (the newest unless "all" was chosen), peer group and reviewer, as both lists take
    them from the query string."""
    cycle = _int_arg("cycle")
    if cycle is None and years and "cycle" not in request.args:
        cycle = years[0]
    return {
        "cycle_year": cycle,
        "peer_group_id": _int_arg("peer_group"),
        "reviewer_id": _int_arg("reviewer"),
    }


def _queue_filter(years: list[int]) -> QueueFilter:
    status = request.args.get("status") or None
    if status not in {s.value for s in SubmissionStatus}:
        status = None
    return QueueFilter(status=status, **_shared_filters(years))


@bp.get("/")
@staff_only
def queue():
    years = cycle_years()
    filters = _queue_filter(years)
    page = paginate(submissions_for_review(filters), per_page=50, row=QueueRow)
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
    target, text = request.form.get("target", ""), request.form.get("text", "")
    try:
        question = raise_question(submission, target, text, current_user, str(get_locale()))
    except FieldErrors as error:
        db.session.rollback()
        submission = db.get_or_404(Submission, submission_id)
        return render_submission_page(
            submission,
            422,
            errors={f"question-{key}": message for key, message in error.errors.items()},
            form_values={"question-target": target, "question-text": text},
        )
    db.session.commit()
    flash(question_done_message("raise"), "success")
    return _back_to(question)


def _back_to(question: Question):
    return redirect(
        url_for(
            "submissions.show",
            submission_id=question.submission_id,
            _anchor=f"question-{question.id}",
        )
    )


def _settle(question_id: int, settle, done_message: str, form: str = "review"):
    """One reviewer's step on a question, with its text: resolve or send back an answered
    question (form "review"), edit, withdraw or close an open one (forms of those names)."""
    question = db.get_or_404(Question, question_id)
    submission = db.session.get(Submission, question.submission_id)
    comment = request.form.get("comment", "")
    try:
        settle(submission, question, comment, current_user)
    except FieldErrors as error:
        db.session.rollback()
        field = f"{form}-{question_id}"
        return render_submission_page(
            db.session.get(Submission, question.submission_id),
            422,
            errors={field: next(iter(error.errors.values()))},
            form_values={field: comment},
        )
    db.session.commit()
    flash(done_message, "success")
    return _back_to(question)


@bp.post("/questions/<int:question_id>/resolve")
@roles_required(Role.REVIEWER)
def resolve(question_id):
    return _settle(question_id, resolve_question, question_done_message("resolve"))


@bp.post("/questions/<int:question_id>/edit")
@roles_required(Role.REVIEWER)
def edit(question_id):
    return _settle(question_id, edit_question, question_done_message("edit"), "edit")


@bp.post("/questions/<int:question_id>/withdraw")
@roles_required(Role.REVIEWER)
def withdraw(question_id):
    return _settle(
        question_id,
        withdraw_question,
        question_done_message("withdraw"),
        "withdraw",
    )


@bp.post("/questions/<int:question_id>/close")
@roles_required(Role.REVIEWER)
def close(question_id):
    return _settle(question_id, close_question, question_done_message("close"), "close")


@bp.get("/submissions/<int:submission_id>/compare")
@staff_only
def compare_view(submission_id):
    submission = db.get_or_404(Submission, submission_id)
    locale = str(get_locale())
    values, figures = compare(submission, locale)
    changes = {
        change.code: change
        for change in answer_changes(submission, locale)
        if change.period == "outcome"
    }
    return render_template(
        "review/compare.html",
        submission=submission,
        values=values,
        figures=figures,
        changes=changes,
        benefit_warnings=benefit_warnings(submission),
    )


@bp.post("/questions/<int:question_id>/send-back")
@roles_required(Role.REVIEWER)
def send_back(question_id):
    return _settle(
        question_id,
        send_back_question,
        question_done_message("send_back"),
    )


def _question_filter(years: list[int]) -> QuestionFilter:
    status = request.args.get("status", UNRESOLVED)
    return QuestionFilter(
        status=status if status in STATUS_CHOICES else None, **_shared_filters(years)
    )


@bp.get("/questions")
@staff_only
def questions_dashboard():
    years = cycle_years()
    filters = _question_filter(years)
    return render_template(
        "review/questions.html",
        page=paginate(questions_across(filters), per_page=50),
        filters=filters,
        figures=resolution_figures(filters),
        years=years,
        reviewers=reviewers(),
        peer_groups=peer_groups(),
        statuses=STATUS_CHOICES,
        days_open=days_open,
    )


@bp.get("/questions.csv")
@staff_only
def questions_export():
    filters = _question_filter(cycle_years())
    body = questions_csv(filters, question_status_label, _section_label)
    name = f"granska-fragor-{filters.cycle_year or 'alla'}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _section_label(section: str | None, cycle_id: int) -> str:
    """A section by its name in the question's own cycle's questionnaire."""
    return section_names(cycle_id).get(section, section) if section else _("The submission")
