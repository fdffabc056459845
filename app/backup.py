"""`flask backup FILE`: a consistent copy of a live SQLite database, taken with SQLite's online
backup API while the app keeps running. PostgreSQL is backed up with pg_dump (README)."""

import sqlite3
import sys
from pathlib import Path

import click

from app.extensions import db


def backup_sqlite(target: Path) -> int:
    """Copy the database page by page; writers wait briefly, readers go on. Returns the size."""
    source_path = db.engine.url.database
    source = sqlite3.connect(source_path)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination, pages=1024)
    finally:
        destination.close()
        source.close()
    return target.stat().st_size


def register(app) -> None:
    @app.cli.command("backup")
    @click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(target):
        """Write a consistent copy of the SQLite database to TARGET."""
        if db.engine.dialect.name != "sqlite":
            click.echo(
                "The database is PostgreSQL: back it up with pg_dump (see README).", err=True
            )
            sys.exit(1)
        if target.exists():
            raise click.ClickException(f"{target} exists; choose a new file.")
        size = backup_sqlite(target)
        click.echo(f"Wrote {target} ({size} bytes). Check it with: flask audit verify")
