"""Each agency's key figures per frozen cycle, for its trend without parsing every snapshot

Revision ID: h14_1
Revises: 0015
Create Date: 2026-12-04 16:45:00

"""
import json
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'h14_1'
down_revision = '0015'
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


def downgrade():
    with op.batch_alter_table('frozen_key_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frozen_key_figure_org_number'))
    op.drop_table('frozen_key_figure')
