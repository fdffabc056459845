"""Cross-cutting web concerns: locale, security headers, error pages, template helpers."""

import re
import time
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask import (
    Response,
    current_app,
    flash,
    g,
    has_request_context,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError

from app.accounts.form_stash import SESSION_KEY as FORM_STASH_KEY
from app.accounts.form_stash import stash_posted_form
from app.accounts.policies import must_use_two_factor
from app.cycles.questionnaire_words import ITEM_KIND_LABELS
from app.datasets.guard import CycleFrozen
from app.extensions import db, limiter
from app.figure_words import difference, figure, number, place_among, plain
from app.labels import (
    benefit_kind_label,
    benefit_status_label,
    cycle_status_label,
    cycle_tag,
    cycle_tag_style,
    event_label,
    message_kind_label,
    next_step_text,
    outbox_state_label,
    project_status_label,
    question_status_label,
    question_step_label,
    question_tag_style,
    risk_label,
    role_label,
    status_tag,
    submission_status_label,
    submission_tag_style,
    waiting_text,
)
from app.number_format import format_for_reader, request_locale
from app.submissions.answer_cells import (
    input_value,
    label_with_unit,
    news_tag,
    series_break_mark,
    value_text,
)
from app.submissions.labels import SECTION_STATUS_LABELS
from app.swedish_numbers import format_swedish_number
from app.time_format import stockholm_time
from app.translation import catalogue, template_gettext, template_ngettext
from app.urls import url_for_each
from workflows.submission import SUBMISSION_WORKFLOW

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def select_locale():
    if not has_request_context():
        return "sv"  # CLI and background jobs speak the default language
    if request.path.startswith("/api/"):
        # The API speaks the caller's Accept-Language, on its errors too (an unknown path).
        return g.get("api_locale") or request.accept_languages.best_match(["sv", "en"]) or "sv"
    language = session.get("lang")
    return language if language in ("sv", "en") else "sv"


def _end_session():
    """Log the user out; a form they just posted is kept for them (app/accounts/form_stash.py)
    and the login leads back to it, or to the page they asked for."""
    stash = stash_posted_form(current_user)
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    if stash:
        session[FORM_STASH_KEY] = stash
        flash(
            _(
                "Your session had ended, so what you sent is not saved yet. Log in again: "
                "you come back to the form with what you typed, and save it there."
            ),
            "info",
        )
        return redirect(url_for("accounts.login", next=request.path))
    flash(_("Your session has ended. Log in again to go on."), "info")
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.login", next=back))


SETUP_ENDPOINTS = {"static", "accounts.two_factor", "accounts.logout", "accounts.switch_language"}


def register(app):
    @app.before_request
    def _request_id():
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex

    @app.before_request
    def _sessions_end_when_idle_or_old():
        # ASVS V7.3.1 and V7.3.2: an idle session ends, and so does any session after a fixed
        # time, whatever the activity; the user logs in again.
        if request.blueprint == "api" or request.endpoint == "static":
            return None  # the API has no session: a token, every time
        if not current_user.is_authenticated:
            return None
        now = time.time()
        started = session.setdefault("started_at", now)
        idle = now - session.get("seen_at", now)
        config = current_app.config
        if idle > config["SESSION_IDLE_MINUTES"] * 60 or (
            now - started > config["SESSION_ABSOLUTE_HOURS"] * 3600
        ):
            return _end_session()
        session["seen_at"] = now
        return None

    @app.before_request
    def _staff_set_up_two_factor_first():
        # With REQUIRE_2FA_FOR_STAFF, an administrator or reviewer without it can do nothing
        # but set it up (or log out).
        if (
            request.blueprint == "api"
            or request.endpoint in SETUP_ENDPOINTS
            or not current_user.is_authenticated
            or current_user.totp_enabled_at is not None
            or not must_use_two_factor(current_user)
        ):
            return None
        return redirect(url_for("accounts.two_factor"))

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if app.config["PRODUCTION"]:
            response.headers["Strict-Transport-Security"] = "max-age=63072000"
        if request.endpoint != "static":
            # Pages carry agency data: never keep them in a shared or browser cache.
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def _locale():
        return {"current_locale": str(get_locale())}

    # Globals, not context: imported macros see globals only.
    app.jinja_env.globals.update(
        submission_status_label=submission_status_label,
        submission_tag_style=submission_tag_style,
        cycle_tag_style=cycle_tag_style,
        question_tag_style=question_tag_style,
        cycle_status_label=cycle_status_label,
        role_label=role_label,
        question_status_label=question_status_label,
        question_step_label=question_step_label,
        outbox_state_label=outbox_state_label,
        message_kind_label=message_kind_label,
        next_step_text=next_step_text,
        event_label=event_label,
        waiting_text=waiting_text,
        project_status_label=project_status_label,
        risk_label=risk_label,
        benefit_kind_label=benefit_kind_label,
        benefit_status_label=benefit_status_label,
        section_status_label=lambda state: SECTION_STATUS_LABELS.get(state, state),
        figure=figure,
        item_kind_label=lambda kind: ITEM_KIND_LABELS.get(kind, kind),
        figure_number=number,
        difference=difference,
        place_among=place_among,
        status_tag=status_tag,
        label_with_unit=label_with_unit,
        item_news_tag=news_tag,
        series_break_mark=series_break_mark,
        input_value=input_value,
        value_text=value_text,
        url_for_each=url_for_each,
        cycle_tag=cycle_tag,
        reason_triggers={t for t, row in SUBMISSION_WORKFLOW.table.items() if row.reason_required},
    )

    # The templates' _() and ngettext(): flask_babel finds the catalogue anew for every
    # string (four lookups of the request's context and the locale's name); a page
    # translates a hundred strings. The catalogue is looked up once per language instead,
    # still following force_locale.
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: catalogue().ugettext(text),
        ngettext=lambda singular, plural, n: catalogue().ungettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, text: catalogue().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: catalogue().unpgettext(
            context, singular, plural, n
        ),
    )
    # `_()`, `gettext()` and `ngettext()` (the trans blocks' too) in one call each, as Jinja's
    # newstyle ones behave (see app/translation.py); the context variants stay Jinja's.
    app.jinja_env.globals.update(
        _=template_gettext, gettext=template_gettext, ngettext=template_ngettext
    )
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.filters["number"] = _number
    app.jinja_env.filters["one_decimal"] = _one_decimal
    # The Swedish way, for a form field's value (what the parser reads back).
    app.jinja_env.filters["number_sv"] = format_swedish_number
    # The page's language, for a number only read.
    app.jinja_env.filters["num"] = plain
    # A stored value as text ("2400.00") shown as a Swedish number, or as it is if not one.
    app.jinja_env.filters["as_number"] = _as_number
    app.jinja_env.filters["percent"] = _percent
    app.jinja_env.filters["paragraphs"] = _paragraphs
    _register_error_pages(app)


