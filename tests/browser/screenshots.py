"""Full-page screenshots of the main pages, in Swedish, for docs/screenshots/ (`make screenshots`).

Run as `python -m tests.browser.screenshots`. Each run starts from a fresh SQLite database in a
temporary folder, built by the migrations and loaded with the demo data, so the pictures show
what a new installation shows, whatever is in the developer's own database.
"""

import logging
import secrets
import sys
import tempfile
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright

from app import create_app
from app.seed import DEMO_PASSWORD, seed_demo
from tests.browser.support import CHROMIUM, CONTEXT_OPTIONS, launch_chromium, live_server, log_in

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# file name → the demo user who sees that page after logging in (None: nobody is logged in)
SCREENSHOTS = {
    "login.png": None,
    "admin-overview.png": "admin@granska.example",
    "review-queue.png": "granskare@granska.example",
    "agency-overview.png": "redaktor@skatteverket.example",
}


def demo_app(folder: Path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'granska-demo.db'}",
            "SECRET_KEY": secrets.token_hex(32),
            "MAIL_SERVER": "",
        }
    )
    with app.app_context():
        upgrade()
        seed_demo()
    return app


def take_screenshot(browser, base_url: str, filename: str, email: str | None) -> Path:
    context = browser.new_context(**CONTEXT_OPTIONS)
    try:
        page = context.new_page()
        if email is None:
            page.goto(f"{base_url}/login")
        else:
            log_in(page, base_url, email, DEMO_PASSWORD)
            if page.url.endswith("/login"):
                raise RuntimeError(f"could not log in as {email}")
        path = OUTPUT / filename
        page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
        return path
    finally:
        context.close()


def main() -> None:
    if not CHROMIUM.exists():
        sys.exit(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="granska-screenshots-") as folder,
        live_server(demo_app(Path(folder))) as base_url,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        for filename, email in SCREENSHOTS.items():
            print(take_screenshot(browser, base_url, filename, email))
        browser.close()


if __name__ == "__main__":
    main()
