"""Reminders from a cycle's plan, day by day: the clock is moved with time-machine, the
operators' command `flask reminders run-once` runs at 08:00 (Stockholm) on each day, the
transitions go through the web, and the outbox and the in-app notices say who was reminded of
what, on which day, once, and never of something already done."""

import html
import re
import threading
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.notifications.models import Notification, OutboxMessage
from app.notifications.reminders import sweep
from app.review.models import Question
from app.submissions.models import Submission
from tests import factories

STOCKHOLM = ZoneInfo("Europe/Stockholm")
OPENS, DEADLINE, REVIEW_DEADLINE = date(2026, 11, 2), date(2027, 1, 29), date(2027, 3, 31)
REMINDERS = (
    "deadline_reminder",
    "overdue_reminder",
    "escalation",
    "clarification_reminder",
    "review_reminder",
)
# The default plan (14, 7, 1 days before; overdue every 7 days, at most 3; escalation after 14)
# for an agency that never submits.
NEVER_SUBMITS = [
    ("deadline_reminder", date(2027, 1, 15)),
    ("deadline_reminder", date(2027, 1, 22)),
    ("deadline_reminder", date(2027, 1, 28)),
    ("overdue_reminder", date(2027, 1, 30)),
    ("overdue_reminder", date(2027, 2, 6)),
    ("overdue_reminder", date(2027, 2, 13)),
]

# ---------------------------------------------------------------------------------------------
# Helpers


@contextmanager
def _on(day: date, at: time = time(8)):
    """The clock stands still on `day` at `at`, Stockholm time."""
    with time_machine.travel(datetime.combine(day, at, tzinfo=STOCKHOLM), tick=False):
        yield


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _run_once(app) -> str:
    db.session.rollback()  # the test's session holds no transaction while the command writes
    result = app.test_cli_runner().invoke(args=["reminders", "run-once"])
    assert result.exit_code == 0, result.output
    db.session.rollback()  # and then sees what the command committed
    return result.output


def _run_daily(app, first: date, last: date, events=None) -> None:
    """run-once at 08:00 each day from `first` to `last`; events[day]() happens just before."""
    events = events or {}
    for day in _days(first, last):
        with _on(day):
            if day in events:
                events[day]()
            _run_once(app)


def _run_on(app, *days: date) -> None:
    for day in days:
        with _on(day):
            _run_once(app)


@contextmanager
def _mail_server_down(app):
    """Sweeps queue, nothing is sent: as if the sender died between the sweep and the send."""
    server, app.config["MAIL_SERVER"] = app.config["MAIL_SERVER"], ""
    try:
        yield
    finally:
        app.config["MAIL_SERVER"] = server


