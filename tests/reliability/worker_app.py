"""The reliability tests' machinery: the real app served by gunicorn in a process group of
its own, the demo database, HTTP clients logged in as demo users, a workload that picks the
next request from the submission's state in the database, and the invariants checked after
a run. Not a test module: test_crash_safety.py and test_sqlite_workers.py import it.

Everything here talks to the app as a browser would (form posts with the CSRF token, the
session cookie, redirects not followed) and to the database only to read.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.processes import end

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "granska-demo-2026"  # the demo users' password (README)
SECRET_KEY = "reliability-tests-secret-key-not-for-production"
REVIEWER = "granskare@granska.example"
ADMIN = "admin@granska.example"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')
# Connection-level failures: what a client sees when the worker dies under its request.
CONNECTION_ERRORS = (ConnectionError, http.client.HTTPException, TimeoutError, OSError)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_env(database_url: str, instance_dir: Path) -> dict[str, str]:
    """The environment of the app's processes: settings as README describes them."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEST_")}
    env.update(
        FLASK_APP="wsgi",
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET_KEY,
        GRANSKA_INSTANCE_DIR=str(instance_dir),
        GRANSKA_ENV="development",
        MAIL_SERVER="",  # nothing is mailed; every message waits in the outbox
        REQUIRE_2FA_FOR_STAFF="0",
        # The tests log in a handful of users, once each; the limit is not what they test.
        LOGIN_RATE_LIMIT="1000 per minute",
        PYTHONUNBUFFERED="1",
    )
    return env


