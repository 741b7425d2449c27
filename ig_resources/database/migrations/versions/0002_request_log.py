"""request log for pacing budgets shared by run processes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instagram_request_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=32), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_request_log_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_request_log")),
    )
    with op.batch_alter_table("instagram_request_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_instagram_request_log_window",
            ["instagram_account_id", "bucket", "requested_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("instagram_request_log", schema=None) as batch_op:
        batch_op.drop_index("ix_instagram_request_log_window")

    op.drop_table("instagram_request_log")
