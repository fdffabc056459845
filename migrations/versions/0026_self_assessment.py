"""Self-assessments of any agency against a published cycle, and their values

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 08:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'self_assessment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('shared_at', sa.DateTime(), nullable=True),
        sa.Column('invited_at', sa.DateTime(), nullable=True),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_self_assessment_agency_id_agency')),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_self_assessment_cycle_id_cycle')),
        sa.ForeignKeyConstraint(['invited_by_id'], ['user_account.id'], name=op.f('fk_self_assessment_invited_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_self_assessment')),
        sa.UniqueConstraint('agency_id', 'year', name=op.f('uq_self_assessment_agency_id')),
    )
    with op.batch_alter_table('self_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_assessment_agency_id'), ['agency_id'], unique=False)
    op.create_table(
        'self_assessment_value',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('self_assessment_id', sa.Integer(), nullable=False),
        sa.Column('item_code', sa.String(length=60), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('number', sa.Numeric(precision=24, scale=2), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['self_assessment_id'], ['self_assessment.id'], name=op.f('fk_self_assessment_value_self_assessment_id_self_assessment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_self_assessment_value')),
        sa.UniqueConstraint('self_assessment_id', 'item_code', 'period', name=op.f('uq_self_assessment_value_self_assessment_id')),
    )


def downgrade():
    op.drop_table('self_assessment_value')
    with op.batch_alter_table('self_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_assessment_agency_id'))
    op.drop_table('self_assessment')