def _local_day(moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(STOCKHOLM).date()


def _mail(*kinds: str) -> list[tuple]:
    """(kind, day it was queued, recipient) of the outbox's messages of these kinds."""
    rows = db.session.execute(
        select(OutboxMessage.kind, OutboxMessage.created_at, OutboxMessage.recipient).where(
            OutboxMessage.kind.in_(kinds or REMINDERS)
        )
    )
    return sorted((kind, _local_day(created), to) for kind, created, to in rows)


def _notices(*kinds: str) -> list[tuple]:
    """(kind, day it was written, user's address) of the in-app notices of these kinds."""
    rows = db.session.execute(
        select(Notification.kind, Notification.created_at, User.email)
        .join(User, User.id == Notification.user_id)
        .where(Notification.kind.in_(kinds or REMINDERS))
    )
    return sorted((kind, _local_day(created), email) for kind, created, email in rows)


def _each(plan, addresses) -> list[tuple]:
    """plan [(kind, day), …] × addresses, as _mail and _notices list them."""
    return sorted((kind, day, address) for kind, day in plan for address in addresses)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _received(mailbox) -> list[tuple]:
    """(kind, recipient) of each mail the SMTP server got, by the outbox id in its Message-ID."""
    received = []
    for mail in mailbox:
        outbox_id = int(re.match(r"<outbox-(\d+)-", mail["Message-ID"]).group(1))
        message = db.session.get(OutboxMessage, outbox_id)
        received.append((message.kind, mail["To"]))
    return sorted(received)


def _text(message: OutboxMessage) -> str:
    return " ".join(message.body.split())


class Agency:
    """An agency with a contact address, an editor and a viewer (who gets notices, not mail)."""

    def __init__(self, name: str):
        slug = name.lower()
        self.agency = factories.make_agency(name=name, contact_email=f"registrator@{slug}.se")
        self.editor = factories.make_user(
            "agency_editor", agency=self.agency, email=f"editor@{slug}.se"
        )
        self.viewer = factories.make_user(
            "agency_viewer", agency=self.agency, email=f"viewer@{slug}.se"
        )

    @property
    def mailed(self) -> list[str]:
        return [self.agency.contact_email, self.editor.email]

    @property
    def users(self) -> list[str]:
        return [self.editor.email, self.viewer.email]

    @property
    def submission(self) -> Submission:
        return db.session.scalar(select(Submission).where(Submission.agency_id == self.agency.id))


def _planned_cycle(**fields):
    return factories.make_cycle(
        year=2026,
        status="planned",
        opens_on=OPENS,
        submission_deadline=DEADLINE,
        review_deadline=REVIEW_DEADLINE,
        **fields,
    )


def _open(client, admin, *agencies: Agency) -> None:
    client.login(admin)
    ids = [str(a.agency.id) for a in agencies]
    assert client.post("/admin/cycles/2026/participants", {"agency": ids}).status_code == 302
    assert client.post("/admin/cycles/2026/transitions/open").status_code == 302
    client.logout()


def _open_cycle(client, *agencies: Agency) -> None:
    """A cycle opened on its opening day, with a draft for each agency."""
    _planned_cycle()
    with _on(OPENS):
        _open(client, factories.make_user("admin"), *agencies)


def _fire(client, user, submission: Submission, trigger: str) -> None:
    client.login(user)
    response = client.post(f"/submissions/{submission.id}/transitions/{trigger}")
    assert response.status_code == 302, (trigger, response.status_code)
    client.logout()


def _ask(client, reviewer, submission: Submission) -> None:
    """The reviewer takes the submission, raises a question and sends the round."""
    client.login(reviewer)
    transitions = f"/submissions/{submission.id}/transitions"
    assert client.post(f"{transitions}/start_review").status_code == 302
    question = {"target": "general", "text": "Varför ökade kostnaderna?"}
    url = f"/review/submissions/{submission.id}/questions"
    assert client.post(url, question).status_code == 302
    assert client.post(f"{transitions}/request_clarification").status_code == 302
    client.logout()


def _answer(client, editor, submission: Submission) -> None:
    question = db.session.scalar(select(Question).where(Question.submission_id == submission.id))
    client.login(editor)
    url = f"/submissions/{submission.id}/questions/{question.id}/answer"
    assert client.post(url, {"answer": "Därför.", "correction": ""}).status_code == 302
    client.logout()
    _fire(client, editor, submission, "answer_clarification")


def _settings(client, user, **form) -> None:
    """The user saves their mail settings (their own choice, or their agency's addresses)."""
    client.login(user)
    assert client.post("/notifications/settings", form).status_code == 302
    client.logout()


# ---------------------------------------------------------------------------------------------
# A whole cycle, day by day


def test_a_whole_cycle_reminds_each_agency_by_its_own_progress(app, client, mailbox):
    admins = [factories.make_user("admin", email=f"admin{n}@esv.se") for n in (1, 2)]
    early, never, late = Agency("Arkivet"), Agency("Bergsstaten"), Agency("Centralen")
    outsider = Agency("Utanför")  # not chosen for this cycle: hears nothing
    _planned_cycle()
    _run_daily(
        app,
        OPENS,
        date(2027, 2, 28),
        {
            OPENS: lambda: _open(client, admins[0], early, never, late),
            date(2027, 1, 10): lambda: _fire(client, early.editor, early.submission, "submit"),
            date(2027, 1, 25): lambda: _fire(client, late.editor, late.submission, "submit"),
        },
    )
    invited = [("cycle_opened", OPENS)]
    assert _mail("cycle_opened") == _each(invited, early.mailed + never.mailed + late.mailed)
    assert _notices("cycle_opened") == _each(invited, early.users + never.users + late.users)
    assert outsider.submission is None
    late_plan = NEVER_SUBMITS[:2]  # 15 and 22 January; submitted on the 25th
    assert _mail() == sorted(
        _each(NEVER_SUBMITS, never.mailed)
        + _each(late_plan, late.mailed)
        + _each([("escalation", date(2027, 2, 12))], [a.email for a in admins])
    )
    assert _notices() == sorted(_each(NEVER_SUBMITS, never.users) + _each(late_plan, late.users))
    # Everything queued was delivered on its day, once.
    assert set(db.session.scalars(select(OutboxMessage.status))) == {"sent"}
    assert len(mailbox) == _count(OutboxMessage)
    escalation = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "escalation"))
    assert "Bergsstaten är 14 dagar sen" in _text(escalation)


