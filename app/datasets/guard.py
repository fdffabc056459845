"""The one guard that keeps a frozen cycle frozen in the application: before any flush, every
new, changed or deleted row of a table in FROZEN_TABLES (`frozen.py`) is traced to its cycle,
and if that cycle is approved or published the flush is refused. The database triggers
(migrations 0011 and 0017, from the same declaration) refuse the same changes made outside
the app."""

from datetime import datetime
from itertools import chain

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.cycles.models import Cycle
from app.datasets.frozen import FROZEN_TABLES
from app.extensions import db
from workflows.cycle import FROZEN_STATES


class CycleFrozen(Exception):
    def __init__(self, year: int, since: datetime | None):
        super().__init__(f"the {year} cycle is frozen")
        self.year, self.since = year, since


def _changed(session: Session):
    for obj in chain(session.new, session.deleted):
        yield obj
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            yield obj


def _cycle_ids(session: Session, objects: list) -> set[int]:
    """Follow each object's path in FROZEN_TABLES to its cycle: one query per step of a path,
    for all objects on that step together."""
    # (the table the ids are of, the rest of the path from there) → the ids reached so far
    steps: dict[tuple[str, tuple], set] = {}
    for obj in objects:
        path = FROZEN_TABLES.get(getattr(obj, "__tablename__", ""))
        if path is not None:
            (column, target), *rest = path
            steps.setdefault((target, tuple(rest)), set()).add(getattr(obj, column))
    cycle_ids: set[int] = set()
    while steps:
        (table_name, rest), ids = steps.popitem()
        ids.discard(None)
        if not rest:
            cycle_ids |= ids  # the path ends at the cycle
        elif ids:
            (column, target), *further = rest
            table = db.metadata.tables[table_name]
            values = session.execute(select(table.c[column]).where(table.c.id.in_(ids)))
            steps.setdefault((target, tuple(further)), set()).update(values.scalars())
    return cycle_ids


@event.listens_for(Session, "before_flush")
def _refuse_changes_in_frozen_cycles(session, _context, _instances):
    objects = list(_changed(session))
    if not objects:
        return
    with session.no_autoflush:
        cycle_ids = _cycle_ids(session, objects)
        if not cycle_ids:
            return
        frozen = session.execute(
            select(Cycle.year, Cycle.approved_at).where(
                Cycle.id.in_(cycle_ids), Cycle.status.in_(tuple(FROZEN_STATES))
            )
        ).first()
    if frozen is not None:
        raise CycleFrozen(*frozen)
