"""Operator commands for accounts and agencies. Each exits non-zero with a one-line reason."""

import click
from flask_babel import force_locale
from sqlalchemy import select

from app.accounts.agency_import import import_agencies
from app.accounts.models import Agency, User
from app.accounts.operations import UserData, create_user, password_problem
from app.accounts.org_number import InvalidOrgNumber, normalise_org_number
from app.errors import FieldErrors
from app.extensions import db
from app.roles import Role


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _create_user(email, role, name, password, org_number=None, ministry=None) -> User:
    agency_id = None
    if Role(role).is_agency_role:
        if not org_number:
            _fail(f"role {role} needs --agency ORG_NUMBER")
        try:
            org_number = normalise_org_number(org_number)
        except InvalidOrgNumber:
            _fail(f"invalid organisation number: {org_number}")
        agency_id = db.session.scalar(select(Agency.id).where(Agency.org_number == org_number))
        if agency_id is None:
            _fail(f"no agency with organisation number {org_number}")
    elif org_number:
        _fail(f"role {role} does not belong to an agency; leave out --agency")
    if role == Role.MINISTRY and not ministry:
        _fail("role ministry needs --ministry NAME (the ministry of its agencies)")
    if role != Role.MINISTRY and ministry:
        _fail(f"role {role} does not belong to a ministry; leave out --ministry")
    problem = password_problem(password)
    if problem:
        _fail(problem)
    try:
        data = UserData(email, name or email.split("@")[0], role, agency_id, ministry)
        user = create_user(data, password)
    except FieldErrors as error:
        _fail(" ".join(error.errors.values()))
    db.session.commit()
    return user


def register(app) -> None:
    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.password_option()
    def create_admin(email, name, password):
        """Create an administrator."""
        user = _create_user(email, Role.ADMIN.value, name, password)
        click.echo(f"Created administrator {user.email}")

    users = click.Group("users", help="Manage user accounts.")
    app.cli.add_command(users)

    @users.command("create")
    @click.argument("email")
    @click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--agency", "org_number", help="Organisation number (agency roles).")
    @click.option("--ministry", help="The ministry, as the agencies' register names it.")
    @click.option("--name")
    @click.password_option()
    def create(email, role, org_number, ministry, name, password):
        """Create a user; prompts for the password when not given."""
        user = _create_user(email, role, name, password, org_number, ministry)
        click.echo(f"Created {user.role} {user.email}")

    @app.cli.command("import-agencies")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option(
        "--create-peer-groups",
        is_flag=True,
        help="Create the peer groups the file names that do not exist yet.",
    )
    def import_agencies_command(path, create_peer_groups):
        """Import agencies from a CSV or .xlsx file (all rows or none)."""
        with open(path, "rb") as handle, force_locale("en"):  # the CLI speaks English only
            result = import_agencies(handle.read(), create_peer_groups)
            if not result.ok:
                db.session.rollback()
                for error in result.errors:
                    click.echo(_error_line(error), err=True)
                _fail(f"{len(result.errors)} error(s); nothing imported")
        db.session.commit()
        for group in result.peer_groups_created:
            click.echo(f"Created peer group {group}")
        click.echo(f"Imported: {result.created} created, {result.updated} updated")


def _error_line(error) -> str:
    where = f"line {error.line}" + (f" ({error.agency})" if error.agency else "")
    what = error.column or "-"
    if error.value:
        what += f" “{error.value}”"
    return f"{where}, {what}: {error.message}"
