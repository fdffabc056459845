from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import TextInput

from app.forms_support import SwedishDecimalField

_DATE = _l("Enter the date as YYYY-MM-DD, for example 2027-01-29.")
RISK_CHOICES = [
    SelectChoice("low", _l("Low")),
    SelectChoice("medium", _l("Medium")),
    SelectChoice("high", _l("High")),
]


def _date(label, missing):
    return DateField(
        label, validators=[InputRequired(missing)], invalid_value_message=_DATE, widget=TextInput()
    )


def _amount(label, missing):
    return SwedishDecimalField(label, validators=[InputRequired(missing)])


def _risk(label):
    return RadioField(
        label, choices=RISK_CHOICES, validators=[InputRequired(_l("Choose low, medium or high."))]
    )


def _text(label, rows_limit=5000):
    return TextAreaField(
        label, validators=[Optional(), Length(max=rows_limit, message=_l("The text is too long."))]
    )


class ProjectForm(FlaskForm):
    name = StringField(
        _l("Name of the project"),
        validators=[
            InputRequired(_l("Enter the project's name.")),
            Length(max=200, message=_l("The name can be at most 200 characters.")),
        ],
    )
    description = _text(_l("Description"))
    orientation = RadioField(
        _l("Orientation"),
        choices=[
            SelectChoice("develop", _l("Develop the business")),
            SelectChoice("efficiency", _l("Make it more efficient")),
        ],
        validators=[InputRequired(_l("Choose the project's orientation."))],
    )
    status = RadioField(
        _l("Status"),
        choices=[
            SelectChoice("ongoing", _l("Ongoing")),
            SelectChoice("reorienting", _l("Re-orienting")),
            SelectChoice("completed", _l("Completed")),
            SelectChoice("cancelled", _l("Cancelled")),
        ],
        default="ongoing",
        validators=[InputRequired(_l("Choose the project's status."))],
    )
    start_date = _date(_l("Start date"), _l("Enter the day the project started."))
    end_date = _date(_l("Planned end date"), _l("Enter the planned end date."))
    budget = _amount(_l("Budget (tkr)"), _l("Enter the budget."))
    rebaseline_reason = _text(_l("Why did the budget or end date change?"))
    cost_to_date = _amount(_l("Costs to date (tkr)"), _l("Enter the costs to date."))
    forecast_at_completion = _amount(
        _l("Forecast at completion (tkr)"), _l("Enter the forecast at completion.")
    )
    collaboration = _text(_l("Collaboration with other organisations"))
    risk_benefits = _risk(_l("Risk that the benefits are not realised"))
    risk_budget = _risk(_l("Risk that the budget is exceeded"))
    risk_time = _risk(_l("Risk that the project is delayed"))
    benefits_analysed = BooleanField(_l("The benefits have been analysed"))
    benefits_plan = BooleanField(_l("There is a benefits realisation plan"))
    benefits_owner = BooleanField(_l("The benefits have a named owner"))
    expected_benefits = _text(_l("Expected benefits"))
    benefit_measure = _text(_l("How the benefits are measured"))
    benefit_target = _text(_l("Target value"))
    realised_benefits = _text(_l("Benefits realised so far"))


def _line(label, missing=None, limit=200):
    required = [InputRequired(missing)] if missing else [Optional()]
    too_long = Length(max=limit, message=_l("Enter at most %(max)d characters."))
    return StringField(label, validators=[*required, too_long])


def _number(label, missing=None):
    required = InputRequired(missing) if missing else Optional()
    return SwedishDecimalField(label, validators=[required])


class BenefitForm(FlaskForm):
    name = _line(_l("Name of the benefit"), _l("Enter the benefit's name."))
    stakeholder = _line(_l("Stakeholder"), _l("Enter who perceives the benefit."))
    kind = RadioField(
        _l("Kind of benefit"),
        choices=[
            SelectChoice("economic", _l("Economic (affects costs or freed working time)")),
            SelectChoice("qualitative", _l("Qualitative")),
        ],
        validators=[InputRequired(_l("Choose economic or qualitative."))],
    )
    goal = TextAreaField(
        _l("Goal of the organisation it contributes to"),
        validators=[
            InputRequired(_l("Enter the goal of the organisation the benefit contributes to.")),
            Length(max=5000, message=_l("The text is too long.")),
        ],
    )
    indicator = _line(_l("Indicator (what is measured)"), _l("Enter what is measured."))
    unit = _line(_l("Unit"), _l("Enter the unit of the indicator."), limit=60)
    baseline_value = _number(_l("Baseline value"), _l("Enter the baseline value."))
    baseline_date = _date(_l("Baseline date"), _l("Enter the date the baseline was measured."))
    target_value = _number(_l("Target value"), _l("Enter the target value."))
    target_year = IntegerField(
        _l("Target year"),
        validators=[InputRequired(_l("Enter the year the target is to be reached."))],
        widget=TextInput(),
    )
    owner = _line(_l("Benefit owner (a role in the line organisation)"))
    is_main = BooleanField(_l("This is the project's main benefit"))
    amount = _number(_l("Amount (tkr a year)"))
    budget_affecting = BooleanField(_l("Affects the budget (the saving is actually taken out)"))
    realised_value = _number(_l("Realised value this year"))
    realised_amount = _number(_l("Realised amount this year (tkr)"))
    status = RadioField(
        _l("Status of the realisation"),
        choices=[
            SelectChoice("on_track", _l("On track")),
            SelectChoice("at_risk", _l("At risk")),
            SelectChoice("realised", _l("Realised")),
            SelectChoice("abandoned", _l("Abandoned")),
        ],
        default="on_track",
        validators=[InputRequired(_l("Choose the benefit's status."))],
    )
    status_reason = _text(_l("Why was the benefit abandoned, or what puts it at risk?"))
