"""Recovery codes: room for a per-code salt and its hash

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 17:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    # "sha256$<salt>$<hash>": 105 characters. Codes made before keep their unsalted hash and
    # work until the user makes new ones.
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.alter_column(
            "code_hash", existing_type=sa.String(length=64), type_=sa.String(length=128)
        )


def downgrade():
    # A salted hash does not fit the old column: those codes are used up, as new codes would.
    op.execute("UPDATE recovery_code SET used_at = CURRENT_TIMESTAMP WHERE length(code_hash) > 64")
    op.execute("UPDATE recovery_code SET code_hash = substr(code_hash, 1, 64)")
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.alter_column(
            "code_hash", existing_type=sa.String(length=128), type_=sa.String(length=64)
        )
