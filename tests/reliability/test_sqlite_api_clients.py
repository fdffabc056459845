"""Several API clients at once against gunicorn on one SQLite file.

Before, every API call wrote its token's `last_used_at` in the request's own transaction, and
a GET took no write lock: with two clients, a third of the GETs failed with 500 "database is
locked" (a deferred transaction that has read cannot wait for the lock). Now a call notes its
token's use at most once a minute, in a short transaction of its own, and a transaction on
SQLite begins at its first write, with the write lock (app/database.py).

Four clients, each with its own token, call as fast as the server answers, through four sync
workers: three read (cycles, submissions, one submission; ROUNDS times), one agency editor
reads its draft and sets a value with If-Match, as an integration would (WRITES times). A fixed
amount of work, not a duration, so a busy machine makes the test slower, never wrong. Then:
no answer is a 500 and every request got an answer; the log has no "database is locked" and
no traceback; every token's use was noted; the Server header does not name gunicorn, and
gunicorn warned at start-up that memory:// rate limits count per worker; every confirmed PATCH
is in the audit trail and the stored value is the last confirmed one.
"""

import http.client
import json
import shutil
import tempfile
import threading
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
ROUNDS = 10  # of three GETs per reader
WRITES = 10  # GET and PATCH by the writer
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
        response.read()
        return response.status, response.headers, response.headers.get("ETag", "")
    finally:
        connection.close()


def _reader(base_url, token, org_number, log):
    paths = ["/cycles", f"/cycles/{YEAR}/submissions", f"/cycles/{YEAR}/submissions/{org_number}"]
    for _round in range(ROUNDS):
        for path in paths:
            try:
                log.append(("GET", _call(base_url, token, "GET", path)[0]))
            except CONNECTION_ERRORS as error:
                log.append(("GET", f"no answer: {type(error).__name__}"))


def _writer(base_url, token, org_number, log, confirmed):
    path = f"/cycles/{YEAR}/submissions/{org_number}"
    value = 7_000_000
    for _round in range(WRITES):
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
                    logs[email],
                    *([confirmed] if email == editor else []),
                ),
                daemon=True,
            )
            for email, token in tokens.items()
        ]
        server_header = _call(server.base_url, "", "GET", "/cycles")[1].get("Server", "")
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        assert not any(thread.is_alive() for thread in threads), "a client hangs"
    finally:
        server.stop()
        server_log = server.log()

    answers = Counter(entry for log in logs.values() for entry in log)
    print(f"\n{sum(answers.values())} API calls from {len(tokens)} clients: {dict(answers)}")
    problems = [f"{count} × {entry}" for entry, count in answers.items() if entry[1] not in (200,)]
    if "gunicorn" in server_header.lower():
        problems.append(f"the Server header names the stack: {server_header}")
    if "RATELIMIT_STORAGE_URI is memory://" not in server_log:
        problems.append("no warning that memory:// limits count per worker")
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
    assert len(confirmed) == WRITES
