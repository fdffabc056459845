"""Sessions end when idle or old, the app answers only to its own host names, and forwarded
addresses are believed only from the configured proxies (ASVS 5.0 V3.3.1, V7.3.1, V7.3.2,
V4.1.1)."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine

from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def _at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def test_an_idle_session_ends_after_the_idle_time(client):
    user = factories.make_user("reviewer")
    start = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
    with _at(start):
        client.login(user)
        assert client.get("/review/").status_code == 200
    with _at(start + timedelta(minutes=29)):
        assert client.get("/review/").status_code == 200  # activity keeps it alive
    with _at(start + timedelta(minutes=29 + 31)):
        response = client.get("/review/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        assert "Din session har avslutats." in client.get("/login").get_data(as_text=True)
        assert client.get("/review/").status_code == 302  # the old session is gone


def test_a_busy_session_still_ends_after_the_absolute_time(client):
    user = factories.make_user("reviewer")
    start = datetime(2027, 1, 11, 6, 0, tzinfo=UTC)
    with _at(start):
        client.login(user)
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes, all day
        with _at(start + timedelta(minutes=minutes)):
            assert client.get("/review/").status_code == 200
    with _at(start + timedelta(hours=12, minutes=1)):
        assert client.get("/review/").status_code == 302


def test_a_foreign_host_header_gets_400(client):
    response = client.get("/login", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert client.get("/login", headers={"Host": "localhost"}).status_code == 200


def _production(extra: dict) -> str:
    """Run a snippet under GRANSKA_ENV=production in a process of its own (settings are read
    from the environment when the app starts)."""
    env = {**os.environ, "GRANSKA_ENV": "production", "SECRET_KEY": "x" * 64, **extra}
    code = (
        "from app import create_app\n"
        "app = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "client = app.test_client()\n"
        "r = client.get('/login', base_url='https://granska.example.se')\n"
        "print(r.status_code, r.headers.get('Set-Cookie'),\n"
        "      r.headers.get('Strict-Transport-Security'))\n"
        "print(client.get('/login', base_url='https://evil.example').status_code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_production_cookies_are_host_bound_secure_and_http_only():
    out = _production({"PUBLIC_URL": "https://granska.example.se"})
    first, second = out.splitlines()
    assert first.startswith("200 __Host-session=")
    assert "Secure" in first and "HttpOnly" in first and "SameSite=Lax" in first
    assert "max-age=" in first  # HSTS
    assert second == "400"


def test_forwarded_addresses_count_only_behind_configured_proxies(app, client):
    """The login limit counts per client address; without PROXY_COUNT a spoofed
    X-Forwarded-For changes nothing, so ten failures from one address are ten."""
    factories.make_user("reviewer", email="granskare@esv.example")
    app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    try:
        statuses = _failed_logins(client)
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert statuses[-1] == 429, statuses


def _failed_logins(client) -> list[int]:
    return [
        client.post(
            "/login",
            {"email": f"okand{n}@esv.example", "password": "fel"},
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        ).status_code
        for n in range(11)
    ]
