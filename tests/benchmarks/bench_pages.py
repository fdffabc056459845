"""Query counts and response times of the main pages with 10, 70 and 340 agencies.

Run with `make bench`. Not part of the test suite: times depend on the machine, so they are
reported as ratios against the smallest size; query counts must not grow with the size.
"""

import statistics
import tempfile
import time
from pathlib import Path

from flask.globals import _cv_app
from flask_migrate import upgrade
from sqlalchemy import event, select

from app import create_app
from app.accounts.models import Role
from app.cycles.models import Cycle
from app.extensions import db
from app.submissions.models import Submission
from tests import factories

SIZES = (10, 70, 340)
REPEAT = 7


def _app(folder: Path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "SECRET_KEY": "bench",
            "LOGIN_RATE_LIMIT": "100000 per minute",
        }
    )
    with app.app_context():
        upgrade()
    return app


def _populate(size: int):
    cycle = factories.make_cycle(year=2026, questionnaire=True)
    states = ["draft", "submitted", "in_review", "clarification", "approved"]
    for index in range(size):
        agency = factories.make_agency(name=f"Myndighet {index:03d}")
        factories.make_submission(cycle, agency, states[index % len(states)])
    editor = factories.make_user(Role.AGENCY_EDITOR, agency=agency)
    return cycle, editor


def _measure(app, client, path):
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    times = []
    for _ in range(REPEAT):
        statements.clear()
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    event.remove(engine, "before_cursor_execute", count)
    return len(statements), statistics.median(times)


def _login(client, email):
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/login", data={"email": email, "password": factories.DEFAULT_PASSWORD, "csrf_token": token}
    )


def run():
    results = {}
    for size in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            app = _app(Path(folder))
            with app.app_context():
                cycle, editor = _populate(size)
                admin = factories.make_user(Role.ADMIN)
                reviewer = factories.make_user(Role.REVIEWER)
                submission_id = db.session.scalar(
                    select(Submission.id).where(Submission.agency_id == editor.agency_id)
                )
                users = {"admin": admin.email, "reviewer": reviewer.email, "editor": editor.email}
                year = db.session.get(Cycle, cycle.id).year
            pages = [
                ("admin", "/admin/"),
                ("admin", f"/admin/cycles/{year}"),
                ("admin", "/admin/agencies"),
                ("reviewer", "/review/?cycle="),
                ("reviewer", f"/submissions/{submission_id}"),
                ("editor", "/agency/"),
                ("editor", f"/submissions/{submission_id}"),
                ("editor", f"/submissions/{submission_id}/sections/it_costs"),
                ("editor", f"/submissions/{submission_id}/summary"),
            ]
            token = _cv_app.set(None)
            try:
                for who in ("admin", "reviewer", "editor"):
                    client = app.test_client()
                    _login(client, users[who])
                    for owner, path in pages:
                        if owner == who:
                            label = path.replace(str(submission_id), "<id>")
                            results[(label, size)] = _measure(app, client, path)
            finally:
                _cv_app.reset(token)
    _report(results)


def _report(results):
    print(f"{'page':45} " + " ".join(f"{f'{n} agencies':>22}" for n in SIZES))
    for label in dict.fromkeys(label for label, _ in results):
        base = results[(label, SIZES[0])][1]
        cells = [
            f"{results[(label, n)][0]:>3} q {results[(label, n)][1] * 1000:6.1f} ms "
            f"×{results[(label, n)][1] / base:4.1f}"
            for n in SIZES
        ]
        print(f"{label:45} " + " ".join(f"{cell:>22}" for cell in cells))


if __name__ == "__main__":
    run()
