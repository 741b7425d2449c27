"""ai insights: analyses, provider settings, API calls, insights, behaviour profiles, history chunks

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ai_provider_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column(
            "config",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("api_key", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_provider_settings")),
        sa.UniqueConstraint("provider", name=op.f("uq_ai_provider_settings_provider")),
    )
    op.create_table(
        "ai_analyses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("analyzable_type", sa.String(length=64), nullable=False),
        sa.Column("analyzable_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=True),
        sa.Column("response_text", sa.Text(), nullable=True),
        sa.Column(
            "analysis",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("input_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("media_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("cache_hit", sa.Boolean(), nullable=False),
        sa.Column("cached_from_ai_analysis_id", sa.Integer(), nullable=True),
        sa.Column("confidence_score", sa.Float(), nullable=True),
        sa.Column("evidence_count", sa.Integer(), nullable=True),
        sa.Column("signals_detected_count", sa.Integer(), nullable=True),
        sa.Column("input_completeness_score", sa.Float(), nullable=True),
        sa.Column("prompt_version", sa.String(length=32), nullable=True),
        sa.Column("schema_version", sa.String(length=32), nullable=True),
        sa.Column("used_fallback", sa.Boolean(), nullable=False),
        sa.Column("fallback_reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cached_from_ai_analysis_id"],
            ["ai_analyses.id"],
            name=op.f("fk_ai_analyses_cached_from_ai_analysis_id_ai_analyses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_ai_analyses_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_analyses")),
    )
    with op.batch_alter_table("ai_analyses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ai_analyses_fingerprint_status", ["input_fingerprint", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ai_analyses_instagram_account_id"), ["instagram_account_id"], unique=False
        )
        batch_op.create_index(
            "ix_ai_analyses_target", ["analyzable_type", "analyzable_id", "purpose"], unique=False
        )

    op.create_table(
        "ai_api_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=True),
        sa.Column("ai_analysis_id", sa.Integer(), nullable=True),
        sa.Column("provider", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("total_tokens", sa.Integer(), nullable=False),
        sa.Column("request_units", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dagster_run_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["ai_analysis_id"],
            ["ai_analyses.id"],
            name=op.f("fk_ai_api_calls_ai_analysis_id_ai_analyses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_ai_api_calls_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_api_calls")),
    )
    with op.batch_alter_table("ai_api_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ai_api_calls_ai_analysis_id"), ["ai_analysis_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ai_api_calls_dagster_run_id"), ["dagster_run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ai_api_calls_instagram_account_id"), ["instagram_account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ai_api_calls_occurred_at"), ["occurred_at"], unique=False)

    op.create_table(
        "instagram_profile_behavior_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column(
            "behavioral_summary",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("activity_score", sa.Float(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_profile_behavior_profiles_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_profile_behavior_profiles_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_behavior_profiles")),
        sa.UniqueConstraint(
            "instagram_profile_id", name=op.f("uq_instagram_profile_behavior_profiles_instagram_profile_id")
        ),
    )
    op.create_table(
        "instagram_profile_history_chunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_profile_history_chunks_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_profile_history_chunks_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_history_chunks")),
        sa.UniqueConstraint(
            "instagram_profile_id",
            "sequence",
            name=op.f("uq_instagram_profile_history_chunks_instagram_profile_id_sequence"),
        ),
    )
    op.create_table(
        "instagram_profile_insights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("ai_analysis_id", sa.Integer(), nullable=True),
        sa.Column("profile_type", sa.String(length=64), nullable=True),
        sa.Column("tone", sa.String(length=64), nullable=True),
        sa.Column("engagement_style", sa.String(length=64), nullable=True),
        sa.Column("messageability_score", sa.Float(), nullable=True),
        sa.Column("primary_language", sa.String(length=8), nullable=True),
        sa.Column("persona_summary", sa.Text(), nullable=True),
        sa.Column(
            "interests",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("provider", sa.String(length=64), nullable=True),
        sa.Column("model", sa.String(length=128), nullable=True),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ai_analysis_id"],
            ["ai_analyses.id"],
            name=op.f("fk_instagram_profile_insights_ai_analysis_id_ai_analyses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_profile_insights_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_profile_insights_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_insights")),
        sa.UniqueConstraint(
            "instagram_profile_id", name=op.f("uq_instagram_profile_insights_instagram_profile_id")
        ),
    )
    op.create_table(
        "instagram_profile_message_strategies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("ai_analysis_id", sa.Integer(), nullable=True),
        sa.Column(
            "best_topics",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "avoid_topics",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "dos",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "donts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "opener_templates",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "comment_templates",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("provider", sa.String(length=64), nullable=True),
        sa.Column("model", sa.String(length=128), nullable=True),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ai_analysis_id"],
            ["ai_analyses.id"],
            name=op.f("fk_instagram_profile_message_strategies_ai_analysis_id_ai_analyses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_profile_message_strategies_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_profile_message_strategies_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_message_strategies")),
        sa.UniqueConstraint(
            "instagram_profile_id", name=op.f("uq_instagram_profile_message_strategies_instagram_profile_id")
        ),
    )
    op.create_table(
        "instagram_profile_signal_evidences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_id", sa.Integer(), nullable=False),
        sa.Column("ai_analysis_id", sa.Integer(), nullable=True),
        sa.Column("signal_type", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.Column("source_type", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ai_analysis_id"],
            ["ai_analyses.id"],
            name=op.f("fk_instagram_profile_signal_evidences_ai_analysis_id_ai_analyses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_profile_signal_evidences_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_id"],
            ["instagram_profiles.id"],
            name=op.f("fk_instagram_profile_signal_evidences_instagram_profile_id_instagram_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_profile_signal_evidences")),
    )
    with op.batch_alter_table("instagram_profile_signal_evidences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instagram_profile_signal_evidences_instagram_profile_id"),
            ["instagram_profile_id"],
            unique=False,
        )

    op.create_table(
        "instagram_post_entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_post_id", sa.Integer(), nullable=False),
        sa.Column("ai_analysis_id", sa.Integer(), nullable=True),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ai_analysis_id"],
            ["ai_analyses.id"],
            name=op.f("fk_instagram_post_entities_ai_analysis_id_ai_analyses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_post_entities_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_post_id"],
            ["instagram_profile_posts.id"],
            name=op.f("fk_instagram_post_entities_instagram_profile_post_id_instagram_profile_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_post_entities")),
    )
    with op.batch_alter_table("instagram_post_entities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instagram_post_entities_instagram_profile_post_id"),
            ["instagram_profile_post_id"],
            unique=False,
        )

    op.create_table(
        "instagram_post_insights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instagram_account_id", sa.Integer(), nullable=False),
        sa.Column("instagram_profile_post_id", sa.Integer(), nullable=False),
        sa.Column("ai_analysis_id", sa.Integer(), nullable=True),
        sa.Column("image_description", sa.Text(), nullable=True),
        sa.Column(
            "comment_suggestions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("sentiment", sa.String(length=16), nullable=True),
        sa.Column("sentiment_score", sa.Float(), nullable=True),
        sa.Column(
            "topics",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("engagement_score", sa.Float(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("provider", sa.String(length=64), nullable=True),
        sa.Column("model", sa.String(length=128), nullable=True),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ai_analysis_id"],
            ["ai_analyses.id"],
            name=op.f("fk_instagram_post_insights_ai_analysis_id_ai_analyses"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_account_id"],
            ["instagram_accounts.id"],
            name=op.f("fk_instagram_post_insights_instagram_account_id_instagram_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instagram_profile_post_id"],
            ["instagram_profile_posts.id"],
            name=op.f("fk_instagram_post_insights_instagram_profile_post_id_instagram_profile_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_post_insights")),
        sa.UniqueConstraint(
            "instagram_profile_post_id", name=op.f("uq_instagram_post_insights_instagram_profile_post_id")
        ),
    )
    with op.batch_alter_table("instagram_profile_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ai_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("ai_provider", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("ai_model", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column(
                "analysis",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ai_estimated_age", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("ai_estimated_gender", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("ai_estimated_location", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("ai_persona_summary", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("ai_last_analyzed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "ai_estimates",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("instagram_profiles", schema=None) as batch_op:
        batch_op.drop_column("ai_estimates")
        batch_op.drop_column("ai_last_analyzed_at")
        batch_op.drop_column("ai_persona_summary")
        batch_op.drop_column("ai_estimated_location")
        batch_op.drop_column("ai_estimated_gender")
        batch_op.drop_column("ai_estimated_age")

    with op.batch_alter_table("instagram_profile_posts", schema=None) as batch_op:
        batch_op.drop_column("analyzed_at")
        batch_op.drop_column("analysis")
        batch_op.drop_column("ai_model")
        batch_op.drop_column("ai_provider")
        batch_op.drop_column("ai_status")

    op.drop_table("instagram_post_insights")
    with op.batch_alter_table("instagram_post_entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instagram_post_entities_instagram_profile_post_id"))

    op.drop_table("instagram_post_entities")
    with op.batch_alter_table("instagram_profile_signal_evidences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instagram_profile_signal_evidences_instagram_profile_id"))

    op.drop_table("instagram_profile_signal_evidences")
    op.drop_table("instagram_profile_message_strategies")
    op.drop_table("instagram_profile_insights")
    op.drop_table("instagram_profile_history_chunks")
    op.drop_table("instagram_profile_behavior_profiles")
    with op.batch_alter_table("ai_api_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ai_api_calls_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_ai_api_calls_instagram_account_id"))
        batch_op.drop_index(batch_op.f("ix_ai_api_calls_ai_analysis_id"))
        batch_op.drop_index(batch_op.f("ix_ai_api_calls_dagster_run_id"))

    op.drop_table("ai_api_calls")
    with op.batch_alter_table("ai_analyses", schema=None) as batch_op:
        batch_op.drop_index("ix_ai_analyses_target")
        batch_op.drop_index(batch_op.f("ix_ai_analyses_instagram_account_id"))
        batch_op.drop_index("ix_ai_analyses_fingerprint_status")

    op.drop_table("ai_analyses")
    op.drop_table("ai_provider_settings")
