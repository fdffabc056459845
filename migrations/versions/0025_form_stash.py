"""Forms posted after the idle timeout, kept for their user to finish after logging in again

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 07:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_stash',
        sa.Column('id', sa.String(length=43), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('fields', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_form_stash_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_stash')),
    )
    with op.batch_alter_table('form_stash', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_stash_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('form_stash', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_stash_user_id'))
    op.drop_table('form_stash')
