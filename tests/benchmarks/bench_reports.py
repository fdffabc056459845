"""How long one feedback report and the cycle summary take to render, on the demo data
(70 agencies, last year's frozen cycle). Run with `make bench`; the issue's budget is under
3 seconds for one report on this 2-core machine. Times vary with the machine, so this is a
benchmark, never a test."""

import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app
from app.accounts.models import Agency
from app.cycles.models import Cycle
from app.extensions import db
from app.reports.documents import feedback_report, summary_report
from app.seed import seed_demo

REPEAT = 5


def _timed(render) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        size = len(render())
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
                "SECRET_KEY": "bench",
                "MAIL_SERVER": "",
            }
        )
        with app.app_context():
            upgrade()
            seed_demo()
        with app.test_request_context():
            cycle = db.session.scalar(select(Cycle).where(Cycle.year == 2025))
            agency = db.session.scalar(select(Agency).where(Agency.name == "Skatteverket"))
            one, one_size = _timed(lambda: feedback_report(cycle, agency.org_number))
            summary, summary_size = _timed(lambda: summary_report(cycle))
        print(f"feedback report, one agency: median {one:.2f} s of {REPEAT} ({one_size} bytes)")
        print(f"cycle summary: median {summary:.2f} s of {REPEAT} ({summary_size} bytes)")
        print("budget: under 3 s for one report:", "met" if one < 3 else "NOT MET")


if __name__ == "__main__":
    main()
