from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import bp
from app.accounts.policies import must_use_two_factor
from app.accounts.two_factor import (
    disable,
    enable,
    new_recovery_codes,
    new_setup_nonce,
    provisioning_uri,
    qr_code,
    second_factor_ok,
    setup_secret,
    unused_recovery_codes,
)
from app.audit.operations import record_event
from app.errors import FieldErrors
from app.extensions import db


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    user, errors, codes = current_user._get_current_object(), {}, None
    action = request.form.get("action")
    if request.method == "POST":
        try:
            codes = _act(user, action, request.form.get("code", ""))
        except FieldErrors as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
            if codes is None:
                flash(_("Two-factor authentication is turned off."), "success")
                return redirect(url_for("accounts.two_factor"))
    enabled = user.totp_enabled_at is not None
    # Only a nonce in the (readable) cookie; the secret is derived from it on the server.
    nonce = None if enabled else session.setdefault("totp_setup_nonce", new_setup_nonce())
    secret = setup_secret(user, nonce) if nonce else None
    uri = provisioning_uri(user, secret) if secret else None
    return render_template(
        "accounts/two_factor.html",
        enabled=enabled,
        secret=secret,
        qr=qr_code(uri) if uri else None,
        codes=codes,
        remaining=unused_recovery_codes(user) if enabled else 0,
        required=must_use_two_factor(user),
        errors=errors,
    ), 422 if errors else 200


def _act(user, action: str | None, code: str) -> list[str] | None:
    """Turn on (the codes to show), make new recovery codes, or turn off (None)."""
    if action == "enable" and user.totp_enabled_at is None:
        nonce = session.get("totp_setup_nonce") or new_setup_nonce()  # none: no code matches
        codes = enable(user, setup_secret(user, nonce), code)
        session.pop("totp_setup_nonce", None)
        return codes
    if action == "new-codes" and user.totp_enabled_at is not None:
        if not second_factor_ok(user, code):
            raise FieldErrors({"code": _("The code is not right.")})
        record_event("auth", "recovery_codes_renewed", user)
        return new_recovery_codes(user)
    if action == "disable" and user.totp_enabled_at is not None:
        if must_use_two_factor(user):
            raise FieldErrors({"code": _("Your role must use two-factor authentication.")})
        disable(user, code)
        return None
    raise FieldErrors({"code": _("Choose what to do.")})
