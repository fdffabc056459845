"""The outbox delivered over a real SMTP server (aiosmtpd on 127.0.0.1), through the operators'
command: headers, both parts, the link; failures kept with their error, retried later, then
sent; and the administrators' outbox pages."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.extensions import db
from app.notifications.models import OutboxMessage
from tests import factories
from tests.conftest import free_port


def _submit(client, login, name="Tullverket"):
    cycle = factories.make_cycle()
    agency = factories.make_agency(name=name, contact_email="registrator@myndighet.example")
    submission = factories.make_submission(cycle, agency)
    editor = login("agency_editor", agency=agency)
    assert client.post(f"/submissions/{submission.id}/transitions/submit").status_code == 302
    client.logout()
    return submission, editor


def _run_once(app):
    result = app.test_cli_runner().invoke(args=["reminders", "run-once"])
    assert result.exit_code == 0, result.output
    return result.output


def _states():
    db.session.rollback()
    return sorted(
        tuple(row)
        for row in db.session.execute(select(OutboxMessage.recipient, OutboxMessage.status))
    )


def test_queued_messages_arrive_with_headers_both_parts_and_the_link(app, client, login, mailbox):
    submission, editor = _submit(client, login)
    assert "Sent 2, failed 0, skipped 0." in _run_once(app)
    assert sorted(m["To"] for m in mailbox) == sorted(
        [editor.email, "registrator@myndighet.example"]
    )
    mail = mailbox[0]
    assert mail["From"] == app.config["MAIL_SENDER"]
    assert mail["Subject"] == "Granska: Tullverket har lämnat in för 2026"
    assert mail["Message-ID"].startswith("<outbox-") and mail["Date"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    link = f"http://granska.test/submissions/{submission.id}"
    assert "har lämnat in sina uppgifter" in text and "has submitted its data" in text
    assert link in text and f'href="{link}"' in html and 'lang="en"' in html
    assert _states() == [(editor.email, "sent"), ("registrator@myndighet.example", "sent")]
    assert "Sent 0, failed 0, skipped 0." in _run_once(app)  # nothing is sent twice
    assert len(mailbox) == 2


def test_a_refused_connection_fails_with_the_error_then_is_retried_and_sent(
    app, client, login, mailbox
):
    _submit(client, login)
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    try:
        assert "Sent 0, failed 2" in _run_once(app)
    finally:
        app.config["MAIL_PORT"] = working_port
    failed = db.session.scalars(select(OutboxMessage)).all()
    assert {m.status for m in failed} == {"failed"} and {m.attempts for m in failed} == {1}
    assert all("ConnectionRefusedError" in m.last_error for m in failed)
    assert "Sent 0, failed 0" in _run_once(app)  # the pause before the retry is not over
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2), tick=False):
        assert "Sent 2, failed 0" in _run_once(app)
    assert len(mailbox) == 2
    assert {status for _, status in _states()} == {"sent"}


def test_a_server_that_refuses_the_message_leaves_it_failed(app, client, login, mailbox):
    from aiosmtpd.controller import Controller

    class Refusing:
        async def handle_DATA(self, _server, _session, _envelope):
            return "554 Transaction failed: policy"

    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    working_port, app.config["MAIL_PORT"] = app.config["MAIL_PORT"], port
    try:
        _submit(client, login)
        assert "failed 2" in _run_once(app)
    finally:
        controller.stop()
        app.config["MAIL_PORT"] = working_port
    errors = db.session.scalars(select(OutboxMessage.last_error)).all()
    assert all("554" in error and "policy" in error for error in errors)


def test_a_line_break_in_a_name_cannot_inject_a_header(app, client, login, mailbox):
    _submit(client, login, name="Verket\r\nBcc: spion@example.com")
    _run_once(app)
    assert len(mailbox) == 2
    for mail in mailbox:
        assert mail["Bcc"] is None
        assert "\n" not in mail["Subject"] and "spion@example.com" in mail["Subject"]


def test_without_a_mail_server_messages_stay_in_the_outbox(app, client, login):
    _submit(client, login)
    assert "MAIL_SERVER is not set" in _run_once(app)
    assert {status for _, status in _states()} == {"queued"}


def test_the_administrator_reads_resends_and_filters_the_outbox(app, client, login, mailbox):
    _submit(client, login)
    working_port, app.config["MAIL_PORT"] = app.config["MAIL_PORT"], free_port()
    try:
        _run_once(app)
    finally:
        app.config["MAIL_PORT"] = working_port
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    login("admin")
    listing = client.get("/admin/outbox/?state=failed").get_data(as_text=True)
    assert "registrator@myndighet.example" in listing and "ConnectionRefusedError" in listing
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "har lämnat in sina uppgifter" in page and "Skicka igen" in page
    assert client.post(f"/admin/outbox/{message.id}/resend").status_code == 302
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("queued", 0)
    _run_once(app)
    db.session.rollback()  # end the test's own read, to see what the command committed
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    refused = client.post(f"/admin/outbox/{message.id}/resend")
    assert "Bara ett misslyckat" in client.get(refused.headers["Location"]).get_data(as_text=True)


def test_mail_settings_of_an_agency_and_a_user(client, login):
    agency = factories.make_agency(contact_email="registrator@myndighet.example")
    editor = login("agency_editor", agency=agency)
    bad = client.post(
        "/notifications/settings",
        {"form": "addresses", "addresses": "it@verket.se\ninte-en-adress"},
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "Det här är inte e-postadresser: inte-en-adress." in page and "it@verket.se" in page
    client.post(
        "/notifications/settings", {"form": "addresses", "addresses": "IT@verket.se; it@verket.se"}
    )
    db.session.refresh(agency)
    assert agency.mail_recipients == "it@verket.se"
    client.post("/notifications/settings", {"form": "preference", "wants_mail": "no"})
    db.session.refresh(editor)
    assert editor.wants_mail is False
    client.logout()
    login("agency_viewer", agency=agency)
    refused = client.post("/notifications/settings", {"form": "addresses", "addresses": "x@y.se"})
    assert refused.status_code == 403
    db.session.refresh(agency)
    assert agency.mail_recipients == "it@verket.se"
