"""Logging in and out, sessions, passwords and password links, through HTTP."""

import re
import time

from argon2 import PasswordHasher
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.notifications.models import OutboxMessage
from tests import factories

LINK = re.compile(r"http://granska\.test/password/set/[\w.\-]+")


def test_each_role_lands_on_its_own_page(client):
    expected = {
        "admin": "/admin/",
        "reviewer": "/review/",
        "agency_editor": "/agency/",
        "agency_viewer": "/agency/",
    }
    for role, path in expected.items():
        user = factories.make_user(role)
        response = client.login(user)
        assert response.headers["Location"] == path
        assert client.get(path).status_code == 200
        client.logout()


def test_wrong_password_and_unknown_account_get_the_same_answer(client):
    factories.make_user("reviewer", email="known@test.example")
    wrong = client.post("/login", {"email": "known@test.example", "password": "nope"})
    unknown = client.post("/login", {"email": "nobody@test.example", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 422
    message = "E-postadressen eller lösenordet är fel."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_every_login_checks_one_argon2id_hash_whether_or_not_the_account_exists(
    client, monkeypatch
):
    """V6.3.8: an unknown or inactive account is checked against a dummy hash, so the answer
    takes as long as for a wrong password (before: 30 ms against 570 ms)."""
    factories.make_user("reviewer", email="known@test.example")
    factories.make_user("reviewer", email="gone@test.example", active=False)
    checked = []
    verify = PasswordHasher.verify

    def counting(self, password_hash, password):
        checked.append(password_hash.split("$")[3])  # the parameters: m=…,t=…,p=…
        return verify(self, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    for email in ("known@test.example", "nobody@test.example", "gone@test.example"):
        assert client.post("/login", {"email": email, "password": "nope"}).status_code == 422
    assert checked == ["m=19456,t=2,p=1"] * 3


def test_a_reset_request_is_answered_no_sooner_whether_or_not_the_account_exists(client, app):
    factories.make_user("reviewer", email="known@test.example")
    app.config["PASSWORD_RESET_ANSWER_SECONDS"] = 0.3
    try:
        for email in ("known@test.example", "nobody@test.example"):
            started = time.monotonic()
            assert client.post("/password/reset", {"email": email}).status_code == 302
            assert time.monotonic() - started >= 0.3
    finally:
        app.config["PASSWORD_RESET_ANSWER_SECONDS"] = 0.0


def test_without_a_mail_server_a_password_link_waits_in_the_outbox(client, login):
    user = factories.make_user("agency_editor", email="editor@test.example")
    assert client.post("/password/reset", {"email": user.email}).status_code == 302
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == user.id))
    assert message.kind == "password_link" and message.recipient == user.email
    link = LINK.search(message.body).group(0)
    login("admin")
    assert "Lösenordslänk (utveckling)" in client.get("/admin/outbox/").get_data(as_text=True)
    assert link in client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)


def test_a_form_loaded_before_login_still_posts_after_it(client):
    """A scanner replaying the forms it saw got 400 on every POST after logging in: the CSRF
    secret was dropped with the old session. It is kept (the session itself is renewed)."""
    user = factories.make_user("agency_editor")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "email": user.email, "password": factories.DEFAULT_PASSWORD}
    assert client.post("/login", form).status_code == 302
    assert client.get("/agency/").status_code == 200
    changed = client.post("/language", {"csrf_token": token, "lang": "en"})
    assert changed.status_code == 302
    assert client.post("/logout", {"csrf_token": token}).status_code == 302
    assert client.get("/agency/").status_code == 302  # logged out: the token did its work


