"""`flask questionnaire export|import|schema`: a cycle's questionnaire as a file."""

import json
from pathlib import Path

import click
from sqlalchemy import select

from app.cycles.models import Cycle
from app.cycles.questionnaire_document import SCHEMA, document_of, dumps, loads_with_lines
from app.cycles.questionnaire_import import QuestionnaireRefused, import_questionnaire
from app.extensions import db

_FILE = click.Path(dir_okay=False, path_type=Path)


def _cycle(year: int) -> Cycle:
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None:
        raise click.ClickException(f"no cycle {year}")
    return cycle


def register(app) -> None:
    group = click.Group("questionnaire", help="A cycle's questionnaire as a JSON file.")
    app.cli.add_command(group)

    @group.command("export")
    @click.argument("year", type=int)
    @click.argument("file", type=_FILE)
    def export(year, file):
        """Write YEAR's questionnaire to FILE (- for standard output)."""
        text = dumps(document_of(_cycle(year)))
        if str(file) == "-":
            click.echo(text, nl=False)
        else:
            file.write_text(text, encoding="utf-8")
            click.echo(f"Wrote the {year} questionnaire to {file}")

    @group.command("import")
    @click.argument("year", type=int)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_(year, file):
        """Make FILE the questionnaire of YEAR's planned cycle: all or nothing."""
        cycle = _cycle(year)
        try:
            document, lines = loads_with_lines(file.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            line = getattr(error, "lineno", 1)
            raise click.ClickException(f"{file}:{line}: not JSON: {error}") from None
        try:
            import_questionnaire(cycle, document, lines)
        except QuestionnaireRefused as refused:
            db.session.rollback()
            for problem in refused.problems:
                click.echo(f"{file}:{problem.line}: {problem.where}: {problem.message}", err=True)
            raise click.ClickException(
                f"nothing imported: {len(refused.problems)} problem(s)"
            ) from None
        db.session.commit()
        click.echo(f"Imported {file} as the {year} questionnaire")

    @group.command("schema")
    @click.argument("file", type=_FILE)
    def schema(file):
        """Write the file format's JSON Schema to FILE (- for standard output)."""
        text = json.dumps(SCHEMA, ensure_ascii=False, indent=2) + "\n"
        if str(file) == "-":
            click.echo(text, nl=False)
        else:
            file.write_text(text, encoding="utf-8")
            click.echo(f"Wrote the schema to {file}")
