"""WSGI middleware run before Flask parses a request."""

import re

_NUL = re.compile(rb"%00|\x00", re.IGNORECASE)


class WithoutNul:
    """Drops NUL characters from the query string. A NUL is never typed, and PostgreSQL
    cannot compare a text with one (a search for it would fail); like the other control
    characters, it is left out rather than refused. Texts sent in a form or as JSON lose
    their NUL when they are stored (app/database.py)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if "%00" in query.upper() or "\x00" in query:
            environ["QUERY_STRING"] = _NUL.sub(b"", query.encode("latin-1")).decode("latin-1")
        return self.app(environ, start_response)
