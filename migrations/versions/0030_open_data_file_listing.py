"""The open-data files' kind, checksum and size in an index, so that the pages and the
catalogue list them without reading their bytes (SQLite stores them before those columns)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 01:10:00

"""
from alembic import op

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_open_data_file_listing', 'open_data_file', ['release_id', 'kind', 'sha256', 'byte_size']
    )


def downgrade():
    op.drop_index('ix_open_data_file_listing', table_name='open_data_file')
