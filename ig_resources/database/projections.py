"""Where a saved analysis lands: post and profile insights, strategies, entities and evidences."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, update
from sqlalchemy.orm import Session

from ig_resources.records import (
    AnalysisWrite,
    DemographicsWrite,
    MessageStrategyWrite,
    PostInsightWrite,
    ProfileInsightWrite,
)

from .models import (
    InstagramPostEntity,
    InstagramPostInsight,
    InstagramProfile,
    InstagramProfileInsight,
    InstagramProfileMessageStrategy,
    InstagramProfilePost,
    InstagramProfileSignalEvidence,
)
from .types import JSONType
from .upsert import batches, in_chunks, upsert

#: `ai_analyses.analyzable_type` of a post and of a profile
POST_TYPE = "instagram_profile_post"


PROFILE_TYPE = "instagram_profile"


def _project(s: Session, saved: list[tuple[AnalysisWrite, int]], now: datetime) -> None:
    """Write what the completed analyses project; per target the last one of the batch wins (one
    upsert statement cannot touch a row twice)."""
    posts: dict[int, tuple[AnalysisWrite, int, PostInsightWrite]] = {}
    profiles: dict[int, tuple[AnalysisWrite, int, ProfileInsightWrite]] = {}
    strategies: dict[int, tuple[AnalysisWrite, int, MessageStrategyWrite]] = {}
    demographics: dict[int, tuple[AnalysisWrite, DemographicsWrite]] = {}
    post_outcome: dict[int, str] = {}
    for w, aid in saved:
        if w.status == "failed" and w.analyzable_type == POST_TYPE:
            post_outcome[w.analyzable_id] = "failed"
        if w.status != "completed" or w.projection is None:
            continue
        proj = w.projection
        if isinstance(proj, PostInsightWrite):
            posts[proj.post_id] = (w, aid, proj)
            post_outcome[proj.post_id] = "analyzed"
        elif isinstance(proj, ProfileInsightWrite):
            profiles[proj.profile_id] = (w, aid, proj)
        elif isinstance(proj, MessageStrategyWrite):
            strategies[proj.profile_id] = (w, aid, proj)
        elif isinstance(proj, DemographicsWrite):
            demographics[proj.profile_id] = (w, proj)
    _write_posts(s, posts, [pid for pid, outcome in post_outcome.items() if outcome == "failed"], now)
    _write_profiles(s, profiles, now)
    if strategies:
        upsert(
            s,
            InstagramProfileMessageStrategy.__table__,
            [
                {
                    "instagram_account_id": w.account_id,
                    "instagram_profile_id": pid,
                    "ai_analysis_id": aid,
                    "best_topics": m.best_topics,
                    "avoid_topics": m.avoid_topics,
                    "dos": m.dos,
                    "donts": m.donts,
                    "opener_templates": m.opener_templates,
                    "comment_templates": m.comment_templates,
                    "confidence": m.confidence,
                    "provider": w.provider,
                    "model": w.model,
                    "analyzed_at": w.finished_at,
                    "created_at": now,
                    "updated_at": now,
                }
                for pid, (w, aid, m) in strategies.items()
            ],
            conflict=("instagram_profile_id",),
            update=_UPDATE_STRATEGY,
        )
    if demographics:
        table = InstagramProfile.__table__
        for chunk in batches(
            {
                "b_id": pid,
                "b_age": d.age,
                "b_gender": d.gender,
                "b_location": d.location,
                "b_persona": d.persona_summary,
                "b_estimates": d.estimates,
                "b_at": w.finished_at,
            }
            for pid, (w, d) in demographics.items()
        ):
            s.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    ai_estimated_age=bindparam("b_age"),
                    ai_estimated_gender=bindparam("b_gender"),
                    ai_estimated_location=bindparam("b_location"),
                    ai_persona_summary=bindparam("b_persona"),
                    ai_estimates=bindparam("b_estimates", type_=JSONType),
                    ai_last_analyzed_at=bindparam("b_at"),
                    updated_at=now,
                ),
                chunk,
            )


_UPDATE_POST_INSIGHT = (
    "ai_analysis_id",
    "image_description",
    "comment_suggestions",
    "sentiment",
    "sentiment_score",
    "topics",
    "engagement_score",
    "language",
    "provider",
    "model",
    "analyzed_at",
    "updated_at",
)


_UPDATE_PROFILE_INSIGHT = (
    "ai_analysis_id",
    "profile_type",
    "tone",
    "engagement_style",
    "messageability_score",
    "primary_language",
    "persona_summary",
    "interests",
    "confidence",
    "provider",
    "model",
    "analyzed_at",
    "updated_at",
)


_UPDATE_STRATEGY = (
    "ai_analysis_id",
    "best_topics",
    "avoid_topics",
    "dos",
    "donts",
    "opener_templates",
    "comment_templates",
    "confidence",
    "provider",
    "model",
    "analyzed_at",
    "updated_at",
)


def _write_posts(
    s: Session,
    posts: dict[int, tuple[AnalysisWrite, int, PostInsightWrite]],
    failed: list[int],
    now: datetime,
) -> None:
    if posts:
        upsert(
            s,
            InstagramPostInsight.__table__,
            [
                {
                    "instagram_account_id": w.account_id,
                    "instagram_profile_post_id": pid,
                    "ai_analysis_id": aid,
                    "image_description": x.image_description,
                    "comment_suggestions": x.comment_suggestions,
                    "sentiment": x.sentiment,
                    "sentiment_score": x.sentiment_score,
                    "topics": x.topics,
                    "engagement_score": x.engagement_score,
                    "language": x.language,
                    "provider": w.provider,
                    "model": w.model,
                    "analyzed_at": w.finished_at,
                    "created_at": now,
                    "updated_at": now,
                }
                for pid, (w, aid, x) in posts.items()
            ],
            conflict=("instagram_profile_post_id",),
            update=_UPDATE_POST_INSIGHT,
        )
        _replace(
            s,
            InstagramPostEntity.__table__,
            "instagram_profile_post_id",
            list(posts),
            [
                {
                    "instagram_account_id": w.account_id,
                    "instagram_profile_post_id": pid,
                    "ai_analysis_id": aid,
                    "entity_type": kind,
                    "value": value,
                    "confidence": confidence,
                    "evidence_text": evidence,
                }
                for pid, (w, aid, x) in posts.items()
                for kind, value, confidence, evidence in x.entities
            ],
        )
        table = InstagramProfilePost.__table__
        for chunk in batches(
            {
                "b_id": pid,
                "b_provider": w.provider,
                "b_model": w.model,
                "b_analysis": w.analysis,
                "b_at": w.finished_at,
            }
            for pid, (w, _, _) in posts.items()
        ):
            s.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    ai_status="analyzed",
                    ai_provider=bindparam("b_provider"),
                    ai_model=bindparam("b_model"),
                    analysis=bindparam("b_analysis", type_=JSONType),
                    analyzed_at=bindparam("b_at"),
                    updated_at=now,
                ),
                chunk,
            )
    if failed:  # the post keeps its previous insight; only its pipeline state says the last try failed
        table = InstagramProfilePost.__table__
        for chunk in in_chunks(failed):
            s.execute(update(table).where(table.c.id.in_(chunk)).values(ai_status="failed", updated_at=now))


def _write_profiles(
    s: Session, profiles: dict[int, tuple[AnalysisWrite, int, ProfileInsightWrite]], now: datetime
) -> None:
    if not profiles:
        return
    upsert(
        s,
        InstagramProfileInsight.__table__,
        [
            {
                "instagram_account_id": w.account_id,
                "instagram_profile_id": pid,
                "ai_analysis_id": aid,
                "profile_type": x.profile_type,
                "tone": x.tone,
                "engagement_style": x.engagement_style,
                "messageability_score": x.messageability_score,
                "primary_language": x.primary_language,
                "persona_summary": x.persona_summary,
                "interests": x.interests,
                "confidence": x.confidence,
                "provider": w.provider,
                "model": w.model,
                "analyzed_at": w.finished_at,
                "created_at": now,
                "updated_at": now,
            }
            for pid, (w, aid, x) in profiles.items()
        ],
        conflict=("instagram_profile_id",),
        update=_UPDATE_PROFILE_INSIGHT,
    )
    _replace(
        s,
        InstagramProfileSignalEvidence.__table__,
        "instagram_profile_id",
        list(profiles),
        [
            {
                "instagram_account_id": w.account_id,
                "instagram_profile_id": pid,
                "ai_analysis_id": aid,
                "signal_type": kind,
                "value": value,
                "confidence": confidence,
                "evidence_text": evidence,
                "source_type": source,
                "created_at": now,
            }
            for pid, (w, aid, x) in profiles.items()
            for kind, value, confidence, evidence, source in x.signals
        ],
    )


def _replace(s: Session, table: Table, key: str, owners: list[int], rows: list[dict[str, Any]]) -> None:
    """The child rows of `owners` become `rows` (a re-analysis never duplicates them)."""
    for chunk in in_chunks(owners):
        s.execute(delete(table).where(table.c[key].in_(chunk)))
    for batch in batches(rows):
        s.execute(table.insert(), batch)


def _json_normal(value: Any) -> Any:
    """As the JSON column gives it back (tuples as lists, keys as strings), to compare with stored rows."""
    return json.loads(json.dumps(value))
