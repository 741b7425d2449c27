"""comments discovered

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discovered_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("ig_user_id", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=True),
        sa.Column("is_private", sa.Boolean(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("found_from_profile_id", sa.Integer(), nullable=True),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=True),
        sa.Column("seen_count", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["found_from_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_discovered_accounts_found_from_profile_id_instagram_profiles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_discovered_accounts_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_discovered_accounts_instagram_profile_id_instagram_profiles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discovered_accounts")),
        sa.UniqueConstraint(
            "instagram_account_id",
            "ig_user_id",
            "source",
            name=op.f("uq_discovered_accounts_instagram_account_id_ig_user_id_source"),
        ),
    )
    op.create_table(
        "instagram_profile_post_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_post_id", sa.Integer(), nullable=False),
        sa.Column("comment_pk", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("author_username", sa.String(length=64), nullable=True),
        sa.Column("author_ig_user_id", sa.String(length=32), nullable=True),
        sa.Column("commented_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("like_count", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_profile_post_comments_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_post_id"],
            ["instagram_profile_posts.id"],
            name=op.f("fk_instagram_profile_post_comments_instagram_profile_post_id_instagram_profile_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_post_comments")),
        sa.UniqueConstraint(
            "instagram_profile_post_id",
            "comment_pk",
            name=op.f("uq_instagram_profile_post_comments_instagram_profile_post_id_comment_pk"),
        ),
    )
    with op.batch_alter_table("instagram_profile_post_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instagram_profile_post_comments_instagram_account_id"),
            ["instagram_account_id"],
            unique=False,
        )

    with op.batch_alter_table("instagram_profile_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comments_searched_count", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("instagram_profile_posts", schema=None) as batch_op:
        batch_op.drop_column("comments_searched_count")

    with op.batch_alter_table("instagram_profile_post_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instagram_profile_post_comments_instagram_account_id"))

    op.drop_table("instagram_profile_post_comments")
    op.drop_table("discovered_accounts")
