"""The API's operations, registered with their schemas where they are defined, and the
OpenAPI 3.1 description built from that registry: the description cannot drift from the code
because it is the code."""

from dataclasses import dataclass, field

from app.api import schemas

OPERATIONS: list["Operation"] = []
PARAMETER_SCHEMAS = {
    "year": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    "id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
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
    media: list[str] = field(default_factory=list)  # other media types of the 200 response


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
    400: "The request is not well-formed JSON or lacks a field",
    401: "No valid token",
    403: "The caller's role may not do this",
    404: "Not found, or not the caller's to see",
    406: "Only JSON is served",
    409: "The workflow refuses, with the reason",
    412: "The If-Match version is stale",
    415: "Send JSON (Content-Type: application/json)",
    422: "Invalid values; nothing was stored",
    428: "If-Match is required",
    429: "Too many requests",
}


def _response(description: str, schema: dict | None, media: dict | None = None) -> dict:
    if schema is None:
        return {"description": description}
    content = {"application/json": {"schema": schema}}
    content.update({media_type: {"schema": {}} for media_type in media or ()})
    return {"description": description, "content": content}


def _operation(op: Operation) -> dict:
    responses = {
        str(code): _response(*pair, op.media if code == 200 else None)
        for code, pair in op.responses.items()
    }
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
                "content": {"application/problem+json": {"schema": schemas.PROBLEM}},
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
            "content": {"application/json": {"schema": op.request}},
        }
    return spec


def openapi(server_url: str) -> dict:
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Granska API",
            "version": "1",
            "description": (
                "IT cost key figures, maturity and strategic IT projects of Swedish agencies, "
                "and their review. Send a personal token as `Authorization: Bearer …`. Errors "
                "are application/problem+json (RFC 9457), in the language of Accept-Language "
                "(sv or en)."
            ),
        },
        "servers": [{"url": server_url}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": paths,
    }
