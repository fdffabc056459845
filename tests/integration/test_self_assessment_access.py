"""Who reaches which self-assessment: every route against every role, another agency's never
(404 on guessing), the authority's only once shared, the ministries' not at all; and the
authority's list of shared ones, a page at a time at the same cost for 3 or 340 agencies."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.accounts.models import Agency
from app.database import begin_write
from app.extensions import db
from app.self_assessment.models import SelfAssessment
from app.self_assessment.services import this_year
from tests import factories
from tests.integration.test_self_assessment import ANSWERS, _outsider, _published

YEAR = this_year()


def _own(client, editor, answers=ANSWERS, share=False):
    client.login(editor)
    assert client.post("/self-assessment/start").status_code == 302
    assert client.post(f"/self-assessment/{YEAR}/answers", answers).status_code == 302
    if share:
        client.post(f"/self-assessment/{YEAR}/sharing", {"share": "1"})
    client.logout()
    return db.session.scalar(
        select(SelfAssessment).where(SelfAssessment.agency_id == editor.agency_id)
    )


def _agency_routes(year=YEAR):
    return [
        ("get", "/self-assessment/"),
        ("post", "/self-assessment/start"),
        ("get", f"/self-assessment/{year}/"),
        ("get", f"/self-assessment/{year}/answers"),
        ("post", f"/self-assessment/{year}/answers"),
        ("post", f"/self-assessment/{year}/sharing"),
        ("get", f"/self-assessment/{year}/result.pdf"),
    ]


@pytest.mark.parametrize("role", ["admin", "reviewer", "ministry"])
def test_the_authority_and_the_ministries_never_reach_an_agencys_own_pages(client, role):
    _published()
    _agency, editor = _outsider()
    _own(client, editor, share=True)  # even a shared one is read on the authority's page only
    user = factories.make_user(role, ministry="Finansdepartementet" if role == "ministry" else None)
    client.login(user)
    for method, url in _agency_routes():
        assert getattr(client, method)(url).status_code == 403, url


def test_another_agency_finds_nothing_of_the_first_agencys_and_keeps_its_own(client):
    _published()
    _agency, editor = _outsider()
    first = _own(client, editor, share=True)
    other_agency = factories.make_agency("Sjöfartsverket", "esam")
    other = factories.make_user("agency_editor", agency=other_agency)
    viewer = factories.make_user("agency_viewer", agency=other_agency)
    for user in (other, viewer):
        client.login(user)
        for method, url in _agency_routes()[2:]:  # its pages of that year: not found
            expected = {404} if user is other or method == "get" else {403, 404}
            assert getattr(client, method)(url).status_code in expected, (user.role, url)
        for url in (f"/admin/self-assessments/{first.id}", "/admin/self-assessments/"):
            assert client.get(url).status_code == 403
        client.logout()
    # Its own of the same year is its own: the first agency's figures appear nowhere in it.
    _own(client, other, {**ANSWERS, "it_cost_total--outcome": "200 000"})
    client.login(viewer)
    page = client.get(f"/self-assessment/{YEAR}/").get_data(as_text=True)
    assert "Sjöfartsverket" in page and "20,0\u00a0%" in page
    assert "Kustbevakningen" not in page and "10,0\u00a0%" not in page
    assert client.post(f"/self-assessment/{YEAR}/sharing", {"share": "1"}).status_code == 403


@pytest.mark.parametrize("role", ["admin", "reviewer"])
def test_the_authority_reads_only_the_shared_ones_and_guessing_ids_finds_nothing(client, role):
    _published()
    _agency, editor = _outsider()
    private = _own(client, editor)
    shared_agency = factories.make_agency("Sjöfartsverket", "esam")
    shared = _own(client, factories.make_user("agency_editor", agency=shared_agency), share=True)
    client.login(factories.make_user(role))
    listing = client.get("/admin/self-assessments/").get_data(as_text=True)
    assert "Sjöfartsverket" in listing and "Kustbevakningen" not in listing
    assert client.get(f"/admin/self-assessments/{shared.id}").status_code == 200
    for guessed in (private.id, shared.id + 100, 2**31 - 1):
        assert client.get(f"/admin/self-assessments/{guessed}").status_code == 404
    # Only an administrator invites; an agency that does not exist is not found.
    expected = 302 if role == "admin" else 403
    assert client.post(f"/admin/agencies/{shared_agency.id}/self-assessment").status_code == (
        expected
    )
    if role == "admin":
        assert client.post("/admin/agencies/999999/self-assessment").status_code == 404


@pytest.mark.parametrize("role", ["agency_editor", "agency_viewer", "ministry"])
def test_the_authoritys_pages_are_refused_to_agencies_and_ministries(client, role):
    _published()
    agency, editor = _outsider()
    shared = _own(client, editor, share=True)
    user = (
        factories.make_user(role, agency=agency)
        if role.startswith("agency")
        else factories.make_user(role, ministry="Finansdepartementet")
    )
    client.login(user)
    assert client.get("/admin/self-assessments/").status_code == 403
    assert client.get(f"/admin/self-assessments/{shared.id}").status_code == 403
    assert client.post(f"/admin/agencies/{agency.id}/self-assessment").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client):
    _published()
    _agency, editor = _outsider()
    shared = _own(client, editor, share=True)
    urls = [url for _m, url in _agency_routes()] + [
        "/admin/self-assessments/",
        f"/admin/self-assessments/{shared.id}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]


def _shared_crowd(cycle_id: int, count: int, start: int) -> None:
    """`count` more agencies, each with a shared self-assessment (committed)."""
    begin_write(db.session)
    group = factories.peer_group("esam")
    agencies = [
        Agency(
            name=f"Myndighet {n:03d}",
            org_number=factories.org_number(80000 + n),
            peer_group_id=group.id,
            ministry="Finansdepartementet",
            contact_email=f"s{n}@myndighet.example",
        )
        for n in range(start, start + count)
    ]
    db.session.add_all(agencies)
    db.session.flush()
    when = datetime(2026, 11, 1, 9, 0)
    db.session.add_all(
        SelfAssessment(
            agency_id=agency.id,
            year=YEAR,
            cycle_id=cycle_id,
            shared_at=when,
            created_at=when,
            updated_at=when,
        )
        for agency in agencies
    )
    db.session.commit()


def test_the_shared_list_pages_through_340_agencies_at_the_cost_of_3(client, count_queries):
    data, _snapshot = _published()
    _shared_crowd(data.cycle.id, 3, start=0)
    client.login(factories.make_user("reviewer"))

    def cost(url="/admin/self-assessments/"):
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        return counter.count, response.get_data(as_text=True)

    few, page = cost()
    assert "Myndighet 002" in page and 'rel="next"' not in page
    _shared_crowd(data.cycle.id, 337, start=3)
    many, page = cost()
    assert many == few, (few, many)
    assert page.count("/admin/self-assessments/") >= 50 and "Myndighet 049" in page
    assert "Myndighet 050" not in page and "Sida 1 av 7" in page
    last_cost, last = cost("/admin/self-assessments/?page=7")
    assert last_cost == few and "Myndighet 339" in last and "Myndighet 299" not in last
