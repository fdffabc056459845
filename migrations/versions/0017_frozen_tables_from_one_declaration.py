"""Triggers for every table of app/datasets/frozen.py's FROZEN_TABLES, cycle_participant added

The paths are written out here as they stood when this migration was written (a migration
must not follow later code); tests/integration/test_frozen_declaration.py fails when the
declaration and the installed triggers part ways, which is when a new migration like this
one is due.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 17:10:00

"""
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

FROZEN = "('approved', 'published')"
SUBMISSION = (("submission_id", "submission"), ("cycle_id", "cycle"))
FROZEN_TABLES = {
    "submission": (("cycle_id", "cycle"),),
    "cycle_participant": (("cycle_id", "cycle"),),
    "questionnaire_item": (("cycle_id", "cycle"),),
    "questionnaire_rule": (("cycle_id", "cycle"),),
    "submission_value": SUBMISSION,
    "warning_explanation": SUBMISSION,
    "project": SUBMISSION,
    "question": SUBMISSION,
    "comment": SUBMISSION,
    "project_baseline_change": (("project_id", "project"), *SUBMISSION),
    "question_entry": (("question_id", "question"), *SUBMISSION),
}
NEW_TABLES = ("cycle_participant",)


def status_of(path, row: str) -> str:
    """The status of the cycle a row leads to, as one SQL expression: a subquery per step."""
    (column, table), *rest = path
    value = f"{row}.{column}"
    for next_column, next_table in rest:
        value = f"(SELECT {next_column} FROM {table} WHERE id = {value})"
        table = next_table
    return f"(SELECT status FROM cycle WHERE id = {value})"


def _sqlite(table: str, path) -> None:
    for operation, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
        condition = " OR ".join(f"{status_of(path, row)} IN {FROZEN}" for row in rows)
        op.execute(f"DROP TRIGGER IF EXISTS frozen_{table}_{operation.lower()}")
        op.execute(
            f"CREATE TRIGGER frozen_{table}_{operation.lower()} BEFORE {operation} ON {table} "
            f"WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, 'frozen cycle: {table} cannot change'); END"
        )


def _postgresql(table: str, path) -> None:
    checks = {
        row: f"IF {status_of(path, row)} IN {FROZEN} THEN "
        f"RAISE EXCEPTION 'frozen cycle: {table} cannot change'; END IF;"
        for row in ("NEW", "OLD")
    }
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION granska_frozen_{table}() RETURNS trigger AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN {checks['OLD']} END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN {checks['NEW']} END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql
        """
    )
    op.execute(f"DROP TRIGGER IF EXISTS frozen_{table} ON {table}")
    op.execute(
        f"CREATE TRIGGER frozen_{table} BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION granska_frozen_{table}()"
    )


def upgrade():
    # Every table again, from the one list: the conditions of 0011 are rewritten the same way.
    create = _postgresql if op.get_bind().dialect.name == "postgresql" else _sqlite
    for table, path in FROZEN_TABLES.items():
        create(table, path)


def downgrade():
    for table in NEW_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS frozen_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS granska_frozen_{table}()")
        else:
            for operation in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS frozen_{table}_{operation}")