def _paragraphs(text: str | None) -> list[str]:
    """Free text as its paragraphs, split at blank lines (a single line break stays inside)."""
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def _date(value) -> str:
    return format_date(value, "long") if value else "–"


def _datetime(value) -> str:
    # Stored as naive UTC, shown in Europe/Stockholm: as flask-babel's format_datetime would,
    # at a tenth of its cost (a list writes one a row).
    if isinstance(value, datetime):
        return stockholm_time(value, request_locale())
    return format_datetime(value, "d MMM y HH:mm") if value else "–"


def _one_decimal(value) -> str:
    # A figure such as a median: always one decimal, so 4 reads "4,0" beside "8,2".
    return format_for_reader(value, 1, 1) if value is not None else "–"


def _number(value) -> str:
    return format_for_reader(value) if value is not None else "–"


def _as_number(text: str) -> str:
    try:
        return plain(Decimal(text))
    except (InvalidOperation, ValueError, TypeError):
        return text


def _percent(share) -> str:
    # A no-break space keeps "20 %" together, as Swedish typography wants.
    return f"{format_for_reader(share * 100, 1)}\u00a0%"


def _error_page(status: int, title, message):
    # A refused or failed change may have left rows pending; rendering the page must not try
    # to write them (the menu's unread count runs a query, and a query flushes).
    db.session.rollback()
    if request.path.startswith("/api/"):
        # The API answers in problem+json whatever went wrong, even before its views.
        from app.api.problems import ApiProblem, problem_response

        return problem_response(ApiProblem(status, f"http-{status}", str(title), str(message)))
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _seconds_until_allowed() -> int:
    """When the breached limit lets the caller in again (RFC 9110 Retry-After)."""
    breached = [limit for limit in limiter.current_limits if limit.breached]
    if not breached:
        return 60
    return max(1, max(limit.reset_at for limit in breached) - int(time.time()))


def _register_error_pages(app):
    @app.errorhandler(400)
    def _bad_request(error):
        if isinstance(error, SecurityError):
            # A Host header not ours: no page, whose links would be built from that host.
            return Response("400 Bad Request: unknown host\n", 400, mimetype="text/plain")
        return _error_page(
            400, _("Bad request"), _("The request could not be understood. Go back and try again.")
        )

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return _error_page(
            400,
            _("The form has expired"),
            _("For your security the form could not be sent. Reload the page and try again."),
        )

    @app.errorhandler(CycleFrozen)
    def _frozen(error):
        since = format_date(error.since, "long") if error.since else "–"
        return _error_page(
            409,
            _("The cycle is frozen"),
            _(
                "The %(year)d cycle is frozen since %(date)s: nothing in it can change.",
                year=error.year,
                date=since,
            ),
        )

    @app.errorhandler(403)
    def _forbidden(_error):
        return _error_page(
            403,
            _("You do not have access to this page"),
            _("Your account does not have permission to see this page."),
        )

    @app.errorhandler(404)
    def _not_found(_error):
        return _error_page(
            404, _("Page not found"), _("If you typed the address, check that it is correct.")
        )

    @app.errorhandler(405)
    def _method_not_allowed(_error):
        return _error_page(405, _("Not allowed"), _("This page cannot be used that way."))

    @app.errorhandler(409)
    def _conflict(_error):
        return _error_page(
            409, _("Not possible now"), _("The action is not possible in the current state.")
        )

    @app.errorhandler(413)
    def _too_large(_error):
        return _error_page(
            413,
            _("The file is too large"),
            _("The file you sent is larger than the service accepts."),
        )

    @app.errorhandler(429)
    def _too_many(_error):
        response = make_response(
            _error_page(429, _("Too many attempts"), _("Wait a minute and try again."))
        )
        response.headers["Retry-After"] = str(_seconds_until_allowed())
        return response

    @app.errorhandler(500)
    def _server_error(error):
        original = getattr(error, "original_exception", None) or error
        current_app.logger.error("Unhandled error %s", type(original).__name__, exc_info=original)
        return _error_page(
            500,
            _("Something went wrong"),
            _(
                "The error has been logged. Try again later, and quote the "
                "request id below if you contact support."
            ),
        )
