"""Putting a service's refusal next to the field it is about."""

from wtforms import StringField

from app.errors import FieldErrors
from app.swedish_numbers import (
    NOT_A_NUMBER_TEXT,
    NotANumber,
    format_swedish_number,
    parse_swedish_number,
)


def apply_field_errors(form, error: FieldErrors) -> None:
    for name, message in error.errors.items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]


class SwedishDecimalField(StringField):
    """A number typed the Swedish way ("1 234 567,5"); shown back in the same form, or as
    typed when it could not be read."""

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        if not self.raw_text.strip():
            # Only (no-break, thin) spaces are nothing typed: InputRequired must see it so,
            # not a value that then reads as None.
            self.raw_data, self.data = [""], None
            return
        try:
            self.data = parse_swedish_number(self.raw_text)
        except NotANumber as problem:
            self.data = None
            raise ValueError(str(NOT_A_NUMBER_TEXT[problem.reason])) from None

    def _value(self):
        if getattr(self, "raw_text", None) is not None and (self.errors or self.data is None):
            return self.raw_text
        return format_swedish_number(self.data) if self.data is not None else ""
