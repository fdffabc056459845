"""Links by e-mail to set a password: an invitation for a new user, or a reset."""

import uuid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import User
from app.accounts.passwords import (
    fingerprint_matches,
    make_password_link_token,
    read_password_link_token,
)
from app.database import insert_new
from app.extensions import db
from app.notifications.mail import send_mail
from app.notifications.models import OutboxMessage
from app.timeutil import utcnow

INVITE = "invite"
RESET = "reset"


def _max_ages() -> dict[str, int]:
    reset_age = current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]
    return {RESET: reset_age, INVITE: 7 * 24 * 3600}


def password_link(user: User, purpose: str) -> str:
    token = make_password_link_token(
        current_app.config["SECRET_KEY"], user.id, user.password_hash, purpose
    )
    return f"{current_app.config['PUBLIC_URL']}/password/set/{token}"


def send_password_link(user: User, purpose: str) -> None:
    """Mail the link; call after the commit so a failed mail never undoes a change."""
    link = password_link(user, purpose)
    hours = _max_ages()[purpose] // 3600
    with force_locale("sv"):
        subject = (
            _("Welcome to Granska: choose your password")
            if purpose == INVITE
            else _("Reset your password for Granska")
        )
    context = {"user": user, "link": link, "purpose": purpose, "hours": hours}
    text = render_template("emails/password_link.txt", **context)
    html = render_template("emails/password_link.html", **context)
    if current_app.config["MAIL_SERVER"] or current_app.config["PRODUCTION"]:
        send_mail(user.email, subject, text, html)
    else:
        _keep_in_outbox(user, subject, text, html)


def _keep_in_outbox(user: User, subject: str, text: str, html: str) -> None:
    """Without a mail server (development) the link waits in the outbox with every other
    message, where an administrator finds it; never in production, where it is mailed at once
    and kept nowhere."""
    now = utcnow()
    row = {
        "key": f"password-link:{user.id}:{uuid.uuid4().hex}",
        "kind": "password_link",
        "recipient": user.email,
        "user_id": user.id,
        "subject": subject,
        "body": text,
        "html_body": html,
        "status": "queued",
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
    }
    insert_new(db.session, OutboxMessage, [row])
    db.session.commit()


def user_for_password_link(token: str) -> User | None:
    parsed = read_password_link_token(current_app.config["SECRET_KEY"], token, _max_ages())
    if parsed is None:
        return None
    user_id, _purpose, fingerprint = parsed
    user = db.session.get(User, user_id)
    if user is None or not user.active or not fingerprint_matches(user.password_hash, fingerprint):
        return None
    return user
