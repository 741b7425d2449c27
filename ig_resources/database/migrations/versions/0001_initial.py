"""initial schema: accounts, profiles, peers, events, sync runs

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instagram_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("ig_user_id", sa.String(length=32), nullable=True),
        sa.Column("current_username", sa.String(length=64), nullable=True),
        sa.Column("cookies_json", sa.Text(), nullable=True),
        sa.Column("login_state", sa.String(length=32), nullable=False),
        sa.Column("login_state_reason", sa.Text(), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("continuous_processing_state", sa.String(length=32), nullable=False),
        sa.Column("continuous_processing_next_story_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("continuous_processing_next_feed_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("continuous_processing_next_profile_scan_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("continuous_processing_heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("continuous_processing_failure_count", sa.Integer(), nullable=False),
        sa.Column("continuous_processing_retry_after_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("continuous_processing_last_error", sa.Text(), nullable=True),
        sa.Column("follow_graph_sync_run_id", sa.Integer(), nullable=True),
        sa.Column("follow_graph_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_instagram_accounts_username")),
    )
    op.create_table(
        "instagram_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("ig_user_id", sa.String(length=32), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("profile_pic_url", sa.Text(), nullable=True),
        sa.Column("is_private", sa.Boolean(), nullable=True),
        sa.Column("is_verified", sa.Boolean(), nullable=True),
        sa.Column("following", sa.Boolean(), nullable=False),
        sa.Column("follows_you", sa.Boolean(), nullable=False),
        sa.Column("follow_graph_sync_run_id", sa.Integer(), nullable=True),
        sa.Column("dm_interaction_state", sa.String(length=32), nullable=False),
        sa.Column("dm_interaction_reason", sa.Text(), nullable=True),
        sa.Column("dm_interaction_retry_after_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("story_interaction_state", sa.String(length=32), nullable=False),
        sa.Column("story_interaction_reason", sa.Text(), nullable=True),
        sa.Column("story_interaction_retry_after_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_story_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_profiles_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profiles")),
        sa.UniqueConstraint(
            "instagram_account_id",
            "ig_user_id",
            name=op.f("uq_instagram_profiles_instagram_account_id_ig_user_id"),
        ),
        sa.UniqueConstraint(
            "instagram_account_id",
            "username",
            name=op.f("uq_instagram_profiles_instagram_account_id_username"),
        ),
    )
    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_instagram_profiles_account_flags",
            ["instagram_account_id", "following", "follows_you"],
            unique=False,
        )

    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("dagster_run_id", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column(
            "stats_json",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_sync_runs_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sync_runs_account_kind_status", ["instagram_account_id", "kind", "status"], unique=False
        )

    op.create_table(
        "conversation_peers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=True),
        sa.Column("ig_user_id", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("thread_id", sa.String(length=64), nullable=True),
        sa.Column("thread_title", sa.Text(), nullable=True),
        sa.Column("is_group", sa.Boolean(), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_conversation_peers_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_conversation_peers_instagram_profile_id_instagram_profiles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_peers")),
        sa.UniqueConstraint(
            "instagram_account_id",
            "ig_user_id",
            name=op.f("uq_conversation_peers_instagram_account_id_ig_user_id"),
        ),
    )
    op.create_table(
        "instagram_profile_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_profile_events_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_events")),
        sa.UniqueConstraint(
            "instagram_profile_id",
            "kind",
            "external_id",
            name=op.f("uq_instagram_profile_events_instagram_profile_id_kind_external_id"),
        ),
    )
    with op.batch_alter_table("instagram_profile_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instagram_profile_events_instagram_profile_id"),
            ["instagram_profile_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("instagram_profile_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instagram_profile_events_instagram_profile_id"))

    op.drop_table("instagram_profile_events")
    op.drop_table("conversation_peers")
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_runs_account_kind_status")

    op.drop_table("sync_runs")
    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_instagram_profiles_account_flags")

    op.drop_table("instagram_profiles")
    op.drop_table("instagram_accounts")
