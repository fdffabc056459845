"""Putting a service's refusal next to the field it is about."""

from app.accounts.errors import FieldErrors


def apply_field_errors(form, error: FieldErrors) -> None:
    for name, message in error.errors.items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]
