"""Request bodies checked against the schema the description shows for them (one declaration
documents and validates): a field the schema does not name, a missing required field, a wrong
type or a value out of its range is a 422 listing each field with a message in the caller's
language; nothing is stored."""

from collections.abc import Sequence
from typing import Any

import jsonschema_rs
from flask_babel import gettext as _

from app.api.problems import ApiProblem

# Compiled once per schema; the schemas are module constants, so their ids are stable.
_VALIDATORS: dict[int, jsonschema_rs.Validator] = {}


def _validator(schema: dict[str, Any]) -> jsonschema_rs.Validator:
    if id(schema) not in _VALIDATORS:
        _VALIDATORS[id(schema)] = jsonschema_rs.validator_for(schema)
    return _VALIDATORS[id(schema)]


def _field(path: Sequence[str | int], name: str | None = None) -> str:
    parts = [str(part) for part in path] + ([name] if name else [])
    return "/".join(parts) or "body"


def _message(kind: Any) -> str:  # each kind has its own attributes
    messages = {
        "Required": lambda: _("This field is required."),
        "AdditionalProperties": lambda: _("There is no such field."),
        "Type": lambda: _("This field has the wrong type."),
        "Enum": lambda: _("Choose one of: %(list)s.", list=", ".join(map(str, kind.options))),
        "MinLength": lambda: _("Enter at least %(n)d characters.", n=kind.limit),
        "MaxLength": lambda: _("Enter at most %(n)d characters.", n=kind.limit),
        "Minimum": lambda: _("Enter %(n)s or more.", n=kind.limit),
        "Maximum": lambda: _("Enter %(n)s or less.", n=kind.limit),
        "MinProperties": lambda: _("Give at least one value."),
    }
    message: str = messages.get(type(kind).__name__, lambda: _("This value is not valid."))()
    return message


def body_errors(schema: dict[str, Any], body: object) -> list[dict[str, str]]:
    """Each way `body` breaks `schema`, as {"code": field path, "message": …}."""
    validator = _validator(schema)
    errors = []
    for error in validator.iter_errors(body):
        kind = error.kind
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
            errors += [
                {"code": _field(error.instance_path, name), "message": _message(kind)}
                for name in kind.unexpected
            ]
        elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
            errors.append(
                {"code": _field(error.instance_path, kind.property), "message": _message(kind)}
            )
        else:
            errors.append({"code": _field(error.instance_path), "message": _message(kind)})
    return errors


def check_body(schema: dict[str, Any] | None, body: object) -> None:
    if schema is None:
        return
    errors = body_errors(schema, body)
    if errors:
        raise ApiProblem(
            422, "invalid", _("The body does not match its description."), errors=errors
        )