def test_a_clarification_round_is_reminded_two_working_days_before_the_answers_are_due(app, client):
    quiet, answering = Agency("Tysta"), Agency("Svarande")
    reviewer = factories.make_user("reviewer")
    cycle = factories.make_cycle(year=2026, status="open")
    for agency in (quiet, answering):
        factories.make_submission(cycle, agency.agency, "submitted")
    with _on(date(2026, 12, 18)):  # a Friday: the answers are due on Friday 8 January
        _ask(client, reviewer, quiet.submission)
        _ask(client, reviewer, answering.submission)
    assert quiet.submission.clarification_due_on == date(2027, 1, 8)
    _run_daily(
        app,
        date(2026, 12, 18),
        date(2027, 1, 12),
        {date(2027, 1, 4): lambda: _answer(client, answering.editor, answering.submission)},
    )
    # 8 January less two working days: 7 January, then 5 January (6 January is a holiday).
    reminded = [("clarification_reminder", date(2027, 1, 5))]
    assert _mail() == _each(reminded, quiet.mailed)
    assert _notices() == _each(reminded, quiet.users)


def test_a_reviewer_is_reminded_of_the_review_deadline_until_approving(app, client):
    approving, holding = factories.make_user("reviewer"), factories.make_user("reviewer")
    cycle = factories.make_cycle(year=2026, status="open", review_deadline=REVIEW_DEADLINE)
    first, second, third = (
        factories.make_submission(cycle, factories.make_agency(), "submitted") for _ in range(3)
    )
    with _on(date(2027, 3, 1)):
        _fire(client, approving, first, "start_review")
        _fire(client, holding, second, "start_review")
        _fire(client, holding, third, "start_review")
    _run_daily(
        app,
        date(2027, 3, 20),
        date(2027, 4, 3),
        {date(2027, 3, 26): lambda: _fire(client, approving, first, "approve")},
    )
    assert _mail() == sorted(
        _each([("review_reminder", date(2027, 3, 24))], [approving.email])
        + _each([("review_reminder", date(2027, 3, 24))], [holding.email])
        + _each([("review_reminder", date(2027, 3, 30))], [holding.email])
    )
    last = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
    assert "Du har fortfarande 2 inlämningar som inte är godkända" in _text(last)


# ---------------------------------------------------------------------------------------------
# Once, whatever the number of runs


def test_running_twice_on_the_same_day_queues_nothing_new(app, client):
    agency = Agency("Dubbla")
    _open_cycle(client, agency)
    outputs = []
    with _on(date(2027, 1, 15)):
        outputs.append(_run_once(app))
        counts = _count(OutboxMessage), _count(Notification)
        outputs.append(_run_once(app))
    with _on(date(2027, 1, 15), at=time(17)):
        outputs.append(_run_once(app))
    assert (_count(OutboxMessage), _count(Notification)) == counts == (4, 4)
    # The operator is told how many were queued: 2 (the editor and the contact), then none.
    assert [output.splitlines()[0] for output in outputs] == [
        "Queued 2 reminder messages.",
        "Queued 0 reminder messages.",
        "Queued 0 reminder messages.",
    ]


def _due_days_in_keys(kind: str) -> list[date]:
    """The day each reminder of this kind was for, as its key (…:kind:YYYY-MM-DD|address) says."""
    keys = db.session.scalars(select(OutboxMessage.key).where(OutboxMessage.kind == kind))
    return sorted({date.fromisoformat(key.split("|")[0].rsplit(":", 1)[1]) for key in keys})


def test_after_a_downtime_only_the_latest_missed_reminder_is_sent(app, client):
    agency = Agency("Nere")
    _open_cycle(client, agency)
    _run_daily(app, date(2027, 1, 10), date(2027, 1, 13))
    _run_daily(app, date(2027, 1, 25), date(2027, 1, 27))  # down from 14 to 24 January
    _run_on(app, date(2027, 2, 1))  # and from 28 to 31 January, across the deadline
    caught_up = [("deadline_reminder", date(2027, 1, 25)), ("overdue_reminder", date(2027, 2, 1))]
    assert _mail() == _each(caught_up, agency.mailed)
    assert _notices() == _each(caught_up, agency.users)
    assert _due_days_in_keys("deadline_reminder") == [date(2027, 1, 22)]  # not the 15th too
    assert _due_days_in_keys("overdue_reminder") == [date(2027, 1, 30)]  # not "due tomorrow"


