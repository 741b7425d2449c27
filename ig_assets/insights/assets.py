"""The insights of each account's network: what posts show, who profiles are, how to talk with them.

`post_insights`, `profile_insights`, `message_strategies` and `profile_demographics` ask the AI
resource (cached, accounted, with fallback); `history_chunks` and `behavior_profiles` are computed
from stored rows. An input whose cache key equals the one behind its current row is not analysed
again, so an unchanged re-run costs nothing, and a changed prompt, schema or model re-analyses.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from ig_assets.accounts.session import known_account
from ig_assets.content.assets import profile_posts
from ig_assets.content.comments import post_comments
from ig_assets.content.media import post_media
from ig_assets.content.stories import stories
from ig_assets.faces.assets import post_faces, story_people
from ig_assets.network.profiles import profile_details
from ig_assets.partitions import account_partitions
from ig_resources.ai import AIResource, AIRun
from ig_resources.ai.provider import Task
from ig_resources.ai.rules import BudgetExceeded
from ig_resources.database import DatabaseResource
from ig_resources.media import MediaStore
from ig_resources.records import BehaviorWrite

from .rules import CHUNK_WORDS, CONTEXT_WORDS, behavior_summary, engagement_score
from .rules import history_chunks as chunk_history
from .tasks import (
    demographics_projection,
    demographics_task,
    post_projection,
    post_task,
    profile_projection,
    profile_task,
    strategy_projection,
    strategy_task,
)

GROUP = "insights"


class InsightsConfig(dg.Config):
    """How many analyses one run makes (newest first; the rest wait for the next run)."""

    batch_size: int = 500


def _analyse(
    context: dg.AssetExecutionContext,
    run: AIRun,
    items: list[tuple[Task, str | None, Callable[[Any], Any]]],
    batch_size: int,
) -> dict[str, Any]:
    """Analyse the items whose cache key changed, up to `batch_size`; stop cleanly at the budget."""
    todo = [(task, project) for task, current, project in items if not run.unchanged(task, current)]
    run.prefetch([task for task, _ in todo[:batch_size]])
    done = 0
    try:
        for task, project in todo[:batch_size]:
            run.analyze(task, project)
            done += 1
    except BudgetExceeded as exc:
        run.stop_for_budget(exc, left=len(todo) - done)
    finally:
        run.flush()  # whatever happens, the analyses made (and paid for) are kept
    context.log.info(
        f"{context.partition_key}: {done} {context.asset_key.path[-1]} analysed by {run.provider.name} "
        f"({run.stats['calls']} calls, {run.stats['cache_hits']} cache hits, "
        f"{run.stats['fallbacks']} fallbacks), "
        f"{len(items) - len(todo)} unchanged, {len(todo) - done} left"
    )
    if run.stats["failed"]:
        raise dg.Failure(
            description=f"{run.stats['failed']} analyses failed (the others are stored); see the run's log",
            metadata=run.metadata(),
        )
    return {
        **run.metadata(),
        "candidates": len(items),
        "unchanged": len(items) - len(todo),
        "analysed": done,
        "left": len(todo) - done,
    }


@dg.asset(
    partitions_def=account_partitions,
    group_name=GROUP,
    kinds={"ai", "sql"},
    deps=[profile_posts, post_media, post_faces, post_comments],
)
def post_insights(
    context: dg.AssetExecutionContext,
    config: InsightsConfig,
    database: DatabaseResource,
    media: MediaStore,
    ai: AIResource,
) -> dg.MaterializeResult:
    """Per post: what it shows, sentiment, topics, entities, comment ideas, engagement
    (`instagram_post_insights`, `instagram_post_entities`)."""
    account = known_account(database, context.partition_key)
    run = ai.run(database, account.id, context.log, context.run.run_id)
    items = []
    posts = database.insights.posts_for_insights(account.id)
    for post in posts:
        if (task := post_task(post, media.path_of)) is not None:
            items.append(
                (task, post.current_fingerprint, lambda answer, post=post: post_projection(post, answer))
            )
    meta = _analyse(context, run, items, config.batch_size)
    # Counts move daily and are not analysis input: the score follows them without an analysis.
    moved = {}
    for post in posts:
        score = engagement_score(post.likes_count, post.comments_count, post.owner_follower_count)
        if post.has_insight and score != post.engagement_score:
            moved[post.id] = score
    database.insights.set_engagement_scores(moved)
    return dg.MaterializeResult(
        metadata={**meta, **_summary(database, account.id, "post_insights", "post_entities")}
    )


@dg.asset(
    partitions_def=account_partitions,
    group_name=GROUP,
    kinds={"python", "sql"},
    deps=[post_insights, stories, story_people, post_comments],
)
def history_chunks(context: dg.AssetExecutionContext, database: DatabaseResource) -> dg.MaterializeResult:
    """Each profile's posts, stories and comments as ordered narrative chunks with word and entry
    counts and time coverage (`instagram_profile_history_chunks`): the context of the analyses."""
    account = known_account(database, context.partition_key)
    chunks = {
        pid: chunk_history(entries, max_words=CHUNK_WORDS)
        for pid, entries in database.history.history_entries(account.id).items()
    }
    changed = database.history.replace_history_chunks(account.id, chunks)
    return dg.MaterializeResult(
        metadata={
            "profiles": len(chunks),
            "profiles_changed": changed,
            "chunks": sum(len(c) for c in chunks.values()),
            "words": sum(c.word_count for cs in chunks.values() for c in cs),
        }
    )


@dg.asset(
    partitions_def=account_partitions,
    group_name=GROUP,
    kinds={"python", "sql"},
    deps=[stories, story_people, profile_posts],
)
def behavior_profiles(context: dg.AssetExecutionContext, database: DatabaseResource) -> dg.MaterializeResult:
    """How each profile uses stories: frequency, hours, days, video share, the people in them, and an
    activity score (`instagram_profile_behavior_profiles`)."""
    account = known_account(database, context.partition_key)
    now = datetime.now(UTC)
    rows = [
        BehaviorWrite(pid, *behavior_summary(activity, now))
        for pid, activity in database.insights.story_activity(account.id).items()
    ]
    changed = database.insights.save_behavior_profiles(account.id, rows)
    scores = sorted(r.activity_score for r in rows)
    return dg.MaterializeResult(
        metadata={
            "profiles": len(rows),
            "changed": changed,
            "median_activity_score": scores[len(scores) // 2] if scores else None,
        }
    )


@dg.asset(
    partitions_def=account_partitions,
    group_name=GROUP,
    kinds={"ai", "sql"},
    deps=[profile_details, history_chunks, post_insights, behavior_profiles],
)
def profile_insights(
    context: dg.AssetExecutionContext, config: InsightsConfig, database: DatabaseResource, ai: AIResource
) -> dg.MaterializeResult:
    """Per profile: type, tone, engagement style, messageability, language, persona, interests, and
    the evidence behind each (`instagram_profile_insights`, `instagram_profile_signal_evidences`)."""
    account = known_account(database, context.partition_key)
    run = ai.run(database, account.id, context.log, context.run.run_id)
    profiles = database.insights.profiles_for_insights(account.id)
    ids = [p.id for p in profiles]
    summaries = database.insights.post_insight_summaries(ids)
    behavior = database.insights.behavior_summaries(ids)
    history = database.history.history_chunks(ids, max_words=CONTEXT_WORDS)
    current = database.insights.current_fingerprints("profile_insight", ids)
    items = []
    for p in profiles:
        if (
            task := profile_task(p, summaries.get(p.id), behavior.get(p.id), history.get(p.id, []))
        ) is not None:
            items.append((task, current.get(p.id), lambda answer, pid=p.id: profile_projection(pid, answer)))
    meta = _analyse(context, run, items, config.batch_size)
    return dg.MaterializeResult(
        metadata={**meta, **_summary(database, account.id, "profile_insights", "signal_evidences")}
    )


@dg.asset(partitions_def=account_partitions, group_name=GROUP, kinds={"ai", "sql"}, deps=[profile_insights])
def message_strategies(
    context: dg.AssetExecutionContext, config: InsightsConfig, database: DatabaseResource, ai: AIResource
) -> dg.MaterializeResult:
    """Per analysed profile: topics to talk about and to avoid, dos and don'ts, opener and comment
    templates (`instagram_profile_message_strategies`). Guidance for a person; nothing is sent."""
    account = known_account(database, context.partition_key)
    run = ai.run(database, account.id, context.log, context.run.run_id)
    profiles = database.insights.profiles_for_insights(account.id)
    ids = [p.id for p in profiles]
    insights = database.insights.profile_insights_of(ids)
    summaries = database.insights.post_insight_summaries(list(insights))
    current = database.insights.current_fingerprints("message_strategy", list(insights))
    items = [
        (
            strategy_task(p, insights[p.id], summaries.get(p.id)),
            current.get(p.id),
            lambda answer, pid=p.id: strategy_projection(pid, answer),
        )
        for p in profiles
        if p.id in insights
    ]
    meta = _analyse(context, run, items, config.batch_size)
    return dg.MaterializeResult(metadata={**meta, **_summary(database, account.id, "message_strategies")})


@dg.asset(
    partitions_def=account_partitions,
    group_name=GROUP,
    kinds={"ai", "sql"},
    deps=[profile_details, history_chunks, post_insights],
)
def profile_demographics(
    context: dg.AssetExecutionContext, config: InsightsConfig, database: DatabaseResource, ai: AIResource
) -> dg.MaterializeResult:
    """Per profile: `ai_estimated_age`, `_gender`, `_location` and `ai_persona_summary`, each only
    where what the person published says it with enough confidence; otherwise empty, never a guess."""
    account = known_account(database, context.partition_key)
    run = ai.run(database, account.id, context.log, context.run.run_id)
    profiles = database.insights.profiles_for_insights(account.id)
    ids = [p.id for p in profiles]
    summaries = database.insights.post_insight_summaries(ids)
    history = database.history.history_chunks(ids, max_words=CONTEXT_WORDS)
    current = database.insights.current_fingerprints("profile_demographics", ids)
    items = []
    for p in profiles:
        if (task := demographics_task(p, summaries.get(p.id), history.get(p.id, []))) is not None:
            items.append(
                (task, current.get(p.id), lambda answer, pid=p.id: demographics_projection(pid, answer))
            )
    meta = _analyse(context, run, items, config.batch_size)
    return dg.MaterializeResult(metadata={**meta, **_summary(database, account.id, "demographics")})


def _summary(database: DatabaseResource, account_id: int, *keys: str) -> dict[str, int]:
    counts = database.insights.summary(account_id)
    return {f"rows.{key}": counts[key] for key in keys}
