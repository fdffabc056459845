"""`make bench-rush`: the deadline rush of issue 14 against gunicorn (4 workers) on
127.0.0.1, with SQLite and, when BENCH_PG_URL names a PostgreSQL database that may be emptied,
with PostgreSQL: 100 Locust users (85 agency editors, 15 reviewers, 1–5 s think time) for
RUSH_SECONDS (default 180). Prints throughput, p50/p95/p99 per request type and the count of
5xx answers. The data is `flask seed-demo --agencies 340` (a copy, for SQLite). gunicorn is
started and always stopped here; Locust only ever talks to 127.0.0.1."""

import csv
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, select, text

from app.accounts.models import User
from app.cycles.models import Cycle
from app.extensions import db
from app.roles import Role
from app.seed import DEMO_PASSWORD, OPEN_YEAR, seed_demo
from app.submissions.models import Submission
from tests.benchmarks.scale_data import REVIEWER, bench_app, bench_dir, prepared_app

BIN = Path(sys.executable).parent
HERE = Path(__file__).parent
USERS, EDITORS, SPAWN_RATE, WORKERS = 100, 85, 10, 4
SECONDS = int(os.environ.get("RUSH_SECONDS", "180"))
AGENCIES = int(os.environ.get("RUSH_AGENCIES", "340"))


def _sqlite_copy(folder: Path) -> str:
    """A private copy of the seeded file, so the rush's writes never reach the benchmarks'."""
    app = prepared_app(AGENCIES, 1)
    with app.app_context():
        source = db.engine.url.database
        db.engine.dispose()
    target = folder / "rush.db"
    with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
        original.backup(copy)
    return f"sqlite:///{target}"


def _postgres(url: str) -> str:
    """Empty the named database, migrate and seed it."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    app = bench_app(url)
    with app.app_context():
        seed_demo(AGENCIES, 1)
        db.engine.dispose()
    return url


def _plan(url: str, folder: Path) -> Path:
    app = bench_app(url)
    with app.app_context():
        open_cycle = db.session.scalar(select(Cycle).where(Cycle.year == OPEN_YEAR))
        drafts = db.session.execute(
            select(User.email, Submission.id)
            .join(Submission, Submission.agency_id == User.agency_id)
            .where(
                Submission.cycle_id == open_cycle.id,
                Submission.status == "draft",
                User.role == Role.AGENCY_EDITOR.value,
            )
            .order_by(Submission.id)
        ).all()
        reviewed = db.session.scalars(
            select(Submission.id).where(
                Submission.cycle_id == open_cycle.id,
                Submission.status.in_(["submitted", "in_review", "clarification"]),
            )
        ).all()
        db.engine.dispose()
    plan = {
        "password": DEMO_PASSWORD,
        "reviewer": REVIEWER,
        "editors": [{"email": e, "submission": s} for e, s in drafts[:EDITORS]],
        "reviewed": list(reviewed),
    }
    path = folder / "plan.json"
    path.write_text(json.dumps(plan))
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped before it answered")
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=5):  # noqa: S310 - 127.0.0.1
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within two minutes")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


def _rush(url: str, folder: Path, plan: Path) -> Path:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-rush",
        "GRANSKA_INSTANCE_DIR": str(folder),
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "MAIL_SERVER": "",
        "PUBLIC_URL": base,
    }
    log = (folder / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [BIN / "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "wsgi:app"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    prefix = folder / "rush"
    try:
        _wait_until_up(base, server)
        subprocess.run(
            [
                BIN / "locust",
                "-f",
                HERE / "rush" / "locustfile.py",
                "--headless",
                "--host",
                base,
                "--users",
                str(USERS),
                "--spawn-rate",
                str(SPAWN_RATE),
                "--run-time",
                f"{SECONDS}s",
                "--stop-timeout",
                "10",
                "--csv",
                prefix,
                "--only-summary",
            ],
            env={**os.environ, "RUSH_PLAN": str(plan)},
            check=False,
            timeout=SECONDS + 300,
            stdout=subprocess.DEVNULL,
        )
    finally:
        _stop(server)
        log.close()
    return prefix


def _report(name: str, prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    server_errors = 0
    with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if re.search(r"\b5\d\d\b", row["Error"]):
                server_errors += int(row["Occurrences"])
    print(f"\n{name}: {USERS} users ({EDITORS} editors), {SECONDS} s, gunicorn -w {WORKERS}")
    print(f"{'request':28} {'count':>6} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for row in rows:
        print(
            f"{row['Name'][:28]:28} {row['Request Count']:>6} {row['Failure Count']:>5} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")
    steady = _steady_p95(prefix)
    print(f"throughput {float(total['Requests/s']):.1f} requests/s; 5xx answers: {server_errors}")
    print(f"p95 of the second half (after the logins), median of 10 s windows: {steady} ms")
    return {
        "throughput": float(total["Requests/s"]),
        "p95": total["95%"],
        "p95_second_half": steady,
        "server_errors": server_errors,
    }


def _steady_p95(prefix: Path) -> float | None:
    """Locust writes, every second, the p95 of the last 10 s; the median of those over the
    second half of the run is the rush once every user has logged in."""
    with open(f"{prefix}_stats_history.csv", encoding="utf-8") as handle:
        windows = [
            float(row["95%"])
            for row in csv.DictReader(handle)
            if row["Name"] == "Aggregated" and row["95%"] not in ("N/A", "0", "")
        ]
    second_half = windows[len(windows) // 2 :]
    return statistics.median(second_half) if second_half else None


def main() -> None:
    targets = [("SQLite", None)]
    if os.environ.get("BENCH_PG_URL"):
        targets.append(("PostgreSQL", os.environ["BENCH_PG_URL"]))
    results = {}
    for name, pg_url in targets:
        folder = Path(tempfile.mkdtemp(prefix="rush-", dir=bench_dir()))
        try:
            url = _postgres(pg_url) if pg_url else _sqlite_copy(folder)
            prefix = _rush(url, folder, _plan(url, folder))
            results[name] = _report(name, prefix)
        finally:
            for kept in ("gunicorn.log", "rush_stats.csv", "rush_stats_history.csv"):
                if (folder / kept).exists():
                    shutil.copy(folder / kept, bench_dir() / f"rush-{name}-{kept}")
            shutil.rmtree(folder, ignore_errors=True)
    (bench_dir() / "rush.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
