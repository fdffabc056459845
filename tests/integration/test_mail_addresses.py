"""Mail to any address over a server that knows no SMTPUTF8 (aiosmtpd's default): a Unicode
domain goes out in its IDNA form, headers and body are plain ASCII (RFC 2047 words,
quoted-printable), and Message-IDs are in the domain of PUBLIC_URL."""

from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from app.notifications.mail import build_message
from tests import factories
from tests.conftest import free_port

UNICODE_DOMAIN = "registrator@linnéuniversitetet.example"
IDNA_DOMAIN = "registrator@xn--linnuniversitetet-etb.example"


class Envelopes:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, _server, _session, envelope):
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def plain_server(app):
    """A real SMTP server on 127.0.0.1 without SMTPUTF8, keeping each envelope as sent."""
    envelopes, port = Envelopes(), free_port()
    controller = Controller(envelopes, hostname="127.0.0.1", port=port)
    controller.start()
    previous = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield envelopes.received
    finally:
        controller.stop()
        app.config.update(previous)


def test_a_unicode_domain_is_mailed_in_its_idna_form_as_plain_ascii(
    app, client, login, plain_server
):
    cycle = factories.make_cycle()
    agency = factories.make_agency(name="Linnéuniversitetet", contact_email=UNICODE_DOMAIN)
    submission = factories.make_submission(cycle, agency)
    login("agency_editor", agency=agency)
    assert client.post(f"/submissions/{submission.id}/transitions/submit").status_code == 302
    result = app.test_cli_runner().invoke(args=["reminders", "run-once"])
    assert "Sent 2, failed 0" in result.output
    (envelope,) = [e for e in plain_server if IDNA_DOMAIN in e.rcpt_tos]
    assert "SMTPUTF8" not in envelope.mail_options
    assert envelope.content.isascii()
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert mail["To"] == IDNA_DOMAIN
    assert "=?utf-8?" in envelope.content.decode("ascii")  # the subject as RFC 2047 words
    assert mail["Subject"] == "Granska: Linnéuniversitetet har lämnat in för 2026"
    assert "har lämnat in sina uppgifter" in mail.get_body(("plain",)).get_content()
    assert mail["Message-ID"].startswith("<outbox-")
    assert mail["Message-ID"].endswith("@granska.test>")  # PUBLIC_URL is http://granska.test


def test_message_ids_and_the_sender_take_the_idna_form_of_their_domains(app):
    previous = {key: app.config[key] for key in ("PUBLIC_URL", "MAIL_SENDER")}
    app.config.update(
        PUBLIC_URL="https://granskå.example:8443", MAIL_SENDER="Granska <noreply@granskå.example>"
    )
    try:
        with app.app_context():
            message = build_message(UNICODE_DOMAIN, "Påminnelse", "Hej")
    finally:
        app.config.update(previous)
    assert message["Message-ID"].endswith("@xn--gransk-nua.example>")
    assert message["From"] == "Granska <noreply@xn--gransk-nua.example>"
    assert message["To"] == IDNA_DOMAIN
    assert message.as_bytes(policy=policy.SMTP).isascii()
