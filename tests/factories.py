"""Plain factory helpers that put rows in the database and commit them."""

import itertools
from datetime import date

from sqlalchemy import select

from app.accounts.models import Agency, PeerGroup, User
from app.accounts.org_number import with_check_digit
from app.accounts.passwords import hash_password
from app.cycles.models import Cycle
from app.cycles.questionnaire_service import load_questionnaire
from app.database import begin_write
from app.extensions import db
from app.roles import Role
from app.submissions.models import Submission
from app.timeutil import utcnow

DEFAULT_PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _password_hash(password: str) -> str:
    # argon2 is slow on purpose; hashing the same test password once keeps the suite fast.
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def peer_group(code: str = "other") -> PeerGroup:
    return db.session.scalar(select(PeerGroup).where(PeerGroup.code == code))


def org_number(n: int | None = None) -> str:
    return with_check_digit(f"2021{(n or next(_sequence)) % 100000:05d}")


def make_agency(
    name: str | None = None, group: str = "other", active: bool = True, **fields
) -> Agency:
    # A writer starts as one: see app/database.py (a stale read cannot turn into a write).
    begin_write(db.session)
    n = next(_sequence)
    agency = Agency(
        name=name or f"Testmyndigheten {n}",
        org_number=fields.pop("org_number", None) or org_number(n + 50000),
        peer_group_id=peer_group(group).id,
        ministry=fields.pop("ministry", "Finansdepartementet"),
        contact_email=fields.pop("contact_email", f"kontakt{n}@myndighet.example"),
        active=active,
        **fields,
    )
    db.session.add(agency)
    db.session.commit()
    return agency


def make_user(
    role: str | Role = Role.AGENCY_EDITOR,
    agency: Agency | None = None,
    email: str | None = None,
    password: str | None = DEFAULT_PASSWORD,
    active: bool = True,
    name: str | None = None,
    ministry: str | None = None,
) -> User:
    # A writer starts as one: see app/database.py (a stale read cannot turn into a write).
    begin_write(db.session)
    role = Role(role)
    if role.is_agency_role and agency is None:
        agency = make_agency()
    n = next(_sequence)
    user = User(
        email=email or f"{role.value}{n}@test.example",
        name=name or f"{role.value.replace('_', ' ').title()} {n}",
        role=role.value,
        agency_id=agency.id if role.is_agency_role else None,
        ministry=(ministry or "Finansdepartementet") if role == Role.MINISTRY else None,
        password_hash=_password_hash(password) if password else None,
        active=active,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_cycle(
    year: int = 2026, status: str = "open", questionnaire: bool = False, **fields
) -> Cycle:
    # A writer starts as one: see app/database.py (a stale read cannot turn into a write).
    begin_write(db.session)
    cycle = Cycle(
        year=year,
        title=fields.pop("title", f"Insamling {year}"),
        status=status,
        opens_on=fields.pop("opens_on", date(year, 11, 2)),
        submission_deadline=fields.pop("submission_deadline", date(year + 1, 1, 29)),
        review_deadline=fields.pop("review_deadline", date(year + 1, 3, 31)),
    )
    db.session.add(cycle)
    db.session.flush()
    if questionnaire:
        load_questionnaire(cycle, source=None)
    db.session.commit()
    return cycle


def make_submission(cycle: Cycle, agency: Agency, status: str = "draft") -> Submission:
    # A writer starts as one: see app/database.py (a stale read cannot turn into a write).
    begin_write(db.session)
    submission = Submission(cycle_id=cycle.id, agency_id=agency.id, status=status)
    db.session.add(submission)
    db.session.commit()
    return submission


def freeze(cycle: Cycle) -> Cycle:
    """Mark a cycle approved once its history is built (from then on nothing in it can
    change; the snapshot is left out: tests of freezing go through the real approval)."""
    begin_write(db.session)
    cycle.status, cycle.approved_at = "approved", utcnow()
    db.session.commit()
    return cycle


def complete_answers(submission: Submission, **overrides) -> None:
    """Store a complete, valid set of answers (the demo's, for this agency) and commit: a
    submission past the draft has passed the submit guard, so tests of later steps start from
    answers that hold together. `overrides` replace single outcome values (numbers)."""
    from decimal import Decimal

    from app.demo_values import demo_answers
    from app.submissions.models import SubmissionValue
    from app.swedish_numbers import NotANumber, parse_swedish_number

    begin_write(db.session)
    agency = db.session.get(Agency, submission.agency_id)
    cycle = db.session.get(Cycle, submission.cycle_id)
    typed = demo_answers(agency.org_number, "esam", cycle.year)
    for name, text in typed.items():
        code, period = name.split("--")
        try:
            number, text_value = parse_swedish_number(text), None
        except NotANumber:
            number, text_value = None, text
        if period == "outcome" and code in overrides:
            number, text_value = Decimal(overrides.pop(code)), None
        db.session.add(
            SubmissionValue(
                submission_id=submission.id,
                item_code=code,
                period=period,
                number=number,
                text=text_value,
            )
        )
    for code, number in overrides.items():
        db.session.add(
            SubmissionValue(submission_id=submission.id, item_code=code, number=Decimal(number))
        )
    db.session.commit()
