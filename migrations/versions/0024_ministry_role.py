"""The ministry role: a user's ministry, and the authority's observations to a ministry

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 07:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

RULE = "(role = 'ministry') = (ministry IS NOT NULL)"
MESSAGE = "a ministry user has a ministry, and only a ministry user has one"


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ministry', sa.String(length=120), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.create_check_constraint('ministry_matches_role', 'user_account', RULE)
    else:
        # SQLite adds a CHECK only by copying the table, which the rows pointing at users
        # (audit events, snapshots, tokens) make a risk; triggers hold the same rule.
        for when in ('INSERT', 'UPDATE'):
            op.execute(
                f"CREATE TRIGGER user_account_ministry_{when.lower()} BEFORE {when} ON user_account "
                f"WHEN NOT ({RULE.replace('role', 'NEW.role').replace('ministry IS', 'NEW.ministry IS')}) "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    op.create_table(
        'ministry_observation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_ministry_observation_cycle_id_cycle')),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_ministry_observation_agency_id_agency')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_ministry_observation_updated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ministry_observation')),
        sa.UniqueConstraint('cycle_id', 'agency_id', name=op.f('uq_ministry_observation_cycle_id')),
    )


def downgrade():
    op.drop_table('ministry_observation')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('ck_user_account_ministry_matches_role', 'user_account', type_='check')
    else:
        op.execute('DROP TRIGGER user_account_ministry_insert')
        op.execute('DROP TRIGGER user_account_ministry_update')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('ministry')
