"""Where to send a user: their role's landing page, or a safe local 'next' address."""

from urllib.parse import urlsplit

from flask import url_for

from app.roles import Role


def landing_url(user) -> str:
    return {
        Role.ADMIN: url_for("cycles.admin_overview"),
        Role.REVIEWER: url_for("review.queue"),
        Role.AGENCY_EDITOR: url_for("submissions.agency_overview"),
        Role.AGENCY_VIEWER: url_for("submissions.agency_overview"),
        Role.MINISTRY: url_for("ministry.overview"),
    }[Role(user.role)]


def safe_next(target: str | None) -> str | None:
    """Only paths on this site: never another host, never a scheme-relative //host."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None  # no backslash tricks, and no line break that could split a header
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. "//[evil" is not even a URL
        return None
    if parts.scheme or parts.netloc:
        return None
    return target
