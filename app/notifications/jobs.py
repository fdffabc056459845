"""The scheduler's jobs, and the scheduler itself (`flask scheduler`, one process of its own).

The jobs are plain functions, importable by their textual reference, with stable ids. The
scheduler is never started by `create_app` or a web worker: two schedulers would do no harm
(every reminder has a unique key and a message is claimed before it is sent), but one is
enough. A sweep missed while the process was down is made up by the next one, once: it sends
the latest reminder of each series that is still of use, not every one it missed.
"""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app.extensions import db
from app.notifications.reminders import sweep
from app.notifications.sender import SendReport, send_due
from app.timeutil import today_in_stockholm

log = logging.getLogger(__name__)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SWEEP_MINUTES = 5
SEND_SECONDS = 30
REPORT_SECONDS = 10
_app: Flask | None = None


def sweep_reminders() -> int:
    """One sweep: the reminders due today into the outbox, in one transaction."""
    with _app.app_context():
        try:
            queued = sweep(today_in_stockholm())
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        if queued:
            log.info("Queued %d reminders", queued)
        return queued


def send_outbox() -> SendReport:
    with _app.app_context():
        report = send_due()
        if report.sent or report.failed or report.skipped:
            log.info(
                "Outbox: %d sent, %d failed, %d skipped", report.sent, report.failed, report.skipped
            )
        return report


def build_report_batches() -> int:
    """Every queued batch of feedback reports, one after the other."""
    from app.reports.batches import run_queued_batches

    with _app.app_context():
        return run_queued_batches()


def bind(app: Flask) -> None:
    """The app whose database and mail settings the jobs use."""
    global _app
    _app = app


def build_scheduler(app: Flask) -> BlockingScheduler:
    bind(app)
    scheduler = BlockingScheduler(timezone=STOCKHOLM)
    # At start, each job runs at once (making up for the time the process was down); a backlog
    # of missed runs becomes one run; a run never overlaps itself.
    now = datetime.now(STOCKHOLM)
    once = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
    scheduler.add_job(
        "app.notifications.jobs:sweep_reminders",
        "interval",
        minutes=SWEEP_MINUTES,
        id="sweep-reminders",
        replace_existing=True,
        next_run_time=now,
        **once,
    )
    scheduler.add_job(
        "app.notifications.jobs:send_outbox",
        "interval",
        seconds=SEND_SECONDS,
        id="send-outbox",
        replace_existing=True,
        next_run_time=now,
        **once,
    )
    scheduler.add_job(
        "app.notifications.jobs:build_report_batches",
        "interval",
        seconds=REPORT_SECONDS,
        id="build-report-batches",
        replace_existing=True,
        next_run_time=now,
        **once,
    )
    return scheduler
