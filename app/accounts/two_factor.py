"""Two-factor authentication with TOTP (RFC 6238, as authenticator apps do it) and one-time
recovery codes. Operations flush, never commit. ASVS 5.0 V6.5 (general multi-factor
requirements: a code is used once, recovery codes are random and stored hashed)."""

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select, update

from app.accounts.models import RecoveryCode, User
from app.audit.operations import record_event
from app.errors import FieldErrors
from app.extensions import db
from app.timeutil import utcnow

ISSUER = "Granska"
RECOVERY_CODE_COUNT = 10
STEP = 30


RECOVERY_CODE_LETTERS = 20  # base32: 100 bits, shown as four groups of five
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_setup_nonce() -> str:
    return secrets.token_hex(16)


def setup_secret(user: User, nonce: str) -> str:
    """The secret offered while two-factor is being set up, derived from the server's key.

    The session cookie is signed, not encrypted: anyone who sees it can read it. It holds only
    the nonce; without the server's key the secret cannot be computed from it.
    """
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"totp-setup:{user.id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


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


def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _salted_hash(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{_normal(code)}".encode()).hexdigest()


def _hashed(code: str) -> str:
    salt = secrets.token_hex(16)
    return f"sha256${salt}${_salted_hash(code, salt)}"


def _matches(code: str, stored: str) -> bool:
    if stored.startswith("sha256$"):
        _kind, salt, expected = stored.split("$")
        return secrets.compare_digest(_salted_hash(code, salt), expected)
    # A code made before salting: ten hex digits, kept as their bare SHA-256.
    legacy = hashlib.sha256(_normal(code).lower().encode()).hexdigest()
    return secrets.compare_digest(legacy, stored)


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes, shown once; the old ones stop working."""
    db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(BASE32) for _n in range(RECOVERY_CODE_LETTERS))
        codes.append("-".join(raw[i : i + 5] for i in range(0, RECOVERY_CODE_LETTERS, 5)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hashed(raw)))
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
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    # Each code has its own salt, so each of the user's (at most ten) is checked.
    recovery = next((row for row in unused if _matches(code, row.code_hash)), None)
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
