"""Indexes for the lists read newest first: the administrators' outbox (all, by state, by
kind) and each user's inbox, so a page reads fifty rows instead of sorting every message

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 00:40:00

"""
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_outbox_message_newest', 'outbox_message', ['created_at', 'id']),
    ('ix_outbox_message_state_newest', 'outbox_message', ['status', 'created_at', 'id']),
    ('ix_outbox_message_kind_newest', 'outbox_message', ['kind', 'created_at', 'id']),
    ('ix_notification_newest', 'notification', ['user_id', 'created_at', 'id']),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
