"""Writing messages to the outbox, in the transaction of the change that causes them.

Who receives an agency's mail: the addresses the agency has set, or else its contact address
and its active editors; a user who chose in-app notices only is left out, except for the mail
the process requires. Every row has a unique key, so the same message can never be queued
twice, whoever tries and however often.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.accounts.models import User
from app.database import insert_new
from app.extensions import db
from app.notifications.messages import (
    REQUIRED_KINDS,
    TRANSITION_NOTICES,
    MessageFacts,
    compose,
)
from app.notifications.models import OutboxMessage, OutboxState
from app.roles import Role
from app.timeutil import utcnow

# Who hears of which transition: the agency, or the reviewer who holds the submission.
TO_AGENCY = {trigger for trigger, notice in TRANSITION_NOTICES.items() if notice.to == "agency"}
TO_REVIEWER = {trigger for trigger, notice in TRANSITION_NOTICES.items() if notice.to == "reviewer"}
KEY_LENGTH = OutboxMessage.__table__.c.key.type.length


@dataclass(frozen=True)
class Recipient:
    address: str
    user_id: int | None = None


def configured_addresses(agency) -> list[str]:
    return [line.strip() for line in (agency.mail_recipients or "").splitlines() if line.strip()]


def agency_recipients(agency, kind: str) -> list[Recipient]:
    editors = db.session.execute(
        select(User.email, User.id).where(
            User.agency_id == agency.id, User.role == Role.AGENCY_EDITOR, User.active
        )
    ).all()
    return _without_opted_out(agency_addresses(agency, [e for e, _ in editors]), kind)


def agency_addresses(agency, editor_emails: list[str]) -> list[str]:
    """The agency's own list, or else its contact address (which an imported agency may lack)
    and its editors."""
    addresses = configured_addresses(agency) or [agency.contact_email, *editor_emails]
    return [address for address in addresses if address]


def staff_recipients(users, kind: str) -> list[Recipient]:
    return _without_opted_out([user.email for user in users if user.active], kind)


def _without_opted_out(addresses: list[str], kind: str) -> list[Recipient]:
    unique = sorted({a.lower() for a in addresses})
    return _chosen(unique, _users_by_address(unique), kind)


def _users_by_address(addresses) -> dict[str, tuple[int, bool]]:
    return {
        email.lower(): (user_id, wants_mail)
        for email, user_id, wants_mail in db.session.execute(
            select(User.email, User.id, User.wants_mail).where(User.email.in_(list(addresses)))
        )
    }


def _chosen(unique: list[str], users: dict, kind: str) -> list[Recipient]:
    recipients = []
    for address in unique:
        user_id, wants_mail = users.get(address, (None, True))
        if wants_mail or kind in REQUIRED_KINDS:
            recipients.append(Recipient(address, user_id))
    return recipients


def recipients_of_agencies(agencies, kind: str) -> dict[int, list[Recipient]]:
    """`agency_recipients` of many agencies in two queries, whatever their number: opening a
    cycle for 340 agencies must not make a thousand round trips inside one request."""
    editors = defaultdict(list)
    for agency_id, email in db.session.execute(
        select(User.agency_id, User.email).where(
            User.agency_id.in_([agency.id for agency in agencies]),
            User.role == Role.AGENCY_EDITOR,
            User.active,
        )
    ):
        editors[agency_id].append(email)
    addresses = {
        agency.id: sorted({a.lower() for a in agency_addresses(agency, editors[agency.id])})
        for agency in agencies
    }
    users = _users_by_address({a for unique in addresses.values() for a in unique})
    return {agency_id: _chosen(unique, users, kind) for agency_id, unique in addresses.items()}


def link_to(path: str) -> str:
    return f"{current_app.config['PUBLIC_URL']}{path}"


def queue(key: str, facts: MessageFacts, recipients: list[Recipient], **refs) -> int:
    """One row per recipient, keyed `key|address`; rows already there are left alone. Returns
    the number queued."""
    return insert_new(db.session, OutboxMessage, _rows(key, facts, recipients, refs))


def queue_many(messages: list[tuple[str, MessageFacts, list[Recipient], dict]]) -> None:
    """`queue` for many messages, in one statement."""
    rows = [row for key, facts, who, refs in messages for row in _rows(key, facts, who, refs)]
    insert_all_new(OutboxMessage, rows)


def insert_all_new(model, rows: list[dict]) -> None:
    """Like `app.database.insert_new`, without counting: one INSERT … ON CONFLICT DO NOTHING
    compiled once and sent as an executemany (a statement of a thousand VALUES rows would
    take longer to compile than to run)."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model.__table__).on_conflict_do_nothing(index_elements=["key"])
    db.session.connection().execute(statement, rows)


