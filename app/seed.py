"""`flask seed-demo`: realistic demo data. Running it again adds nothing twice."""

from datetime import date

import click
from sqlalchemy import select

from app.accounts.models import Agency, PeerGroup, Role, User
from app.accounts.org_number import with_check_digit
from app.accounts.passwords import hash_password
from app.cycles.models import Cycle
from app.demo_agencies import DEMO_AGENCIES
from app.extensions import db
from app.submissions.models import Submission
from app.timeutil import utcnow
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
]

DEMO_CYCLES = [
    (
        2025,
        "Insamling 2025: it-kostnader, mognad och strategiska it-projekt",
        CycleStatus.APPROVED,
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


def _seed_agencies() -> dict[str, Agency]:
    groups = {g.code: g.id for g in db.session.scalars(select(PeerGroup))}
    existing = {a.name: a for a in db.session.scalars(select(Agency))}
    for index, (name, group_code, ministry) in enumerate(DEMO_AGENCIES):
        if name in existing:
            continue
        slug = name.lower().split()[0].replace("ö", "o").replace("ä", "a").replace("å", "a")
        existing[name] = Agency(
            name=name,
            org_number=with_check_digit(f"2021{index + 1:05d}"),
            peer_group_id=groups[group_code],
            ministry=ministry,
            contact_email=f"it-nyckeltal@{slug}.example",
            active=True,
        )
        db.session.add(existing[name])
    db.session.flush()
    return existing


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
                password_hash=password_hash,
                active=True,
            )
        )


def _seed_cycles(agencies: dict[str, Agency]) -> None:
    existing_cycles = {c.year: c for c in db.session.scalars(select(Cycle))}
    existing_pairs = set(db.session.execute(select(Submission.cycle_id, Submission.agency_id)))
    for year, title, status, opens, deadline, review_deadline in DEMO_CYCLES:
        cycle = existing_cycles.get(year)
        if cycle is None:
            cycle = Cycle(
                year=year,
                title=title,
                status=status.value,
                opens_on=opens,
                submission_deadline=deadline,
                review_deadline=review_deadline,
            )
            db.session.add(cycle)
            db.session.flush()
        for index, agency in enumerate(sorted(agencies.values(), key=lambda a: a.name)):
            if (cycle.id, agency.id) in existing_pairs:
                continue
            state = (
                SubmissionStatus.APPROVED
                if status == CycleStatus.APPROVED
                else OPEN_CYCLE_PATTERN[index % len(OPEN_CYCLE_PATTERN)]
            )
            if agency.name == HOME_AGENCY and status == CycleStatus.OPEN:
                state = SubmissionStatus.DRAFT
            db.session.add(_demo_submission(cycle, agency, state))


def _demo_submission(cycle: Cycle, agency: Agency, state: SubmissionStatus) -> Submission:
    now = utcnow()
    submitted = state != SubmissionStatus.DRAFT
    return Submission(
        cycle_id=cycle.id,
        agency_id=agency.id,
        status=state.value,
        submitted_at=now if submitted else None,
        approved_at=now if state == SubmissionStatus.APPROVED else None,
    )


def seed_demo() -> None:
    agencies = _seed_agencies()
    _seed_users(agencies)
    _seed_cycles(agencies)
    db.session.commit()


def register(app) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load demo agencies, users (one per role) and two cycles; safe to run again."""
        seed_demo()
        click.echo(
            f"Demo data ready: {len(DEMO_AGENCIES)} agencies, {len(DEMO_USERS)} users, "
            f"{len(DEMO_CYCLES)} cycles. Password for every demo user: {DEMO_PASSWORD}"
        )
