"""Shared fixtures: one app and one migrated database per test session, emptied after each test.

SQLite (a file in a temporary folder) by default; PostgreSQL when TEST_DATABASE_URL is set,
e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test. The schema is built by the Alembic
migrations, as in production, so the tests also prove the migrations.
"""

import os
import re
import socket
import tempfile

# Tests never touch the developer's instance/ folder (database, secret key).
os.environ.setdefault("GRANSKA_INSTANCE_DIR", tempfile.mkdtemp(prefix="granska-test-"))

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, text

from app import create_app
from app.caching import cache
from app.extensions import db, limiter
from tests import factories

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'granska-test.db'}"


def _reset_postgres_schema(app) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret-key",
            "SERVER_NAME": None,
            "PUBLIC_URL": "http://granska.test",
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "MAIL_SERVER": "",
            "PASSWORD_RESET_ANSWER_SECONDS": 0.0,
        }
    )
    if url.startswith("postgresql"):
        _reset_postgres_schema(app)
    with app.app_context():
        upgrade()
        app.config["SEEDED_BY_MIGRATIONS"] = _rows_seeded_by_migrations()
    return app


def _rows_seeded_by_migrations() -> dict[str, list[dict]]:
    seeded = {}
    for table in db.metadata.sorted_tables:
        rows = [dict(row._mapping) for row in db.session.execute(table.select())]
        if rows:
            seeded[table.name] = rows
    db.session.rollback()
    return seeded


def _empty_database(app) -> None:
    """Delete every row, then put back what the migrations inserted (the default peer groups).

    A frozen cycle's rows and the audit trail are guarded by triggers; the cleanup (and only
    the cleanup) steps around them: PostgreSQL skips triggers in replica mode, SQLite drops
    them for the delete and creates them again from their stored definitions."""
    with app.app_context():
        db.session.remove()
        cache().clear()  # a new database: what was computed from the old one is gone with it
        with db.engine.begin() as connection:
            saved_triggers = _step_around_triggers(connection)
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
            for sql in saved_triggers:
                connection.exec_driver_sql(sql)
            for table in db.metadata.sorted_tables:
                rows = app.config["SEEDED_BY_MIGRATIONS"].get(table.name)
                if rows:
                    connection.execute(table.insert(), rows)


def _step_around_triggers(connection) -> list[str]:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        return []
    guarded = connection.exec_driver_sql(
        "SELECT 1 FROM cycle WHERE status IN ('approved', 'published') "
        "UNION ALL SELECT 1 FROM audit_event LIMIT 1"
    ).first()
    if guarded is None:
        return []
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    ).all()
    for name, _sql in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    return [sql for _name, sql in triggers]


@pytest.fixture(autouse=True)
def _clean_state(app):
    limiter.reset()
    with app.app_context():
        yield
        db.session.remove()
    _empty_database(app)


@pytest.fixture
def client(app):
    return WebClient(app.test_client())


class WebClient:
    """The Flask test client with what a browser does for us: CSRF tokens and logging in."""

    def __init__(self, client):
        self.raw = client
        self._csrf_token = None

    def _send(self, client_method, *args, **kwargs):
        # Each request gets its own application context (its own db session and flask.g), as
        # in production: Flask would otherwise reuse the test's for the request, so a fresh
        # one is pushed around it (and the request uses that).
        with self.raw.application.app_context():
            response = getattr(self.raw, client_method)(*args, **kwargs)
        # End the test's read transaction, so its next reads see what the request wrote.
        db.session.rollback()
        return response

    def get(self, url, **kwargs):
        return self._send("get", url, **kwargs)

    def post(self, url, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.csrf_token()
        return self._send("post", url, data=data, **kwargs)

    def request(self, method, url, **kwargs):
        return self._send("open", url, method=method, **kwargs)

    def csrf_token(self) -> str:
        if self._csrf_token is None:
            page = self.get("/password/reset").get_data(as_text=True)
            self._csrf_token = CSRF_INPUT.search(page).group(1)
        return self._csrf_token

    def login(self, user_or_email, password=factories.DEFAULT_PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        self._csrf_token = None
        response = self.post("/login", {"email": email, "password": password})
        self._csrf_token = None  # the session is renewed at login
        assert response.status_code == 302, f"login failed for {email}"
        return response

    def logout(self):
        response = self.post("/logout")
        self._csrf_token = None
        return response


@pytest.fixture
def login(client):
    """login(role_or_user) → the client, logged in as a fresh user of that role or that user."""

    def _login(who, agency=None):
        user = factories.make_user(who, agency=agency) if isinstance(who, str) else who
        client.login(user)
        return user

    return _login


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: …; counter.count is the number of SQL statements,
    counter.plans(…) SQLite's plans of those that read a table."""

    class Counter:
        def __init__(self):
            self.count = 0
            self.statements = []
            self.parameters = []

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self._on_execute)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self._on_execute)

        def _on_execute(self, _conn, _cursor, statement, parameters, *_args):
            self.count += 1
            self.statements.append(statement)
            self.parameters.append(parameters)

        def plans(self, reading: str, leaving_out: str = "") -> list[tuple[str, list[str]]]:
            """(statement, the steps of SQLite's plan) of each statement run that names
            `reading` and not `leaving_out` (SQLite only: its EXPLAIN QUERY PLAN)."""
            with db.engine.connect() as connection:
                return [
                    (
                        statement,
                        [
                            row[-1]
                            for row in connection.exec_driver_sql(
                                f"EXPLAIN QUERY PLAN {statement}", parameters
                            )
                        ],
                    )
                    for statement, parameters in zip(self.statements, self.parameters, strict=True)
                    if reading in statement and not (leaving_out and leaving_out in statement)
                ]

    return Counter


@pytest.fixture
def mailbox(app):
    """A real SMTP server (aiosmtpd) on 127.0.0.1; the app sends to it during the test."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Collector:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, _server, _session, envelope):
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    previous = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield collector.messages
    finally:
        controller.stop()
        app.config.update(previous)
