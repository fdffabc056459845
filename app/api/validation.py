"""Request bodies checked against the schema the description shows for them (one declaration
documents and validates): a field the schema does not name, a missing required field, a wrong
type or a value out of its range is a 422 listing each field with a message in the caller's
language; nothing is stored."""

import jsonschema_rs
from flask_babel import gettext as _

from app.api.problems import ApiProblem

# Compiled once per schema; the schemas are module constants, so their ids are stable.
_VALIDATORS: dict[int, jsonschema_rs.Validator] = {}


def _validator(schema: dict) -> jsonschema_rs.Validator:
    if id(schema) not in _VALIDATORS:
        _VALIDATORS[id(schema)] = jsonschema_rs.validator_for(schema)
    return _VALIDATORS[id(schema)]


def _field(path, name: str | None = None) -> str:
    parts = [str(part) for part in path] + ([name] if name else [])
    return "/".join(parts) or "body"


def _message(kind) -> str:
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
    return messages.get(type(kind).__name__, lambda: _("This value is not valid."))()


def body_errors(schema: dict, body) -> list[dict]:
    """Each way `body` breaks `schema`, as {"code": field path, "message": …}."""
    validator = _validator(schema)
    errors = []
    for error in validator.iter_errors(body):
        kind = error.kind
        if type(kind).__name__ == "AdditionalProperties":
            errors += [
                {"code": _field(error.instance_path, name), "message": _message(kind)}
                for name in kind.unexpected
            ]
        elif type(kind).__name__ == "Required":
            errors.append(
                {"code": _field(error.instance_path, kind.property), "message": _message(kind)}
            )
        else:
            errors.append({"code": _field(error.instance_path), "message": _message(kind)})
    return errors


def check_body(schema: dict | None, body) -> None:
    if schema is None:
        return
    errors = body_errors(schema, body)
    if errors:
        raise ApiProblem(
            422, "invalid", _("The body does not match its description."), errors=errors
        )
