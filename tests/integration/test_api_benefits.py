"""A project's benefits through the API: the same register rules as the form (422 with the
field named, nothing stored), PUT with If-Match, the schema in the description."""

from sqlalchemy import func, select

from app.extensions import db
from app.submissions.models import Benefit
from tests.integration.test_api import API, NEW_BENEFIT, build_world, call


def _url(world) -> str:
    return API + f"/cycles/2026/submissions/{world.org}/projects/{world.project_id}/benefits"


def test_an_editor_registers_and_updates_a_benefit_with_if_match(client):
    world = build_world()
    token = world.tokens["editor"]
    created = call(client, "POST", _url(world), token, json=NEW_BENEFIT)
    assert created.status_code == 201, created.json
    benefit = created.json
    assert (benefit["kind"], benefit["amount"], benefit["continues"]) == ("economic", 2500.0, None)
    listed = call(client, "GET", _url(world), world.tokens["viewer"]).json
    assert [b["name"] for b in listed] == ["Kortare handläggningstid"]
    url = f"{_url(world)}/{benefit['id']}"
    realised = {**NEW_BENEFIT, "status": "realised", "realised_value": 11, "realised_amount": 2600}
    stale = call(client, "PUT", url, token, json=realised, headers={"If-Match": '"stale"'})
    assert stale.status_code == 412
    done = call(
        client, "PUT", url, token, json=realised, headers={"If-Match": created.headers["ETag"]}
    )
    assert done.status_code == 200 and done.json["status"] == "realised"
    assert done.json["realised_value"] == 11.0


def test_the_register_rules_answer_422_and_store_nothing(client):
    world = build_world()
    token = world.tokens["editor"]
    response = call(
        client,
        "POST",
        _url(world),
        token,
        json={**NEW_BENEFIT, "amount": None, "target_year": 2020, "status": "abandoned"},
    )
    assert response.status_code == 422
    codes = {error["code"] for error in response.json["errors"]}
    assert codes == {"amount", "target_year", "status_reason"}
    unknown = call(client, "POST", _url(world), token, json={**NEW_BENEFIT, "colour": "red"})
    assert unknown.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Benefit)) == 0


def test_another_agency_gets_404_and_the_description_names_the_schema(client):
    world = build_world()
    response = call(client, "GET", _url(world), world.tokens["other_editor"])
    assert response.status_code == 404
    spec = client.get(API + "/openapi.json").json
    assert "Benefit" in spec["components"]["schemas"]
    assert "BenefitInput" in spec["components"]["schemas"]
    path = "/cycles/{year}/submissions/{org_number}/projects/{id}/benefits/{benefit_id}"
    assert "put" in spec["paths"][path]
