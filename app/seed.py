"""`flask seed-demo`: realistic demo data. Running it again adds nothing twice."""

from datetime import date, datetime, time, timedelta

import click
from sqlalchemy import func, select, update

from app.accounts.models import Agency, PeerGroup, User
from app.accounts.org_number import with_check_digit
from app.accounts.passwords import hash_password
from app.cycle_admin.progress import cycle_submissions
from app.cycles.models import Cycle
from app.cycles.operations import CycleData, create_cycle, fire_cycle_transition
from app.demo_agencies import DEMO_AGENCIES, demo_agency_list
from app.demo_values import benefit_progress, demo_answers, demo_benefits, demo_projects
from app.extensions import db
from app.notifications.models import OutboxMessage, OutboxState
from app.review.models import QuestionStatus
from app.review.questions import answer_question, questions_of, raise_question, resolve_question
from app.roles import Role
from app.submissions.answers import can_prefill, prefill_from_last_year, save_section
from app.submissions.benefits import FIELDS, BenefitData, create_benefit, update_benefit
from app.submissions.models import Submission
from app.submissions.projects import ProjectData, create_project, projects_of, update_project
from app.submissions.transitions import fire_transition
from app.timeutil import replayed_at, utcnow
from workflows.cycle import CycleStatus
from workflows.submission import SubmissionStatus

DEMO_PASSWORD = "granska-demo-2026"  # noqa: S105 - published in README for the demo
HOME_AGENCY = "Skatteverket"
OTHER_AGENCY = "Lantmäteriet"

DEMO_USERS = [
    ("admin@granska.example", "Alva Administratör", Role.ADMIN, None),
    ("granskare@granska.example", "Gustav Granskare", Role.REVIEWER, None),
    ("redaktor@skatteverket.example", "Rut Redaktör", Role.AGENCY_EDITOR, HOME_AGENCY),
    ("lasare@skatteverket.example", "Lars Läsare", Role.AGENCY_VIEWER, HOME_AGENCY),
    ("redaktor@lantmateriet.example", "Linnea Lantmätare", Role.AGENCY_EDITOR, OTHER_AGENCY),
    ("departement@finans.example", "Frida Finans", Role.MINISTRY, None),
]
# The demo ministry's user follows the ministry of the home agency (Skatteverket's).
DEMO_MINISTRY = "Finansdepartementet"

# Enough for a peer group of five (the least a peer range needs) beside the demo's two agencies.
MIN_AGENCIES = 10
OPEN_YEAR = 2026
DEMO_CYCLES = [
    (
        2025,
        "Insamling 2025: it-kostnader, mognad och strategiska it-projekt",
        CycleStatus.PUBLISHED,
        date(2025, 11, 3),
        date(2026, 1, 30),
        date(2026, 3, 31),
    ),
    (
        2026,
        "Insamling 2026: it-kostnader, mognad och strategiska it-projekt",
        CycleStatus.OPEN,
        date(2026, 11, 2),
        date(2027, 1, 29),
        date(2027, 3, 31),
    ),
]


def demo_cycles(frozen_years: int = 1) -> list[tuple]:
    """The open cycle and the given number of frozen, published years before it, oldest
    first (each year's answers are prefilled from the year before)."""
    earlier = [
        (
            year,
            f"Insamling {year}: it-kostnader, mognad och strategiska it-projekt",
            CycleStatus.PUBLISHED,
            date(year, 11, 3),
            date(year + 1, 1, 30),
            date(year + 1, 3, 31),
        )
        for year in range(OPEN_YEAR - frozen_years, OPEN_YEAR - 1)
    ]
    return earlier + DEMO_CYCLES


# A spread of states in the open cycle, so every page has something to show.
OPEN_CYCLE_PATTERN = [
    SubmissionStatus.DRAFT,
    SubmissionStatus.DRAFT,
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.DRAFT,
    SubmissionStatus.IN_REVIEW,
    SubmissionStatus.DRAFT,
    SubmissionStatus.CLARIFICATION,
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.DRAFT,
    SubmissionStatus.APPROVED,
]


def _seed_agencies(count: int) -> dict[str, Agency]:
    groups = {g.code: g.id for g in db.session.scalars(select(PeerGroup))}
    existing = {a.name: a for a in db.session.scalars(select(Agency))}
    wanted = demo_agency_list(count, keep=(HOME_AGENCY, OTHER_AGENCY))
    for number, name, group_code, ministry in wanted:
        if name in existing:
            continue
        slug = name.lower().split()[0].replace("ö", "o").replace("ä", "a").replace("å", "a")
        existing[name] = Agency(
            name=name,
            org_number=with_check_digit(f"2021{number:05d}"),
            peer_group_id=groups[group_code],
            ministry=ministry,
            contact_email=f"it-nyckeltal@{slug}.example",
            active=True,
        )
        db.session.add(existing[name])
    db.session.flush()
    return {name: existing[name] for _number, name, *_ in wanted}


