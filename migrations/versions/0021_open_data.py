"""Open data: per cycle the licence, description and withheld parts, and the files built

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 07:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'open_data_release',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('licence', sa.String(length=20), nullable=False),
        sa.Column('description_sv', sa.Text(), nullable=False),
        sa.Column('description_en', sa.Text(), nullable=False),
        sa.Column('withheld', sa.String(length=200), nullable=False),
        sa.Column('built_at', sa.DateTime(), nullable=True),
        sa.Column('digest', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_open_data_release_cycle_id_cycle')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_open_data_release')),
        sa.UniqueConstraint('cycle_id', name=op.f('uq_open_data_release_cycle_id')),
    )
    op.create_table(
        'open_data_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('release_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('byte_size', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['release_id'], ['open_data_release.id'], name=op.f('fk_open_data_file_release_id_open_data_release')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_open_data_file')),
        sa.UniqueConstraint('release_id', 'kind', name=op.f('uq_open_data_file_release_id')),
    )


def downgrade():
    op.drop_table('open_data_file')
    op.drop_table('open_data_release')
