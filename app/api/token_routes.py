from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.access import roles_required
from app.api import tokens_bp
from app.api.models import ApiToken
from app.api.tokens import DEFAULT_DAYS, all_tokens, create_token, revoke, tokens_of
from app.errors import FieldErrors
from app.extensions import db
from app.pagination import small_int
from app.roles import Role


@tokens_bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def own_tokens():
    errors, created, typed = {}, None, {}
    if request.method == "POST":
        typed = {"name": request.form.get("name", ""), "days": request.form.get("days", "")}
        days = small_int(typed["days"])
        try:
            token, raw = create_token(current_user, typed["name"], days)
        except FieldErrors as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
            created, typed = (token, raw), {}
    return render_template(
        "api/tokens.html",
        tokens=tokens_of(current_user),
        errors=errors,
        created=created,
        typed=typed,
        default_days=DEFAULT_DAYS,
    ), 422 if errors else 200


@tokens_bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_own(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    revoke(token, current_user)
    db.session.commit()
    flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for("tokens.own_tokens"))


@tokens_bp.get("/admin/tokens")
@roles_required(Role.ADMIN)
def every_token():
    return render_template("api/admin_tokens.html", tokens=all_tokens())


@tokens_bp.post("/admin/tokens/<int:token_id>/revoke")
@roles_required(Role.ADMIN)
def revoke_any(token_id):
    revoke(db.get_or_404(ApiToken, token_id), current_user)
    db.session.commit()
    flash(_("The token is revoked: it no longer works."), "success")
    return redirect(url_for("tokens.every_token"))
