"""One declaration of what a frozen cycle protects (app/datasets/frozen.py): the schema, the
database triggers and the application's guard all agree with it."""

from datetime import date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.consultation.models import Consultation, ConsultationComment, ConsultationDecision
from app.cycles.models import CycleParticipant
from app.datasets.frozen import FROZEN_TABLES, NOT_FROZEN
from app.datasets.guard import CycleFrozen
from app.extensions import db
from tests.integration.test_datasets import _dataset, _dump, _freeze


def _paths_to_cycle() -> dict[str, list[tuple[tuple[str, str], ...]]]:
    """Every table with a chain of foreign keys leading to the cycle table, and the chains."""
    tables = db.metadata.tables
    found: dict[str, list] = {}

    def walk(start, table, path, seen):
        for fk in tables[table].foreign_keys:
            target = fk.column.table.name
            step = (*path, (fk.parent.name, target))
            if target == "cycle":
                found.setdefault(start, []).append(step)
            elif target not in seen:
                walk(start, target, step, seen | {target})

    for name in tables:
        if name != "cycle":
            walk(name, name, (), {name})
    return found


def test_every_table_linked_to_a_cycle_is_frozen_or_excepted_with_a_reason(app):
    linked = _paths_to_cycle()
    undeclared = sorted(set(linked) - set(FROZEN_TABLES) - set(NOT_FROZEN))
    assert undeclared == [], "add these tables to FROZEN_TABLES (and a trigger migration)"
    assert set(FROZEN_TABLES) | set(NOT_FROZEN) <= set(linked), "declared tables not linked"
    assert not set(FROZEN_TABLES) & set(NOT_FROZEN)
    assert all(len(reason) > 20 for reason in NOT_FROZEN.values())


def test_each_declared_path_follows_real_foreign_keys_to_the_cycle(app):
    linked = _paths_to_cycle()
    for table, path in FROZEN_TABLES.items():
        assert path in linked[table], f"{table}: {path} is not a chain of foreign keys"


def _installed_trigger_tables() -> set[str]:
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(
            text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'frozen_%'")
        )
        names = {name.removeprefix("frozen_") for (name,) in rows}
    else:
        rows = db.session.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'frozen_%'")
        )
        names = set()
        for (name,) in rows:
            table, _, operation = name.removeprefix("frozen_").rpartition("_")
            names.add(table if operation in ("insert", "update", "delete") else name)
    return names - {"cycle", "dataset_snapshot"}  # the cycle's own and the snapshot's


def test_the_database_has_a_trigger_for_exactly_the_declared_tables(app):
    assert _installed_trigger_tables() == set(FROZEN_TABLES)


@pytest.fixture
def frozen_with_participants(app):
    data = _dataset()
    db.session.add_all(
        CycleParticipant(cycle_id=data.cycle.id, agency_id=submission.agency_id)
        for submission in data.submissions.values()
    )
    # The questionnaire was consulted on: a comment answered and a decision, frozen with it.
    stamp = datetime(2026, 9, 1)
    agency_id = next(iter(data.submissions.values())).agency_id
    db.session.add_all(
        [
            Consultation(
                cycle_id=data.cycle.id, status="recorded", deadline=date(2026, 9, 30),
                opened_at=stamp, closed_at=stamp, recorded_at=stamp,
            ),
            ConsultationComment(
                cycle_id=data.cycle.id, agency_id=agency_id, item_code="users",
                text="Synpunkt", created_at=stamp, answer="Svar", answered_at=stamp,
            ),
            ConsultationDecision(
                cycle_id=data.cycle.id, item_code="users", outcome="adopted",
                text="Står sig", decided_at=stamp,
            ),
        ]
    )  # fmt: skip
    db.session.commit()
    _freeze(data)
    return data


@pytest.mark.parametrize("table", sorted(FROZEN_TABLES))
def test_the_database_refuses_to_change_or_delete_any_declared_row(frozen_with_participants, table):
    row = db.session.execute(text(f"SELECT min(id) FROM {table}")).scalar_one()  # noqa: S608
    assert row is not None, f"the frozen data set has no {table} row"
    before = _dump()
    for sql in (
        f"UPDATE {table} SET id = id WHERE id = :id",  # noqa: S608
        f"DELETE FROM {table} WHERE id = :id",  # noqa: S608
    ):
        with pytest.raises(DBAPIError) as refused:
            db.session.execute(text(sql), {"id": row})
        db.session.rollback()
        assert f"frozen cycle: {table} cannot change" in str(refused.value.orig)
    assert _dump() == before


@pytest.mark.parametrize("table", sorted(FROZEN_TABLES))
def test_the_application_refuses_to_delete_any_declared_row(frozen_with_participants, table):
    model = next(m.class_ for m in db.Model.registry.mappers if m.local_table.name == table)
    row = db.session.scalars(db.select(model).order_by(model.id)).first()
    db.session.delete(row)
    with pytest.raises(CycleFrozen):
        db.session.flush()
    db.session.rollback()


def test_the_key_figures_kept_at_freezing_never_change(frozen_with_participants):
    row = db.session.execute(text("SELECT min(id) FROM frozen_key_figure")).scalar_one()
    assert row is not None, "freezing keeps every agency's key figures"
    for sql in (
        "UPDATE frozen_key_figure SET value = 1 WHERE id = :id",
        "DELETE FROM frozen_key_figure WHERE id = :id",
    ):
        with pytest.raises(DBAPIError) as refused:
            db.session.execute(text(sql), {"id": row})
        db.session.rollback()
        assert "the key figures kept at freezing never change" in str(refused.value.orig)
