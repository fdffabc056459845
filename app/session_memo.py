"""Read once per request what a page asks for several times: a cycle's questionnaire, the
previous cycle, last year's submission. The comparison page asked for the questionnaire
three times and the previous cycle three times, each a query and ORM objects built again.

A result is kept in the database session's `info`, so it lives exactly as long as the
request's session, and is dropped at any flush, commit or rollback and at any statement that
is not a SELECT, and when a change takes its lock (`app.database.begin_write`): whatever
the request changes, the next read sees it, and a decision reads under the lock. Only reads whose
answer the request itself could change are kept, never across requests (for results shared
between requests see `app/caching.py`).
"""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")
_KEY = "memo"


def memoised(function: Callable[P, R]) -> Callable[P, R]:
    """`function`'s result for these arguments, computed once per session between changes.
    The arguments must be hashable; a list or a dict is handed out as a copy, so a caller
    that changes what it got does not change what the next one gets."""
    name = f"{function.__module__}.{function.__qualname__}"

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        session = db.session()
        if session.new or session.dirty or session.deleted:
            # Changes not yet written: the query would write them first (autoflush) and see
            # them, so it runs, as it would have without the memo.
            return function(*args, **kwargs)
        memo = session.info.setdefault(_KEY, {})
        key = (name, args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = function(*args, **kwargs)
        result = memo[key]
        if isinstance(result, list | dict):
            return result.copy()  # type: ignore[return-value]
        return result

    return wrapper


def forget(session: Session, *_args) -> None:
    session.info.pop(_KEY, None)


def _forget_after_a_change(state: ORMExecuteState) -> None:
    if not state.is_select:
        forget(state.session)


event.listen(Session, "after_flush", forget)
event.listen(Session, "after_commit", forget)
event.listen(Session, "after_rollback", forget)
event.listen(Session, "after_soft_rollback", forget)
event.listen(Session, "do_orm_execute", _forget_after_a_change)
