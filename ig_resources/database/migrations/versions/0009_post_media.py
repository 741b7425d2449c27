"""post media

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("instagram_profile_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("media_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("media_skip_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("instagram_profile_posts", schema=None) as batch_op:
        batch_op.drop_column("media_skip_reason")
        batch_op.drop_column("media_sha256")
