"""Oversize bodies are refused before they are read, and common passwords are refused (ASVS
5.0 V4.2.x request limits, V6.2.4 common password list, V6.2.1 length, V6.2.5 no composition
rules)."""

from tests import factories


def test_an_oversize_body_gets_413(app, client, login):
    login("agency_editor")
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/notifications/settings", {"form": "addresses", "addresses": "x" * (limit + 1)}
    )
    assert response.status_code == 413


def test_a_common_password_is_refused_however_long(client):
    user = factories.make_user("reviewer")
    client.login(user)
    for password, refused in (
        ("123qweasdzxc", True),  # twelve characters, and on every leaked list
        ("qwerty123456", True),
        ("fem gröna ekorrar på taket", False),  # no digits, no capitals: fine
    ):
        response = client.post(
            "/password",
            {
                "current_password": factories.DEFAULT_PASSWORD,
                "password": password,
                "confirm": password,
            },
        )
        page = response.get_data(as_text=True)
        assert ("Lösenordet är ett av de vanligaste." in page) is refused, password