def flask(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`flask --app wsgi ARGS…` in a process of its own; the result, whatever the exit code."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def flask_ok(env: dict[str, str], *args: str) -> str:
    result = flask(env, *args)
    assert result.returncode == 0, (
        f"flask {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def seed_demo(env: dict[str, str]) -> None:
    flask_ok(env, "db", "upgrade")
    flask_ok(env, "seed-demo")


# --- the server ---------------------------------------------------------------------------


class Server:
    """gunicorn (sync workers) on 127.0.0.1 in a new session, so one killpg ends the master
    and every worker, whatever happened to the test. Its output goes to `log_path`."""

    def __init__(self, env, log_path: Path, workers: int = 1, preload: bool = False):
        self.env, self.log_path, self.workers, self.preload = env, log_path, workers, preload
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "2",
            "--no-control-socket",
            *(["--preload"] if self.preload else []),
            "wsgi:app",
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        self.starts += 1
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 60) -> None:
        """Until a page is served (after a kill: by the worker gunicorn started anew)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"gunicorn is not running; see {self.log_path}:\n{self.log()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/login")
                status = connection.getresponse().status
                connection.close()
                if status == 200:
                    return
            except CONNECTION_ERRORS:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in {timeout} s:\n{self.log()}")
            time.sleep(0.02)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        pids = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            try:
                pids += [int(pid) for pid in (task / "children").read_text().split()]
            except OSError:
                continue
        return pids

    def kill_worker(self) -> None:
        """SIGKILL the worker(s); the master, still alive, starts new ones."""
        for pid in self.worker_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once; no cleanup of any kind runs."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def restart(self) -> None:
        self.kill_all()
        self.start()

    def stop(self) -> None:
        """For finally: blocks: whatever state the server is in, nothing of it survives."""
        self.kill_all()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


# --- a browser's worth of HTTP ------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: str
    location: str = ""


class Client:
    """One user's browser: a session cookie, the CSRF token of its session, no redirects
    followed. Every request carries an X-Request-Id the app stores in the audit trail."""

    def __init__(self, base_url: str, email: str, timeout: float = 30):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.email, self.timeout = email, timeout
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""

    def request(self, method: str, path: str, form=None, request_id: str = "") -> Response:
        headers = {"X-Request-Id": request_id or uuid.uuid4().hex, "User-Agent": "reliability"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read().decode("utf-8", errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return Response(response.status, payload, response.headers.get("Location", ""))
        finally:
            connection.close()

    def get(self, path: str, request_id: str = "") -> Response:
        return self.request("GET", path, request_id=request_id)

    def post(self, path: str, form: dict, request_id: str = "") -> Response:
        return self.request("POST", path, {**form, "csrf_token": self.csrf_token}, request_id)

    def login(self, password: str = PASSWORD) -> None:
        page = self.get("/login")
        self.csrf_token = CSRF_INPUT.search(page.body).group(1)
        response = self.post("/login", {"email": self.email, "password": password})
        assert response.status == 302, f"login of {self.email}: {response.status}"
        # The session is renewed at login, and with it the CSRF token.
        landing = self.get(urlsplit(response.location).path or "/")
        assert landing.status == 200, f"landing page of {self.email}: {landing.status}"
        self.csrf_token = CSRF_INPUT.search(landing.body).group(1)


# --- reading the database -----------------------------------------------------------------


class Database:
    """Read-only access for the driver and the checks; a new connection per call."""

    def __init__(self, url: str):
        connect_args = {"timeout": 30} if url.startswith("sqlite") else {}
        self.url = url
        self.engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as connection:
            return list(connection.execute(text(sql), params))

    def scalar(self, sql: str, **params):
        with self.engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()

    def dispose(self) -> None:
        self.engine.dispose()

    def submission(self, submission_id: int):
        return self.rows(
            "SELECT id, status, version, agency_id FROM submission WHERE id = :id",
            id=submission_id,
        )[0]

    def questions(self, submission_id: int) -> list:
        return self.rows(
            "SELECT id, status, rounds_sent FROM question WHERE submission_id = :id ORDER BY id",
            id=submission_id,
        )

    def value(self, submission_id: int, item: str = "users", period: str = "outcome"):
        return self.scalar(
            "SELECT number FROM submission_value WHERE submission_id = :id "
            "AND item_code = :item AND period = :period",
            id=submission_id,
            item=item,
            period=period,
        )

    def editor_of(self, agency_id: int) -> str:
        return self.scalar(
            "SELECT email FROM user_account WHERE agency_id = :agency "
            "AND role = 'agency_editor' ORDER BY id LIMIT 1",
            agency=agency_id,
        )

    def open_cycle_submissions(self, status: str) -> list:
        return self.rows(
            "SELECT s.id, s.agency_id, a.org_number FROM submission s "
            "JOIN cycle c ON c.id = s.cycle_id JOIN agency a ON a.id = s.agency_id "
            "WHERE c.status = 'open' AND s.status = :status ORDER BY s.id",
            status=status,
        )

    def frozen_submission(self) -> int:
        return self.scalar(
            "SELECT s.id FROM submission s JOIN cycle c ON c.id = s.cycle_id "
            "WHERE c.year = 2025 ORDER BY s.id LIMIT 1"
        )

    def last_event_id(self) -> int:
        return self.scalar("SELECT COALESCE(MAX(id), 0) FROM audit_event")


# --- the workload -------------------------------------------------------------------------


@dataclass
class Operation:
    """One action of one user, as sent and as answered."""

    request_id: str
    actor: str  # the key of the client that sends it
    kind: str  # "transition", "save", "question", "answer", "resolve", "read"
    submission_id: int
    name: str = ""  # the trigger, or the field saved
    value: int | None = None  # the value a save posts
    posted_version: int | None = None
    expected_ok: bool = True  # False for a request the app must refuse
    status: int | None = None  # None: no answer (the worker died under it)
    location: str = ""
    error: str = ""
    seconds: float = 0.0

    @property
    def outcome(self) -> str:
        """ok, refused (cleanly), unknown (no answer) or bad (any other answer)."""
        if self.status is None:
            return "unknown"
        if self.kind == "read":
            return "ok" if self.status == 200 else "bad"
        if self.status == 302 and "/login" not in self.location:
            return "ok"
        if self.status in (403, 409, 422):
            return "refused"
        return "bad"


# Answers the app may give to each kind of change: done (a redirect), refused cleanly (409 a
# state or version conflict, 422 an invalid form, 403 a change that is not this user's now).
ACCEPTABLE = {
    "transition": {302, 409},
    "save": {302, 403, 409, 422},
    "question": {302, 422},
    "answer": {302, 422},
    "resolve": {302, 422},
    "read": {200},
}


# Triggers a role may never fire (another role's): always refused, whatever the state.
NEVER = {
    "editor": ["approve", "start_review", "reopen"],
    "reviewer": ["submit", "withdraw", "reopen"],
    "admin": ["approve", "answer_clarification", "submit"],
}


class Workload:
    """Picks a user's next action on a submission from the submission's state as stored, and
    sends it. Values posted are unique per run, so a value in the database names its save."""

    def __init__(
        self, rng, database: Database, clients: dict, *, stale=0.1, wrong=0.08, value_base=10_000
    ):
        self.rng, self.db, self.clients = rng, database, clients  # clients: actor key → Client
        self.stale, self.wrong, self.value_base = stale, wrong, value_base
        self.counter = 0
        self.prefix = uuid.uuid4().hex[:8]

    def next_id(self) -> str:
        self.counter += 1
        return f"rel-{self.prefix}-{self.counter}"

    def unique_value(self) -> int:
        return self.value_base + self.counter  # only grows: no two saves post one value

    def plan(self, submission_id: int, actors: dict[str, str]) -> list[Operation]:
        """The requests of the next step on a submission: what one of its users (`actors`:
        role → client key) would do in its state as stored, or, now and then, something that
        user may never do. Usually one request; a save is the section page, then the post."""
        status = self.db.submission(submission_id).status
        questions = self.db.questions(submission_id)
        choices: list[tuple[float, str, tuple]] = []
        if "editor" in actors:
            if status == "draft":
                choices += [(4, "editor", ("save",)), (2, "editor", ("transition", "submit"))]
            elif status == "submitted":
                choices += [(2, "editor", ("transition", "withdraw"))]
            elif status == "clarification":
                choices += [(2, "editor", ("save",))]
                choices += [(1, "editor", ("transition", "answer_clarification"))]
                choices += [
                    (3, "editor", ("answer", q.id))
                    for q in questions
                    if q.status == "open" and q.rounds_sent
                ]
        if "reviewer" in actors:
            if status == "submitted":
                choices += [(3, "reviewer", ("transition", "start_review"))]
            elif status == "in_review":
                choices += [(2, "reviewer", ("question",))]
                choices += [(2, "reviewer", ("transition", "approve"))]
                choices += [
                    (3, "reviewer", ("resolve", q.id)) for q in questions if q.status == "answered"
                ]
                if any(q.status == "open" for q in questions):
                    choices += [(4, "reviewer", ("transition", "request_clarification"))]
        if "admin" in actors:
            if status == "approved":
                choices += [(3, "admin", ("transition", "reopen"))]
            elif status == "exempted":
                choices += [(3, "admin", ("transition", "reinstate"))]
            elif status in ("draft", "submitted"):
                choices += [(0.3, "admin", ("transition", "exempt"))]
        # Looking at the submission page is always something a user may do.
        choices += [(1, self.rng.choice(sorted(actors)), ("read",))]
        if self.rng.random() < self.wrong:
            # A request this user may never make: the app must refuse it and change nothing.
            role = self.rng.choice(sorted(actors))
            operation = Operation(self.next_id(), actors[role], "transition", submission_id)
            operation.name, operation.expected_ok = self.rng.choice(NEVER[role]), False
            return [operation]
        _, role, pick = self.rng.choices(choices, [weight for weight, *_ in choices])[0]
        actor, kind = actors[role], pick[0]
        if kind == "read":
            return [Operation(self.next_id(), actor, "read", submission_id, "page")]
        if kind == "save":
            return [
                Operation(self.next_id(), actor, "read", submission_id, "section"),
                Operation(
                    self.next_id(), actor, "save", submission_id, "users", self.unique_value()
                ),
            ]
        name = {"transition": pick[-1], "question": "general"}.get(kind, str(pick[-1]))
        return [Operation(self.next_id(), actor, kind, submission_id, name)]

    def send(self, operation: Operation, previous: Response | None = None) -> Response:
        client = self.clients[operation.actor]
        sid, rid = operation.submission_id, operation.request_id
        reason = {"reason": f"Tillförlitlighetstest {rid}"}
        if operation.kind == "read" and operation.name == "page":
            return client.get(f"/submissions/{sid}", rid)
        if operation.kind == "read":
            return client.get(f"/submissions/{sid}/sections/it_costs", rid)
        if operation.kind == "transition":
            return client.post(f"/submissions/{sid}/transitions/{operation.name}", reason, rid)
        if operation.kind == "save":
            match = VERSION_INPUT.search(previous.body) if previous else None
            version = int(match.group(1)) if match else self.db.submission(sid).version
            if self.rng.random() < self.stale:
                version = max(version - self.rng.randint(1, 3), 0)
            operation.posted_version = version
            form = {"version": str(version), "users--outcome": str(operation.value), **reason}
            return client.post(f"/submissions/{sid}/sections/it_costs", form, rid)
        if operation.kind == "question":
            form = {"target": "general", "text": f"Stämmer summan? ({rid})"}
            return client.post(f"/review/submissions/{sid}/questions", form, rid)
        if operation.kind == "answer":
            form = {"answer": f"Ja, den stämmer ({rid})."}
            return client.post(f"/submissions/{sid}/questions/{operation.name}/answer", form, rid)
        form = {"comment": f"Tack ({rid})."}
        return client.post(f"/review/questions/{operation.name}/resolve", form, rid)

    def run_step(self, submission_id: int, actors: dict[str, str], log: list[Operation]) -> None:
        """Plan and send one step; a request without an answer ends the step."""
        previous = None
        for operation in self.plan(submission_id, actors):
            log.append(operation)
            started = time.monotonic()
            try:
                previous = self.send(operation, previous)
            except CONNECTION_ERRORS as error:
                operation.error = f"{type(error).__name__}: {error}"
                return
            finally:
                operation.seconds = time.monotonic() - started
            operation.status, operation.location = previous.status, previous.location
            if operation.kind == "read" and previous.status != 200:
                return


# --- invariants ---------------------------------------------------------------------------


def sqlite_integrity(path: Path) -> str:
    import sqlite3

    connection = sqlite3.connect(path, timeout=30)
    try:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()


def status_replay_problems(database: Database) -> list[str]:
    """Every submission's status is where its transition events lead, each event starting
    where the one before it ended (from draft)."""
    events = defaultdict(list)
    for row in database.rows(
        "SELECT id, submission_id, name, from_value, to_value FROM audit_event "
        "WHERE kind = 'transition' AND submission_id IS NOT NULL ORDER BY id"
    ):
        events[row.submission_id].append(row)
    problems = []
    for submission_id, status in database.rows("SELECT id, status FROM submission"):
        state = "draft"
        for event in events.get(submission_id, []):
            if event.from_value != state:
                problems.append(
                    f"submission {submission_id}: event {event.id} ({event.name}) starts from "
                    f"{event.from_value}, the trail was at {state}"
                )
            state = event.to_value
        if state != status:
            problems.append(f"submission {submission_id} is {status}, its trail says {state}")
    return problems


def expected_messages(app, since_event_id: int) -> tuple[dict, dict]:
    """For every transition event after `since_event_id`: the outbox keys and the inbox keys
    the app's own recipient rules give (users and agencies do not change during a run)."""
    from sqlalchemy import select

    from app.audit.models import AuditEvent
    from app.extensions import db
    from app.notifications.inbox import _recipients
    from app.notifications.outbox import (
        TO_AGENCY,
        TO_REVIEWER,
        _message_key,
        agency_recipients,
        staff_recipients,
    )
    from app.submissions.models import Submission

    outbox, inbox = {}, {}
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.kind == "transition", AuditEvent.id > since_event_id)
            .where(AuditEvent.submission_id.is_not(None))
            .order_by(AuditEvent.id)
        ).all()
        for event in events:
            submission = db.session.get(Submission, event.submission_id)
            if event.name in TO_AGENCY:
                recipients = agency_recipients(submission.agency, event.name)
            elif event.name in TO_REVIEWER and submission.reviewer is not None:
                recipients = staff_recipients([submission.reviewer], event.name)
            else:
                recipients = []
            key = f"transition:{event.id}"
            outbox[event.id] = {_message_key(key, r.address) for r in recipients}
            inbox[event.id] = {
                f"{key}:user:{user_id}" for user_id in _recipients(submission, event.name)
            }
        db.session.remove()
    return outbox, inbox


