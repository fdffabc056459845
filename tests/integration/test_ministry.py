"""The ministries' view: a ministry's staff read the published results of the ministry's own
agencies, side by side and as a briefing (page and PDF) with the authority's observations;
another ministry's agency, an agency that took no part and anything unpublished is 404."""

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from app.accounts.models import Agency, User
from app.cycles.operations import fire_cycle_transition
from app.datasets.canonical import canonical_bytes, digest_of
from app.datasets.models import DatasetSnapshot
from app.extensions import db
from app.roles import Role
from app.timeutil import utcnow
from tests import factories
from tests.integration.test_datasets import YEAR, _frozen_dataset

OURS, THEIRS = "Näringsdepartementet", "Landsbygds- och infrastrukturdepartementet"
BOLAGSVERKET, LANTMATERIET, TULLVERKET = "202100-0019", "202100-0027", "202100-0035"
OBSERVATION = "Bolagsverket har sänkt sina it-kostnader tydligt.\nFölj upp e-tjänsterna."


def _dataset(publish: bool = True):
    data, _snapshot = _frozen_dataset()
    for org_number, ministry in ((BOLAGSVERKET, OURS), (LANTMATERIET, THEIRS), (TULLVERKET, OURS)):
        agency = db.session.scalar(select(Agency).where(Agency.org_number == org_number))
        agency.ministry = ministry
    db.session.commit()
    if publish:
        fire_cycle_transition(YEAR, "publish", data.admin)
        db.session.commit()
    return data


def _ministry_user(ministry: str = OURS) -> User:
    return factories.make_user(Role.MINISTRY, ministry=ministry)


