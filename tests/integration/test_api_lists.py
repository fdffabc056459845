"""The API's list of a cycle's submissions at the size of the demo: each item's counts are the
ones the submission's own answer gives, and the page costs the same statements for a hundred
submissions as for one (it asked for each submission's warnings one by one: 506 statements for
a page at 340 agencies)."""

from sqlalchemy import select

from app.accounts.models import User
from app.api.tokens import create_token
from app.extensions import db
from app.seed import OPEN_YEAR, seed_demo

API = "/api/v1"


def _token(email: str) -> str:
    user = db.session.scalar(select(User).where(User.email == email))
    _token_row, raw = create_token(user, "test", 30)
    db.session.commit()
    return raw


def _get(client, path: str, token: str):
    response = client.raw.get(API + path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, (path, response.get_data(as_text=True))
    return response.get_json()


def test_the_list_counts_each_submissions_warnings_as_its_own_answer_does(client):
    seed_demo(10, 1)
    token = _token("granskare@granska.example")
    items = _get(client, f"/cycles/{OPEN_YEAR}/submissions", token)["items"]
    assert len(items) == 10
    for item in items:
        one = _get(client, f"/cycles/{OPEN_YEAR}/submissions/{item['agency']['org_number']}", token)
        assert item["warnings"] == len(one["warnings_list"]), item["agency"]["name"]
        assert item["open_questions"] == one["open_questions"]
    # The demo's answers against last year and the peer ranges give warnings to count.
    assert sum(item["warnings"] for item in items) > 0


def test_the_list_asks_the_same_statements_for_ten_submissions_as_for_one(client, count_queries):
    seed_demo(10, 1)
    staff = _token("granskare@granska.example")
    agency = _token("redaktor@skatteverket.example")
    path = f"/cycles/{OPEN_YEAR}/submissions"
    counts, groups = {}, {}
    for who, token in (("staff", staff), ("agency", agency)):
        _get(client, path, token)  # a first call reads the questionnaire once per process
        with count_queries() as counter:
            items = _get(client, path, token)["items"]
        counts[who] = (len(items), counter.count)
        groups[who] = {item["agency"]["peer_group"] for item in items}
    assert counts["staff"][0] == 10 and counts["agency"][0] == 1
    # The same, but for the version of each further peer group's statistics: one statement
    # per group (three), whatever the number of agencies in them.
    further_groups = len(groups["staff"]) - len(groups["agency"])
    assert counts["staff"][1] == counts["agency"][1] + further_groups, (counts, groups)
