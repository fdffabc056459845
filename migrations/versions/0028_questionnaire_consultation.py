"""The consultation on a planned cycle's questionnaire: the consultation, its comments and the
authority's decisions, each linked to its cycle and frozen with it (the triggers of 0017)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 12:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

FROZEN = "('approved', 'published')"
TABLES = ('consultation', 'consultation_comment', 'consultation_decision')


def upgrade():
    op.create_table(
        'consultation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('intro_sv', sa.Text(), nullable=False),
        sa.Column('intro_en', sa.Text(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_consultation_cycle_id_cycle')),
        sa.ForeignKeyConstraint(['opened_by_id'], ['user_account.id'], name=op.f('fk_consultation_opened_by_id_user_account')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_consultation_recorded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation')),
        sa.UniqueConstraint('cycle_id', name=op.f('uq_consultation_cycle_id')),
    )
    op.create_table(
        'consultation_comment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('item_code', sa.String(length=60), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_consultation_comment_cycle_id_cycle')),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_consultation_comment_agency_id_agency')),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_consultation_comment_author_id_user_account')),
        sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], name=op.f('fk_consultation_comment_answered_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_comment')),
    )
    with op.batch_alter_table('consultation_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_comment_cycle_id'), ['cycle_id'], unique=False)
    op.create_table(
        'consultation_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('item_code', sa.String(length=60), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_consultation_decision_cycle_id_cycle')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_consultation_decision_decided_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_decision')),
        sa.UniqueConstraint('cycle_id', 'item_code', name=op.f('uq_consultation_decision_cycle_id')),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        (_postgresql if postgresql else _sqlite)(table)


def _status(row: str) -> str:
    return f"(SELECT status FROM cycle WHERE id = {row}.cycle_id)"


def _sqlite(table: str) -> None:
    for operation, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
        condition = " OR ".join(f"{_status(row)} IN {FROZEN}" for row in rows)
        op.execute(
            f"CREATE TRIGGER frozen_{table}_{operation.lower()} BEFORE {operation} ON {table} "
            f"WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, 'frozen cycle: {table} cannot change'); END"
        )


def _postgresql(table: str) -> None:
    checks = {
        row: f"IF {_status(row)} IN {FROZEN} THEN "
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
    op.execute(
        f"CREATE TRIGGER frozen_{table} BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION granska_frozen_{table}()"
    )


def downgrade():
    for table in reversed(TABLES):
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS frozen_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS granska_frozen_{table}()")
        if table == 'consultation_comment':
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_index(batch_op.f('ix_consultation_comment_cycle_id'))
        op.drop_table(table)
