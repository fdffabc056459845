"""Each agency's key figures per frozen cycle, for its trend without parsing every snapshot

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 16:45:00

"""
import json
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'frozen_key_figure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('org_number', sa.String(length=11), nullable=False),
        sa.Column('code', sa.String(length=60), nullable=False),
        sa.Column('value', sa.Numeric(precision=24, scale=4), nullable=True),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_frozen_key_figure_cycle_id_cycle')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_frozen_key_figure')),
        sa.UniqueConstraint('cycle_id', 'org_number', 'code', name=op.f('uq_frozen_key_figure_cycle_id')),
    )
    with op.batch_alter_table('frozen_key_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frozen_key_figure_org_number'), ['org_number'], unique=False)
    # The cycles frozen before this migration: their figures, from their snapshots.
    connection = op.get_bind()
    snapshots = connection.execute(sa.text('SELECT cycle_id, content FROM dataset_snapshot'))
    for cycle_id, content in snapshots.all():
        rows = [
            {
                'cycle_id': cycle_id,
                'org_number': submission['agency']['org_number'],
                'code': code,
                'value': Decimal(value) if value is not None else None,
            }
            for submission in json.loads(content)['submissions']
            for code, value in submission['key_figures'].items()
        ]
        if rows:
            op.bulk_insert(table, rows)
    _never_changes()


def _never_changes():
    """Written once, with the snapshot, at freezing: the database refuses any change after."""
    message = "the key figures kept at freezing never change"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION granska_kept_key_figure() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER kept_key_figure BEFORE UPDATE OR DELETE ON frozen_key_figure "
            "FOR EACH ROW EXECUTE FUNCTION granska_kept_key_figure()"
        )
        return
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER kept_key_figure_{operation.lower()} BEFORE {operation} "
            f"ON frozen_key_figure BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS kept_key_figure ON frozen_key_figure")
        op.execute("DROP FUNCTION IF EXISTS granska_kept_key_figure()")
    with op.batch_alter_table('frozen_key_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frozen_key_figure_org_number'))
    op.drop_table('frozen_key_figure')
