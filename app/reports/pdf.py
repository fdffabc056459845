"""Rendering report HTML to PDF with WeasyPrint, fetching nothing but the app's own static
files: no network, no file outside app/static, whatever a template or a user's text holds.

The PDFs are tagged PDF/UA-1 (the accessibility law covers documents as well as pages): a
structure tree of headings, tables, lists and figures, the document's language from
`<html lang>` and its title shown instead of the file name."""

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import current_app
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/ua-1"
# Our charts' own markup (app/reports/charts.py): <title id=…>…</title><desc id=…>…</desc>.
_TITLE_AND_DESC = re.compile(r"<title( [^>]*)?>([^<]*)</title><desc( [^>]*)?>([^<]*)</desc>")


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


def with_full_alternative_texts(html: str) -> str:
    """WeasyPrint takes a chart's alternative text from its <title> alone; the description
    says what the chart shows, so the PDF's figure gets both."""

    def merge(match: re.Match) -> str:
        title_attrs, title, desc_attrs, desc = (group or "" for group in match.groups())
        return f"<title{title_attrs}>{title}. {desc}</title><desc{desc_attrs}>{desc}</desc>"

    return _TITLE_AND_DESC.sub(merge, html)


def render_pdf(html: str) -> bytes:
    folder = static_folder()
    fetcher = StaticOnlyFetcher(folder)
    stylesheet = CSS(filename=str(folder / "css" / "report.css"), url_fetcher=fetcher)
    document = HTML(
        string=with_full_alternative_texts(html),
        base_url=folder.as_uri() + "/",
        url_fetcher=fetcher,
    )
    return document.write_pdf(stylesheets=[stylesheet], pdf_variant=PDF_VARIANT)