def test_a_catch_up_reminder_counts_the_days_from_the_day_it_is_sent(app, client):
    agency = Agency("Efterslapet")
    _open_cycle(client, agency)
    _run_on(app, date(2027, 1, 25))  # the reminder of 22 January, three days late
    reminder = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "deadline_reminder")
    ).first()
    text = _text(reminder)
    assert "29 januari 2027" in text
    # On 25 January the deadline of the 29th is 4 days away, not 7.
    assert "om 4 dagar" in text, text


def test_the_in_app_notice_of_a_reminder_swept_after_midnight_counts_the_days_right(app, client):
    agency = Agency("Midnatt")
    _open_cycle(client, agency)
    with _on(date(2027, 1, 15), at=time(0, 5)):  # the scheduler's first sweep of the day
        _run_once(app)
    with _on(date(2027, 1, 15), at=time(9)):
        client.login(agency.editor)
        inbox = " ".join(client.get("/notifications/").get_data(as_text=True).split())
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "deadline_reminder")
    ).first()
    assert "om 14 dagar" in _text(mail)
    assert "om 14 dagar" in inbox, re.findall(r"om \d+ dagar", inbox)


def test_upcoming_lists_the_reminders_of_the_coming_days(app, client):
    _open_cycle(client, Agency("Framtid"))
    with _on(date(2027, 1, 10)):
        two_weeks = app.test_cli_runner().invoke(args=["reminders", "upcoming"])
        three_weeks = app.test_cli_runner().invoke(args=["reminders", "upcoming", "--days", "21"])
    assert [line.split()[:2] for line in two_weeks.output.splitlines()] == [
        ["2027-01-15", "deadline_reminder"],
        ["2027-01-22", "deadline_reminder"],
    ]
    assert [line.split()[:2] for line in three_weeks.output.splitlines()][2:] == [
        ["2027-01-28", "deadline_reminder"],
        ["2027-01-30", "overdue_reminder"],
    ]
    assert _count(OutboxMessage) == 2  # the invitations: listing queues nothing


def test_a_restart_between_sweep_and_send_delivers_each_message_once(app, client, mailbox):
    agencies = [Agency("Omstart"), Agency("Avbrott")]
    _open_cycle(client, *agencies)
    with _on(date(2027, 1, 15)), _mail_server_down(app):
        _run_once(app)  # the sweep is committed; the process dies before sending
    assert {status for (status,) in db.session.execute(select(OutboxMessage.status))} == {"queued"}
    with _on(date(2027, 1, 15), at=time(9)):
        _run_once(app)  # the restarted process sweeps again and sends
        _run_once(app)
    expected = [("cycle_opened", a) for x in agencies for a in x.mailed]
    expected += [("deadline_reminder", a) for x in agencies for a in x.mailed]
    assert _received(mailbox) == sorted(expected)
    assert _count(OutboxMessage) == len(expected)


def _sweep_in_thread(app, barrier, day, outcomes, index):
    """One scheduler's sweep: its own app context, session and connection."""
    with app.app_context():
        try:
            barrier.wait(timeout=10)
            sweep(day)
            db.session.commit()
            outcomes[index] = "ok"
        except Exception as error:
            db.session.rollback()
            outcomes[index] = f"{type(error).__name__}: {error}"


def _sweep_together(app, day: date) -> list[str]:
    db.session.rollback()  # the test's own session holds no transaction during the race
    barrier, outcomes = threading.Barrier(2), [None, None]
    threads = [
        threading.Thread(target=_sweep_in_thread, args=(app, barrier, day, outcomes, index))
        for index in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.rollback()
    return outcomes


def test_two_sweeps_at_once_queue_each_message_once(app, client):
    """Two schedulers by mistake: on PostgreSQL the inserts race (ON CONFLICT DO NOTHING); on
    SQLite the second sweep waits for the write lock. Neither may fail or duplicate."""
    agencies = [Agency(f"Samtidig{n}") for n in range(8)]
    _open_cycle(client, *agencies)
    for n, (_kind, day) in enumerate(NEVER_SUBMITS[:4], start=1):
        with _on(day):
            assert _sweep_together(app, day) == ["ok", "ok"]
            counts = _count(OutboxMessage), _count(Notification)
            assert counts == (len(agencies) * 2 * (1 + n),) * 2  # with the invitations
            _run_once(app)
            assert (_count(OutboxMessage), _count(Notification)) == counts  # nothing left out
    assert _mail() == _each(NEVER_SUBMITS[:4], [a for x in agencies for a in x.mailed])


# ---------------------------------------------------------------------------------------------
# Never a reminder of something done; who gets what


def test_a_reminder_no_longer_needed_when_its_turn_comes_is_skipped(app, client, mailbox):
    agency = Agency("Hunnit")
    _open_cycle(client, agency)
    with _on(date(2027, 1, 15)):
        with _mail_server_down(app):
            _run_once(app)  # the reminder is queued, not yet sent
        _fire(client, agency.editor, agency.submission, "submit")
    with _on(date(2027, 1, 15), at=time(9)):
        assert "skipped 2." in _run_once(app)
    reminders = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "deadline_reminder")
    ).all()
    assert [(m.status, m.last_error) for m in reminders] == [("skipped", "no longer needed")] * 2
    assert {kind for kind, _to in _received(mailbox)} == {"cycle_opened", "submit"}


