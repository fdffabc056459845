"""Two-factor authentication with TOTP (RFC 6238, as authenticator apps do it) and one-time
recovery codes. Operations flush, never commit. ASVS 5.0 V6.5 (general multi-factor
requirements: a code is used once, recovery codes are random and stored hashed)."""

import hashlib
import secrets
import time

import pyotp
import segno
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select, update

from app.accounts.errors import FieldErrors
from app.accounts.models import RecoveryCode, User
from app.audit.operations import record_event
from app.extensions import db
from app.timeutil import utcnow

ISSUER = "Granska"
RECOVERY_CODE_COUNT = 10
STEP = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code(uri: str) -> Markup:
    """The setup link as an inline SVG QR code (no style attributes: the CSP forbids them)."""
    # segno writes the SVG from the bits of the code; no text of the user is in it unescaped.
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, omitsize=False))  # noqa: S704


def _matching_step(secret: str, code: str) -> int | None:
    """The 30-second step whose code this is (the current one, or one step either side for
    clocks a little apart), or None."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp, now = pyotp.TOTP(secret), int(time.time())
    for offset in (0, -1, 1):
        moment = now + offset * STEP
        if secrets.compare_digest(totp.at(moment), code):
            return moment // STEP
    return None


def _accept_code(user: User, secret: str, code: str) -> bool:
    step = _matching_step(secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False  # wrong, or already used: a code seen once is never good again
    user.totp_last_step = step
    return True


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").lower().encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes, shown once; the old ones stop working."""
    db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    db.session.flush()
    return codes


def enable(user: User, secret: str, code: str) -> list[str]:
    if not _accept_code(user, secret, code):
        raise FieldErrors(
            {"code": _("The code is not right. Enter the six digits the app shows now.")}
        )
    user.totp_secret, user.totp_enabled_at = secret, utcnow()
    record_event("auth", "two_factor_enabled", user)
    return new_recovery_codes(user)


def disable(user: User, code: str) -> None:
    if not second_factor_ok(user, code):
        raise FieldErrors({"code": _("The code is not right.")})
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    record_event("auth", "two_factor_disabled", user)
    db.session.flush()


def second_factor_ok(user: User, code: str) -> bool:
    """A current code from the app, or an unused recovery code (then used up)."""
    if user.totp_secret and _accept_code(user, user.totp_secret, code):
        return True
    recovery = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash("".join(code.split())),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is None:
        return False
    recovery.used_at = utcnow()
    record_event("auth", "recovery_code_used", user)
    return True


def unused_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )
