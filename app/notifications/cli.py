"""`flask scheduler` and `flask reminders …` for operators."""

import click

from app.notifications import jobs
from app.notifications.reminders import upcoming_reminders
from app.timeutil import today_in_stockholm


def register(app) -> None:
    @app.cli.command("scheduler")
    def scheduler():
        """Run the reminder sweep and the mail sender until stopped (one process)."""
        click.echo("Scheduler running (Europe/Stockholm); Ctrl-C stops it.")
        try:
            jobs.build_scheduler(app).start()
        except (KeyboardInterrupt, SystemExit):
            click.echo("Scheduler stopped.")

    reminders = click.Group("reminders", help="Reminders and the outbox, for cron users.")
    app.cli.add_command(reminders)

    @reminders.command("run-once")
    def run_once():
        """One sweep and one send, then exit."""
        jobs.bind(app)
        queued = jobs.sweep_reminders()
        report = jobs.send_outbox()
        click.echo(f"Queued {queued} reminder messages.")
        if report.configured:
            click.echo(f"Sent {report.sent}, failed {report.failed}, skipped {report.skipped}.")
        else:
            click.echo("MAIL_SERVER is not set: messages stay in the outbox.")

    @reminders.command("upcoming")
    @click.option("--days", default=14, show_default=True)
    def upcoming(days):
        """The reminders the coming days will send, if nothing changes."""
        for reminder in upcoming_reminders(today_in_stockholm(), days):
            click.echo(f"{reminder.due_on}  {reminder.kind:24}  {reminder.key}")

    reports = click.Group("reports", help="PDF reports.")
    app.cli.add_command(reports)

    @reports.command("run-batches")
    def run_batches():
        """Build the queued batches of feedback reports now, then exit."""
        jobs.bind(app)
        click.echo(f"Built {jobs.build_report_batches()} report batches.")
