"""Where to send a user: their role's landing page, or a safe local 'next' address."""

from urllib.parse import urlsplit

from flask import url_for

from app.accounts.models import Role


def landing_url(user) -> str:
    return {
        Role.ADMIN: url_for("cycles.admin_overview"),
        Role.REVIEWER: url_for("review.queue"),
        Role.AGENCY_EDITOR: url_for("submissions.agency_overview"),
        Role.AGENCY_VIEWER: url_for("submissions.agency_overview"),
    }[Role(user.role)]


def safe_next(target: str | None) -> str | None:
    """Only paths on this site: never another host, never a scheme-relative //host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
