"""account metrics

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instagram_account_metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("profiles", sa.Integer(), nullable=False),
        sa.Column("network_followers", sa.Integer(), nullable=False),
        sa.Column("engagement_rate", sa.Float(), nullable=True),
        sa.Column("median_engagement_rate", sa.Float(), nullable=True),
        sa.Column("growth_rate_30d", sa.Float(), nullable=True),
        sa.Column("projected_network_followers", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_account_metrics_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_account_metrics")),
        sa.UniqueConstraint(
            "instagram_account_id",
            "computed_at",
            name=op.f("uq_instagram_account_metrics_instagram_account_id_computed_at"),
        ),
    )
    op.create_table(
        "instagram_profile_metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("follower_count", sa.Integer(), nullable=True),
        sa.Column("posts_considered", sa.Integer(), nullable=False),
        sa.Column("avg_likes", sa.Float(), nullable=True),
        sa.Column("avg_comments", sa.Float(), nullable=True),
        sa.Column("engagement_rate", sa.Float(), nullable=True),
        sa.Column("history_points", sa.Integer(), nullable=False),
        sa.Column("history_days", sa.Float(), nullable=True),
        sa.Column("growth_per_day", sa.Float(), nullable=True),
        sa.Column("growth_rate_30d", sa.Float(), nullable=True),
        sa.Column("projected_followers", sa.Float(), nullable=True),
        sa.Column("posts_last_30d", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_profile_metrics_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_profile_metrics_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_metrics")),
        sa.UniqueConstraint(
            "instagram_account_id",
            "instagram_profile_id",
            name=op.f("uq_instagram_profile_metrics_instagram_account_id_instagram_profile_id"),
        ),
    )
    with op.batch_alter_table("instagram_profile_metrics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instagram_profile_metrics_instagram_profile_id"),
            ["instagram_profile_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("instagram_profile_metrics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instagram_profile_metrics_instagram_profile_id"))

    op.drop_table("instagram_profile_metrics")
    op.drop_table("instagram_account_metrics")
