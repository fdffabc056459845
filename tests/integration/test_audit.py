"""The audit trail: a hash chain that `flask audit verify` walks, append-only in the database,
and authentication events recorded without secrets or forged lines (ASVS 5.0 V16.2, V16.3,
V16.4: security events logged, log entries protected from injection and change)."""

import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app.audit.models import AuditEvent
from app.audit.operations import record_event
from app.database import begin_write
from app.extensions import db
from tests import factories


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def _some_history(client, login):
    cycle = factories.make_cycle()
    agency = factories.make_agency()
    submission = factories.make_submission(cycle, agency)
    login("agency_editor", agency=agency)
    for trigger in ("submit", "withdraw", "submit"):
        client.post(f"/submissions/{submission.id}/transitions/{trigger}")
    client.logout()
    return submission


@contextmanager
def _append_only_dropped():
    """Take away the trail's protection as an intruder would; put it back however the test
    ends, from the database's own definition."""
    db.session.rollback()
    if _postgres():
        definition = db.session.scalar(
            text("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'audit_append_only'")
        )
        db.session.execute(text("DROP TRIGGER audit_append_only ON audit_event"))
        definitions = [definition]
    else:
        rows = db.session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE name LIKE 'audit_append_only%'")
        ).all()
        for name, _sql in rows:
            db.session.execute(text(f"DROP TRIGGER {name}"))
        definitions = [sql for _name, sql in rows]
    db.session.commit()
    try:
        yield
    finally:
        db.session.rollback()
        for definition in definitions:
            db.session.execute(text(definition))
        db.session.commit()


def test_the_chain_holds_after_ordinary_work(app, client, login):
    _some_history(client, login)
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "every link intact" in result.output


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET comment = 'x'", "DELETE FROM audit_event"]
)
def test_the_database_refuses_to_change_or_delete_the_trail(client, login, statement):
    _some_history(client, login)
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    begin_write(db.session)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_verify_finds_the_first_changed_event(app, client, login):
    submission = _some_history(client, login)
    changed = db.session.scalars(
        select(AuditEvent.id)
        .where(AuditEvent.submission_id == submission.id)
        .order_by(AuditEvent.id)
    ).all()[1]
    with _append_only_dropped():
        db.session.execute(
            text("UPDATE audit_event SET comment = 'ändrat i efterhand' WHERE id = :id"),
            {"id": changed},
        )
        db.session.commit()
        result = _verify(app)
        assert result.exit_code == 1
        assert f"BROKEN at audit event {changed}: its content does not match" in result.output


def test_verify_finds_a_deleted_event(app, client, login):
    _some_history(client, login)
    ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
    with _append_only_dropped():
        db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
        db.session.commit()
        result = _verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at audit event {ids[2]}: does not link" in result.output


def test_verify_finds_the_last_events_cut_off(app, client, login):
    _some_history(client, login)
    last = db.session.scalar(select(func.max(AuditEvent.id)))
    with _append_only_dropped():
        db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": last})
        db.session.commit()
        result = _verify(app)
    assert result.exit_code == 1 and "the last events are missing" in result.output


def test_logins_failures_logouts_and_password_changes_are_recorded(client, login):
    user = factories.make_user("reviewer", email="granskare@esv.example")
    client.post("/login", {"email": "granskare@esv.example", "password": "fel lösenord"})
    client.post("/login", {"email": "okand@esv.example", "password": "x"})
    client.login(user)
    client.post(
        "/password",
        {
            "current_password": factories.DEFAULT_PASSWORD,
            "password": "ett nytt långt lösenord",
            "confirm": "ett nytt långt lösenord",
        },
    )
    client.post("/logout")
    events = db.session.execute(
        select(AuditEvent.name, AuditEvent.actor_id, AuditEvent.comment)
        .where(AuditEvent.kind == "auth")
        .order_by(AuditEvent.id)
    ).all()
    names = [name for name, _actor, _comment in events]
    assert names[:2] == ["login_failed", "login_failed"]
    assert "password_change" in names and names[-1] == "logout"
    assert (events[0].actor_id, events[0].comment) == (None, "granskare@esv.example")
    assert (events[1].actor_id, events[1].comment) == (None, "okand@esv.example")
    for _name, _actor, comment in events:
        assert "fel lösenord" not in (comment or "") and "nytt långt" not in (comment or "")


def test_two_writers_at_once_keep_one_unbroken_chain(app):
    if not _postgres():
        pytest.skip("SQLite lets one writer in at a time; the race needs PostgreSQL")
    barrier = threading.Barrier(2)
    errors = []

    def append(n: int) -> None:
        try:
            with app.app_context():
                for i in range(20):
                    if i == 0:
                        barrier.wait()
                    record_event("test", f"writer-{n}-{i}")
                    db.session.commit()
        except Exception as error:  # the failure is asserted below
            errors.append(error)

    threads = [threading.Thread(target=append, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _verify(app).exit_code == 0
