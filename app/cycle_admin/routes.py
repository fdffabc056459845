from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.accounts.access import roles_required
from app.cycle_admin.bulk import ACTIONS as BULK_ACTIONS
from app.cycle_admin.consequences import cycle_consequences
from app.cycle_admin.progress import (
    STATUS_ORDER,
    SubmissionRow,
    cycle_submission_rows,
    cycles_with_progress,
    late_submissions,
    progress_of,
)
from app.cycles import bp
from app.cycles.forms import CycleEditForm, CycleForm
from app.cycles.models import Cycle
from app.cycles.operations import (
    CycleData,
    CycleTransitionRefused,
    create_cycle,
    cycle_facts,
    fire_cycle_transition,
    participant_count,
    participant_ids,
    set_participants,
    update_cycle,
)
from app.cycles.services import (
    agencies_by_peer_group,
    agency_counts,
    cycle_or_404,
    non_working_dates,
)
from app.datasets.freezing import snapshot_of
from app.errors import FieldErrors
from app.extensions import db
from app.forms_support import apply_field_errors
from app.pagination import paginate, small_int
from app.roles import Role
from app.workflow_messages import done_message, refusal_message, trigger_label
from workflows.cycle import CYCLE_WORKFLOW

admin_only = roles_required(Role.ADMIN)


@bp.get("/admin/")
@admin_only
def admin_overview():
    return render_template(
        "cycles/admin_overview.html",
        cycles=cycles_with_progress(),
        agencies=agency_counts(),
        statuses=STATUS_ORDER,
    )


def _data(form, year: int | None = None) -> CycleData:
    return CycleData(
        year or form.year.data,
        form.title.data,
        form.opens_on.data,
        form.submission_deadline.data,
        form.review_deadline.data,
        form.clarification_response_days.data,
        form.reminder_days_before.data,
        form.overdue_every_days.data,
        form.overdue_reminders_max.data,
        form.escalate_after_days.data,
        form.title_en.data,
    )


@bp.route("/admin/cycles/new", methods=["GET", "POST"])
@admin_only
def new_cycle():
    form = CycleForm()
    years = list(db.session.scalars(select(Cycle.year).order_by(Cycle.year.desc())))
    form.copy_from.choices = [SelectChoice("", _("Every active agency"))] + [
        SelectChoice(year, _("The participants of %(year)d", year=year)) for year in years
    ]
    if form.validate_on_submit():
        try:
            cycle = create_cycle(_data(form), current_user, copy_from_year=form.copy_from.data)
        except FieldErrors as error:
            db.session.rollback()
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "The cycle %(year)d has been created. Check its participants, then open it.",
                    year=cycle.year,
                ),
                "success",
            )
            _flash_non_working_dates(cycle)
            return redirect(url_for("cycles.show", year=cycle.year))
    return render_template("cycles/form.html", form=form, cycle=None), 422 if form.errors else 200


@bp.route("/admin/cycles/<int:year>/edit", methods=["GET", "POST"])
@admin_only
def edit_cycle(year):
    cycle = cycle_or_404(year)
    form = CycleEditForm(obj=cycle)
    if form.validate_on_submit():
        try:
            update_cycle(
                cycle,
                _data(form, year),
                current_user,
            )
        except FieldErrors as error:
            db.session.rollback()
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("The cycle has been saved."), "success")
            _flash_non_working_dates(cycle)
            return redirect(url_for("cycles.show", year=year))
    return render_template("cycles/form.html", form=form, cycle=cycle), 422 if form.errors else 200


def _flash_non_working_dates(cycle: Cycle) -> None:
    for warning in non_working_dates(cycle, str(get_locale())):
        flash(warning, "warning")


def _cycle_actions(cycle: Cycle) -> tuple[list[str], dict[str, str]]:
    facts = cycle_facts(cycle, current_user)
    allowed, blocked = [], {}
    for trigger in CYCLE_WORKFLOW.triggers_from(cycle.status, current_user.role):
        refusal = CYCLE_WORKFLOW.check(trigger, cycle.status, facts)
        if refusal is None or refusal.code == "reason_required":  # asked on the confirmation
            allowed.append(trigger)
        else:
            blocked[trigger] = refusal_message(refusal, cycle=True)
    return allowed, blocked


@bp.get("/admin/cycles/<int:year>")
@admin_only
def show(year, error=None, status=200):
    cycle = cycle_or_404(year)
    allowed, blocked = _cycle_actions(cycle)
    return render_template(
        "cycles/show.html",
        cycle=cycle,
        progress=progress_of(cycle),
        statuses=STATUS_ORDER,
        late=late_submissions(cycle),
        # 340 agencies are seven pages: the page costs the same at any number of agencies.
        submissions=paginate(cycle_submission_rows(cycle), per_page=50, row=SubmissionRow),
        participant_count=participant_count(cycle),
        date_warnings=non_working_dates(cycle, str(get_locale())),
        snapshot=snapshot_of(cycle),
        allowed=allowed,
        blocked=blocked,
        trigger_label=trigger_label,
        bulk_actions=BULK_ACTIONS,
        error=error,
    ), status


@bp.get("/admin/cycles/<int:year>/transitions/<trigger>")
@admin_only
def confirm_transition(year, trigger, error=None, reason="", status=200):
    """Every cycle transition is asked for here first, with what it will do in numbers."""
    cycle = cycle_or_404(year)
    if trigger not in CYCLE_WORKFLOW.table:
        abort(404)
    # The reason is asked for on this page: every other condition is checked before it.
    facts = cycle_facts(cycle, current_user, reason="(asked below)", trigger=trigger)
    refusal = CYCLE_WORKFLOW.check(trigger, cycle.status, facts)
    return render_template(
        "cycles/confirm.html",
        cycle=cycle,
        trigger=trigger,
        action=trigger_label(trigger, cycle=True),
        consequences=cycle_consequences(cycle, trigger) if refusal is None else None,
        refusal=refusal_message(refusal, cycle=True) if refusal else None,
        reason_required=CYCLE_WORKFLOW.table[trigger].reason_required,
        error=error,
        reason=reason,
    ), status


@bp.post("/admin/cycles/<int:year>/transitions/<trigger>")
@admin_only
def transition(year, trigger):
    cycle_or_404(year)
    reason = request.form.get("reason", "")
    try:
        fire_cycle_transition(year, trigger, current_user, reason)
    except CycleTransitionRefused as refused:
        db.session.rollback()
        message = refusal_message(refused.refusal, cycle=True)
        if trigger not in CYCLE_WORKFLOW.table:
            return show(year, error=message, status=409)
        return confirm_transition(year, trigger, error=message, reason=reason, status=409)
    db.session.commit()
    flash(done_message(trigger, cycle=True), "success")
    return redirect(url_for("cycles.show", year=year))


@bp.route("/admin/cycles/<int:year>/participants", methods=["GET", "POST"])
@admin_only
def participants(year):
    cycle = cycle_or_404(year)
    error = None
    chosen = set(participant_ids(cycle))
    if request.method == "POST":
        chosen = {n for v in request.form.getlist("agency") if (n := small_int(v)) is not None}
        try:
            set_participants(cycle, sorted(chosen))
        except FieldErrors as refusal:
            db.session.rollback()
            error = refusal.errors["participants"]
        else:
            db.session.commit()
            flash(_("%(n)d agencies take part in the cycle.", n=len(chosen)), "success")
            return redirect(url_for("cycles.show", year=year))
    return render_template(
        "cycles/participants.html",
        cycle=cycle,
        groups=agencies_by_peer_group(),
        chosen=chosen,
        error=error,
    ), 409 if error else 200
