from flask import request

from app.extensions import db

MAX_ID = 2**31 - 1  # what an integer column of either database holds


def small_int(text: str | None, maximum: int = MAX_ID) -> int | None:
    """A whole number from a query string or form: ASCII digits only ("²" is not a number
    here), no larger than a database integer; anything else is None."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if value <= maximum else None


def paginate(statement, per_page: int):
    """One page of a select, the page number from ?page= (bad values fall back to 1)."""
    page = max(small_int(request.args.get("page"), maximum=1_000_000) or 1, 1)
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)
