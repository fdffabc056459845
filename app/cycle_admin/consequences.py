"""What a cycle transition will do, in numbers, for the page that asks the administrator to
confirm it. Read only, a fixed number of queries whatever the number of agencies."""

from collections import defaultdict

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Agency, User
from app.confirmation import Consequences
from app.cycle_admin.progress import progress_of
from app.cycles.models import Cycle, CycleParticipant
from app.extensions import db
from app.labels import submission_status_label
from app.notifications.outbox import agency_addresses
from app.roles import Role
from app.timeutil import today_in_stockholm
from workflows.submission import SETTLED_STATES, SubmissionStatus

# A transition this far (in days) from its planned date is probably a mistake worth a warning.
DAYS_FROM_PLAN = 7


def cycle_consequences(cycle: Cycle, trigger: str) -> Consequences:
    explain = {
        "open": _opening,
        "close": _closing,
        "reopen": _reopening,
        "approve": _approval,
        "publish": _publication,
    }.get(trigger)
    return explain(cycle) if explain else Consequences()


def _days_from_today(day) -> int:
    return (day - today_in_stockholm()).days


def _far_from_plan(what: str, day) -> list[str]:
    days = _days_from_today(day)
    if abs(days) <= DAYS_FROM_PLAN:
        return []
    if days > 0:
        text = ngettext(
            "%(what)s is planned for %(date)s, %(num)d day from today.",
            "%(what)s is planned for %(date)s, %(num)d days from today.",
            days,
            what=what,
            date=format_date(day, "long"),
        )
    else:
        text = ngettext(
            "%(what)s was planned for %(date)s, %(num)d day ago.",
            "%(what)s was planned for %(date)s, %(num)d days ago.",
            -days,
            what=what,
            date=format_date(day, "long"),
        )
    return [text]


def _invitation_reach(cycle: Cycle) -> tuple[int, int, list[str]]:
    """Participants, the e-mails their invitations make, and the agencies without an address
    (they hear of the opening in Granska only)."""
    agencies = list(
        db.session.scalars(
            select(Agency)
            .join(CycleParticipant, CycleParticipant.agency_id == Agency.id)
            .where(CycleParticipant.cycle_id == cycle.id)
            .order_by(Agency.name)
        )
    )
    editors = defaultdict(list)
    for agency_id, email in db.session.execute(
        select(User.agency_id, User.email)
        .join(CycleParticipant, CycleParticipant.agency_id == User.agency_id)
        .where(CycleParticipant.cycle_id == cycle.id)
        .where(User.role == Role.AGENCY_EDITOR, User.active)
    ):
        editors[agency_id].append(email)
    mails, unreachable = 0, []
    for agency in agencies:
        addresses = {a.lower() for a in agency_addresses(agency, editors[agency.id])}
        mails += len(addresses)
        if not addresses:
            unreachable.append(agency.name)
    return len(agencies), mails, unreachable


def _opening(cycle: Cycle) -> Consequences:
    agencies, mails, unreachable = _invitation_reach(cycle)
    result = Consequences()
    result.effects.append(
        ngettext(
            "%(num)d agency gets a draft submission and an invitation to submit by %(date)s.",
            "%(num)d agencies get a draft submission and an invitation to submit by %(date)s.",
            agencies,
            date=format_date(cycle.submission_deadline, "long"),
        )
    )
    result.effects.append(
        ngettext(
            "%(num)d e-mail is sent, and a notice in Granska to each agency user.",
            "%(num)d e-mails are sent, and a notice in Granska to each agency user.",
            mails,
        )
    )
    if unreachable:
        result.warnings.append(
            ngettext(
                "%(num)d agency has no e-mail address and is told in Granska only: %(names)s.",
                "%(num)d agencies have no e-mail address and are told in Granska only: %(names)s.",
                len(unreachable),
                names=", ".join(unreachable),
            )
        )
    result.warnings += _far_from_plan(_("The opening"), cycle.opens_on)
    result.permanent += [
        _("The invitations cannot be recalled."),
        _("The questionnaire and the participants can no longer be changed."),
    ]
    return result


def _unsettled_counts(counts) -> list[tuple[str, int]]:
    return [
        (str(submission_status_label(status.value)), counts[status.value])
        for status in SubmissionStatus
        if status not in SETTLED_STATES and counts[status.value]
    ]


def _closing(cycle: Cycle) -> Consequences:
    counts = progress_of(cycle).counts  # one query for the table and the drafts
    result = Consequences(counts=_unsettled_counts(counts))
    drafts = counts[SubmissionStatus.DRAFT.value]
    result.effects.append(
        ngettext(
            "%(num)d draft can no longer be submitted, and its reminders stop.",
            "%(num)d drafts can no longer be submitted, and their reminders stop.",
            drafts,
        )
    )
    result.effects.append(_("The review of the submissions already in goes on."))
    days = _days_from_today(cycle.submission_deadline)
    if days >= 0:
        result.warnings.append(
            ngettext(
                "The submission deadline, %(date)s, is %(num)d day away: agencies may still "
                "submit.",
                "The submission deadline, %(date)s, is %(num)d days away: agencies may still "
                "submit.",
                days,
                date=format_date(cycle.submission_deadline, "long"),
            )
        )
    result.undo = _("Until the cycle is approved, it can be reopened with a reason.")
    return result


def _reopening(cycle: Cycle) -> Consequences:
    counts = progress_of(cycle).counts  # one query for the table and the drafts
    result = Consequences(counts=_unsettled_counts(counts))
    drafts = counts[SubmissionStatus.DRAFT.value]
    result.effects.append(
        ngettext(
            "%(num)d draft can be submitted again; reminders follow the cycle's plan.",
            "%(num)d drafts can be submitted again; reminders follow the cycle's plan.",
            drafts,
        )
    )
    result.effects.append(_("The reason is kept in the cycle's history."))
    return result


def _approval(cycle: Cycle) -> Consequences:
    counts = progress_of(cycle).counts
    result = Consequences()
    result.effects.append(
        ngettext(
            "The dataset of %(num)d approved submission is frozen with a SHA-256 digest.",
            "The dataset of %(num)d approved submissions is frozen with a SHA-256 digest.",
            counts[SubmissionStatus.APPROVED.value],
        )
    )
    result.effects.append(
        ngettext(
            "%(num)d exempted agency is not in it.",
            "%(num)d exempted agencies are not in it.",
            counts[SubmissionStatus.EXEMPTED.value],
        )
    )
    result.permanent += [
        _("Nothing in the cycle can change afterwards: no value, project, question or status."),
        _("The cycle can never be reopened, nor any of its submissions."),
    ]
    result.warnings += _far_from_plan(_("The end of the review"), cycle.review_deadline)
    return result


def _publication(cycle: Cycle) -> Consequences:
    users = db.session.scalar(
        select(func.count(User.id)).where(User.agency_id.is_not(None), User.active)
    )
    result = Consequences()
    result.effects.append(
        ngettext(
            "The results, datasets and reports become readable to %(num)d agency user.",
            "The results, datasets and reports become readable to all %(num)d agency users.",
            users,
        )
    )
    result.permanent.append(_("A published cycle cannot be withdrawn."))
    return result
