"""`flask audit verify`: walk the audit trail's hash chain."""

import sys

import click

from app.audit.chain import verify_chain


def register(app) -> None:
    audit = click.Group("audit", help="The audit trail.")
    app.cli.add_command(audit)

    @audit.command("verify")
    def verify_command():
        """Recompute every event's hash in order; exit 0 if the chain holds, 1 at the first
        broken link."""
        result = verify_chain()
        if result.ok:
            click.echo(f"The audit trail holds: {result.checked} events, every link intact.")
            return
        click.echo(
            f"BROKEN at audit event {result.broken_at}: {result.reason} "
            f"({result.checked} events before it are intact).",
            err=True,
        )
        sys.exit(1)
