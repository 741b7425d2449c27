"""content source

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("instagram_accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("content_source", sa.String(length=16), server_default="instagram", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("instagram_accounts", schema=None) as batch_op:
        batch_op.drop_column("content_source")
