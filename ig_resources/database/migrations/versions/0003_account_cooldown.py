"""account cool-down after throttling

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("instagram_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cooldown_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cooldown_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("instagram_accounts", schema=None) as batch_op:
        batch_op.drop_column("cooldown_reason")
        batch_op.drop_column("cooldown_until")
