"""The scale data the benchmarks run on: `flask seed-demo --agencies N --years Y` written once
into a SQLite file under BENCH_DIR (default /tmp/granska-bench) and reused by later runs, since
seeding 340 agencies and ten years takes minutes. Delete the folder (or set BENCH_FRESH=1) after
a change to the seed. The migrations are run on every use, so a reused file gets new tables."""

import os
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app
from app.accounts.models import Agency
from app.cycles.models import Cycle
from app.extensions import db
from app.seed import OPEN_YEAR, seed_demo
from app.submissions.models import Submission

HOME = "Skatteverket"
EDITOR = "redaktor@skatteverket.example"
REVIEWER = "granskare@granska.example"
ADMIN = "admin@granska.example"


def bench_dir() -> Path:
    default = "/tmp/granska-bench"  # noqa: S108 - a benchmark's scratch folder, reused on purpose
    folder = Path(os.environ.get("BENCH_DIR", default))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def bench_app(uri: str, **config):
    """The app on the given database, migrated."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "SECRET_KEY": "bench",
            "MAIL_SERVER": "",
            "LOGIN_RATE_LIMIT": "100000 per minute",
            "REPORTS_DIR": str(bench_dir() / "reports"),
            **config,
        }
    )
    with app.app_context():
        upgrade()
    return app


def prepared_app(agencies: int, years: int):
    """An app on the seeded file for this size; seeds it first if it is not there."""
    path = bench_dir() / f"demo-{agencies}x{years}.db"
    if os.environ.get("BENCH_FRESH") and path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    fresh = not path.exists()
    app = bench_app(f"sqlite:///{path}")
    if fresh:
        with app.app_context():
            start = time.perf_counter()
            seed_demo(agencies, years)
            took = time.perf_counter() - start
            print(f"seeded {agencies} agencies x {years} years in {took:.0f} s")
    return app


def landmarks() -> dict:
    """Ids and numbers the benchmarks visit, in an app context: the home agency, its open
    submission, a handed-in submission of its peer group to review, the frozen year."""
    home = db.session.scalar(select(Agency).where(Agency.name == HOME))
    open_cycle = db.session.scalar(select(Cycle).where(Cycle.year == OPEN_YEAR))
    own = db.session.scalar(
        select(Submission.id).where(
            Submission.cycle_id == open_cycle.id, Submission.agency_id == home.id
        )
    )
    reviewed, reviewed_org = db.session.execute(
        select(Submission.id, Agency.org_number)
        .join(Agency, Agency.id == Submission.agency_id)
        .where(
            Submission.cycle_id == open_cycle.id,
            Agency.peer_group_id == home.peer_group_id,
            Submission.status.in_(["submitted", "in_review", "clarification"]),
        )
        .order_by(Agency.name)
        .limit(1)
    ).one()
    return {
        "org": home.org_number,
        "own": own,
        "reviewed": reviewed,
        "reviewed_org": reviewed_org,
        "open": OPEN_YEAR,
        "frozen": OPEN_YEAR - 1,
    }
