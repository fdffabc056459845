from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from workflows.calendar import parse_days

_DATE_FORMAT = _l("Enter the date as YYYY-MM-DD, for example 2027-01-29.")


def _date_field(label, missing_message):
    # A text input: the hint shows the format, whatever the browser's language.
    return DateField(
        label,
        validators=[InputRequired(missing_message)],
        invalid_value_message=_DATE_FORMAT,
        widget=TextInput(),
    )


class CycleForm(FlaskForm):
    year = IntegerField(
        _l("Year"),
        validators=[
            InputRequired(_l("Enter the year the cycle reports on, for example 2027.")),
            NumberRange(2000, 2100, _l("Enter a year between 2000 and 2100.")),
        ],
    )
    title = StringField(
        _l("Title"),
        validators=[
            InputRequired(_l("Enter a title.")),
            Length(max=200, message=_l("The title can be at most 200 characters.")),
        ],
    )
    title_en = StringField(
        _l("Title in English (optional)"),
        validators=[
            Optional(),
            Length(max=200, message=_l("The title can be at most 200 characters.")),
        ],
    )
    opens_on = _date_field(_l("Opens"), _l("Enter the day the cycle opens."))
    submission_deadline = _date_field(
        _l("Submission deadline"), _l("Enter the last day for submissions.")
    )
    review_deadline = _date_field(_l("Review deadline"), _l("Enter the last day of the review."))
    clarification_response_days = IntegerField(
        _l("Time to answer a clarification round (working days)"),
        default=10,
        validators=[
            InputRequired(_l("Enter the number of working days, for example 10.")),
            NumberRange(1, 60, _l("Enter a number of working days between 1 and 60.")),
        ],
    )
    reminder_days_before = StringField(
        _l("Reminders before the submission deadline (days)"),
        default="14, 7, 1",
        validators=[InputRequired(_l("Enter the days, for example 14, 7, 1."))],
    )
    overdue_every_days = IntegerField(
        _l("Once overdue, remind every (days)"),
        default=7,
        validators=[
            InputRequired(_l("Enter a number of days, for example 7.")),
            NumberRange(1, 60, _l("Enter a number of days between 1 and 60.")),
        ],
    )
    overdue_reminders_max = IntegerField(
        _l("Overdue reminders at most"),
        default=3,
        validators=[
            InputRequired(_l("Enter how many, for example 3.")),
            NumberRange(0, 20, _l("Enter a number between 0 and 20.")),
        ],
    )
    escalate_after_days = IntegerField(
        _l("Tell the administrators when an agency is this many days late"),
        default=14,
        validators=[
            InputRequired(_l("Enter a number of days, or 0 for never.")),
            NumberRange(0, 120, _l("Enter a number of days between 0 and 120.")),
        ],
    )

    def validate_reminder_days_before(self, field):
        try:
            parse_days(field.data or "")
        except ValueError:
            raise ValidationError(
                _l("Enter whole days between 1 and 90, separated by commas, for example 14, 7, 1.")
            ) from None

    copy_from = SelectField(
        _l("Participants from"), coerce=lambda v: int(v) if v else None, validators=[Optional()]
    )


class CycleEditForm(FlaskForm):
    title = CycleForm.title
    title_en = CycleForm.title_en
    opens_on = _date_field(_l("Opens"), _l("Enter the day the cycle opens."))
    submission_deadline = _date_field(
        _l("Submission deadline"), _l("Enter the last day for submissions.")
    )
    review_deadline = _date_field(_l("Review deadline"), _l("Enter the last day of the review."))
    clarification_response_days = CycleForm.clarification_response_days
    reminder_days_before = CycleForm.reminder_days_before
    overdue_every_days = CycleForm.overdue_every_days
    overdue_reminders_max = CycleForm.overdue_reminders_max
    escalate_after_days = CycleForm.escalate_after_days
    validate_reminder_days_before = CycleForm.validate_reminder_days_before
