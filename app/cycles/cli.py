"""Operator commands for cycles and the workflow documentation."""

from datetime import date
from pathlib import Path

import click
from sqlalchemy import select

from app.accounts.models import User
from app.cycles.models import Cycle
from app.cycles.operations import (
    CycleData,
    CycleTransitionRefused,
    create_cycle,
    fire_cycle_transition,
    participant_ids,
)
from app.errors import FieldErrors
from app.extensions import db
from app.roles import Role
from app.workflow_messages import refusal_message
from workflows import docs


class _Operator:
    """The actor of CLI commands: the operator acts as an administrator."""

    id = None
    role = Role.ADMIN.value
    is_agency_user = False


def _date(_ctx, _param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _operator(email: str | None):
    if email is None:
        return _Operator()
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    if user is None or user.role != Role.ADMIN:
        raise click.ClickException(f"no administrator {email}")
    return user


def register(app) -> None:
    cycles = click.Group("cycles", help="Create, list and move annual cycles.")
    app.cli.add_command(cycles)

    @cycles.command("create")
    @click.argument("year", type=int)
    @click.option("--title", required=True, help="The title in Swedish.")
    @click.option("--title-en", help="The title in English (pages in English show it).")
    @click.option("--opens", required=True, callback=_date)
    @click.option("--deadline", required=True, callback=_date)
    @click.option("--review-deadline", required=True, callback=_date)
    @click.option("--copy-from", type=int, help="Take the participants of this year's cycle.")
    def create(year, title, title_en, opens, deadline, review_deadline, copy_from):
        """Create a planned cycle (participants: every active agency, or those of --copy-from)."""
        try:
            cycle = create_cycle(
                CycleData(year, title, opens, deadline, review_deadline, title_en=title_en),
                _Operator(),
                copy_from_year=copy_from,
            )
        except FieldErrors as error:
            db.session.rollback()
            raise click.ClickException(" ".join(error.errors.values())) from None
        db.session.commit()
        click.echo(f"Created cycle {cycle.year} with {len(participant_ids(cycle))} participants")

    @cycles.command("transition")
    @click.argument("year", type=int)
    @click.argument("trigger", type=click.Choice(["open", "close", "approve", "publish"]))
    @click.option("--reason", default="")
    @click.option("--as", "email", help="Record the change under this administrator.")
    def transition(year, trigger, reason, email):
        """Fire a cycle transition (open, close, approve, publish)."""
        try:
            cycle = fire_cycle_transition(year, trigger, _operator(email), reason)
        except LookupError:
            raise click.ClickException(f"no cycle {year}") from None
        except CycleTransitionRefused as refused:
            db.session.rollback()
            raise click.ClickException(refusal_message(refused.refusal, cycle=True)) from None
        db.session.commit()
        click.echo(f"Cycle {year} is now {cycle.status}")

    @cycles.command("list")
    def list_cycles():
        """List cycles with their status and key dates."""
        for cycle in db.session.scalars(select(Cycle).order_by(Cycle.year)):
            click.echo(
                f"{cycle.year}\t{cycle.status}\t{cycle.opens_on}\t"
                f"{cycle.submission_deadline}\t{cycle.review_deadline}\t{cycle.title}"
            )

    workflow = click.Group("workflow", help="Documentation generated from the workflow tables.")
    app.cli.add_command(workflow)

    @workflow.command("diagram")
    @click.option(
        "--readme",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Replace the generated section of this Markdown file instead of printing.",
    )
    def diagram(readme):
        """Mermaid state diagrams and who-may-do-what tables of both workflows."""
        if readme is None:
            click.echo(docs.markdown())
            return
        readme.write_text(
            docs.replace_section(readme.read_text(encoding="utf-8")), encoding="utf-8"
        )
        click.echo(f"Updated {readme}")