def message_problems(app, database: Database, since_event_id: int) -> tuple[list[str], dict]:
    """Each transition has its messages, none twice, none without its transition."""
    outbox, inbox = expected_messages(app, since_event_id)
    problems = []
    transition_ids = {
        row[0] for row in database.rows("SELECT id FROM audit_event WHERE kind = 'transition'")
    }
    for table, expected in (("outbox_message", outbox), ("notification", inbox)):
        stored = defaultdict(list)
        for (key,) in database.rows(f"SELECT key FROM {table} WHERE key LIKE 'transition:%'"):  # noqa: S608 - two fixed names
            event_id = int(re.match(r"transition:(\d+)", key).group(1))
            stored[event_id].append(key)
            if event_id not in transition_ids:
                problems.append(f"{table} {key}: no transition event {event_id}")
        for event_id, keys in expected.items():
            found = stored.get(event_id, [])
            if sorted(found) != sorted(keys):
                missing, extra = set(keys) - set(found), set(found) - set(keys)
                twice = [k for k, n in Counter(found).items() if n > 1]
                problems.append(
                    f"{table} of transition {event_id}: missing {sorted(missing)}, "
                    f"unexpected {sorted(extra)}, twice {twice}"
                )
    counts = {
        "transitions": len(outbox),
        "transitions_with_mail": sum(1 for keys in outbox.values() if keys),
        "outbox_rows_expected": sum(len(keys) for keys in outbox.values()),
        "notifications_expected": sum(len(keys) for keys in inbox.values()),
    }
    return problems, counts


