"""Building every agency's feedback report of a cycle as one zip, in the scheduler's process:
a request is queued from the web, the job takes it, counts its progress report by report
(committed each time, so the page shows done/total) and writes the zip under REPORTS_DIR."""

import logging
import zipfile
from pathlib import Path

from flask import current_app
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
        for agency in agencies:
            pdf = feedback_report(cycle, agency["org_number"])
            name = agency["name"].replace("/", "-")
            archive.writestr(f"{cycle.year}-{agency['org_number']}-{name}.pdf", pdf)
            begin_write(db.session)
            batch.done += 1
            db.session.commit()
    partial.rename(target)  # a half-written archive is never offered for download


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
