"""`flask tokens create EMAIL --name NAME [--days N]`: a token for a service account."""

import click
from sqlalchemy import func, select

from app.accounts.models import User
from app.api.tokens import DEFAULT_DAYS, create_token
from app.errors import FieldErrors
from app.extensions import db


def register(app) -> None:
    tokens = click.Group("tokens", help="Personal API tokens.")
    app.cli.add_command(tokens)

    @tokens.command("create")
    @click.argument("email")
    @click.option("--name", required=True, help="What the token is for.")
    @click.option("--days", type=int, default=DEFAULT_DAYS, show_default=True)
    def create(email, name, days):
        """Create a token acting as the user EMAIL; it is printed once, never shown again."""
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
        if user is None or not user.active:
            raise click.ClickException(f"No active user {email}.")
        try:
            token, raw = create_token(user, name, days)
        except FieldErrors as error:
            raise click.ClickException(" ".join(map(str, error.errors.values()))) from None
        db.session.commit()
        click.echo(raw)
        click.echo(f"(expires {token.expires_at:%Y-%m-%d}; shown only now)", err=True)