def test_a_ministry_sees_its_own_agencies_side_by_side(client):
    _dataset()
    client.login(_ministry_user())
    page = client.get("/ministry/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'href="/ministry/agencies/{BOLAGSVERKET}?year={YEAR}"' in text
    assert "Tullverket" in text and "Deltog inte i insamlingen 2026." in text
    assert "Lantmäteriet" not in text  # another ministry's agency
    assert "12,0" in text  # Bolagsverket's IT cost share, 60 000 of 500 000


def test_the_briefing_has_figures_maturity_projects_and_the_observations(client):
    data = _dataset()
    client.login(data.admin)
    url = f"/admin/cycles/{YEAR}/observations/{BOLAGSVERKET}"
    assert client.post(url, {"text": OBSERVATION}).status_code == 302
    client.logout()
    client.login(_ministry_user())
    page = client.get(f"/ministry/agencies/{BOLAGSVERKET}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Underlag 2026: Bolagsverket" in text
    assert "Bolagsverket har sänkt sina it-kostnader tydligt." in text
    assert "Följ upp e-tjänsterna." in text
    assert "Nytt ärendehanteringssystem" in text  # the project
    assert "Insamlingen 2025 är inte publicerad" in text  # nothing to compare with
    pdf = client.get(f"/ministry/agencies/{BOLAGSVERKET}/briefing.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "Bolagsverket" in words and "Följ upp e-tjänsterna." in words


def test_what_changed_since_last_year_compares_with_the_published_year_before(client):
    data = _dataset()
    last_year = factories.make_cycle(YEAR - 1, "published")
    content = json.loads(
        db.session.scalar(
            select(DatasetSnapshot.content).where(DatasetSnapshot.cycle_id == data.cycle.id)
        )
    )
    content["cycle"]["year"] = YEAR - 1
    for submission in content["submissions"]:
        submission["key_figures"]["it_cost_share"] = "10.0000"
        submission["projects"] = []
    body = canonical_bytes(content)
    db.session.add(
        DatasetSnapshot(
            cycle_id=last_year.id,
            content=body.decode(),
            digest=digest_of(body),
            frozen_at=utcnow(),
        )
    )
    db.session.commit()
    client.login(_ministry_user())
    text = client.get(f"/ministry/agencies/{BOLAGSVERKET}").get_data(as_text=True)
    assert "10,0" in text and "+2,0 procentenheter" in text
    assert "Strategiska it-projekt: 0 → 1" in text


@pytest.mark.parametrize(
    "url",
    [
        f"/ministry/agencies/{LANTMATERIET}",  # another ministry's agency
        f"/ministry/agencies/{LANTMATERIET}/briefing.pdf",
        f"/ministry/agencies/{TULLVERKET}",  # ours, but exempted: no published results
        "/ministry/agencies/999999-9999",
        f"/ministry/agencies/{BOLAGSVERKET}?year={YEAR - 1}",  # no such published year
        f"/ministry/?year={YEAR + 1}",
    ],
)
def test_anything_else_is_not_found(client, url):
    _dataset()
    client.login(_ministry_user())
    assert client.get(url).status_code == 404


def test_nothing_is_shown_before_publication(client):
    data = _dataset(publish=False)  # approved and frozen, not published
    client.login(data.admin)
    url = f"/admin/cycles/{YEAR}/observations/{BOLAGSVERKET}"
    assert client.post(url, {"text": OBSERVATION}).status_code == 302
    client.logout()
    client.login(_ministry_user())
    page = client.get("/ministry/").get_data(as_text=True)
    assert "Ingen insamling har publicerats ännu." in page and "Bolagsverket" not in page
    for url in (f"/ministry/agencies/{BOLAGSVERKET}", f"/ministry/?year={YEAR}"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/cycles/{YEAR}/dataset").status_code == 404
    assert client.get(f"/cycles/{YEAR}/analysis/{BOLAGSVERKET}").status_code == 404


def test_other_roles_never_reach_the_ministry_pages_nor_the_observations(client):
    data = _dataset()
    client.login(data.admin)
    client.post(f"/admin/cycles/{YEAR}/observations/{BOLAGSVERKET}", {"text": OBSERVATION})
    agency = db.session.scalar(select(Agency).where(Agency.org_number == BOLAGSVERKET))
    client.logout()
    for user in (
        factories.make_user("agency_editor", agency=agency),
        factories.make_user("agency_viewer", agency=agency),
        factories.make_user("reviewer"),
        data.admin,
    ):
        client.login(user)
        for url in ("/ministry/", f"/ministry/agencies/{BOLAGSVERKET}"):
            assert client.get(url).status_code == 403, (user.role, url)
        results = client.get(f"/cycles/{YEAR}/analysis/{BOLAGSVERKET}").get_data(as_text=True)
        assert "sänkt sina it-kostnader" not in results
        client.logout()
    ministry = _ministry_user()
    client.login(ministry)
    url = f"/admin/cycles/{YEAR}/observations/{BOLAGSVERKET}"
    assert client.get(url).status_code == 403
    # Published results stay readable by every signed-in user, the ministry's too.
    assert client.get(f"/cycles/{YEAR}/analysis/{LANTMATERIET}").status_code == 200
    assert client.get(f"/cycles/{YEAR}/reports/{BOLAGSVERKET}.pdf").status_code == 404


def test_a_ministry_of_none_of_the_agencies_sees_an_empty_list(client):
    _dataset()
    client.login(_ministry_user("Försvarsdepartementet"))
    text = client.get("/ministry/").get_data(as_text=True)
    assert "Ingen myndighet i registret hör till Försvarsdepartementet." in text
    assert client.get(f"/ministry/agencies/{BOLAGSVERKET}").status_code == 404


def test_the_cli_creates_a_ministry_user_and_refuses_what_does_not_fit(app):
    factories.make_agency(ministry=OURS)
    runner = app.test_cli_runner()
    password = ["--password", "tolv tecken minst"]
    ok = runner.invoke(
        args=[
            "users",
            "create",
            "kansli@n.example",
            "--role",
            "ministry",
            "--ministry",
            OURS,
            *password,
        ]
    )
    assert ok.exit_code == 0, ok.output
    user = db.session.scalar(select(User).where(User.email == "kansli@n.example"))
    assert (user.role, user.ministry, user.agency_id) == ("ministry", OURS, None)
    for args, message in (
        (["--role", "ministry"], "needs --ministry"),
        (["--role", "ministry", "--ministry", "Sagodepartementet"], "Välj departementet"),
        (["--role", "reviewer", "--ministry", OURS], "does not belong to a ministry"),
    ):
        result = runner.invoke(args=["users", "create", "x@n.example", *args, *password])
        assert result.exit_code != 0 and message in result.output, result.output


def test_an_administrator_adds_a_ministry_user_with_the_ministry_next_to_its_field(client, login):
    factories.make_agency(ministry=OURS)
    login("admin")
    form = {"name": "Nils Näring", "email": "nils@n.example", "role": "ministry"}
    refused = client.post("/admin/users/new", form)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'href="#ministry"' in text and "nils@n.example" in text
    assert client.post("/admin/users/new", {**form, "ministry": OURS}).status_code == 302
    assert db.session.scalar(select(User.ministry).where(User.email == "nils@n.example")) == OURS


def test_the_database_holds_a_ministry_to_its_role(app):
    with pytest.raises(DBAPIError):
        db.session.add(User(email="m@n.example", name="M", role="ministry", agency_id=None))
        db.session.commit()
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.add(User(email="r@n.example", name="R", role="reviewer", ministry=OURS))
        db.session.commit()
    db.session.rollback()
