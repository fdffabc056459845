"""Sending one e-mail over SMTP, so that any mail server takes it.

EmailMessage refuses line breaks in headers, so text a user typed (a name, a subject) can never
inject headers. Domains go out in their IDNA (xn--) form and the body as quoted-printable, so
a message to `…@linnéuniversitetet.example` is plain ASCII and needs no SMTPUTF8 (RFC 6531)
from the server; non-ASCII header text is encoded as RFC 2047 words by the email package.
Only an address whose local part is not ASCII needs SMTPUTF8, and smtplib then asks for it
and writes the headers as UTF-8 (RFC 6532). Without MAIL_SERVER (development) the message is
written to the log instead.
"""

import logging
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import urlsplit

import idna
from flask import current_app

log = logging.getLogger(__name__)


def ascii_domain(domain: str) -> str:
    """The domain as DNS and SMTP know it: IDNA 2008 with UTS 46 mapping; ASCII stays as is."""
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        return domain  # not a valid name: the server's refusal is kept as the error


def ascii_address(address: str) -> str:
    """`Name <local@domain>` (or a bare address) with its domain in IDNA form."""
    name, addr_spec = parseaddr(address)
    local, at, domain = addr_spec.rpartition("@")
    if not at or domain.isascii():
        return address
    return str(Address(display_name=name, username=local, domain=ascii_domain(domain)))


def message_id_domain() -> str:
    """Message-IDs are made unique in the app's own public domain (RFC 5322 section 3.6.4)."""
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"
    return ascii_domain(host)


def build_message(
    to: str, subject: str, text: str, html: str | None = None, message_id: str | None = None
) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = ascii_address(config["MAIL_SENDER"])
    message["To"] = ascii_address(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id or make_msgid(domain=message_id_domain())
    message.set_content(text, cte="quoted-printable")
    if html:
        message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message


def deliver(message: EmailMessage) -> None:
    """Hand the message to the SMTP server; raises on any failure (smtplib.SMTPException or
    OSError), so the caller decides about retries."""
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout) as smtp:
        if config["MAIL_USE_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def send_mail(to: str, subject: str, text: str, html: str | None = None) -> None:
    message = build_message(to, subject, text, html)
    if not current_app.config["MAIL_SERVER"]:
        log.info("No MAIL_SERVER set; mail not sent:\n%s", message.as_string())
        return
    deliver(message)
