"""Bulk actions on a cycle's submissions, each confirmed on a page of its own: GET shows what
the action will do to which agencies (and which of the selected it leaves alone, and why);
its form POSTs to the same address."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.accounts.access import roles_required
from app.cycle_admin.bulk import (
    ACTIONS,
    assign_reviewer,
    exempt_many,
    remind_selected,
    reminder_mail_count,
    reviewers,
    select_submissions,
)
from app.cycles import bp
from app.cycles.models import Cycle
from app.errors import FieldErrors
from app.extensions import db
from app.pagination import small_int
from app.roles import Role
from app.submissions.transitions import TransitionRefused
from app.workflow_messages import refusal_message


def _chosen_ids(values) -> list[int]:
    return sorted({n for value in values if (n := small_int(value)) is not None})


@bp.route("/admin/cycles/<int:year>/bulk/<action>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def bulk(year, action):
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None or action not in ACTIONS:
        abort(404)
    source = request.form if request.method == "POST" else request.args
    selection = select_submissions(cycle, action, _chosen_ids(source.getlist("submission")))
    errors, reason, reviewer_id = {}, source.get("reason", ""), small_int(source.get("reviewer"))
    if request.method == "POST" and selection.chosen:
        try:
            done = _carry_out(selection, reason, reviewer_id)
        except FieldErrors as error:
            db.session.rollback()
            errors = error.errors
        except TransitionRefused as refused:
            db.session.rollback()
            errors = {"selection": refusal_message(refused.refusal)}
        else:
            db.session.commit()
            flash(_done_message(action, done), "success")
            return redirect(url_for("cycles.show", year=year))
    mails = reminder_mail_count(selection) if action == "remind" else 0
    return render_template(
        "cycles/bulk.html",
        cycle=cycle,
        action=action,
        title=ACTIONS[action],
        selection=selection,
        reviewers=reviewers() if action == "assign_reviewer" else [],
        errors=errors,
        reason=reason,
        reviewer_id=reviewer_id,
        mails=mails,
    ), 422 if errors else 200


def _carry_out(selection, reason: str, reviewer_id: int | None) -> int:
    if selection.action == "exempt":
        return exempt_many(selection, reason, current_user)
    if selection.action == "assign_reviewer":
        return assign_reviewer(selection, reviewer_id, current_user)
    remind_selected(selection)
    return len(selection.chosen)


def _done_message(action: str, done: int) -> str:
    if action == "exempt":
        return ngettext("%(num)d agency is exempted.", "%(num)d agencies are exempted.", done)
    if action == "assign_reviewer":
        return ngettext(
            "The reviewer now holds %(num)d submission.",
            "The reviewer now holds %(num)d more submissions.",
            done,
        )
    return ngettext("%(num)d reminder is on its way.", "%(num)d reminders are on their way.", done)
