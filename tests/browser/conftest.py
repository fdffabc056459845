"""Browser tests: the session's app served on a real port, driven by Debian's Chromium.

The server runs in another thread with its own app contexts and database sessions, so it sees
what the factories commit; the autouse _clean_state fixture empties the database after each test.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests import factories
from tests.browser import support

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    # This hook sees every collected item, not only those under this folder.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    if support.CHROMIUM.exists():
        return
    reason = f"Chromium not found at {support.CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + ": CI must run the browser tests, not skip them", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(app):
    with support.live_server(app) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    with sync_playwright() as playwright:
        browser = support.launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(**support.CONTEXT_OPTIONS)
    yield context.new_page()
    context.close()


@pytest.fixture
def log_in(page, live_server):
    """log_in(user) logs the page in through the login form, as that user."""

    def _log_in(user, password=factories.DEFAULT_PASSWORD):
        support.log_in(page, live_server, user.email, password)

    return _log_in


@pytest.fixture
def page_as(browser, live_server):
    """page_as(user) → a new page in a browser context of its own, logged in as that user.

    Two people working on the same submission each get their own cookies, as in real life.
    """
    contexts = []

    def _page_as(user, password=factories.DEFAULT_PASSWORD):
        context = browser.new_context(**support.CONTEXT_OPTIONS)
        contexts.append(context)
        page = context.new_page()
        support.log_in(page, live_server, user.email, password)
        return page

    yield _page_as
    for context in contexts:
        context.close()
