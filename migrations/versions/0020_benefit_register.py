"""The benefit register: each project's benefits, one row per cycle, frozen with the cycle

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 07:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

FROZEN = "('approved', 'published')"
# The path from a benefit to its cycle, as app/datasets/frozen.py declared it when this was written.
PATH = (("project_id", "project"), ("submission_id", "submission"), ("cycle_id", "cycle"))


def upgrade():
    op.create_table(
        'benefit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('carried_from_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('stakeholder', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('goal', sa.Text(), nullable=False),
        sa.Column('indicator', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=60), nullable=False),
        sa.Column('baseline_value', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('baseline_date', sa.Date(), nullable=False),
        sa.Column('target_value', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('target_year', sa.Integer(), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('is_main', sa.Boolean(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column('budget_affecting', sa.Boolean(), nullable=False),
        sa.Column('realised_value', sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column('realised_amount', sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('status_reason', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['carried_from_id'], ['benefit.id'], name=op.f('fk_benefit_carried_from_id_benefit')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_benefit_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit')),
    )
    with op.batch_alter_table('benefit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_project_id'), ['project_id'], unique=False)
    _frozen_with_its_cycle()


def _status_of(row: str) -> str:
    """The status of the cycle a benefit row leads to: a subquery per step (as in 0017)."""
    (column, table), *rest = PATH
    value = f"{row}.{column}"
    for next_column, next_table in rest:
        value = f"(SELECT {next_column} FROM {table} WHERE id = {value})"
        table = next_table
    return f"(SELECT status FROM cycle WHERE id = {value})"


def _frozen_with_its_cycle():
    if op.get_bind().dialect.name == "postgresql":
        checks = {
            row: f"IF {_status_of(row)} IN {FROZEN} THEN "
            "RAISE EXCEPTION 'frozen cycle: benefit cannot change'; END IF;"
            for row in ("NEW", "OLD")
        }
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION granska_frozen_benefit() RETURNS trigger AS $$
            BEGIN
              IF TG_OP IN ('UPDATE', 'DELETE') THEN {checks['OLD']} END IF;
              IF TG_OP IN ('INSERT', 'UPDATE') THEN {checks['NEW']} END IF;
              IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER frozen_benefit BEFORE INSERT OR UPDATE OR DELETE ON benefit "
            "FOR EACH ROW EXECUTE FUNCTION granska_frozen_benefit()"
        )
        return
    for operation, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
        condition = " OR ".join(f"{_status_of(row)} IN {FROZEN}" for row in rows)
        op.execute(
            f"CREATE TRIGGER frozen_benefit_{operation.lower()} BEFORE {operation} ON benefit "
            f"WHEN {condition} "
            "BEGIN SELECT RAISE(ABORT, 'frozen cycle: benefit cannot change'); END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS frozen_benefit ON benefit")
        op.execute("DROP FUNCTION IF EXISTS granska_frozen_benefit()")
    with op.batch_alter_table('benefit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_project_id'))
    op.drop_table('benefit')
