from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.datasets.open_data import LICENCES, PARTS


class OpenDataForm(FlaskForm):
    licence = RadioField(
        _l("Licence"),
        choices=[SelectChoice(code, licence.name) for code, licence in LICENCES.items()],
        validators=[InputRequired(_l("Choose a licence."))],
        validate_choice=False,  # refused by the service, with its own words
    )
    withheld = SelectMultipleField(
        _l("Withhold from the open version"),
        choices=[SelectChoice(code, label) for code, label in PARTS.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,  # an unknown part is refused by the service, next to the field
    )
    description_sv = TextAreaField(
        _l("Description in Swedish"),
        validators=[Length(max=5000, message=_l("Write at most 5,000 characters."))],
    )
    description_en = TextAreaField(
        _l("Description in English"),
        validators=[Length(max=5000, message=_l("Write at most 5,000 characters."))],
    )
