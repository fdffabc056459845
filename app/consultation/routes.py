"""The consultation's pages: the agencies' draft with their comments, and the authority's
view of every comment per item with its answers and decisions. Thin views: parse, call an
operation, commit once, redirect; a refusal comes back next to its form, the text kept."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.accounts.access import roles_required
from app.consultation import bp
from app.consultation.forms import AnswerForm, CommentForm, DecisionForm, StartForm
from app.consultation.models import GENERAL
from app.consultation.operations import (
    ConsultationRefused,
    add_comment,
    answer_comment,
    close_consultation,
    decide_item,
    open_consultation,
    record_consultation,
    withdraw_comment,
)
from app.consultation.services import (
    comment_or_404,
    consultation_of,
    consultation_or_404,
    draft,
    may_take_part,
    own_comment_or_404,
    removed_items,
)
from app.consultation.words import (
    done_message,
    outcome_label,
    refusal_message,
    state_label,
    state_tag,
)
from app.cycles.services import cycle_or_404
from app.errors import FieldErrors
from app.extensions import db
from app.roles import AGENCY_ROLES, Role
from workflows.consultation import ConsultationStatus
from workflows.cycle import CycleStatus

# The URL's name for the questionnaire as a whole: no item code starts with "_".
WHOLE = "_general"


def _item_code(key: str) -> str:
    return GENERAL if key == WHOLE else key


def _key(item_code: str) -> str:
    return item_code or WHOLE


def _done(trigger: str, endpoint: str, year: int, anchor: str | None = None):
    db.session.commit()
    flash(done_message(trigger), "success")
    return redirect(url_for(endpoint, year=year, _anchor=anchor))


def _consulted_cycle(year: int):
    """The cycle and its consultation, if the user's agency is consulted; 404 otherwise."""
    cycle = cycle_or_404(year)
    consultation = consultation_or_404(cycle)
    if not may_take_part(cycle, current_user.agency_id):
        abort(404)
    return cycle, consultation


@bp.app_template_global()
def visible_consultation(cycle):
    """For the cycle's questionnaire pages: its consultation, if the reader may open it (the
    authority's staff, or a consulted agency's users)."""
    consultation = consultation_of(cycle)
    if consultation is None or not current_user.is_authenticated:
        return None
    if current_user.role in (Role.ADMIN, Role.REVIEWER):
        return consultation
    if current_user.role in AGENCY_ROLES and may_take_part(cycle, current_user.agency_id):
        return consultation
    return None


# The agencies' pages.


@bp.get("/cycles/<int:year>/consultation")
@roles_required(*AGENCY_ROLES)
def agency_page(year):
    return _agency_page(year)


def _agency_page(year: int, key: str | None = None, form=None, error: str | None = None):
    cycle, consultation = _consulted_cycle(year)
    page = draft(cycle, current_user.agency_id)
    forms = {
        _key(e.code): CommentForm(prefix=f"c{_key(e.code)}", formdata=None) for e in page.entries
    }
    if key is not None:
        forms[key] = form
    return render_template(
        "consultation/agency.html",
        cycle=cycle,
        consultation=consultation,
        page=page,
        removed=removed_items(cycle),
        forms=forms,
        error_key=key,
        error=error,
        error_title=key is not None,
        may_comment=_may_comment(consultation),
        WHOLE=WHOLE,
        state_label=state_label,
        consultation_tag=state_tag,
        outcome_label=outcome_label,
    ), (422 if key is not None else 200)


def _may_comment(consultation) -> bool:
    return (
        current_user.role == Role.AGENCY_EDITOR and consultation.status == ConsultationStatus.OPEN
    )


@bp.post("/cycles/<int:year>/consultation/items/<key>/comments")
@roles_required(Role.AGENCY_EDITOR)
def comment(year, key):
    cycle, _consultation = _consulted_cycle(year)
    form = CommentForm(prefix=f"c{key}")
    if not form.validate_on_submit():
        return _agency_page(year, key, form)
    try:
        add_comment(cycle, current_user, _item_code(key), form.text.data)
    except FieldErrors:
        db.session.rollback()
        abort(404)  # an item the draft does not have
    except ConsultationRefused as refused:
        db.session.rollback()
        return _agency_page(year, key, form, refusal_message(refused.trigger, refused.refusal))
    return _done("comment", "consultation.agency_page", year, f"item-{key}")


@bp.post("/cycles/<int:year>/consultation/comments/<int:comment_id>/withdraw")
@roles_required(Role.AGENCY_EDITOR)
def withdraw(year, comment_id):
    cycle, _consultation = _consulted_cycle(year)
    comment = own_comment_or_404(cycle, comment_id, current_user.agency_id)
    key = _key(comment.item_code)
    try:
        withdraw_comment(cycle, current_user, comment)
    except ConsultationRefused as refused:
        db.session.rollback()
        flash(refusal_message(refused.trigger, refused.refusal), "error")
        return redirect(url_for("consultation.agency_page", year=year, _anchor=f"item-{key}"))
    return _done("withdraw_comment", "consultation.agency_page", year, f"item-{key}")


