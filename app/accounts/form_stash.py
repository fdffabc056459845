"""Nothing typed is lost at the idle timeout. A form posted after the session has ended is kept
on the server for the user it belonged to; after logging in again the user is back on the form
with the values filled in, and one press on "Save" sends them, checked against the version the
user had loaded (so a save by someone else in between is still a conflict).

Only forms whose view is marked with `keeps_form_across_login` are kept; never a password or a
CSRF token; at most MAX_BYTES of fields, MAX_PER_USER forms per user, for MAX_AGE. The session
holds only the stash's random key, and it is honoured only for the same user and page.
"""

import json
import secrets
from datetime import timedelta

from flask import current_app, request, session
from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from app.accounts.models import FormStash
from app.database import begin_write
from app.extensions import db
from app.timeutil import utcnow

MAX_BYTES = 32 * 1024  # a questionnaire section is a few kilobytes
MAX_PER_USER = 5
MAX_AGE = timedelta(hours=8)
SESSION_KEY = "form_stash"
_NEVER_KEPT = ("csrf_token", "password", "code", "secret")


def keeps_form_across_login(view):
    """Mark a view whose POST is kept when it arrives after the session ended. The view's GET
    on the same path must show the form again (see `take_stash`)."""
    view.keeps_form_across_login = True
    return view


def _kept_fields() -> list[list[str]]:
    return [
        [name, value]
        for name, value in request.form.items(multi=True)
        if not any(word in name.lower() for word in _NEVER_KEPT)
    ]


def stash_posted_form(user) -> str | None:
    """Keep this request's posted form for `user` if its view allows it; the stash's key, or
    None when nothing was kept (not such a form, or too large)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method != "POST" or not getattr(view, "keeps_form_across_login", False):
        return None
    fields = json.dumps(_kept_fields(), ensure_ascii=False)
    if len(fields.encode()) > MAX_BYTES or len(request.path) > 300:
        return None
    begin_write(db.session)
    now = utcnow()
    db.session.execute(delete(FormStash).where(FormStash.created_at < now - MAX_AGE))
    older = db.session.scalars(
        select(FormStash.id)
        .where(FormStash.user_id == user.id)
        .order_by(FormStash.created_at.desc(), FormStash.id)
        .offset(MAX_PER_USER - 1)
    ).all()
    if older:
        db.session.execute(delete(FormStash).where(FormStash.id.in_(older)))
    key = secrets.token_urlsafe(32)
    db.session.add(
        FormStash(id=key, user_id=user.id, path=request.path, fields=fields, created_at=now)
    )
    db.session.commit()
    return key


def take_stash(user, path: str) -> MultiDict | None:
    """The form this user posted to `path` after their session ended, once: the stash is
    removed as it is handed back. None when there is none for this user and page."""
    key = session.get(SESSION_KEY)
    if not key:
        return None
    stash = db.session.get(FormStash, key)
    if stash is not None and stash.user_id == user.id and stash.path != path:
        return None  # the user went elsewhere first; the form waits for its own page
    session.pop(SESSION_KEY, None)
    if stash is None or stash.user_id != user.id:
        return None  # another user logged in in this browser: not theirs
    fields = MultiDict([tuple(pair) for pair in json.loads(stash.fields)])
    fresh = stash.created_at >= utcnow() - MAX_AGE
    begin_write(db.session)
    db.session.execute(delete(FormStash).where(FormStash.id == key))
    db.session.commit()
    return fields if fresh else None
