"""How long one feedback report, the cycle summary and the zip of every agency's report take
on the scale data (`flask seed-demo --agencies N`, last year's frozen cycle). Run with `make
bench`; the issue's budget at 340 agencies is one report under 1.5 s and the whole zip under
3 minutes on this 2-core machine. BENCH_ZIP=0 leaves the zip out; REPORT_WORKERS sets how
many processes lay the zip's reports out (default: one per core). Times vary with the machine,
so this is a benchmark, never a test."""

import os
import statistics
import time

from sqlalchemy import select

from app.accounts.models import User
from app.cycles.models import Cycle
from app.extensions import db
from app.reports.batches import request_batch, run_queued_batches
from app.reports.documents import feedback_report, summary_report
from app.roles import Role
from tests.benchmarks.scale_data import landmarks, prepared_app

REPEAT = 3
DEFAULT_SIZES = "10x1 340x1"


def _timed(render) -> tuple[float, float, int]:
    """(median CPU, median wall, size) of REPEAT renders after a warm-up."""
    render()
    cpu, wall, size = [], [], 0
    for _ in range(REPEAT):
        started_cpu, started = time.process_time(), time.perf_counter()
        size = len(render())
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return statistics.median(cpu), statistics.median(wall), size


def _zip(cycle: Cycle) -> float:
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN.value).limit(1))
    request_batch(cycle, admin)
    db.session.commit()
    started = time.perf_counter()
    run_queued_batches()
    return time.perf_counter() - started


def run_size(agencies: int, years: int) -> None:
    app = prepared_app(agencies, years)
    with app.test_request_context():
        marks = landmarks()
        cycle = db.session.scalar(select(Cycle).where(Cycle.year == marks["frozen"]))
        one = _timed(lambda: feedback_report(cycle, marks["org"]))
        summary = _timed(lambda: summary_report(cycle))
        print(f"{agencies} agencies x {years} years:")
        print(f"  feedback report, one agency: CPU {one[0]:.2f} s, wall {one[1]:.2f} s")
        print(f"  cycle summary: CPU {summary[0]:.2f} s, wall {summary[1]:.2f} s")
        print("  budget, one report under 1.5 s:", "met" if one[1] < 1.5 else "NOT MET")
        if os.environ.get("BENCH_ZIP", "1") != "0":
            took = _zip(cycle)
            workers = app.config["REPORT_WORKERS"]
            print(f"  zip of all {agencies} reports, {workers} process(es): {took:.0f} s")
            print("  budget, the zip under 3 minutes:", "met" if took < 180 else "NOT MET")
        db.engine.dispose()


def main() -> None:
    for size in os.environ.get("BENCH_REPORT_SIZES", DEFAULT_SIZES).split():
        agencies, years = (int(part) for part in size.split("x"))
        run_size(agencies, years)


if __name__ == "__main__":
    main()
