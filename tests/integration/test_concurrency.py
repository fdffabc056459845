"""Two users fire conflicting transitions on the same submission at the same moment.

Each contender runs in its own thread with its own application context, hence its own
session and database connection, as two web workers would. A barrier releases both at once.
Exactly one may win each round; the other must get a clean refusal (not a database error),
and the audit trail must hold exactly one transition.

Both races run on PostgreSQL (SELECT … FOR UPDATE) and on the SQLite file database
(BEGIN IMMEDIATE via app.database.begin_write, the second writer waiting up to the busy
timeout): neither database may answer with "database is locked" or a stale-row error.
"""

import threading
import time
from dataclasses import dataclass

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.cycles.models import Cycle
from app.cycles.operations import fire_cycle_transition
from app.extensions import db
from app.review.models import Question
from app.review.questions import raise_question
from app.submissions.models import Submission
from app.submissions.transitions import TransitionRefused, fire_transition
from tests import factories
from workflows.submission import SUBMISSION_WORKFLOW

ROUNDS = 30
LOSING_CODES = {"already_in_state", "not_from_state"}


@dataclass
class Outcome:
    kind: str  # "won", "refused" or "error"
    trigger: str
    detail: str | None = None  # the refusal's code, or the error
    started: float = 0.0
    finished: float = 0.0


def _contend(app, barrier, submission_id, trigger, user_id, outcomes, index):
    with app.app_context():
        started = 0.0
        try:
            actor = db.session.get(User, user_id)
            barrier.wait(timeout=10)
            started = time.perf_counter()
            try:
                fire_transition(submission_id, trigger, actor)
            except TransitionRefused as refused:
                db.session.rollback()
                outcome = Outcome("refused", trigger, refused.refusal.code)
            else:
                db.session.commit()
                outcome = Outcome("won", trigger)
        except Exception as error:
            db.session.rollback()
            outcome = Outcome("error", trigger, f"{type(error).__name__}: {error}")
        outcome.started, outcome.finished = started, time.perf_counter()
        outcomes[index] = outcome


