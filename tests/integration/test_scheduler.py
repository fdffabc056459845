"""The scheduler: its own process (`flask scheduler`), never part of the web app, with two jobs
of stable ids that run at start and then on their interval."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.notifications import jobs
from tests import factories
from tests.processes import end

ROOT = Path(__file__).resolve().parents[2]


def test_the_scheduler_has_two_jobs_with_stable_ids_that_never_overlap(app):
    scheduler = jobs.build_scheduler(app)
    found = {job.id: job for job in scheduler.get_jobs()}
    assert set(found) == {"sweep-reminders", "send-outbox", "build-report-batches"}
    for job in found.values():
        assert job.coalesce is True and job.max_instances == 1
        assert job.func_ref.startswith("app.notifications.jobs:")
    assert str(scheduler.timezone) == "Europe/Stockholm"
    assert found["sweep-reminders"].trigger.interval.total_seconds() == 5 * 60


def test_the_web_app_starts_no_scheduler(app):
    import threading

    names = {thread.name for thread in threading.enumerate()}
    assert not any("APScheduler" in name or "scheduler" in name.lower() for name in names)


def test_the_scheduler_process_sends_the_outbox_at_start(app, client, login, mailbox):
    cycle = factories.make_cycle()
    agency = factories.make_agency(contact_email="registrator@myndighet.example")
    submission = factories.make_submission(cycle, agency)
    login("agency_editor", agency=agency)
    client.post(f"/submissions/{submission.id}/transitions/submit")
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(app.config["MAIL_PORT"]),
        "SECRET_KEY": "test",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = ""
    try:
        # Generous: a loaded machine may take long to start Python and Flask; the loop ends as
        # soon as both messages are in.
        deadline = time.monotonic() + 180
        while len(mailbox) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
    finally:
        output = end(process, signal.SIGINT)  # ended here, whatever happened above
    assert len(mailbox) == 2, output
    assert "Scheduler running" in output and "Scheduler stopped." in output
