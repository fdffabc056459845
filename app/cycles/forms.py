from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

_DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD, for example 2027-01-29.")


def _date_field(label):
    return DateField(
        label, validators=[InputRequired(_DATE_MESSAGE)], invalid_value_message=_DATE_MESSAGE
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
    opens_on = _date_field(_l("Opens"))
    submission_deadline = _date_field(_l("Submission deadline"))
    review_deadline = _date_field(_l("Review deadline"))
    copy_from = SelectField(
        _l("Participants from"), coerce=lambda v: int(v) if v else None, validators=[Optional()]
    )


class CycleEditForm(FlaskForm):
    title = CycleForm.title
    opens_on = _date_field(_l("Opens"))
    submission_deadline = _date_field(_l("Submission deadline"))
    review_deadline = _date_field(_l("Review deadline"))
