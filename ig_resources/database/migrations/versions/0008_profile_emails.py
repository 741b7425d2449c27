"""profile emails

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ig_email", sa.String(length=320), nullable=True))
        batch_op.add_column(
            sa.Column(
                "emails",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.drop_column("emails")
        batch_op.drop_column("ig_email")
