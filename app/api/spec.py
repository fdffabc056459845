"""The API's operations, registered with their schemas where they are defined, and the
OpenAPI 3.1 description built from that registry: the description cannot drift from the code
because it is the code. Named schemas (schemas.COMPONENTS) appear once, under components, and
everywhere else as $ref, so a client generator makes one model of each."""

from dataclasses import dataclass, field

from app.api import schemas
from app.api.problems import TYPE_BASE

OPERATIONS: list["Operation"] = []
PARAMETER_SCHEMAS = {
    "year": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    "id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    "benefit_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}


@dataclass
class Operation:
    path: str  # OpenAPI form: /cycles/{year}/…
    method: str
    view: str
    summary: str
    who: str
    request: dict | None = None
    responses: dict[int, tuple[str, dict | None]] = field(default_factory=dict)
    query: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    # Other media types of the 200 response, with their schemas (the first is JSON's).
    media: dict[str, dict] = field(default_factory=dict)
    etag: bool = False  # the 200/201 response carries the resource's ETag


def flask_rule(path: str) -> str:
    rule = path
    for name, schema in PARAMETER_SCHEMAS.items():
        # Signed, so that -1 reaches the view and gets a problem+json 404 like any other id.
        kind = "int(signed=True)" if schema["type"] == "integer" else "string"
        rule = rule.replace("{" + name + "}", f"<{kind}:{name}>")
    return rule.replace("{", "<").replace("}", ">")


def _parameters(operation: Operation) -> list[dict]:
    names = [part[1:-1] for part in operation.path.split("/") if part.startswith("{")]
    path = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": PARAMETER_SCHEMAS.get(name, {"type": "string", "pattern": "^[0-9-]{10,11}$"}),
        }
        for name in names
    ]
    return path + operation.query + operation.headers