def _seed_users(agencies: dict[str, Agency]) -> None:
    existing = set(db.session.scalars(select(User.email)))
    password_hash = hash_password(DEMO_PASSWORD)
    for email, name, role, agency_name in DEMO_USERS:
        if email in existing:
            continue
        agency_id = agencies[agency_name].id if agency_name else None
        db.session.add(
            User(
                email=email,
                name=name,
                role=role.value,
                agency_id=agency_id,
                ministry=DEMO_MINISTRY if role is Role.MINISTRY else None,
                password_hash=password_hash,
                active=True,
            )
        )
    # Every other agency gets an editor too, who submits its demo data.
    named = {agency_name for *_, agency_name in DEMO_USERS if agency_name}
    for agency in agencies.values():
        email = f"redaktor-{agency.org_number}@demo.example"
        if agency.name in named or email in existing:
            continue
        db.session.add(
            User(
                email=email,
                name=f"Redaktör, {agency.name}",
                role=Role.AGENCY_EDITOR.value,
                agency_id=agency.id,
                password_hash=password_hash,
                active=True,
            )
        )
    db.session.flush()


def _seed_cycles(agencies: dict[str, Agency], frozen_years: int) -> None:
    """Both cycles go through the real workflow, so the audit trail tells their story."""
    users = {u.email: u for u in db.session.scalars(select(User))}
    admin, reviewer = users["admin@granska.example"], users["granskare@granska.example"]
    years = set(db.session.scalars(select(Cycle.year)))
    for year, title, target, opens, deadline, review_deadline in demo_cycles(frozen_years):
        if year in years:
            continue
        data = CycleData(year, title, opens, deadline, review_deadline)
        data.title_en = f"Collection {year}: IT costs, maturity and strategic IT projects"
        # Last year's cycle is written as it happened: opened, answered before the deadline,
        # reviewed and approved, rather than all of it today.
        history = target == CycleStatus.PUBLISHED
        with replayed_at(min(_moment(opens), utcnow())):
            cycle = create_cycle(data, admin, [a.id for a in agencies.values()])
            fire_cycle_transition(year, "open", admin)
        submissions = sorted(cycle_submissions(cycle), key=lambda s: s.agency.name)
        for index, submission in enumerate(submissions):
            goal = (
                SubmissionStatus.APPROVED
                if history
                else OPEN_CYCLE_PATTERN[index % len(OPEN_CYCLE_PATTERN)]
            )
            if submission.agency.name == HOME_AGENCY and not history:
                goal = SubmissionStatus.DRAFT
            if history:
                start = _moment(deadline) - timedelta(days=20 - index % 15)
            else:
                start = _moment(opens) + timedelta(days=3 + index % 10)
            _walk_to(submission, goal, reviewer, start, index)
        if history:
            with replayed_at(_moment(review_deadline)):
                fire_cycle_transition(year, "close", admin)
                fire_cycle_transition(year, "approve", admin)  # frozen, with its digest
                fire_cycle_transition(year, "publish", admin)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(9, 0))


def _editor_of(submission: Submission) -> User:
    return db.session.scalar(
        select(User)
        .where(User.agency_id == submission.agency_id, User.role == Role.AGENCY_EDITOR.value)
        .order_by(User.id)
        .limit(1)
    )


def _walk_to(
    submission: Submission, goal: SubmissionStatus, reviewer: User, start: datetime, index: int
) -> None:
    # Every third submission past review has had a clarification round, answered and (once
    # approved) resolved, so the threads and the reviewers' figures have something to show.
    # Chosen by the agency's place in the list, never by a database id: PostgreSQL does not
    # reuse ids, so the demo would differ with what the database held before.
    round_trip = ["question", "request_clarification", "answer", "answer_clarification"]
    with_round = index % 3 == 0
    path = {
        SubmissionStatus.DRAFT: [],
        SubmissionStatus.SUBMITTED: ["submit"],
        SubmissionStatus.IN_REVIEW: ["submit", "start_review", *(round_trip if with_round else [])],
        SubmissionStatus.CLARIFICATION: [
            "submit",
            "start_review",
            "question",
            "request_clarification",
        ],
        SubmissionStatus.APPROVED: [
            "submit",
            "start_review",
            *([*round_trip, "resolve"] if with_round else []),
            "approve",
        ],
    }[goal]
    editor = _editor_of(submission)
    # Drafts are at different stages: some have the IT costs in, some nothing yet; the home
    # agency's (the README's editor) has them in.
    started = index % 2 == 1 or submission.agency.name == HOME_AGENCY
    sections = ("it_costs", "maturity") if path else ("it_costs",) if started else ()
    _fill_in(submission, editor, start, sections)
    for days, step in enumerate(path):
        with replayed_at(min(start + timedelta(days=days * 3), utcnow())):
            if step in DEMO_QUESTION_STEPS:
                DEMO_QUESTION_STEPS[step](submission, editor, reviewer)
                continue
            actor = editor if step in ("submit", "answer_clarification") else reviewer
            fire_transition(submission.id, step, actor)