# The authority's pages.

STAFF = (Role.ADMIN, Role.REVIEWER)


@bp.route("/admin/cycles/<int:year>/consultation", methods=["GET"])
@roles_required(*STAFF)
def admin_page(year):
    return _admin_page(year)


def _admin_page(year: int, key: str | None = None, form=None, error: str | None = None):
    cycle = cycle_or_404(year)
    consultation = consultation_of(cycle)
    if consultation is None:
        return _start_page(cycle, StartForm(formdata=None), None)
    page = draft(cycle)
    answers = {
        c.id: AnswerForm(prefix=f"a{c.id}", formdata=None) for e in page.entries for c in e.comments
    }
    decisions = {}
    for entry in page.entries:
        decided = entry.decision
        decisions[_key(entry.code)] = DecisionForm(
            prefix=f"d{_key(entry.code)}",
            formdata=None,
            data={"outcome": decided.outcome, "text": decided.text} if decided else None,
        )
    if key is not None and key.startswith("a"):
        answers[int(key[1:])] = form
    elif key is not None and key.startswith("d"):
        decisions[key[1:]] = form
    return render_template(
        "consultation/admin.html",
        cycle=cycle,
        consultation=consultation,
        page=page,
        answers=answers,
        decisions=decisions,
        error_key=key,
        error=error,
        error_title=key is not None,
        acting=current_user.role == Role.ADMIN,
        WHOLE=WHOLE,
        state_label=state_label,
        consultation_tag=state_tag,
        outcome_label=outcome_label,
        comment_count=len(answers),
    ), (422 if key is not None else 200)


def _start_page(cycle, form, error):
    return render_template(
        "consultation/start.html",
        cycle=cycle,
        form=form,
        error=error,
        startable=cycle.status == CycleStatus.PLANNED and current_user.role == Role.ADMIN,
    ), (422 if form.errors or error else 200)


@bp.post("/admin/cycles/<int:year>/consultation")
@roles_required(Role.ADMIN)
def start(year):
    cycle = cycle_or_404(year)
    form = StartForm()
    if not form.validate_on_submit():
        return _start_page(cycle, form, None)
    try:
        open_consultation(
            cycle, current_user, form.deadline.data, form.intro_sv.data, form.intro_en.data
        )
    except ConsultationRefused as refused:
        db.session.rollback()
        message = refusal_message(refused.trigger, refused.refusal)
        if refused.refusal.code == "deadline_not_ahead":
            form.deadline.errors = [message]
            return _start_page(cycle, form, None)
        return _start_page(cycle, form, message)
    return _done("open", "consultation.admin_page", year)


@bp.post("/admin/cycles/<int:year>/consultation/comments/<int:comment_id>/answer")
@roles_required(Role.ADMIN)
def answer(year, comment_id):
    cycle = cycle_or_404(year)
    comment = comment_or_404(cycle, comment_id)
    form = AnswerForm(prefix=f"a{comment_id}")
    if not form.validate_on_submit():
        return _admin_page(year, f"a{comment_id}", form)
    try:
        answer_comment(cycle, current_user, comment, form.text.data)
    except ConsultationRefused as refused:
        db.session.rollback()
        message = refusal_message(refused.trigger, refused.refusal)
        return _admin_page(year, f"a{comment_id}", form, message)
    return _done("answer", "consultation.admin_page", year, f"comment-{comment_id}")


@bp.post("/admin/cycles/<int:year>/consultation/items/<key>/decision")
@roles_required(Role.ADMIN)
def decide(year, key):
    cycle = cycle_or_404(year)
    consultation_or_404(cycle)
    form = DecisionForm(prefix=f"d{key}")
    if not form.validate_on_submit():
        return _admin_page(year, f"d{key}", form)
    try:
        decide_item(cycle, current_user, _item_code(key), form.outcome.data, form.text.data)
    except FieldErrors:
        db.session.rollback()
        abort(404)
    except ConsultationRefused as refused:
        db.session.rollback()
        message = refusal_message(refused.trigger, refused.refusal)
        return _admin_page(year, f"d{key}", form, message)
    return _done("decide", "consultation.admin_page", year, f"item-{key}")


@bp.post("/admin/cycles/<int:year>/consultation/close")
@roles_required(Role.ADMIN)
def close(year):
    return _step(year, "close", close_consultation)


@bp.post("/admin/cycles/<int:year>/consultation/record")
@roles_required(Role.ADMIN)
def record(year):
    return _step(year, "record", record_consultation)


def _step(year: int, trigger: str, change):
    cycle = cycle_or_404(year)
    consultation_or_404(cycle)
    try:
        change(cycle, current_user)
    except ConsultationRefused as refused:
        db.session.rollback()
        flash(refusal_message(refused.trigger, refused.refusal), "error")
        return redirect(url_for("consultation.admin_page", year=year))
    return _done(trigger, "consultation.admin_page", year)
