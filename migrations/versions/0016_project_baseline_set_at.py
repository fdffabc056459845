"""Project: when its plan became the original baseline (at the submission's first submit)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 16:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('baseline_set_at', sa.DateTime(), nullable=True))
    # Projects already submitted keep the baseline they have. Frozen cycles' rows are left as
    # they are (the database refuses to change them); carried-over projects count as set.
    op.execute(
        "UPDATE project SET baseline_set_at = CURRENT_TIMESTAMP WHERE submission_id IN ("
        " SELECT submission.id FROM submission JOIN cycle ON cycle.id = submission.cycle_id"
        " WHERE cycle.status NOT IN ('approved', 'published')"
        " AND (submission.status <> 'draft' OR submission.submitted_at IS NOT NULL))"
    )


def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('baseline_set_at')