def _fill_in(submission: Submission, editor: User, when: datetime, sections) -> None:
    """The agency's answers, saved as its editor would: last year's answers first where
    there are any, then this year's values; new projects in the first year."""
    agency = submission.agency
    form = demo_answers(agency.org_number, agency.peer_group.code, submission.cycle.year)
    with replayed_at(min(when, utcnow())):
        if not sections:
            return
        if can_prefill(submission):
            prefill_from_last_year(submission, editor)
            _follow_up(submission, editor)
        else:
            budget_scale = int(form["it_cost_total--outcome"].replace(" ", ""))
            first_year = submission.cycle.year
            for project in demo_projects(agency.org_number, budget_scale, first_year):
                created = create_project(submission, ProjectData(**project), editor)
                for benefit in demo_benefits(project, int(project["budget"])):
                    create_benefit(submission, created, BenefitData(**benefit), editor)
        for section in sections:
            outcome = save_section(submission, section, form, submission.version, editor)
            assert outcome.ok, outcome.errors


def _follow_up(submission: Submission, editor: User) -> None:
    """A later year: projects past their planned end are completed (their benefits followed on
    in the line organisation), and every benefit reports this year's realisation."""
    year = submission.cycle.year
    for project in projects_of(submission.id):
        if project.current_end_date.year < year and project.status == "ongoing":
            plain = set(ProjectData.__dataclass_fields__) - {
                "end_date",
                "budget",
                "rebaseline_reason",
            }
            data = {f: getattr(project, f) for f in plain}
            data.update(end_date=project.current_end_date, budget=project.current_budget)
            data.update(status="completed", rebaseline_reason="")
            update_project(submission, project, ProjectData(**data), editor)
        for benefit in list(project.benefits):
            if benefit.status in ("realised", "abandoned"):
                continue
            current = {name: getattr(benefit, name) for name in FIELDS}
            progress = benefit_progress(current, year, project.start_date.year)
            update_benefit(submission, benefit, BenefitData(**progress), editor)


def _each_question(submission: Submission, status: QuestionStatus):
    return [q for q in questions_of(submission.id) if q.status == status]


DEMO_QUESTION_STEPS = {
    "question": lambda submission, _editor, reviewer: raise_question(
        submission, *DEMO_QUESTION, reviewer
    ),
    "answer": lambda submission, editor, _reviewer: [
        answer_question(submission, question, DEMO_ANSWER, editor)
        for question in _each_question(submission, QuestionStatus.OPEN)
    ],
    "resolve": lambda submission, _editor, reviewer: [
        resolve_question(submission, question, DEMO_RESOLUTION, reviewer)
        for question in _each_question(submission, QuestionStatus.ANSWERED)
    ],
}
DEMO_ANSWER = (
    "Ja, det nya ärendehanteringssystemet togs i drift under året. Licenser och drift ingår i "
    "kostnaden för applikationer; utvecklingen är redovisad som investering."
)
DEMO_RESOLUTION = "Tack, det förklarar ökningen."
DEMO_QUESTION = (
    "item:it_cost_total",
    "IT-kostnaden har ökat med 38 % jämfört med förra året. Ingår kostnaden för det nya "
    "ärendehanteringssystemet, och i så fall under vilken kostnadspost?",
)


def seed_demo(agencies: int = len(DEMO_AGENCIES), years: int = 1) -> None:
    """The demo: `agencies` agencies (the named ones first), `years` frozen and published
    cycles and the open one."""
    before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    seeded = _seed_agencies(agencies)
    _seed_users(seeded)
    _seed_cycles(seeded, years)
    _as_delivered(before)
    db.session.commit()


def _as_delivered(after_id: int) -> None:
    """The demo's mail belongs to its replayed past: shown as sent then, never sent now to the
    demo's made-up addresses."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id > after_id, OutboxMessage.status == OutboxState.QUEUED)
        .values(status=OutboxState.SENT.value, sent_at=OutboxMessage.created_at, attempts=1)
    )


def register(app) -> None:
    @app.cli.command("seed-demo")
    @click.option(
        "--agencies",
        default=len(DEMO_AGENCIES),
        show_default=True,
        type=click.IntRange(MIN_AGENCIES, 2000),
        help="Number of agencies: the named demo agencies first, then generated ones.",
    )
    @click.option(
        "--years",
        default=1,
        show_default=True,
        type=click.IntRange(1, 20),
        help="Number of frozen, published cycles before the open one.",
    )
    def seed_demo_command(agencies, years):
        """Load demo agencies, users (one per role) and cycles; safe to run again."""
        seed_demo(agencies, years)
        users = db.session.scalar(select(func.count(User.id)))
        click.echo(
            f"Demo data ready: {agencies} agencies, {users} users (the {len(DEMO_USERS)} demo "
            f"accounts and an editor for every other agency), {years + 1} cycles. "
            f"Password for every demo user: {DEMO_PASSWORD}"
        )
