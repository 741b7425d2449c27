"""profile refresh: snapshots, tags, action logs, media

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_blobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_blobs")),
        sa.UniqueConstraint("sha256", name=op.f("uq_media_blobs_sha256")),
    )
    op.create_table(
        "profile_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_profile_tags_name")),
    )
    op.create_table(
        "instagram_profile_action_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("trigger_source", sa.String(length=32), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_profile_action_logs_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_profile_action_logs_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_action_logs")),
    )
    with op.batch_alter_table("instagram_profile_action_logs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_instagram_profile_action_logs_profile_action",
            ["instagram_profile_id", "action"],
            unique=False,
        )

    op.create_table(
        "instagram_profile_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("follower_count", sa.Integer(), nullable=True),
        sa.Column("following_count", sa.Integer(), nullable=True),
        sa.Column("media_count", sa.Integer(), nullable=True),
        sa.Column("last_post_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_profile_snapshots_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_snapshots")),
        sa.UniqueConstraint(
            "instagram_profile_id",
            "captured_at",
            name=op.f("uq_instagram_profile_snapshots_instagram_profile_id_captured_at"),
        ),
    )
    op.create_table(
        "instagram_profile_taggings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("profile_tag_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_profile_taggings_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_tag_id"],
            ["profile_tags.id"],
            name=op.f("fk_instagram_profile_taggings_profile_tag_id_profile_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_taggings")),
        sa.UniqueConstraint(
            "instagram_profile_id",
            "profile_tag_id",
            name=op.f("uq_instagram_profile_taggings_instagram_profile_id_profile_tag_id"),
        ),
    )
    with op.batch_alter_table("instagram_profile_taggings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instagram_profile_taggings_profile_tag_id"), ["profile_tag_id"], unique=False
        )

    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("follower_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("following_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("media_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_post_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("is_business", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("category", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("details_refreshed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("details_status", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("details_error", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("dm_interaction_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("story_interaction_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("avatar_url_fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("avatar_synced_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("avatar_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("avatar_skip_reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "metadata",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.create_index(
            "ix_instagram_profiles_account_refreshed",
            ["instagram_account_id", "details_refreshed_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_instagram_profiles_account_refreshed")
        batch_op.drop_column("metadata")
        batch_op.drop_column("avatar_skip_reason")
        batch_op.drop_column("avatar_sha256")
        batch_op.drop_column("avatar_synced_at")
        batch_op.drop_column("avatar_url_fingerprint")
        batch_op.drop_column("story_interaction_failures")
        batch_op.drop_column("dm_interaction_failures")
        batch_op.drop_column("details_error")
        batch_op.drop_column("details_status")
        batch_op.drop_column("details_refreshed_at")
        batch_op.drop_column("category")
        batch_op.drop_column("is_business")
        batch_op.drop_column("last_post_at")
        batch_op.drop_column("media_count")
        batch_op.drop_column("following_count")
        batch_op.drop_column("follower_count")
        batch_op.drop_column("external_url")

    with op.batch_alter_table("instagram_profile_taggings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instagram_profile_taggings_profile_tag_id"))

    op.drop_table("instagram_profile_taggings")
    op.drop_table("instagram_profile_snapshots")
    with op.batch_alter_table("instagram_profile_action_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_instagram_profile_action_logs_profile_action")

    op.drop_table("instagram_profile_action_logs")
    op.drop_table("profile_tags")
    op.drop_table("media_blobs")