def test_a_deadline_reminder_still_unsent_after_the_deadline_is_skipped(app, client, mailbox):
    agency = Agency("Forsenat")
    _open_cycle(client, agency)
    with _on(date(2027, 1, 28)), _mail_server_down(app):
        _run_once(app)  # "due tomorrow", queued; the mail server is down for two days
    with _on(date(2027, 1, 30)):
        _run_once(app)  # back up, the day after the deadline
    reminders = select(OutboxMessage.status).where(OutboxMessage.kind == "deadline_reminder")
    assert db.session.scalars(reminders).all() == ["skipped", "skipped"]
    assert {kind for kind, _to in _received(mailbox)} == {"cycle_opened", "overdue_reminder"}


def test_in_app_only_users_get_the_required_mail_and_every_notice(app, client):
    agency = Agency("Tyst")
    keen = factories.make_user("agency_editor", agency=agency.agency, email="keen@tyst.se")
    _open_cycle(client, agency)
    _settings(client, agency.editor, form="preference", wants_mail="no")
    _run_on(app, date(2027, 1, 28), date(2027, 1, 30))
    deadline, overdue = NEVER_SUBMITS[2], NEVER_SUBMITS[3]
    assert _mail() == sorted(
        _each([deadline], [agency.agency.contact_email, keen.email])
        + _each([overdue], [*agency.mailed, keen.email])
    )
    assert _notices() == _each([deadline, overdue], [*agency.users, keen.email])


def test_an_agencys_own_addresses_replace_the_contact_and_the_editors(app, client):
    agency = Agency("Egna")
    _open_cycle(client, agency)
    _settings(client, agency.editor, form="addresses", addresses="a@x.se\nb@x.se")
    _run_on(app, date(2027, 1, 28), date(2027, 1, 30))
    plan = NEVER_SUBMITS[2:4]
    assert _mail() == _each(plan, ["a@x.se", "b@x.se"])
    assert _notices() == _each(plan, agency.users)


def test_a_reviewer_who_chose_in_app_only_still_hears_of_the_review_deadline(app, client):
    reviewer = factories.make_user("reviewer")
    cycle = factories.make_cycle(year=2026, status="open", review_deadline=REVIEW_DEADLINE)
    submission = factories.make_submission(cycle, factories.make_agency(), "submitted")
    with _on(date(2027, 3, 1)):
        _fire(client, reviewer, submission, "start_review")
        _settings(client, reviewer, form="preference", wants_mail="no")
    _run_on(app, date(2027, 3, 24))
    # "In the app only (except the mail the process requires)": then in the app, at least.
    assert _mail() + _notices() != [], "no review reminder, neither by mail nor in the app"


def test_a_long_address_of_one_agency_does_not_stop_the_others_reminders(app, client):
    longest = f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 57}.se"  # 253 characters, valid
    long_named, other = Agency("Lang"), Agency("Kort")
    _open_cycle(client, long_named, other)
    _settings(client, long_named.editor, form="addresses", addresses=longest)
    _run_on(app, date(2027, 1, 15))
    assert _mail() == _each([("deadline_reminder", date(2027, 1, 15))], [*other.mailed, longest])


# ---------------------------------------------------------------------------------------------
# The calendar on the administrator's page


def test_the_cycle_page_flags_a_deadline_on_midsummer_eve(client, login):
    factories.make_cycle(
        year=2027,
        status="planned",
        opens_on=date(2027, 3, 1),
        submission_deadline=date(2027, 6, 25),
        review_deadline=date(2027, 9, 30),
    )
    login("admin")
    page = html.unescape(client.get("/admin/cycles/2027").get_data(as_text=True))
    assert "Sista dag för inlämning, 25 juni 2027, är inte en arbetsdag (midsommarafton)." in page
    assert page.count("är inte en arbetsdag") == 1
