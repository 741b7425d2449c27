"""stories and faces

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_purges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retention_hours", sa.Float(), nullable=False),
        sa.Column("stories", sa.Integer(), nullable=False),
        sa.Column("files_deleted", sa.Integer(), nullable=False),
        sa.Column("bytes_freed", sa.Integer(), nullable=False),
        sa.Column("embeddings_deleted", sa.Integer(), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_media_purges_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_purges")),
    )
    op.create_table(
        "instagram_story_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column(
            "canonical_embedding",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("embedding_version", sa.String(length=64), nullable=True),
        sa.Column("appearance_count", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("do_not_track", sa.Boolean(), nullable=False),
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
            name=op.f("fk_instagram_story_people_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_story_people_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_story_people")),
        sa.UniqueConstraint(
            "instagram_profile_id", "label", name=op.f("uq_instagram_story_people_instagram_profile_id_label")
        ),
    )
    with op.batch_alter_table("instagram_story_people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instagram_story_people_instagram_profile_id"),
            ["instagram_profile_id"],
            unique=False,
        )

    op.create_table(
        "instagram_post_faces",
        sa.Column("instagram_profile_post_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("face_index", sa.Integer(), nullable=False),
        sa.Column(
            "bounding_box",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("detector_confidence", sa.Float(), nullable=False),
        sa.Column(
            "keypoints",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("face_size", sa.Float(), nullable=False),
        sa.Column("frame_time", sa.Float(), nullable=True),
        sa.Column(
            "embedding",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("embedding_version", sa.String(length=64), nullable=False),
        sa.Column("embedding_dim", sa.Integer(), nullable=False),
        sa.Column("clusterable", sa.Boolean(), nullable=False),
        sa.Column("prominent", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("instagram_story_person_id", sa.Integer(), nullable=True),
        sa.Column("match_similarity", sa.Float(), nullable=True),
        sa.Column("assigned_by", sa.String(length=16), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_post_faces_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_post_faces_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_post_id"],
            ["instagram_profile_posts.id"],
            name=op.f("fk_instagram_post_faces_instagram_profile_post_id_instagram_profile_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_story_person_id"],
            ["instagram_story_people.id"],
            name=op.f("fk_instagram_post_faces_instagram_story_person_id_instagram_story_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_post_faces")),
        sa.UniqueConstraint(
            "instagram_profile_post_id",
            "face_index",
            name=op.f("uq_instagram_post_faces_instagram_profile_post_id_face_index"),
        ),
    )
    with op.batch_alter_table("instagram_post_faces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instagram_post_faces_instagram_story_person_id"),
            ["instagram_story_person_id"],
            unique=False,
        )

    op.create_table(
        "instagram_stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.String(length=32), nullable=False),
        sa.Column("media_type", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column("video_url", sa.Text(), nullable=True),
        sa.Column("media_url", sa.Text(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("highlight_id", sa.String(length=64), nullable=True),
        sa.Column("highlight_title", sa.Text(), nullable=True),
        sa.Column("media_sha256", sa.String(length=64), nullable=True),
        sa.Column("media_content_type", sa.String(length=64), nullable=True),
        sa.Column("media_skip_reason", sa.Text(), nullable=True),
        sa.Column("media_purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("processing_status", sa.String(length=16), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("processing_error", sa.Text(), nullable=True),
        sa.Column("faces_count", sa.Integer(), nullable=True),
        sa.Column("source_event_id", sa.Integer(), nullable=True),
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
            name=op.f("fk_instagram_stories_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_stories_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_event_id"],
            ["instagram_profile_events.id"],
            name=op.f("fk_instagram_stories_source_event_id_instagram_profile_events"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_stories")),
        sa.UniqueConstraint(
            "instagram_profile_id",
            "story_id",
            name=op.f("uq_instagram_stories_instagram_profile_id_story_id"),
        ),
    )
    with op.batch_alter_table("instagram_stories", schema=None) as batch_op:
        batch_op.create_index(
            "ix_instagram_stories_account_status", ["instagram_account_id", "processing_status"], unique=False
        )

    op.create_table(
        "instagram_story_faces",
        sa.Column("instagram_story_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("face_index", sa.Integer(), nullable=False),
        sa.Column(
            "bounding_box",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("detector_confidence", sa.Float(), nullable=False),
        sa.Column(
            "keypoints",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("face_size", sa.Float(), nullable=False),
        sa.Column("frame_time", sa.Float(), nullable=True),
        sa.Column(
            "embedding",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("embedding_version", sa.String(length=64), nullable=False),
        sa.Column("embedding_dim", sa.Integer(), nullable=False),
        sa.Column("clusterable", sa.Boolean(), nullable=False),
        sa.Column("prominent", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("instagram_story_person_id", sa.Integer(), nullable=True),
        sa.Column("match_similarity", sa.Float(), nullable=True),
        sa.Column("assigned_by", sa.String(length=16), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_story_faces_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_story_faces_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_story_id"],
            ["instagram_stories.id"],
            name=op.f("fk_instagram_story_faces_instagram_story_id_instagram_stories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_story_person_id"],
            ["instagram_story_people.id"],
            name=op.f("fk_instagram_story_faces_instagram_story_person_id_instagram_story_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_story_faces")),
        sa.UniqueConstraint(
            "instagram_story_id",
            "face_index",
            name=op.f("uq_instagram_story_faces_instagram_story_id_face_index"),
        ),
    )
    with op.batch_alter_table("instagram_story_faces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instagram_story_faces_instagram_story_person_id"),
            ["instagram_story_person_id"],
            unique=False,
        )

    with op.batch_alter_table("instagram_profile_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("faces_processed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("faces_count", sa.Integer(), nullable=True))

    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("avatar_face_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column(
                "avatar_face_embedding",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.drop_column("avatar_face_embedding")
        batch_op.drop_column("avatar_face_sha256")

    with op.batch_alter_table("instagram_profile_posts", schema=None) as batch_op:
        batch_op.drop_column("faces_count")
        batch_op.drop_column("faces_processed_at")

    with op.batch_alter_table("instagram_story_faces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instagram_story_faces_instagram_story_person_id"))

    op.drop_table("instagram_story_faces")
    with op.batch_alter_table("instagram_stories", schema=None) as batch_op:
        batch_op.drop_index("ix_instagram_stories_account_status")

    op.drop_table("instagram_stories")
    with op.batch_alter_table("instagram_post_faces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instagram_post_faces_instagram_story_person_id"))

    op.drop_table("instagram_post_faces")
    with op.batch_alter_table("instagram_story_people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instagram_story_people_instagram_profile_id"))

    op.drop_table("instagram_story_people")
    op.drop_table("media_purges")
