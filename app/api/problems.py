"""Errors as application/problem+json (RFC 9457): a stable type, a title, a detail in the
caller's language, and for validation the list of errors."""

from typing import Any

from flask import Response, jsonify

TYPE_BASE = "https://granska.example/problems/"


class ApiProblem(Exception):
    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str = "",
        errors: list[dict[str, str]] | None = None,
    ):
        super().__init__(detail or title)
        self.status, self.kind, self.title = status, kind, title
        self.detail, self.errors = detail, errors


def problem_response(problem: ApiProblem) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail or problem.title,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    response = jsonify(body)
    response.status_code = problem.status
    response.mimetype = "application/problem+json"
    if problem.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="granska"'
    return response
