import time

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from app.accounts import bp
from app.accounts.form_stash import SESSION_KEY as FORM_STASH_KEY
from app.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    PasswordSetForm,
)
from app.accounts.models import User
from app.accounts.operations import authenticate, change_password, set_password
from app.accounts.password_links import RESET, send_password_link, user_for_password_link
from app.accounts.two_factor import second_factor_ok
from app.audit.operations import record_event, typed
from app.errors import FieldErrors
from app.extensions import db, limiter
from app.forms_support import apply_field_errors
from app.navigation import landing_url, safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _submitted_email() -> str:
    return "account:" + request.form.get("email", "").strip().lower()


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    return redirect(url_for("accounts.login"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_submitted_email)
def login():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None and user.totp_enabled_at is not None:
            record_event("auth", "password_ok", user)
            db.session.commit()
            start_second_factor(user, request.args.get("next"))
            return redirect(url_for("accounts.second_factor"))
        record_event(
            "auth", "login" if user else "login_failed", user, comment=typed(form.email.data)
        )
        if user is not None:
            db.session.commit()
            begin_session(user)
            return redirect(safe_next(request.args.get("next")) or landing_url(user))
        db.session.commit()  # the failed attempt stays in the audit trail
        # Same words whether the account exists, is inactive or the password is wrong.
        form.password.errors.append(_("The e-mail address or the password is wrong."))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


# What a new session keeps of the one before: the language, and the CSRF secret, so that a form
# the browser (or a scanner replaying it) loaded before logging in still posts. The secret is
# no key to the account: the session's identity is renewed, and in production the
# __Host- cookie cannot be planted by another site to fix it. The key of a form kept at the idle
# timeout is kept too: it is handed back only to the user who posted it.
KEPT_ACROSS_LOGIN = ("lang", "csrf_token", FORM_STASH_KEY)


def _fresh_session() -> None:
    kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)


def begin_session(user) -> None:
    """A fresh session for the user (no fixation), the language and CSRF secret kept."""
    _fresh_session()
    login_user(user)
    session["started_at"] = time.time()  # the absolute timeout counts from here


SECOND_FACTOR_MINUTES = 5


def start_second_factor(user, next_url: str | None) -> None:
    """The password was right; the session knows whose code to ask for, for a few minutes."""
    _fresh_session()
    session["pending_2fa"] = {
        "user": user.id,
        "token": user.session_token,
        "until": time.time() + SECOND_FACTOR_MINUTES * 60,
        "next": safe_next(next_url),
    }


def _pending_user():
    pending = session.get("pending_2fa")
    if not pending or pending["until"] < time.time():
        return None
    user = db.session.get(User, pending["user"])
    if user is None or not user.active or user.session_token != pending["token"]:
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def second_factor():
    user = _pending_user()
    if user is None:
        session.pop("pending_2fa", None)
        flash(_("Log in again."), "info")
        return redirect(url_for("accounts.login"))
    error = None
    if request.method == "POST":
        if second_factor_ok(user, request.form.get("code", "")):
            next_url = session["pending_2fa"].get("next")
            record_event("auth", "login", user, comment="two-factor")
            db.session.commit()
            begin_session(user)
            return redirect(next_url or landing_url(user))
        record_event("auth", "second_factor_failed", user)
        db.session.commit()
        error = _(
            "The code is not right. Enter the six digits the app shows now, or a recovery code."
        )
    return render_template("accounts/second_factor.html", error=error), 422 if error else 200


@bp.post("/logout")
@login_required
def logout():
    current_user.rotate_session_token()  # the old cookie is worthless even if replayed
    record_event("auth", "logout", current_user)
    db.session.commit()
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You are logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password_view():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.password.data)
        except FieldErrors as error:
            apply_field_errors(form, error)
        else:
            record_event("auth", "password_change", current_user)
            db.session.commit()
            login_user(current_user._get_current_object())  # this session stays; others end
            flash(_("Your password has been changed."), "success")
            return redirect(landing_url(current_user))
    status = 422 if form.errors else 200
    return render_template("accounts/password_change.html", form=form), status


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def request_password_reset():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        started = time.monotonic()
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.active:
            send_password_link(user, RESET)
        # As long whether or not the account exists (V6.3.8): mailing the link takes time.
        time.sleep(
            max(
                0.0,
                started + current_app.config["PASSWORD_RESET_ANSWER_SECONDS"] - time.monotonic(),
            )
        )
        # The same answer whether or not the account exists.
        flash(
            _(
                "If an account with that address exists, we have sent it a link to choose a "
                "new password. The link is valid for one hour."
            ),
            "success",
        )
        return redirect(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render_template("accounts/password_reset_request.html", form=form), status


@bp.route("/password/set/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def set_password_from_link(token):
    user = user_for_password_link(token)
    if user is None:
        return render_template("accounts/password_link_invalid.html"), 400
    form = PasswordSetForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data)
        except FieldErrors as error:
            apply_field_errors(form, error)
        else:
            db.session.commit()
            flash(_("Your password has been set. You can now log in."), "success")
            return redirect(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render_template("accounts/password_set.html", form=form, user=user), status


@bp.post("/language")
def switch_language():
    language = request.form.get("lang")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
    return redirect(safe_next(request.form.get("next")) or url_for("accounts.home"))


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(select(1))
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
