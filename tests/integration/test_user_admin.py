"""Administrators manage users; new users choose their own password from an e-mailed link."""

import re

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from tests import factories


def test_admin_creates_an_agency_editor_who_is_invited_by_mail(client, login, mailbox):
    agency = factories.make_agency(name="Lantmäteriet")
    login("admin")
    response = client.post(
        "/admin/users/new",
        {
            "name": "Karin Karta",
            "email": "Karin@LM.example",
            "role": "agency_editor",
            "agency_id": str(agency.id),
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "karin@lm.example"))
    assert user.agency_id == agency.id and user.password_hash is None
    assert mailbox[0]["Subject"] == "Välkommen till Granska: välj ditt lösenord"
    link = re.search(r"/password/set/[\w.\-]+", mailbox[0].get_body(("plain",)).get_content())
    client.logout()
    client.post(link.group(0), {"password": "kartor och gränser", "confirm": "kartor och gränser"})
    assert client.login("karin@lm.example", "kartor och gränser").headers["Location"] == "/agency/"


def test_agency_role_without_agency_is_refused_next_to_the_field(client, login):
    login("admin")
    response = client.post(
        "/admin/users/new",
        {
            "name": "Utan myndighet",
            "email": "x@test.example",
            "role": "agency_viewer",
            "agency_id": "",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#agency_id">Myndighet: Välj den myndighet som användaren arbetar på.</a>' in (
        page
    )
    assert 'value="Utan myndighet"' in page
    assert db.session.scalar(select(User).where(User.email == "x@test.example")) is None


def test_reviewer_never_belongs_to_an_agency(client, login):
    agency = factories.make_agency()
    login("admin")
    client.post(
        "/admin/users/new",
        {
            "name": "Granskare",
            "email": "g@test.example",
            "role": "reviewer",
            "agency_id": str(agency.id),
        },
    )
    user = db.session.scalar(select(User).where(User.email == "g@test.example"))
    assert user.role == "reviewer" and user.agency_id is None


def test_duplicate_email_is_refused(client, login):
    factories.make_user("reviewer", email="taken@test.example")
    login("admin")
    response = client.post(
        "/admin/users/new",
        {"name": "Ny", "email": "TAKEN@test.example", "role": "reviewer", "agency_id": ""},
    )
    assert "Det finns redan en användare med den här e-postadressen." in response.get_data(
        as_text=True
    )


def test_moving_a_user_to_another_agency_ends_their_sessions(client, login, app):
    from tests.conftest import WebClient

    first, second = factories.make_agency(), factories.make_agency()
    editor = factories.make_user("agency_editor", agency=first)
    theirs = WebClient(app.test_client())
    theirs.login(editor)
    login("admin")
    response = client.post(
        f"/admin/users/{editor.id}/edit",
        {
            "name": editor.name,
            "email": editor.email,
            "role": "agency_editor",
            "agency_id": str(second.id),
        },
    )
    assert response.status_code == 302
    assert theirs.get("/agency/").status_code == 302


def test_admin_cannot_deactivate_or_demote_themselves(client, login):
    admin = login("admin")
    client.post(f"/admin/users/{admin.id}/active", {"active": "0"})
    response = client.post(
        f"/admin/users/{admin.id}/edit",
        {"name": admin.name, "email": admin.email, "role": "reviewer", "agency_id": ""},
    )
    assert "Du kan inte ändra din egen roll." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active and admin.role == "admin"


def test_deactivated_user_can_be_activated_again(client, login):
    user = factories.make_user("reviewer", active=False)
    login("admin")
    client.post(f"/admin/users/{user.id}/active", {"active": "1"})
    client.logout()
    assert client.login(user).status_code == 302


def test_user_list_shows_invited_users(client, login):
    factories.make_user("reviewer", name="Inbjuden Person", password=None)
    login("admin")
    page = client.get("/admin/users?q=inbjuden").get_data(as_text=True)
    assert "Inbjuden Person" in page and "Inbjuden</td>" in page
