"""A cycle's title and a question's subject in English too (empty: the Swedish is shown)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 08:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


# A plain ADD COLUMN, not a batch copy: on SQLite a copy of the table would drop the triggers
# that keep a frozen cycle's rows unchanged (migrations 0011 and 0017).
def upgrade():
    op.add_column('cycle', sa.Column('title_en', sa.String(length=200), nullable=True))
    op.add_column('question', sa.Column('subject_en', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('subject_en')
    with op.batch_alter_table('cycle', schema=None) as batch_op:
        batch_op.drop_column('title_en')
