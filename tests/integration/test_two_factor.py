"""Two-factor authentication with an authenticator app (TOTP) and recovery codes (ASVS 5.0
V6.5.1 a code works once, V6.5.2 recovery codes random and stored hashed, V6.3.3 required for
privileged users when the setting says so)."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from sqlalchemy import select

from app.accounts.models import RecoveryCode, User
from app.extensions import db
from tests import factories

START = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def _at(moment):
    return time_machine.travel(moment, tick=False)


def _enrol(client, user) -> tuple[str, list[str]]:
    """Turn two-factor on through the setup page, as a user with an app would."""
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'<code class="digest">([A-Z2-7]+)</code>', page).group(1)
    # Staff who must set it up are sent here from every other page, so take the form's token.
    client._csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/account/two-factor", {"action": "enable", "code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 200
    codes = re.findall(
        r"<li><code>((?:[A-Z2-7]{5}-){3}[A-Z2-7]{5})</code></li>", response.get_data(as_text=True)
    )
    return secret, codes


def _code(client, code: str):
    response = client.post("/login/code", {"code": code})
    client._csrf_token = None  # a login starts a fresh session
    return response


def _password(client, user):
    client._csrf_token = None
    response = client.post("/login", {"email": user.email, "password": factories.DEFAULT_PASSWORD})
    client._csrf_token = None  # the session starts afresh after the password
    return response


def test_setting_up_then_logging_in_with_a_code(client):
    user = factories.make_user("reviewer")
    with _at(START):
        client.login(user)
        secret, codes = _enrol(client, user)
        assert len(codes) == 10
        client.logout()
    with _at(START + timedelta(minutes=1)):
        response = _password(client, user)
        assert response.headers["Location"] == "/login/code"
        assert client.get("/review/").status_code == 302  # not logged in yet
        wrong = _code(client, "000000")
        assert wrong.status_code == 422 and "Koden stämmer inte" in wrong.get_data(as_text=True)
        right = _code(client, pyotp.TOTP(secret).now())
        assert right.status_code == 302
        assert client.get("/review/").status_code == 200
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in stored for code in codes)


def test_a_code_works_only_once(client):
    user = factories.make_user("reviewer")
    with _at(START):
        client.login(user)
        secret, _codes = _enrol(client, user)
        client.logout()
    with _at(START + timedelta(minutes=2)):
        code = pyotp.TOTP(secret).now()
        _password(client, user)
        assert _code(client, code).status_code == 302
        client.logout()
        _password(client, user)
        assert _code(client, code).status_code == 422  # replayed


def test_a_recovery_code_stands_in_once(client):
    user = factories.make_user("agency_editor")
    with _at(START):
        client.login(user)
        _secret, codes = _enrol(client, user)
        client.logout()
        _password(client, user)
        assert _code(client, codes[3]).status_code == 302
        client.logout()
        _password(client, user)
        assert _code(client, codes[3]).status_code == 422


def test_a_recovery_code_is_typed_loosely_and_stored_with_its_own_salt(client):
    """V6.5.2: 100 bits each (twenty base32 letters), kept as salted SHA-256, a salt per code,
    so two equal codes could not be told apart by their hashes."""
    user = factories.make_user("agency_editor")
    with _at(START):
        client.login(user)
        _secret, codes = _enrol(client, user)
        client.logout()
        stored = db.session.scalars(
            select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)
        ).all()
        assert len(stored) == 10 and all(h.startswith("sha256$") for h in stored)
        assert len({h.split("$")[1] for h in stored}) == 10
        assert not any(code.replace("-", "") in h for code in codes for h in stored)
        _password(client, user)
        typed = " " + codes[0].lower().replace("-", " ") + " "
        assert _code(client, typed).status_code == 302


def test_the_setup_secret_is_not_in_the_session_cookie(app, client):
    """The cookie is signed, not encrypted: it carries a nonce, never the secret it yields."""
    user = factories.make_user("agency_editor")
    client.login(user)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'<code class="digest">([A-Z2-7]+)</code>', page).group(1)
    cookie = client.raw.get_cookie("session").value
    readable = str(app.session_interface.get_signing_serializer(app).loads(cookie))
    assert "totp_setup_nonce" in readable
    assert secret not in readable
    again = client.get("/account/two-factor").get_data(as_text=True)
    assert secret in again  # the same secret while the page is reloaded


def test_the_code_step_expires(client):
    user = factories.make_user("reviewer")
    with _at(START):
        client.login(user)
        secret, _codes = _enrol(client, user)
        client.logout()
        _password(client, user)
    with _at(START + timedelta(minutes=6)):
        response = _code(client, pyotp.TOTP(secret).now())
        assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_staff_must_set_it_up_when_the_setting_says_so(app, client):
    app.config["REQUIRE_2FA_FOR_STAFF"] = True
    try:
        reviewer = factories.make_user("reviewer")
        with _at(START):
            client.login(reviewer)
            response = client.get("/review/")
            assert response.headers["Location"] == "/account/two-factor"
            _enrol(client, reviewer)
            assert client.get("/review/").status_code == 200
            refused = client.post("/account/two-factor", {"action": "disable", "code": "x"})
            assert "Din roll måste använda tvåstegsverifiering." in refused.get_data(as_text=True)
            client.logout()
            editor = factories.make_user("agency_editor")
            client.login(editor)
            assert client.get("/agency/").status_code == 200  # agencies may, not must
    finally:
        app.config["REQUIRE_2FA_FOR_STAFF"] = False
    assert db.session.get(User, reviewer.id).totp_enabled_at is not None