def acknowledgement_problems(database: Database, log: list[Operation]) -> list[str]:
    """What the app said is what the database holds: a change it confirmed (a redirect) is
    in the audit trail under its request id, once; a change it refused left nothing there; a
    change that got no answer (the worker died) is there once or not at all."""
    events = defaultdict(list)
    for row in database.rows(
        "SELECT request_id, kind FROM audit_event WHERE request_id LIKE 'rel-%'"
    ):
        events[row.request_id].append(row.kind)
    problems = []
    for operation in log:
        kinds = events.get(operation.request_id, [])
        transitions = kinds.count("transition")
        label = f"{operation.request_id} {operation.kind} {operation.name}"
        label += f" on submission {operation.submission_id}"
        if operation.kind == "transition":
            if operation.outcome == "ok" and transitions != 1:
                problems.append(f"{label}: confirmed, but {transitions} transition events")
            elif operation.outcome == "refused" and kinds:
                problems.append(f"{label}: refused, but audit events {kinds}")
            elif operation.outcome == "unknown" and transitions > 1:
                problems.append(f"{label}: {transitions} transition events")
        elif operation.kind in ("question", "answer", "resolve"):
            if operation.outcome == "ok" and kinds.count("question") != 1:
                problems.append(f"{label}: confirmed, but audit events {kinds}")
            elif operation.outcome == "refused" and kinds:
                problems.append(f"{label}: refused, but audit events {kinds}")
        elif operation.kind == "save" and operation.outcome == "refused" and kinds:
            problems.append(f"{label}: refused, but audit events {kinds}")
    return problems


