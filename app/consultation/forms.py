from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import TextInput

from app.consultation.operations import TEXT_LIMIT
from workflows.consultation import OUTCOMES

TOO_LONG = _l("Write at most 5 000 characters.")


class StartForm(FlaskForm):
    deadline = DateField(
        _l("Deadline for comments"),
        validators=[InputRequired(_l("Enter the last day for comments."))],
        invalid_value_message=_l("Enter the date as YYYY-MM-DD, for example 2027-01-29."),
        widget=TextInput(),
    )
    intro_sv = TextAreaField(
        _l("Introduction in Swedish (optional)"),
        validators=[Optional(), Length(max=TEXT_LIMIT, message=TOO_LONG)],
    )
    intro_en = TextAreaField(
        _l("Introduction in English (optional)"),
        validators=[Optional(), Length(max=TEXT_LIMIT, message=TOO_LONG)],
    )


class CommentForm(FlaskForm):
    text = TextAreaField(
        _l("Your comment"),
        validators=[
            InputRequired(_l("Write your comment.")),
            Length(max=TEXT_LIMIT, message=TOO_LONG),
        ],
    )


class AnswerForm(FlaskForm):
    text = TextAreaField(
        _l("The authority's answer"),
        validators=[
            InputRequired(_l("Write the answer.")),
            Length(max=TEXT_LIMIT, message=TOO_LONG),
        ],
    )


class DecisionForm(FlaskForm):
    outcome = RadioField(
        _l("Decision"),
        choices=[SelectChoice(str(key), _l(label)) for key, label in OUTCOMES.items()],
        validators=[InputRequired(_l("Choose the decision."))],
    )
    text = TextAreaField(
        _l("Reason"),
        validators=[
            InputRequired(_l("Give the reason for the decision.")),
            Length(max=TEXT_LIMIT, message=TOO_LONG),
        ],
    )