def test_login_keeps_the_email_typed_and_links_errors_to_fields(client):
    response = client.post("/login", {"email": "inte-en-adress", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="inte-en-adress"' in page
    assert (
        '<a href="#email">' in page
        and '<a href="#password">Lösenord: Ange ditt lösenord.</a>' in page
    )
    assert 'aria-invalid="true"' in page


def test_deactivated_user_cannot_log_in(client):
    user = factories.make_user("reviewer", active=False)
    response = client.post("/login", {"email": user.email, "password": factories.DEFAULT_PASSWORD})
    assert response.status_code == 422


def test_login_is_case_insensitive_on_email(client):
    factories.make_user("reviewer", email="anna@test.example")
    assert client.login("ANNA@Test.Example").status_code == 302


def test_login_redirects_only_to_local_next(client):
    user = factories.make_user("admin")
    token = client.csrf_token()
    for target, expected in (
        ("/admin/users", "/admin/users"),
        ("https://evil.example/", "/admin/"),
        ("//evil.example/", "/admin/"),
    ):
        response = client.post(
            f"/login?next={target}",
            {"email": user.email, "password": factories.DEFAULT_PASSWORD, "csrf_token": token},
        )
        assert response.headers["Location"] == expected
        client.logout()
        token = client.csrf_token()


def test_anonymous_request_is_sent_to_login(client):
    response = client.get("/admin/agencies")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_session_cookie_replayed_after_logout_is_refused(client, app):
    factories.make_user("reviewer", email="r@test.example")
    client.login("r@test.example")
    stolen = client.raw.get_cookie("session").value
    client.logout()
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/review/").status_code == 302  # back to login


def test_deactivation_ends_open_sessions(client, login, app):
    user = factories.make_user("agency_editor")
    other = WebClientFor(app)
    other.login(user)
    assert other.get("/agency/").status_code == 200
    login("admin")
    client.post(f"/admin/users/{user.id}/active", {"active": "0"})
    assert other.get("/agency/").status_code == 302


def test_password_change_keeps_this_session_and_ends_others(client, app):
    user = factories.make_user("reviewer")
    other = WebClientFor(app)
    other.login(user)
    client.login(user)
    response = client.post(
        "/password",
        {
            "current_password": factories.DEFAULT_PASSWORD,
            "password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/review/").status_code == 200
    assert other.get("/review/").status_code == 302
    client.logout()
    assert client.login(user, password="a new long passphrase").status_code == 302


def test_password_change_errors_are_shown_next_to_fields(client):
    user = factories.make_user("reviewer")
    client.login(user)
    wrong = client.post(
        "/password",
        {"current_password": "wrong", "password": "a new long one", "confirm": "a new long one"},
    )
    assert "Det nuvarande lösenordet är fel." in wrong.get_data(as_text=True)
    short = client.post(
        "/password",
        {"current_password": factories.DEFAULT_PASSWORD, "password": "short", "confirm": "short"},
    )
    assert "Lösenordet måste vara minst 12 tecken långt." in short.get_data(as_text=True)
    mismatch = client.post(
        "/password",
        {
            "current_password": factories.DEFAULT_PASSWORD,
            "password": "a new long one",
            "confirm": "another one",
        },
    )
    assert "Lösenorden stämmer inte överens." in mismatch.get_data(as_text=True)


def test_password_reset_by_mail_link(client, mailbox):
    factories.make_user("agency_editor", email="editor@test.example")
    response = client.post("/password/reset", {"email": "Editor@test.example"})
    assert response.status_code == 302
    assert len(mailbox) == 1
    message = mailbox[0]
    assert message["To"] == "editor@test.example"
    assert message["Subject"] == "Byt ditt lösenord för Granska"
    text_part = message.get_body(("plain",)).get_content()
    html_part = message.get_body(("html",)).get_content()
    link = LINK.search(text_part).group(0)
    assert link in html_part
    path = link.removeprefix("http://granska.test")

    assert client.get(path).status_code == 200
    set_response = client.post(
        path, {"password": "my brand new password", "confirm": "my brand new password"}
    )
    assert set_response.status_code == 302
    assert client.login("editor@test.example", "my brand new password").status_code == 302
    client.logout()
    assert client.get(path).status_code == 400  # a used link is dead


def test_password_reset_for_unknown_account_sends_nothing_and_says_the_same(client, mailbox):
    response = client.post(
        "/password/reset", {"email": "nobody@test.example"}, follow_redirects=True
    )
    assert "Om det finns ett konto med den adressen" in response.get_data(as_text=True)
    assert mailbox == []


def test_password_link_expires(client, app, mailbox):
    factories.make_user("reviewer", email="old@test.example")
    client.post("/password/reset", {"email": "old@test.example"})
    path = LINK.search(mailbox[0].get_body(("plain",)).get_content()).group(0)
    path = path.removeprefix("http://granska.test")
    app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] = -1
    try:
        assert client.get(path).status_code == 400
    finally:
        app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] = 3600


def test_tampered_password_link_is_refused(client):
    assert client.get("/password/set/not-a-real-token").status_code == 400


def test_login_attempts_are_rate_limited_per_account(client, app):
    factories.make_user("reviewer", email="target@test.example")
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [
            client.post(
                "/login",
                {"email": "target@test.example", "password": "x"},
                environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
            ).status_code
            for n in range(5)
        ]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert codes[:3] == [422, 422, 422]
    assert codes[3:] == [429, 429]


def test_a_refused_login_says_when_to_try_again(client, app):
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    try:
        client.post("/login", {"email": "a@test.example", "password": "x"})
        refused = client.post("/login", {"email": "a@test.example", "password": "x"})
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61


def test_password_is_stored_as_argon2id(client):
    user = factories.make_user("reviewer")
    stored = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$")


def test_logout_requires_post(client, login):
    login("reviewer")
    assert client.get("/logout").status_code == 405


def test_form_without_csrf_token_is_refused_with_a_clear_page(client):
    factories.make_user("reviewer", email="csrf@test.example")
    response = client.post(
        "/login", {"email": "csrf@test.example", "password": factories.DEFAULT_PASSWORD}, csrf=False
    )
    assert response.status_code in (400, 422)
    assert "Traceback" not in response.get_data(as_text=True)


def WebClientFor(app):
    from tests.conftest import WebClient

    return WebClient(app.test_client())
