"""A question can be about a benefit of a project

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 07:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, never a batch copy: the question table is guarded by the frozen-cycle
    # triggers, which a copy on SQLite would drop. SQLite takes the reference inline.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE question ADD COLUMN benefit_id INTEGER "
            "CONSTRAINT fk_question_benefit_id_benefit REFERENCES benefit (id)"
        )
        return
    op.add_column('question', sa.Column('benefit_id', sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f('fk_question_benefit_id_benefit'), 'question', 'benefit', ['benefit_id'], ['id']
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('fk_question_benefit_id_benefit'), 'question', type_='foreignkey')
        op.drop_column('question', 'benefit_id')
        return
    # SQLite cannot drop a column that carries a reference without copying the table (which
    # would drop its triggers): the column stays, unused.
