"""Personal API tokens: created (shown once), found by their hash, revoked. Operations flush,
never commit."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, inspect, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.api.models import ApiToken
from app.audit.operations import record_event
from app.errors import FieldErrors
from app.extensions import db
from app.timeutil import utcnow

PREFIX = "gr_"
DEFAULT_DAYS, MAX_DAYS = 90, 366
USE_RECORDED_EVERY = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(
    user, name: str, days: int | None = DEFAULT_DAYS, actor=None
) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 100:
        errors["name"] = _("Give the token a name of at most 100 characters.")
    if days is None or not 1 <= days <= MAX_DAYS:
        errors["days"] = _("Enter a number of days between 1 and %(n)d.", n=MAX_DAYS)
    if errors:
        raise FieldErrors(errors)
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=raw[:10],
        token_hash=_hash(raw),
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    record_event("api", "create_token", actor or user, to_value=f"{name} ({token.prefix}…)")
    return token, raw


def user_for(raw: str):
    """The active user of an active token, or None (the same answer for any failure)."""
    if not raw or not raw.startswith(PREFIX):
        return None, None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(raw)))
    if token is None or not token.active or not token.user.active:
        return None, None
    return token.user, token


def note_use(token: ApiToken) -> None:
    """Keep when the token was last used, to the minute, without making every call a write.

    At most once a minute, in a transaction of its own on a connection of its own, so a read
    stays a read, and the caller's answer never depends on it: a token whose use could not be
    noted this time is noted next time.
    """
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORDED_EVERY:
        return
    statement = (
        update(ApiToken)
        .where(ApiToken.id == token.id)
        .where(
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at < now - USE_RECORDED_EVERY,
            )
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    try:
        with db.engine.begin() as connection:
            connection.execute(statement)
    except SQLAlchemyError:
        current_app.logger.warning("The use of API token %s could not be noted", token.prefix)


@event.listens_for(Session, "before_flush")
def _deactivation_revokes_tokens(session, _context, _instances):
    """A deactivated user's tokens die with the deactivation, whichever way it came (the user,
    the agency, the CLI): reactivating the account must not bring them back."""
    deactivated = [
        user.id
        for user in session.dirty
        if isinstance(user, User) and False in inspect(user).attrs.active.history.added
    ]
    if not deactivated:
        return
    now = utcnow()
    live = select(ApiToken).where(ApiToken.user_id.in_(deactivated), ApiToken.revoked_at.is_(None))
    for token in session.scalars(live):
        token.revoked_at = now


def revoke(token: ApiToken, actor) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event("api", "revoke_token", actor, to_value=f"{token.name} ({token.prefix}…)")
    db.session.flush()


def tokens_of(user) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))
