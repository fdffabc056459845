"""The machinery every API operation shares: registering a view (route, token, rate limit,
write lock, audit, one commit, problem+json), reading its body, and the common problems."""

from decimal import Decimal
from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from app.api import bp
from app.api.problems import ApiProblem, problem_response
from app.api.spec import OPERATIONS, Operation, flask_rule
from app.api.tokens import note_use, user_for
from app.api.validation import check_body
from app.audit.operations import record_event
from app.database import begin_write
from app.errors import FieldErrors
from app.extensions import db, limiter
from app.pagination import MAX_ID, small_int

MAX_DEPTH = 8  # our bodies nest three deep at most
IF_MATCH = [
    {
        "name": "If-Match",
        "in": "header",
        "required": True,
        "description": "The ETag of the resource as you last read it",
        "schema": {"type": "string"},
    }
]


def _authenticate():
    # Messages in the caller's language (Accept-Language), Swedish by default.
    g.api_locale = request.accept_languages.best_match(["sv", "en"]) or "sv"
    header = request.headers.get("Authorization", "")
    raw = header[7:].strip() if header[:7].lower() == "bearer " else ""
    user, token = user_for(raw)
    if user is None:
        raise ApiProblem(401, "unauthenticated", _("A valid API token is needed."))
    g.api_user, g.api_token = user, token
    note_use(token)
    return user


def _token_key() -> str:
    header = request.headers.get("Authorization", "")
    return "token:" + header[7:17] if header[:7].lower() == "bearer " else request.remote_addr


def operation(path: str, method: str, summary: str, who: str, **spec):
    """Register a view as an API operation: route, token, rate limit, errors, description."""

    def decorator(view):
        @wraps(view)
        def wrapped(**kwargs):
            g.api_request_schema = spec.get("request")  # what body() checks the body against
            try:
                user = _authenticate()
                if method != "GET":
                    # Once the caller is known: the view reads what it decides on under the lock.
                    begin_write(db.session)
                for name in ("year", "id", "benefit_id"):
                    if name in kwargs and not 0 < kwargs[name] <= MAX_ID:
                        raise not_found()  # the database could not even hold it
                if method != "GET":
                    record_event(
                        "api",
                        f"{method} {view.__name__}"[:60],
                        user,
                        comment=f"{path} (token {g.api_token.prefix}…)",
                    )
                response = view(user, **kwargs)
                db.session.commit()
                return response
            except ApiProblem as problem:
                db.session.rollback()
                return problem_response(problem)

        limited = limiter.limit("600 per minute", key_func=_token_key)(wrapped)
        bp.add_url_rule(
            flask_rule(path), endpoint=view.__name__, view_func=limited, methods=[method]
        )
        OPERATIONS.append(Operation(path, method, view.__name__, summary, who, **spec))
        return view

    return decorator


def body(required=()) -> dict:
    """The request's JSON object, checked against the operation's declared schema."""
    if not request.is_json:
        raise ApiProblem(415, "not_json", _("Send JSON (Content-Type: application/json)."))
    try:
        parsed = request.get_json(silent=True)
    except RecursionError:
        parsed = None  # nested deeper than the parser goes
    if not isinstance(parsed, dict) or _depth(parsed) > MAX_DEPTH:
        raise ApiProblem(400, "bad_json", _("The body must be a JSON object."))
    check_body(g.get("api_request_schema"), parsed)
    missing = [name for name in required if name not in parsed]
    if missing:
        raise ApiProblem(
            400, "missing_field", _("A field is missing: %(fields)s.", fields=", ".join(missing))
        )
    return parsed


def _depth(value) -> int:
    """How deeply a JSON value nests, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level <= MAX_DEPTH and isinstance(item, dict | list):
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def if_match() -> int:
    """The version the caller read, from If-Match (428 without it, 412 if it is no version)."""
    header = request.headers.get("If-Match", "").strip().strip('"').removeprefix("W/").strip('"')
    if not header:
        raise ApiProblem(428, "if_match_required", _("Send If-Match with the version you read."))
    if small_int(header) is None:
        raise ApiProblem(412, "stale", _("The version in If-Match is not the current one."))
    return small_int(header)


def not_found() -> ApiProblem:
    return ApiProblem(404, "not_found", _("Not found."))


def forbidden() -> ApiProblem:
    return ApiProblem(403, "forbidden", _("Your role may not do this."))


def field_problem(error: FieldErrors) -> ApiProblem:
    errors = [{"code": field, "message": str(message)} for field, message in error.errors.items()]
    return ApiProblem(
        422, "invalid", _("Some values are not valid; nothing was stored."), errors=errors
    )


def moment(value):
    return value.replace(microsecond=0).isoformat() + "Z" if value else None


def number(value):
    return float(value) if isinstance(value, Decimal) else value
