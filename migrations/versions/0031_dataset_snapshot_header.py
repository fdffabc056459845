"""A frozen dataset's digest, time and author in an index, so that the results pages read
them without reading the snapshot's content (SQLite stores it before those columns)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 04:10:00

"""
from alembic import op

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_dataset_snapshot_header',
        'dataset_snapshot',
        ['cycle_id', 'digest', 'frozen_at', 'frozen_by_id'],
    )


def downgrade():
    op.drop_index('ix_dataset_snapshot_header', table_name='dataset_snapshot')