PROBLEMS = {
    400: "The request is not well-formed JSON, or a query parameter is wrong",
    401: "No valid token",
    403: "The caller's role may not do this",
    404: "Not found, or not the caller's to see",
    406: "Only JSON is served",
    409: "The workflow refuses, with the reason",
    412: "The If-Match does not match the current ETag",
    415: "Send JSON (Content-Type: application/json)",
    422: "The body does not match its schema (an unknown or missing field, a wrong type), or "
    "its values are invalid; nothing was stored",
    428: "If-Match is required",
    429: "Too many requests",
}
# Every `type` a problem can have (after TYPE_BASE), its status and what it means.
PROBLEM_TYPES = {
    "unauthenticated": (401, "No valid API token was sent (Authorization: Bearer …)."),
    "forbidden": (403, "The caller's role may not do this."),
    "role": (403, "The workflow allows this trigger to other roles only."),
    "not_own_agency": (403, "An agency user acts only on their own agency's submission."),
    "not_published": (403, "The dataset is not published yet, so agency users cannot read it."),
    "not_found": (404, "No such resource, or not the caller's to see."),
    "not_frozen": (404, "The cycle is not frozen: it has no dataset yet."),
    "bad_json": (400, "The body is not a JSON object, or a field has the wrong type."),
    "missing_field": (400, "A field the operation needs is missing."),
    "bad_format": (400, "A query parameter has a value the operation does not know."),
    "not_json": (415, "The body must be sent as application/json."),
    "invalid": (
        422,
        "The body breaks its schema or the rules of its values; `errors` lists "
        "each field with its message, and nothing was stored.",
    ),
    "if_match_required": (428, "Send If-Match with the ETag (or version) you read."),
    "stale": (412, "Someone changed the resource since you read it: read it again."),
    "not_editable": (409, "The submission cannot be changed in its present state."),
    "unknown_trigger": (409, "There is no such trigger in the workflow."),
    "already_in_state": (409, "Nothing was done: the resource is already in that state."),
    "not_from_state": (409, "The trigger is not possible from the present state."),
    "reason_required": (409, "The trigger needs a reason (comment)."),
    "cycle_not_open": (409, "The cycle is not open."),
    "cycle_frozen": (409, "The cycle is approved and frozen: nothing in it can change."),
    "blocking_errors": (
        409,
        "The submission has errors that block submitting, answering or approving it.",
    ),
    "approved_with_errors": (
        409,
        "An approved submission breaks a rule: it must be reopened and corrected before the "
        "cycle is approved.",
    ),
    "submission_not_in_review": (409, "The question step needs the submission in review."),
    "submission_not_in_clarification": (
        409,
        "The question can be answered only during a clarification round.",
    ),
    "already_sent": (
        409,
        "The question has been sent to the agency: it can be closed, not edited or withdrawn.",
    ),
    "not_sent": (409, "The question has not been sent to the agency yet."),
    "no_open_questions": (409, "Raise at least one question before requesting clarification."),
    "unanswered_questions": (409, "Every question of the round needs an answer first."),
    "unresolved_questions": (409, "Every question needs to be resolved before approval."),
    "changed_meanwhile": (409, "Someone changed the submission meanwhile: read it again."),
    "no_participants": (409, "A cycle opens only with at least one participating agency."),
    "unsettled_submissions": (409, "Every submission must be approved or exempted first."),
    "http-{status}": (0, "Any other HTTP error (405, 406, 429, 500 …), as problem+json."),
}
ETAG = {
    "description": "The resource's current version; send it back as If-Match to change it",
    "schema": {"type": "string"},
}
LOCATION = {"description": "The URL of the new resource", "schema": {"type": "string"}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_NAMES = {id(schema): name for name, schema in schemas.COMPONENTS.items()}


def with_refs(schema, top: dict | None = None):
    """A copy of `schema` with each named schema inside it (or itself, unless it is `top`)
    replaced by a $ref to its component."""
    if isinstance(schema, dict):
        if schema is not top and id(schema) in _NAMES:
            return _ref(_NAMES[id(schema)])
        return {key: with_refs(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [with_refs(item) for item in schema]
    return schema


def _response(code: int, description: str, schema: dict | None, op: Operation) -> dict:
    response: dict = {"description": description}
    headers = {}
    if op.etag and code in (200, 201):
        headers["ETag"] = ETAG
    if code == 201:
        headers["Location"] = LOCATION
    if headers:
        response["headers"] = headers
    content = {} if schema is None else {"application/json": {"schema": with_refs(schema)}}
    if code == 200:
        content.update({media: {"schema": s} for media, s in op.media.items()})
    if content:  # none for a 204: no body, so no media type either
        response["content"] = content
    return response


def _operation(op: Operation) -> dict:
    responses = {str(code): _response(code, *pair, op) for code, pair in op.responses.items()}
    problems = [401, 403, 404, 409, 429]
    if op.request is not None:
        problems += [400, 415, 422]
    if op.headers:
        problems += [412, 428]
    for code in problems:
        responses.setdefault(
            str(code),
            {
                "description": PROBLEMS[code],
                "content": {"application/problem+json": {"schema": _ref("Problem")}},
            },
        )
    spec = {
        "operationId": op.view,
        "summary": op.summary,
        "description": f"Who: {op.who}",
        "parameters": _parameters(op),
        "responses": responses,
        "security": [{"bearer": []}],
    }
    if op.request is not None:
        spec["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": with_refs(op.request)}},
        }
    return spec


def problem_catalogue() -> list[dict]:
    return [
        {"type": TYPE_BASE + kind, "status": status or None, "meaning": meaning}
        for kind, (status, meaning) in PROBLEM_TYPES.items()
    ]


DESCRIPTION = (
    "IT cost key figures, maturity and strategic IT projects of Swedish agencies, and their "
    "review. Send a personal token as `Authorization: Bearer …`. Errors are "
    "application/problem+json (RFC 9457), in the language of Accept-Language (sv or en); "
    "`x-problem-types` lists every problem type with its meaning. A change to a submission's "
    "values or to a project needs If-Match with the ETag last read (428 without, 412 when "
    "stale). Request bodies are checked against the schemas shown here: a field they do not "
    "name, a missing required field or a wrong type is a 422."
)


def openapi(server_url: str) -> dict:
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Granska API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": server_url}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                name: with_refs(schema, top=schema) for name, schema in schemas.COMPONENTS.items()
            },
        },
        "x-problem-types": problem_catalogue(),
        "paths": paths,
    }
