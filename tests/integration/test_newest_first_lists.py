"""The lists that only grow, read newest first: the administrators' outbox (every message ever
sent, some 2 500 a year at 340 agencies) and a user's inbox (a reviewer's gets a notice per
submission). A page of fifty must be read from an index, never by sorting or reading every
row, so its cost does not grow with the years; and what it shows stays right."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, insert

from app.extensions import db
from app.notifications.models import Notification, OutboxMessage
from app.timeutil import utcnow
from tests import factories

KINDS = ("submit", "approve", "cycle_opened")
STATES = ("sent", "sent", "sent", "failed")


@pytest.fixture
def statements(app):
    """The SQL statements and parameters run while the block is open."""
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def _messages(count: int) -> None:
    start = utcnow() - timedelta(days=count)
    rows = [
        {
            "created_at": start + timedelta(hours=n),
            "key": f"message-{n}",
            "kind": KINDS[n % len(KINDS)],
            "recipient": _to(n),
            "subject": f"Meddelande {n}",
            "body": "Text",
            "status": STATES[n % len(STATES)],
        }
        for n in range(count)
    ]
    db.session.execute(insert(OutboxMessage), rows)
    db.session.commit()


def _to(n: int) -> str:
    return f"registrator-{n}@myndighet.example"


def _plans(statements, table: str) -> list[str]:
    """SQLite's plan of each statement that read the table."""
    plans = []
    with db.engine.connect() as connection:
        for statement, parameters in list(statements):  # not the EXPLAINs added below
            if f"FROM {table}" in statement:
                rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                plans.append(" / ".join(row[-1] for row in rows))
    return plans


def _reads_only_from_an_index(plan: str, table: str) -> bool:
    steps = plan.split(" / ")
    sorted_in_memory = any("TEMP B-TREE" in step for step in steps)
    whole_table = any(step.startswith(f"SCAN {table}") and "INDEX" not in step for step in steps)
    return not sorted_in_memory and not whole_table


def test_the_outbox_shows_the_newest_first_in_pages_and_its_kinds(client, login):
    _messages(120)
    login("admin")
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert _to(119) in page and _to(70) in page and _to(69) not in page
    assert page.index(_to(119)) < page.index(_to(118))
    second = client.get("/admin/outbox/?page=2").get_data(as_text=True)
    assert _to(69) in second and _to(119) not in second
    failed = client.get("/admin/outbox/?state=failed").get_data(as_text=True)
    assert _to(119) in failed and _to(118) not in failed  # 119 % 4 == 3: failed
    submits = client.get("/admin/outbox/?kind=submit").get_data(as_text=True)
    assert _to(117) in submits and _to(118) not in submits  # 117 % 3 == 0: submit
    # The kind menu lists the kinds there are, each once, and only those.
    menu = page[page.index('id="kind"') : page.index("</select>", page.index('id="kind"'))]
    assert menu.count("<option") == 1 + len(KINDS)
    assert 'value="approve"' in menu and 'value="answer_clarification"' not in menu
    # The states' counts: every message, and each state's (the sent ones counted as the rest).
    tabs = page[
        page.index('class="status-counts"') : page.index("</ul>", page.index("status-counts"))
    ]
    counts = dict(
        (label.strip(), int(n))
        for n, label in re.findall(r'<span class="count">(\d+)</span>([^<]+)</a>', tabs)
    )
    assert counts["Alla"] == 120 and counts["Skickat"] == 90 and counts["Misslyckades"] == 30
    assert counts["I kö"] == 0


@pytest.mark.parametrize(
    "path", ["/admin/outbox/", "/admin/outbox/?state=sent", "/admin/outbox/?kind=submit"]
)
def test_an_outbox_page_reads_its_rows_from_an_index(client, login, statements, path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plans; PostgreSQL chooses by its statistics")
    _messages(300)
    login("admin")
    statements.clear()
    assert client.get(path).status_code == 200
    plans = _plans(statements, "outbox_message")
    assert len(plans) >= 3, plans  # the page, its count, the states and the kinds
    for plan in plans:
        assert _reads_only_from_an_index(plan, "outbox_message"), (path, plan)


def test_an_inbox_page_reads_its_rows_from_an_index(client, login, statements):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plans; PostgreSQL chooses by its statistics")
    reviewer = login("reviewer")
    other = factories.make_user("reviewer")
    cycle, agency = factories.make_cycle(), factories.make_agency()
    submission = factories.make_submission(cycle, agency, "submitted")
    start = utcnow() - timedelta(days=400)
    db.session.execute(
        insert(Notification),
        [
            {
                "key": f"notice-{n}",
                "user_id": (reviewer.id, other.id)[n % 2],
                "kind": "submit",
                "submission_id": submission.id,
                "created_at": start + timedelta(hours=n),
            }
            for n in range(300)
        ],
    )
    db.session.commit()
    statements.clear()
    assert client.get("/notifications/").status_code == 200
    plans = _plans(statements, "notification")
    assert plans, "the inbox read no notices"
    for plan in plans:
        assert _reads_only_from_an_index(plan, "notification"), plan
