"""`flask dataset verify YEAR` and `flask dataset export YEAR FORMAT`."""

import sys
from pathlib import Path

import click
from sqlalchemy import select

from app.cycles.models import Cycle
from app.database import begin_write
from app.datasets.exports import FORMATS, export
from app.datasets.freezing import record_verification, snapshot_of
from app.extensions import db


def _cycle(year: int) -> Cycle:
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None:
        raise click.ClickException(f"There is no cycle for {year}.")
    return cycle


def register(app) -> None:
    dataset = click.Group("dataset", help="The frozen datasets: verify and export.")
    app.cli.add_command(dataset)

    @dataset.command("verify")
    @click.argument("year", type=int)
    def verify_command(year):
        """Recompute the digest of YEAR's frozen dataset; exit 0 on a match, 1 otherwise."""
        begin_write(db.session)
        result = record_verification(_cycle(year), None)  # the page shows when, and the outcome
        db.session.commit()
        if result is None:
            raise click.ClickException(f"The {year} cycle is not frozen: there is no snapshot.")
        click.echo(f"stored digest:            {result.stored}")
        click.echo(f"from the stored snapshot: {result.of_snapshot}")
        click.echo(f"from the cycle's rows:    {result.of_live_rows}")
        if result.ok:
            click.echo(f"match: the {year} dataset is as it was frozen")
            return
        if not result.snapshot_intact:
            click.echo("MISMATCH: the stored snapshot has been altered", err=True)
        if not result.rows_intact:
            click.echo("MISMATCH: the cycle's rows differ from the snapshot", err=True)
        sys.exit(1)

    @dataset.command("export")
    @click.argument("year", type=int)
    @click.argument("kind", type=click.Choice(sorted(FORMATS)))
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
    def export_command(year, kind, output):
        """Write an export of YEAR's frozen dataset (to --output, or a file named after it)."""
        cycle = _cycle(year)
        snapshot = snapshot_of(cycle)
        if snapshot is None:
            raise click.ClickException(f"The {year} cycle is not frozen: there is no snapshot.")
        content, _media_type, name = export(snapshot, year, kind)
        path = output or Path(name)
        path.write_bytes(content)
        click.echo(f"Wrote {path} ({len(content)} bytes, SHA-256 of the dataset {snapshot.digest})")
