"""What the browser tests and the screenshot script share: a live server, Chromium, logging in, axe.

Playwright cannot download browsers here (nor in CI), so it drives Debian's Chromium.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
# Quiet, offline Chromium: no sandbox (containers), no GPU, no calls home that could hang a test.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CONTEXT_OPTIONS = {"locale": "sv-SE", "viewport": {"width": 1280, "height": 900}}

_axe = Axe()


@contextmanager
def live_server(app) -> Iterator[str]:
    """Serve the app on a free local port in a daemon thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def launch_chromium(playwright):
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Log in through the real form, as a person would, and wait for the landing page."""
    page.goto(f"{base_url}/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()


# Rules axe leaves "for review" that a browser test can decide: an id that aria-describedby or
# a label points to must be unique (WCAG 4.1.2), or the second message is never read out.
DECIDED_FOR_REVIEW = {"duplicate-id-aria"}


def axe_violations(page) -> list[dict]:
    # axe is injected through the DevTools protocol, which the app's strict CSP does not
    # govern, so the pages are checked as served: no bypass_csp needed.
    response = _axe.run(page).response
    to_review = [r for r in response["incomplete"] if r["id"] in DECIDED_FOR_REVIEW]
    return response["violations"] + to_review


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        # A target is a CSS selector, or a list of them for elements inside a shadow DOM.
        lines.extend(f"    {' '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """axe-core finds no violation on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, f"axe violations on {page.url}:\n{describe_violations(violations)}"
