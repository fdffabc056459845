"""The account pages in the browser, each with zero axe violations: setting up two-factor
authentication with the QR code, creating an API token (shown once), and the API's page."""

import re

import pyotp
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import assert_accessible


def test_two_factor_setup_and_an_api_token(page_as, live_server):
    editor = page_as(factories.make_user("agency_editor"))
    editor.goto(f"{live_server}/account/two-factor")
    expect(editor.locator(".qr svg")).to_be_visible()
    assert_accessible(editor)
    secret = editor.locator(".qr code").inner_text()
    editor.get_by_label("De sex siffrorna från din autentiseringsapp").fill(
        pyotp.TOTP(secret).now()
    )
    editor.get_by_role("button", name="Slå på tvåstegsverifiering").click()
    expect(editor.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(editor)

    editor.goto(f"{live_server}/account/tokens")
    editor.get_by_role("button", name="Skapa token").click()  # no name: refused, kept
    expect(editor.get_by_text("Ge token ett namn på högst 100 tecken.").first).to_be_visible()
    assert_accessible(editor)
    editor.get_by_label("Namn").fill("Ekonomisystemet")
    editor.get_by_role("button", name="Skapa token").click()
    token = editor.locator(".notice code").inner_text()
    assert re.fullmatch(r"gr_[A-Za-z0-9_-]{40,}", token)
    expect(editor.get_by_role("cell", name="Ekonomisystemet", exact=True)).to_be_visible()
    assert_accessible(editor)
    response = editor.request.get(
        f"{live_server}/api/v1/cycles", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 200

    editor.goto(f"{live_server}/api/v1/docs")
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Granska API")
    assert_accessible(editor)