def _rows(key: str, facts: MessageFacts, recipients: list[Recipient], refs: dict) -> list[dict]:
    if not recipients:
        return []
    subject, text, html = compose(facts)
    now = utcnow()
    return [
        {
            "key": _message_key(key, recipient.address),
            "kind": facts.kind,
            "recipient": recipient.address,
            "user_id": recipient.user_id,
            "subject": subject,
            "body": text,
            "html_body": html,
            "status": OutboxState.QUEUED.value,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
            "submission_id": refs.get("submission_id"),
            "cycle_id": refs.get("cycle_id"),
            "agency_id": refs.get("agency_id"),
            "due_on": refs.get("due_on"),
        }
        for recipient in recipients
    ]


def _message_key(key: str, address: str) -> str:
    """`key|address`, or the address's SHA-256 where an address (up to 254 characters) would
    make the key longer than its column."""
    full = f"{key}|{address}"
    if len(full) <= KEY_LENGTH:
        return full
    return f"{key}|sha256:{hashlib.sha256(address.encode()).hexdigest()}"


def _submission_facts(submission, kind: str, **extra) -> MessageFacts:
    return MessageFacts(
        kind=kind,
        agency=submission.agency.name,
        year=submission.cycle.year,
        link=link_to(f"/submissions/{submission.id}"),
        **extra,
    )


def queue_transition_notice(submission, trigger: str, event_id: int, open_questions: int = 0):
    """One message per recipient for this transition (a clarification round is one message,
    whatever the number of questions); flush, never commit."""
    if trigger in TO_AGENCY:
        recipients = agency_recipients(submission.agency, trigger)
    elif trigger in TO_REVIEWER and submission.reviewer is not None:
        recipients = staff_recipients([submission.reviewer], trigger)
    else:
        return
    facts = _submission_facts(
        submission, trigger, count=open_questions, due_on=submission.clarification_due_on
    )
    queue(
        f"transition:{event_id}",
        facts,
        recipients,
        submission_id=submission.id,
        cycle_id=submission.cycle_id,
        agency_id=submission.agency_id,
    )


def queue_invitations(submissions) -> int:
    """The cycle is open: each agency is asked to submit by the deadline."""
    recipients = recipients_of_agencies([s.agency for s in submissions], "cycle_opened")
    messages = []
    for submission in submissions:
        cycle = submission.cycle
        facts = _submission_facts(submission, "cycle_opened", due_on=cycle.submission_deadline)
        refs = {
            "submission_id": submission.id,
            "cycle_id": cycle.id,
            "agency_id": submission.agency_id,
            "due_on": cycle.submission_deadline,
        }
        key = f"cycle_opened:{cycle.id}:{submission.agency_id}"
        messages.append((key, facts, recipients[submission.agency_id], refs))
    return queue_many(messages)


def queue_self_assessment_invitation(agency, assessment) -> int:
    """An administrator invited the agency to self-assess: its mail recipients hear of it, with
    the link, once per self-assessment."""
    facts = MessageFacts(
        kind="self_assessment_invited",
        agency=agency.name,
        year=assessment.year,
        link=link_to("/self-assessment/"),
    )
    return queue(
        f"self_assessment_invited:{assessment.id}",
        facts,
        agency_recipients(agency, facts.kind),
        agency_id=agency.id,
    )


def queue_consultation_invitations(cycle, consultation, agencies) -> None:
    """The draft questionnaire is out for comments: each consulted agency is asked to comment
    by the deadline, in one statement whatever their number."""
    recipients = recipients_of_agencies(agencies, "consultation_opened")
    link = link_to(f"/cycles/{cycle.year}/consultation")
    messages = []
    for agency in agencies:
        facts = MessageFacts(
            kind="consultation_opened",
            agency=agency.name,
            year=cycle.year,
            due_on=consultation.deadline,
            link=link,
        )
        refs = {"cycle_id": cycle.id, "agency_id": agency.id, "due_on": consultation.deadline}
        key = f"consultation_opened:{consultation.id}:{agency.id}"
        messages.append((key, facts, recipients[agency.id], refs))
    queue_many(messages)
