"""Sending one e-mail over SMTP.

EmailMessage refuses line breaks in headers, so text a user typed (a name, a subject) can never
inject headers. Without MAIL_SERVER (development) the message is written to the log instead.
"""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger(__name__)


def build_message(
    to: str, subject: str, text: str, html: str | None = None, message_id: str | None = None
) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id or make_msgid(domain="granska")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
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
