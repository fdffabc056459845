"""Four gunicorn workers on one SQLite file, six users at work at once.

The app runs as README describes (`flask db upgrade`, `flask seed-demo`), served by gunicorn
with four sync worker processes on one file-based SQLite database: every writer in its own
process, so the only thing that keeps them apart is SQLite's lock (WAL, the busy timeout and
BEGIN IMMEDIATE at a transaction's first write, and before a change reads what it decides
on, app/database.py).

Six client threads, each its own logged-in browser session, work for DURATION seconds as fast
as the server answers: two agency editors of the same agency (the second created with
`flask users create`) saving the same submission's IT costs, each with the version of the page
it read, so they overwrite each other only through the version check; the editors of two other
agencies saving, submitting, withdrawing, answering questions; the reviewer starting reviews,
raising questions, requesting clarification, resolving, approving; the administrator reopening,
exempting and reinstating. Then:

- no answer is a 500, every answer is a clean one (a redirect; 409 for a state or version
  conflict, 422 for an invalid form, 403 for a save that is no longer this user's to make);
- every request got an answer (no worker died, none timed out);
- the server's log has no "database is locked" and no traceback;
- `flask audit verify` exits 0 (the hash chain holds with four appenders), and so does
  `flask dataset verify 2025`;
- no lost update: two confirmed saves of one submission never posted the same version, and
  the stored value is the last confirmed save's;
- each submission's status is where its transition events lead; every transition has its
  outbox rows and notices, none twice; what the app confirmed is in the audit trail once,
  what it refused left nothing.

Runtime on a 2-core machine: about 35 s (at least DURATION = 15 s of load, and until MIN_SAVES
saves were confirmed, however busy the machine).
"""

import os
import random
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.reliability.worker_app import (
    ADMIN,
    PASSWORD,
    REVIEWER,
    Client,
    Database,
    Server,
    Workload,
    acknowledgement_problems,
    app_env,
    as_int,
    checked_messages,
    cli_problems,
    flask_ok,
    refusals_that_went_through,
    save_problems,
    seed_demo,
    status_replay_problems,
    status_summary,
    tracebacks,
    unacceptable,
)

SEED = int(os.environ.get("GRANSKA_RELIABILITY_SEED", "20260415"))
WORKERS = 4
DURATION = 15.0  # seconds of load at least, once everyone is logged in
# The load goes on until this many saves were confirmed too: a busy machine serves fewer in
# DURATION, and the test must not fail for that. MAX_SECONDS only bounds a hung run.
MIN_SAVES, MAX_SECONDS = 12, 600.0
SECOND_EDITOR = "andra-redaktor@reliability.example"


@pytest.fixture
def workdir():
    path = Path(tempfile.mkdtemp(prefix="granska-workers-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _confirmed_saves(logs: dict[str, list]) -> int:
    operations = [operation for log in list(logs.values()) for operation in list(log)]
    return status_summary(operations).get("save", {}).get(302, 0)


def _load_until_enough_is_saved(logs: dict[str, list]) -> None:
    started = time.monotonic()
    while time.monotonic() - started < MAX_SECONDS:
        time.sleep(0.5)
        if time.monotonic() - started >= DURATION and _confirmed_saves(logs) >= MIN_SAVES:
            return


def test_four_workers_share_one_sqlite_file_without_errors_or_lost_updates(workdir):
    print(f"\nfour workers on SQLite: seed {SEED} (GRANSKA_RELIABILITY_SEED={SEED})")
    rng = random.Random(f"{SEED}-workers")
    url = f"sqlite:///{workdir / 'granska.db'}"
    env = app_env(url, workdir / "instance")
    seed_demo(env)
    database = Database(url)
    shared, own_b, own_c = rng.sample(database.open_cycle_submissions("submitted"), 3)
    flask_ok(
        env,
        *("users", "create", SECOND_EDITOR, "--role", "agency_editor", "--name", "Andra"),
        *("--agency", shared.org_number, "--password", PASSWORD),
    )
    everyone = [shared.id, own_b.id, own_c.id]
    users = [  # (client key, e-mail, role, the submissions it works on)
        ("editor-a1", database.editor_of(shared.agency_id), "editor", [shared.id]),
        ("editor-a2", SECOND_EDITOR, "editor", [shared.id]),
        ("editor-b", database.editor_of(own_b.agency_id), "editor", [own_b.id]),
        ("editor-c", database.editor_of(own_c.agency_id), "editor", [own_c.id]),
        ("reviewer", REVIEWER, "reviewer", everyone),
        ("admin", ADMIN, "admin", everyone),
    ]
    logs: dict[str, list] = {key: [] for key, *_ in users}
    failures: list[str] = []
    go, stop = threading.Event(), threading.Event()
    everyone_ready = threading.Barrier(len(users), action=go.set)

    def work(index, key, email, role, submissions):
        try:
            client = Client(server.base_url, email)
            client.login()
            workload = Workload(
                random.Random(f"{SEED}-{key}"),
                database,
                {key: client},
                wrong=0.05,
                value_base=(index + 1) * 1_000_000,  # no two users post the same value
            )
            everyone_ready.wait(timeout=120)
            while not stop.is_set():
                workload.run_step(workload.rng.choice(submissions), {role: key}, logs[key])
        except Exception as error:  # reported by the test, not lost in its thread
            failures.append(f"{key}: {type(error).__name__}: {error}")
            everyone_ready.abort()

    server = Server(env, workdir / "gunicorn.log", workers=WORKERS)
    threads = [
        threading.Thread(target=work, args=(index, *user), name=user[0], daemon=True)
        for index, user in enumerate(users)
    ]
    try:
        server.start()
        since = database.last_event_id()
        initial = {sid: as_int(database.value(sid)) for sid in everyone}
        for thread in threads:
            thread.start()
        if go.wait(timeout=120):
            _load_until_enough_is_saved(logs)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a client thread hangs"
    finally:
        stop.set()
        server.stop()
        server_log = server.log()

    log = [operation for key, *_ in users for operation in logs[key]]
    summary = status_summary(log)
    print(f"{len(log)} requests from {len(users)} users: {summary}")
    problems = list(failures)
    problems += [f"unclean answer: {o}" for o in unacceptable(log)]
    problems += [f"no answer: {o}" for o in log if o.outcome == "unknown"]
    problems += [f"not refused: {o}" for o in refusals_that_went_through(log)]
    if "database is locked" in server_log:
        problems.append("'database is locked' in the server's log")
    if "Traceback" in server_log:
        problems.append("the server logged a traceback:\n" + tracebacks(server_log))
    problems += cli_problems(env)
    problems += status_replay_problems(database)
    message_issues, counts = checked_messages(database, since)
    problems += message_issues
    problems += acknowledgement_problems(database, log)
    problems += save_problems(database, log, initial)
    database.dispose()
    print(f"messages checked: {counts}")
    assert not problems, f"seed {SEED}:\n" + "\n".join(problems)
    saves = summary.get("save", {})
    assert saves.get(302, 0) > 10, f"too little was saved to tell anything: {saves}"