def save_problems(database: Database, log: list[Operation], initial: dict) -> list[str]:
    """No lost update: two confirmed saves of one submission never posted the same version
    (the second must have been refused as stale), and the stored value is the last confirmed
    save's, or one posted after it that got no answer."""
    problems = []
    saves = defaultdict(list)
    for operation in log:
        if operation.kind == "save":
            saves[operation.submission_id].append(operation)
    for submission_id, operations in saves.items():
        confirmed = [o for o in operations if o.outcome == "ok"]
        versions = Counter(o.posted_version for o in confirmed)
        for version, n in versions.items():
            if n > 1:
                problems.append(
                    f"submission {submission_id}: {n} confirmed saves posted version {version}"
                )
        last = max(confirmed, key=lambda o: o.posted_version, default=None)
        allowed = {last.value} if last else {initial.get(submission_id)}
        after = operations[operations.index(last) + 1 :] if last else operations
        allowed |= {o.value for o in after if o.outcome == "unknown"}
        stored = database.value(submission_id)
        stored = int(stored) if stored is not None else None
        if stored not in allowed:
            problems.append(
                f"submission {submission_id}: users = {stored}, "
                f"expected one of {sorted(allowed, key=str)}"
            )
    return problems


def cut_off_transitions(database: Database, log: list[Operation]) -> tuple[int, int]:
    """Of the transitions that got no answer: how many were stored (the kill came after the
    commit) and how many not (it came before)."""
    stored = {
        row[0]
        for row in database.rows(
            "SELECT request_id FROM audit_event WHERE kind = 'transition' "
            "AND request_id LIKE 'rel-%'"
        )
    }
    cut = [o for o in log if o.kind == "transition" and o.outcome == "unknown"]
    done = sum(1 for o in cut if o.request_id in stored)
    return done, len(cut) - done


