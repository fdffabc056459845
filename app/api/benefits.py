"""A project's benefits, a sub-resource of the project: list, add, replace (If-Match). The
same register, rules and warnings as the pages (`app.submissions.benefits`)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import jsonify, url_for
from flask_babel import gettext as _

from app.api import schemas
from app.api.etags import digest_etag, require_if_match
from app.api.loaders import check_editable, visible_submission
from app.api.operation import IF_MATCH, body, field_problem, not_found, operation
from app.api.projects import project_of
from app.errors import FieldErrors
from app.submissions.benefits import BenefitData, benefit_of, create_benefit, update_benefit
from app.submissions.models import Benefit

PATH = "/cycles/{year}/submissions/{org_number}/projects/{id}/benefits"


def _amount(value) -> float | None:
    return float(value) if value is not None else None


def benefit_json(benefit: Benefit) -> dict:
    return {
        "id": benefit.id,
        "continues": benefit.carried_from_id,
        "name": benefit.name,
        "stakeholder": benefit.stakeholder,
        "kind": benefit.kind,
        "goal": benefit.goal,
        "indicator": benefit.indicator,
        "unit": benefit.unit,
        "baseline_value": float(benefit.baseline_value),
        "baseline_date": benefit.baseline_date.isoformat(),
        "target_value": float(benefit.target_value),
        "target_year": benefit.target_year,
        "owner": benefit.owner,
        "is_main": benefit.is_main,
        "amount": _amount(benefit.amount),
        "budget_affecting": benefit.budget_affecting,
        "realised_value": _amount(benefit.realised_value),
        "realised_amount": _amount(benefit.realised_amount),
        "status": benefit.status,
        "status_reason": benefit.status_reason,
    }


def _benefit_data(sent: dict) -> BenefitData:
    """The body as the service takes it: `schemas.BENEFIT_INPUT` has checked presence, types,
    choices and bounds; numbers become exact decimals, the date a day; the register's own
    rules (app.submissions.benefits.check) decide the rest."""
    errors: dict[str, str] = {}

    def number(name):
        value = sent.get(name)
        if value is None:
            return None
        try:
            result = Decimal(str(value))
            if not result.is_finite():
                raise InvalidOperation
            return result
        except (InvalidOperation, ValueError):
            errors[name] = _("Enter a number.")
            return None

    try:
        baseline_date = date.fromisoformat(sent["baseline_date"])
    except ValueError:
        errors["baseline_date"] = _("Enter the date as YYYY-MM-DD.")
        baseline_date = date(2000, 1, 1)
    data = BenefitData(
        name=sent["name"],
        stakeholder=sent["stakeholder"],
        kind=sent["kind"],
        goal=sent["goal"],
        indicator=sent["indicator"],
        unit=sent["unit"],
        baseline_value=number("baseline_value") or Decimal(0),
        baseline_date=baseline_date,
        target_value=number("target_value") or Decimal(0),
        target_year=sent["target_year"],
        owner=sent.get("owner", ""),
        is_main=sent.get("is_main", False),
        amount=number("amount"),
        budget_affecting=sent.get("budget_affecting", False),
        realised_value=number("realised_value"),
        realised_amount=number("realised_amount"),
        status=sent["status"],
        status_reason=sent.get("status_reason", ""),
    )
    if errors:
        raise field_problem(FieldErrors(errors))
    return data


def _response(benefit: Benefit, status: int = 200):
    representation = benefit_json(benefit)
    response = jsonify(representation)
    response.status_code = status
    response.headers["ETag"] = digest_etag(representation)
    return response


@operation(
    PATH,
    "GET",
    "A project's benefits, each with this cycle's realisation",
    "staff; the agency's own users",
    responses={200: ("The benefits", {"type": "array", "items": schemas.BENEFIT})},
)
def list_benefits(user, year, org_number, id):
    project = project_of(visible_submission(user, year, org_number), id)
    return jsonify([benefit_json(b) for b in project.benefits])


@operation(
    PATH,
    "POST",
    "Register a benefit of the project",
    "the agency's editors, while the submission is editable",
    request=schemas.BENEFIT_INPUT,
    responses={201: ("The new benefit", schemas.BENEFIT)},
    etag=True,
)
def add_benefit(user, year, org_number, id):
    sent = body()
    submission = visible_submission(user, year, org_number, lock=True)
    check_editable(user, submission)
    project = project_of(submission, id)
    try:
        benefit = create_benefit(submission, project, _benefit_data(sent), user)
    except FieldErrors as error:
        raise field_problem(error) from None
    response = _response(benefit, 201)
    response.headers["Location"] = url_for(
        "api.list_benefits", year=year, org_number=org_number, id=id, _external=True
    )
    return response


@operation(
    PATH + "/{benefit_id}",
    "PUT",
    "Change a benefit: its register entry and this year's realisation",
    "the agency's editors, while the submission is editable",
    request=schemas.BENEFIT_INPUT,
    responses={200: ("The benefit", schemas.BENEFIT)},
    headers=IF_MATCH,
    etag=True,
)
def put_benefit(user, year, org_number, id, benefit_id):
    sent = body()
    submission = visible_submission(user, year, org_number, lock=True)
    check_editable(user, submission)
    benefit = benefit_of(project_of(submission, id), benefit_id)
    if benefit is None:
        raise not_found()
    require_if_match(digest_etag(benefit_json(benefit)))
    try:
        update_benefit(submission, benefit, _benefit_data(sent), user)
    except FieldErrors as error:
        raise field_problem(error) from None
    return _response(benefit)
