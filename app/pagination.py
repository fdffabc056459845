from collections.abc import Callable
from typing import Any

from flask import request
from flask_sqlalchemy.pagination import SelectPagination

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


def paginate(statement, per_page: int, row: Callable[..., Any] | None = None):
    """One page of a select, the page number from ?page= (bad values fall back to 1). With
    `row`, the select is of columns and each result row is made `row(*columns)`; without,
    the items are the select's first entity (a model's objects)."""
    page = max(small_int(request.args.get("page"), maximum=1_000_000) or 1, 1)
    if row is None:
        return db.paginate(statement, page=page, per_page=per_page, error_out=False)
    return _RowPagination(
        select=statement,
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        count=True,
        row=row,
    )


class _RowPagination(SelectPagination):
    def _query_items(self) -> list[Any]:
        statement = self._query_args["select"]
        statement = statement.limit(self.per_page).offset(self._query_offset)
        make = self._query_args["row"]
        return [make(*columns) for columns in self._query_args["session"].execute(statement)]