def status_summary(log: list[Operation]) -> dict[str, Counter]:
    summary = defaultdict(Counter)
    for operation in log:
        summary[operation.kind][operation.status] += 1
    return {kind: dict(counter) for kind, counter in summary.items()}


def unacceptable(log: list[Operation]) -> list[Operation]:
    """Answered requests whose status is not among the clean answers of their kind."""
    return [
        o
        for o in log
        if o.status is not None and (o.status not in ACCEPTABLE[o.kind] or o.outcome == "bad")
    ]


def refusals_that_went_through(log: list[Operation]) -> list[Operation]:
    """Requests this user may never make, that the app did not refuse."""
    return [o for o in log if not o.expected_ok and o.outcome == "ok"]


def cli_problems(env: dict[str, str]) -> list[str]:
    """`flask audit verify` and `flask dataset verify 2025`, side by side; what failed."""
    commands = {
        "audit verify": ["audit", "verify"],
        "dataset verify 2025": ["dataset", "verify", "2025"],
    }
    running = {
        name: subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, args in commands.items()
    }
    problems = []
    try:
        for name, process in running.items():
            output = process.communicate(timeout=300)[0]
            if process.returncode != 0:
                problems.append(f"flask {name} exited {process.returncode}: {output}")
    finally:
        for process in running.values():
            end(process)  # none is left running, even when a wait above ran out
    return problems


def checked_messages(database: Database, since_event_id: int) -> tuple[list[str], dict]:
    """message_problems with the app's own recipient rules, from an app made for the run's
    database in this process (and its connections closed afterwards)."""
    from app import create_app
    from app.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database.url, "SECRET_KEY": SECRET_KEY, "MAIL_SERVER": ""}
    )
    try:
        return message_problems(app, database, since_event_id)
    finally:
        with app.app_context():
            db.engine.dispose()


def tracebacks(server_log: str) -> str:
    """The first few tracebacks of a log, with their context."""
    lines = server_log.splitlines()
    starts = [i for i, line in enumerate(lines) if "Traceback" in line]
    return "\n".join("\n".join(lines[max(i - 2, 0) : i + 30]) for i in starts[:3])


def as_int(number) -> int | None:
    return int(number) if number is not None else None
