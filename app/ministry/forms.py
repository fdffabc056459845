from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length


class ObservationForm(FlaskForm):
    text = TextAreaField(
        _l("Observations to the ministry"),
        validators=[Length(max=5000, message=_l("Write at most 5,000 characters."))],
    )
