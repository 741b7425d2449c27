"""profile posts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instagram_profile_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("shortcode", sa.String(length=32), nullable=False),
        sa.Column("media_pk", sa.String(length=32), nullable=True),
        sa.Column("media_type", sa.Integer(), nullable=True),
        sa.Column("product_type", sa.String(length=32), nullable=True),
        sa.Column("permalink", sa.Text(), nullable=True),
        sa.Column("source_media_url", sa.Text(), nullable=True),
        sa.Column("media_url_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("caption_lang", sa.String(length=8), nullable=True),
        sa.Column("likes_count", sa.Integer(), nullable=True),
        sa.Column("comments_count", sa.Integer(), nullable=True),
        sa.Column("play_count", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comments_searched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_profile_posts_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_profile_posts_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_posts")),
        sa.UniqueConstraint(
            "instagram_profile_id",
            "shortcode",
            name=op.f("uq_instagram_profile_posts_instagram_profile_id_shortcode"),
        ),
    )
    with op.batch_alter_table("instagram_profile_posts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_instagram_profile_posts_account_taken", ["instagram_account_id", "taken_at"], unique=False
        )

    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("posts_scanned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("posts_scan_status", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("primary_language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.drop_column("primary_language")
        batch_op.drop_column("posts_scan_status")
        batch_op.drop_column("posts_scanned_at")

    with op.batch_alter_table("instagram_profile_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_instagram_profile_posts_account_taken")

    op.drop_table("instagram_profile_posts")
