from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, Regexp

from app.roles import ROLE_LABELS


def _email_field(label):
    return EmailField(
        label,
        validators=[
            InputRequired(_l("Enter an e-mail address.")),
            Email(
                _l("Enter an e-mail address in the form name@example.se."),
                check_deliverability=False,
            ),
            Length(max=254, message=_l("The e-mail address is too long.")),
        ],
    )


class LoginForm(FlaskForm):
    email = _email_field(_l("E-mail address"))
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])


class PasswordSetForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[InputRequired(_l("Enter a new password."))]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            InputRequired(_l("Repeat the new password.")),
            EqualTo("password", _l("The passwords do not match.")),
        ],
    )


class PasswordChangeForm(PasswordSetForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Enter your current password."))]
    )


class PasswordResetRequestForm(FlaskForm):
    email = _email_field(_l("E-mail address"))


class AgencyForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(_l("Enter the agency's name.")),
            Length(max=200, message=_l("The name can be at most 200 characters.")),
        ],
    )
    org_number = StringField(
        _l("Organisation number"), validators=[InputRequired(_l("Enter the organisation number."))]
    )
    peer_group_id = SelectField(
        _l("Peer group"), coerce=int, validators=[InputRequired(_l("Choose a peer group."))]
    )
    ministry = StringField(
        _l("Ministry"),
        validators=[
            Optional(),
            Length(max=120, message=_l("The ministry can be at most 120 characters.")),
        ],
    )
    contact_email = _email_field(_l("Contact e-mail address"))


class AgencyImportForm(FlaskForm):
    file = FileField(
        _l("CSV or Excel file"), validators=[FileRequired(_l("Choose a CSV or Excel file."))]
    )
    create_peer_groups = BooleanField(_l("Create the peer groups that do not exist yet"))


class UserForm(FlaskForm):
    email = _email_field(_l("E-mail address"))
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(_l("Enter the user's name.")),
            Length(max=200, message=_l("The name can be at most 200 characters.")),
        ],
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(_l("Choose a role."))],
    )
    agency_id = SelectField(
        _l("Agency"), coerce=lambda v: int(v) if v else None, validators=[Optional()]
    )
    ministry = SelectField(_l("Ministry"), validators=[Optional()], validate_choice=False)


class PeerGroupForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            InputRequired(_l("Enter a short code, for example myndigheter_under_100.")),
            Regexp(
                r"^[a-z0-9_]{2,40}$",
                message=_l("Use 2–40 lower-case letters a–z, digits or underscores."),
            ),
        ],
    )
    name_sv = StringField(
        _l("Name in Swedish"),
        validators=[
            InputRequired(_l("Enter the name in Swedish.")),
            Length(max=120, message=_l("The name can be at most 120 characters.")),
        ],
    )
    name_en = StringField(
        _l("Name in English"),
        validators=[
            InputRequired(_l("Enter the name in English.")),
            Length(max=120, message=_l("The name can be at most 120 characters.")),
        ],
    )
