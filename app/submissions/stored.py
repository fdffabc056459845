"""A submission's stored values as a page reads them: one query of the value columns per
request, shared by everything on the page that reads them (the checks, the progress, the
section table, the question threads, whether last year's answers can be copied in).

A change goes through the ORM rows of `answers.stored_values` instead: those carry the
version and the editor a save checks and writes. The submission page read the values three
times, twice as ORM rows (some 130 objects each) that only their number and text were
read of."""

from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import bindparam, select

from app.database import read_columns
from app.extensions import db
from app.session_memo import memoised
from app.submissions.models import SubmissionValue
from workflows.answers import Answers


class StoredValue(NamedTuple):
    number: Decimal | None
    text: str | None


_VALUES = select(
    SubmissionValue.item_code,
    SubmissionValue.period,
    SubmissionValue.number,
    SubmissionValue.text,
).where(SubmissionValue.submission_id == bindparam("submission_id"))


@memoised
def values_of(submission_id: int) -> dict[tuple[str, str], StoredValue]:
    """Every value row of the submission by (item, period), an emptied one included."""
    rows = read_columns(db.session, _VALUES, {"submission_id": submission_id})
    return {(code, period): StoredValue(number, text) for code, period, number, text in rows}


def as_answers(values: dict) -> Answers:
    """The answers the checks read: a number, or a text that is not empty."""
    return {
        key: (row.number if row.number is not None else row.text)
        for key, row in values.items()
        if row.number is not None or row.text
    }


@memoised
def answers_of(submission_id: int) -> Answers:
    """The submission's answers (for the checks), from the request's one read of its values."""
    return as_answers(values_of(submission_id))
