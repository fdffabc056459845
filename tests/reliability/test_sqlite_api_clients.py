"""Several API clients at once against gunicorn on one SQLite file.

Before, every API call wrote its token's `last_used_at` in the request's own transaction, and
a GET took no write lock: with two clients, a third of the GETs failed with 500 "database is
locked" (a deferred transaction that has read cannot wait for the lock). Now a call notes its
token's use at most once a minute, in a short transaction of its own, and a transaction on
SQLite begins at its first write, with the write lock (app/database.py).

Four clients, each with its own token, call for DURATION seconds as fast as the server
answers, through four sync workers: three read (cycles, submissions, one submission), one
agency editor also sets a value of its draft with If-Match, as an integration would. Then:
no answer is a 500 and every request got an answer; the log has no "database is locked" and
no traceback; every token's use was noted; every confirmed PATCH is in the audit trail and the
stored value is the last confirmed one.
"""

import http.client
import json
import shutil
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.reliability.worker_app import (
    ADMIN,
    CONNECTION_ERRORS,
    REVIEWER,
    Database,
    Server,
    app_env,
    as_int,
    flask_ok,
    seed_demo,
    tracebacks,
)

WORKERS = 4
DURATION = 10.0  # seconds of load
YEAR = 2026


@pytest.fixture
def workdir():
    path = Path(tempfile.mkdtemp(prefix="granska-api-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _call(base_url: str, token: str, method: str, path: str, body=None, headers=None):
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    sent = {"Authorization": f"Bearer {token}", "Accept-Language": "en", **(headers or {})}
    data = None
    if body is not None:
        data = json.dumps(body)
        sent["Content-Type"] = "application/json"
    try:
        connection.request(method, "/api/v1" + path, body=data, headers=sent)
        response = connection.getresponse()
        return response.status, response.read(), response.headers.get("ETag", "")
    finally:
        connection.close()


def _reader(base_url, token, org_number, stop, log):
    paths = ["/cycles", f"/cycles/{YEAR}/submissions", f"/cycles/{YEAR}/submissions/{org_number}"]
    while not stop.is_set():
        for path in paths:
            try:
                log.append(("GET", _call(base_url, token, "GET", path)[0]))
            except CONNECTION_ERRORS as error:
                log.append(("GET", f"no answer: {type(error).__name__}"))


def _writer(base_url, token, org_number, stop, log, confirmed):
    path = f"/cycles/{YEAR}/submissions/{org_number}"
    value = 7_000_000
    while not stop.is_set():
        try:
            status, _body, etag = _call(base_url, token, "GET", path)
            log.append(("GET", status))
            value += 1
            status, _body, _etag = _call(
                base_url,
                token,
                "PATCH",
                path + "/values",
                {"values": {"users": value}},
                {"If-Match": etag},
            )
            log.append(("PATCH", status))
            if status == 200:
                confirmed.append(value)
        except CONNECTION_ERRORS as error:
            log.append(("PATCH", f"no answer: {type(error).__name__}"))


def test_api_clients_at_once_on_sqlite_never_get_database_is_locked(workdir):
    url = f"sqlite:///{workdir / 'granska.db'}"
    env = app_env(url, workdir / "instance")
    seed_demo(env)
    database = Database(url)
    draft = database.open_cycle_submissions("draft")[0]
    submitted = database.open_cycle_submissions("submitted")[0]
    editor = database.editor_of(draft.agency_id)
    tokens = {
        email: flask_ok(env, "tokens", "create", email, "--name", "Last").strip()
        for email in (REVIEWER, ADMIN, database.editor_of(submitted.agency_id), editor)
    }
    since = database.last_event_id()
    stop = threading.Event()
    logs = {email: [] for email in tokens}
    confirmed: list[int] = []
    server = Server(env, workdir / "gunicorn.log", workers=WORKERS)
    try:
        server.start()
        threads = [
            threading.Thread(
                target=_writer if email == editor else _reader,
                args=(
                    server.base_url,
                    token,
                    draft.org_number if email == editor else submitted.org_number,
                    stop,
                    logs[email],
                    *([confirmed] if email == editor else []),
                ),
                daemon=True,
            )
            for email, token in tokens.items()
        ]
        for thread in threads:
            thread.start()
        time.sleep(DURATION)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a client hangs"
    finally:
        stop.set()
        server.stop()
        server_log = server.log()

    answers = Counter(entry for log in logs.values() for entry in log)
    print(f"\n{sum(answers.values())} API calls from {len(tokens)} clients: {dict(answers)}")
    problems = [f"{count} × {entry}" for entry, count in answers.items() if entry[1] not in (200,)]
    if "database is locked" in server_log:
        problems.append("'database is locked' in the server's log")
    if "Traceback" in server_log:
        problems.append("the server logged a traceback:\n" + tracebacks(server_log))
    unused = database.scalar("SELECT COUNT(*) FROM api_token WHERE last_used_at IS NULL")
    if unused:
        problems.append(f"{unused} tokens' use was not noted")
    patches = database.scalar(
        "SELECT COUNT(*) FROM audit_event WHERE id > :since AND kind = 'api' "
        "AND name = 'PATCH patch_values'",
        since=since,
    )
    if patches != len(confirmed):
        problems.append(f"{len(confirmed)} PATCHes confirmed, {patches} in the audit trail")
    if confirmed and as_int(database.value(draft.id)) != confirmed[-1]:
        problems.append(f"stored {database.value(draft.id)}, last confirmed {confirmed[-1]}")
    database.dispose()
    assert not problems, "\n".join(problems)
    assert answers[("GET", 200)] > 40, f"too few calls to tell anything: {dict(answers)}"
    assert len(confirmed) > 5, f"too few writes to tell anything: {dict(answers)}"