def _race(app, submission_id, contenders):
    """Fire [(trigger, user id), …] at once from one thread each; their outcomes in order."""
    db.session.rollback()  # the test's own session holds no transaction during the race
    barrier = threading.Barrier(len(contenders))
    outcomes = [None] * len(contenders)
    threads = [
        threading.Thread(
            target=_contend,
            args=(app, barrier, submission_id, trigger, user_id, outcomes, index),
        )
        for index, (trigger, user_id) in enumerate(contenders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a contender hangs"
    return outcomes


def _check_round(round_no, submission_id, from_status, outcomes, losing_code) -> bool:
    """Exactly one winner, clean refusals, one audited transition; whether the two overlapped."""
    assert None not in outcomes, f"round {round_no}: a contender died: {outcomes}"
    errors = [o for o in outcomes if o.kind == "error"]
    assert not errors, f"round {round_no}: a database error instead of a refusal: {errors}"
    winners = [o for o in outcomes if o.kind == "won"]
    losers = [o for o in outcomes if o.kind == "refused"]
    assert len(winners) == 1, f"round {round_no}: {outcomes}"
    assert len(losers) == len(outcomes) - 1, f"round {round_no}: {outcomes}"
    assert all(o.detail in LOSING_CODES for o in losers), f"round {round_no}: {outcomes}"
    assert [o.detail for o in losers] == [losing_code], f"round {round_no}: {outcomes}"
    winner = winners[0]
    db.session.rollback()
    status, version = db.session.execute(
        select(Submission.status, Submission.version).where(Submission.id == submission_id)
    ).one()
    events = db.session.execute(
        select(AuditEvent.name, AuditEvent.from_value, AuditEvent.to_value).where(
            AuditEvent.submission_id == submission_id, AuditEvent.kind == "transition"
        )
    ).all()
    after = SUBMISSION_WORKFLOW.fire(winner.trigger, from_status)
    assert [tuple(e) for e in events] == [(winner.trigger, from_status, after)], (
        f"round {round_no}: the audit trail is {events}"
    )
    assert (status, version) == (after, 2), f"round {round_no}"
    return any(o.started < winner.finished for o in losers)


def _run_rounds(app, rounds, from_status, losing_code):
    """rounds: [(submission id, [(trigger, user id), …]), …]"""
    overlapped = 0
    for round_no, (submission_id, contenders) in enumerate(rounds):
        outcomes = _race(app, submission_id, contenders)
        overlapped += _check_round(round_no, submission_id, from_status, outcomes, losing_code)
    # Otherwise the threads took turns and the test proved nothing about locking.
    assert overlapped, "in no round did the loser start before the winner had committed"


def test_two_reviewers_approve_the_same_submission_once(app):
    """The second approval waits for the first (the row lock on PostgreSQL, BEGIN IMMEDIATE
    on SQLite), then sees it and is refused as already approved."""
    cycle = factories.make_cycle()
    first, second = factories.make_user("reviewer"), factories.make_user("reviewer")
    rounds = [
        (
            factories.make_submission(cycle, factories.make_agency(), "in_review").id,
            [("approve", first.id), ("approve", second.id)],
        )
        for _ in range(ROUNDS)
    ]
    _run_rounds(app, rounds, "in_review", "already_in_state")


def test_withdraw_races_start_review(app):
    """The agency withdraws while a reviewer starts the review: either may win, the other is
    refused because the submission has left `submitted`."""
    cycle = factories.make_cycle()
    reviewer = factories.make_user("reviewer")
    rounds = []
    for _ in range(ROUNDS):
        agency = factories.make_agency()
        editor = factories.make_user("agency_editor", agency=agency)
        submission = factories.make_submission(cycle, agency, "submitted")
        rounds.append((submission.id, [("withdraw", editor.id), ("start_review", reviewer.id)]))
    _run_rounds(app, rounds, "submitted", "not_from_state")


# Races across objects: a question or a reopening against an approval. Each once let an
# approval slip past a guard (found by the property and race tests, fixed with lock_submission).


def _together(app, *actions):
    """Run each action(user) in its own thread and app context, released by one barrier."""
    barrier, errors = threading.Barrier(len(actions)), []

    def run(action):
        with app.app_context():
            barrier.wait(timeout=10)
            try:
                action()
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                errors.append(f"{type(error).__name__}: {str(error)[:80]}")

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    db.session.rollback()
    return errors


def test_no_question_stays_open_on_an_approved_submission(app):
    cycle = factories.make_cycle()
    asker, approver = factories.make_user("reviewer").id, factories.make_user("reviewer").id
    for _ in range(30):
        sid = factories.make_submission(cycle, factories.make_agency(), "in_review").id

        def ask(sid=sid):  # what raise_question_view does
            submission = db.session.get(Submission, sid)
            raise_question(submission, "general", "Varför?", db.session.get(User, asker))

        def approve(sid=sid):
            fire_transition(sid, "approve", db.session.get(User, approver))

        errors = _together(app, ask, approve)
        assert not [e for e in errors if "OperationalError" in e], errors
        status = db.session.scalar(select(Submission.status).where(Submission.id == sid))
        open_questions = db.session.scalar(
            select(func.count()).where(Question.submission_id == sid, Question.status == "open")
        )
        assert not (status == "approved" and open_questions), "approved with an open question"


def test_a_frozen_cycle_keeps_no_submission_in_review(app):
    agency = factories.make_agency()
    admin1, admin2 = factories.make_user("admin").id, factories.make_user("admin").id
    for n in range(30):
        cycle = factories.make_cycle(year=2100 + n, status="closed")
        year = cycle.year
        sid = factories.make_submission(cycle, agency, "approved").id

        def reopen(sid=sid):
            fire_transition(sid, "reopen", db.session.get(User, admin1), "Fel i siffrorna")

        def approve_cycle(year=year):
            fire_cycle_transition(year, "approve", db.session.get(User, admin2))

        _together(app, reopen, approve_cycle)
        cycle_status = db.session.scalar(select(Cycle.status).where(Cycle.year == year))
        status = db.session.scalar(select(Submission.status).where(Submission.id == sid))
        assert not (cycle_status == "approved" and status == "in_review"), f"round {n}"


def test_a_read_kept_for_the_request_is_read_again_under_the_lock(app):
    """A page reads a submission's answers once per request (app/session_memo.py). A change
    that decides under the lock must see what another worker committed meanwhile, not the
    answers the request kept from before it took the lock."""
    from decimal import Decimal

    from sqlalchemy import update

    from app.submissions.answers import answers_of
    from app.submissions.locking import lock_submission
    from app.submissions.models import SubmissionValue

    cycle = factories.make_cycle(year=2026, questionnaire=True)
    submission = factories.make_submission(cycle, factories.make_agency())
    factories.complete_answers(submission, users=500)
    db.session.commit()
    key = ("users", "outcome")
    assert answers_of(submission.id)[key] == Decimal(500)
    assert answers_of(submission.id)[key] == Decimal(500)  # kept: no second read
    with db.engine.begin() as other_worker:
        other_worker.execute(
            update(SubmissionValue)
            .where(SubmissionValue.submission_id == submission.id)
            .where(SubmissionValue.item_code == "users")
            .values(number=Decimal(501))
        )
    lock_submission(submission.id)
    assert answers_of(submission.id)[key] == Decimal(501)
    db.session.rollback()


def test_a_kept_read_sees_the_requests_own_changes_not_yet_written(app):
    """A memoised read must answer as its query would: a query writes pending changes first
    (autoflush) and sees them, so a question asked with changes pending is asked again."""
    from app.submissions.answers import explanations_of
    from app.submissions.models import WarningExplanation

    cycle = factories.make_cycle(year=2026, questionnaire=True)
    submission = factories.make_submission(cycle, factories.make_agency())
    assert explanations_of(submission.id) == {}
    db.session.add(
        WarningExplanation(submission_id=submission.id, target="users:outcome", text="Ny")
    )
    assert set(explanations_of(submission.id)) == {"users:outcome"}
    assert set(explanations_of(submission.id)) == {"users:outcome"}
    db.session.rollback()
    assert explanations_of(submission.id) == {}
