"""Rendering report HTML to PDF with WeasyPrint, fetching nothing but the app's own static
files: no network, no file outside app/static, whatever a template or a user's text holds."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import current_app
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, static_folder: Path):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.static_folder = static_folder.resolve()

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        path = Path(unquote(parsed.path)).resolve()
        if parsed.scheme != "file" or not path.is_relative_to(self.static_folder):
            raise ValueError(f"not one of the app's static files: {url}")
        return super().fetch(url, headers)


def static_folder() -> Path:
    return Path(current_app.static_folder)


def render_pdf(html: str) -> bytes:
    folder = static_folder()
    fetcher = StaticOnlyFetcher(folder)
    stylesheet = CSS(filename=str(folder / "css" / "report.css"), url_fetcher=fetcher)
    document = HTML(string=html, base_url=folder.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])
