"""Building every agency's feedback report of a cycle as one zip, in the scheduler's process:
a request is queued from the web, the job takes it, counts its progress report by report
(committed each time, so the page shows done/total) and writes the zip under REPORTS_DIR.

Laying out a report is WeasyPrint's work on one core (most of a report's second), so the
reports are laid out in REPORT_WORKERS processes side by side, each an app of its own on the
same settings and database, at a lower priority than the web server; the scheduler writes
them into the zip in order as they come back."""

import logging
import os
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select, update

from app.cycles.models import Cycle
from app.database import begin_write
from app.extensions import db
from app.reports.analysis import dataset_of
from app.reports.documents import feedback_report
from app.reports.models import BatchState, ReportBatch
from app.timeutil import utcnow

log = logging.getLogger(__name__)
UNFINISHED = (BatchState.QUEUED, BatchState.RUNNING)


def latest_batch(cycle: Cycle) -> ReportBatch | None:
    return db.session.scalar(
        select(ReportBatch)
        .where(ReportBatch.cycle_id == cycle.id)
        .order_by(ReportBatch.id.desc())
        .limit(1)
    )


def request_batch(cycle: Cycle, actor) -> ReportBatch:
    """Queue a batch, unless one for the cycle is already queued or running."""
    begin_write(db.session)
    current = latest_batch(cycle)
    if current is not None and current.status in UNFINISHED:
        return current
    batch = ReportBatch(cycle_id=cycle.id, requested_by_id=actor.id, requested_at=utcnow())
    db.session.add(batch)
    db.session.flush()
    return batch


def archive_path(batch: ReportBatch) -> Path:
    return Path(current_app.config["REPORTS_DIR"]) / batch.file_name


def _claim_next() -> ReportBatch | None:
    begin_write(db.session)
    batch_id = db.session.scalar(
        select(ReportBatch.id)
        .where(ReportBatch.status == BatchState.QUEUED)
        .order_by(ReportBatch.id)
        .limit(1)
    )
    if batch_id is None:
        db.session.rollback()
        return None
    claimed = db.session.execute(
        update(ReportBatch)
        .where(ReportBatch.id == batch_id, ReportBatch.status == BatchState.QUEUED)
        .values(status=BatchState.RUNNING.value, started_at=utcnow())
    ).rowcount
    db.session.commit()
    return db.session.get(ReportBatch, batch_id) if claimed else None


def _build(batch: ReportBatch) -> None:
    cycle = db.session.get(Cycle, batch.cycle_id)
    agencies = [s["agency"] for s in dataset_of(cycle).submissions]
    batch.total, batch.file_name = len(agencies), f"granska-{cycle.year}-rapporter-{batch.id}.zip"
    db.session.commit()
    target = archive_path(batch)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        org_numbers = [agency["org_number"] for agency in agencies]
        with closing(_reports(cycle, org_numbers)) as reports:
            for agency, pdf in zip(agencies, reports, strict=True):
                name = agency["name"].replace("/", "-")
                archive.writestr(f"{cycle.year}-{agency['org_number']}-{name}.pdf", pdf)
                begin_write(db.session)
                batch.done += 1
                db.session.commit()
    partial.rename(target)  # a half-written archive is never offered for download


def _reports(cycle: Cycle, org_numbers: list[str]) -> Iterator[bytes | None]:
    """Each agency's report, in the order given."""
    workers = current_app.config["REPORT_WORKERS"]
    if workers < 2 or len(org_numbers) <= workers:  # not worth starting processes for
        for org_number in org_numbers:
            yield feedback_report(cycle, org_number)
        return
    # spawn, not fork: the scheduler runs its jobs in threads, and a forked copy of a
    # process with threads can inherit a lock that no thread will ever release.
    executor = ProcessPoolExecutor(
        workers,
        mp_context=get_context("spawn"),
        initializer=_start_worker,
        initargs=(current_app.extensions["granska.factory"], _worker_settings()),
    )
    try:
        yield from executor.map(_worker_report, repeat(cycle.id), org_numbers)
    finally:  # a failed report or a failed write stops the rest: nothing is left running
        executor.shutdown(wait=True, cancel_futures=True)


def _worker_settings() -> dict:
    return {key: value for key, value in current_app.config.items() if key.isupper()}


_worker_app: Flask | None = None


def _start_worker(factory: Callable[[dict], Flask], settings: dict) -> None:
    global _worker_app
    os.nice(10)  # a page asked for during the batch comes before the batch
    _worker_app = factory(settings)


def _worker_report(cycle_id: int, org_number: str) -> bytes | None:
    assert _worker_app is not None, "started by _start_worker"
    with _worker_app.app_context():
        return feedback_report(db.session.get(Cycle, cycle_id), org_number)


def run_queued_batches() -> int:
    """Build every queued batch; returns how many were built."""
    built = 0
    while (batch := _claim_next()) is not None:
        try:
            _build(batch)
        except Exception as error:  # any failure is recorded on the batch and shown in the UI
            db.session.rollback()
            log.exception("Report batch %s failed", batch.id)
            begin_write(db.session)
            batch.status, batch.error = BatchState.FAILED.value, str(error)[:1000]
        else:
            begin_write(db.session)
            batch.status = BatchState.DONE.value
            built += 1
        batch.finished_at = utcnow()
        db.session.commit()
    return built
