"""Links by e-mail to set a password: an invitation for a new user, or a reset."""

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import User
from app.accounts.passwords import (
    fingerprint_matches,
    make_password_link_token,
    read_password_link_token,
)
from app.effects import PASSWORD_LINK, announce
from app.extensions import db

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
    announce(PASSWORD_LINK, user=user, subject=subject, text=text, html=html)


def user_for_password_link(token: str) -> User | None:
    parsed = read_password_link_token(current_app.config["SECRET_KEY"], token, _max_ages())
    if parsed is None:
        return None
    user_id, _purpose, fingerprint = parsed
    user = db.session.get(User, user_id)
    if user is None or not user.active or not fingerprint_matches(user.password_hash, fingerprint):
        return None
    return user
