"""The insights assets end to end: sandbox posts and comments, the heuristic provider offline, and the
real `openai` client against a local OpenAI-compatible server (answers, faults, cache, budgets)."""

from __future__ import annotations

import dataclasses
import logging

import dagster as dg
import pytest
from sqlalchemy import func, select, update

from ig_assets.insights import assets as insight_assets
from ig_assets.insights import tasks as insight_tasks
from ig_resources.ai import AIResource
from ig_resources.ai.schemas import POST_INSIGHT
from ig_resources.database.models import (
    AIAnalysis,
    AIApiCall,
    InstagramPostEntity,
    InstagramPostInsight,
    InstagramProfile,
    InstagramProfileHistoryChunk,
    InstagramProfileInsight,
    InstagramProfileMessageStrategy,
    InstagramProfilePost,
    InstagramProfileSignalEvidence,
)
from ig_sandbox.openai import OpenAIStandIn
from schedules import insights_schedule

from .conftest import KEY, World, count, openai_resource, run_insights

POSTS_ONLY = [insight_assets.post_insights]
#: provider behaviour (retries, gate, budget, cache) is the same on both backends; what the store
#: writes is covered on both here and in tests/database/test_insights_store.py
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def analysable_posts(world: World) -> int:
    return count(
        world,
        InstagramProfilePost,
        func.length(func.trim(func.coalesce(InstagramProfilePost.caption, ""))) > 0,
    )


def test_heuristic_insights_end_to_end_and_an_unchanged_rerun_costs_nothing(content: World) -> None:
    world = content
    first = run_insights(world, AIResource())
    posts = first["post_insights"]
    assert posts["ai.provider"] == "heuristic"
    assert posts["ai.calls"] == 0
    assert posts["analysed"] == count(world, InstagramPostInsight) >= analysable_posts(world) > 0
    assert count(world, AIApiCall) == 0
    assert count(world, AIAnalysis, AIAnalysis.status != "completed") == 0
    with world.database.session() as s:
        captions = s.execute(select(InstagramProfilePost.id, InstagramProfilePost.caption)).all()
        tags = {
            (pid, word.lower()) for pid, c in captions for word in (c or "").split() if word.startswith("#")
        }
        entities = set(
            s.execute(
                select(InstagramPostEntity.instagram_profile_post_id, InstagramPostEntity.value).where(
                    InstagramPostEntity.entity_type == "hashtag"
                )
            ).all()
        )
        rows = s.scalars(select(InstagramPostInsight)).all()
    assert tags
    assert {(p, v.lower()) for p, v in entities} >= tags
    assert {r.sentiment for r in rows} <= {"positive", "neutral", "negative"}
    assert any(r.topics for r in rows)
    assert all(r.image_description for r in rows)
    assert all(r.engagement_score is None or 0 <= r.engagement_score <= 1 for r in rows)
    # profiles with posts have an insight, its evidence and a strategy; chunks cover their history
    assert first["profile_insights"]["analysed"] == count(world, InstagramProfileInsight) > 0
    assert count(world, InstagramProfileSignalEvidence) >= count(world, InstagramProfileInsight)
    assert count(world, InstagramProfileMessageStrategy) == count(world, InstagramProfileInsight)
    assert first["history_chunks"]["chunks"] == count(world, InstagramProfileHistoryChunk) > 0
    with world.database.session() as s:
        chunks = s.scalars(select(InstagramProfileHistoryChunk)).all()
    assert all(c.word_count == len(c.content.split()) and c.starts_at <= c.ends_at for c in chunks)

    analyses = count(world, AIAnalysis)
    with world.database.session() as s:  # more likes: a new engagement score, not a new analysis
        liked = s.scalar(
            select(InstagramPostInsight.instagram_profile_post_id)
            .where(InstagramPostInsight.engagement_score.is_not(None))
            .limit(1)
        )
        before = s.scalar(
            select(InstagramPostInsight.engagement_score).where(
                InstagramPostInsight.instagram_profile_post_id == liked
            )
        )
        s.execute(
            update(InstagramProfilePost)
            .where(InstagramProfilePost.id == liked)
            .values(likes_count=InstagramProfilePost.likes_count * 10 + 100)
        )
    again = run_insights(world, AIResource())
    for name in ("post_insights", "profile_insights", "message_strategies", "profile_demographics"):
        assert again[name]["analysed"] == 0, name
        assert again[name]["unchanged"] == again[name]["candidates"], name
    assert again["history_chunks"]["profiles_changed"] == 0
    assert count(world, AIAnalysis) == analyses
    with world.database.session() as s:
        after = s.scalar(
            select(InstagramPostInsight.engagement_score).where(
                InstagramPostInsight.instagram_profile_post_id == liked
            )
        )
    assert after > before


def test_openai_compatible_server_answers_are_stored_with_their_calls_and_tokens(
    content: World, standin: OpenAIStandIn
) -> None:
    world = content
    ai = openai_resource(standin)
    result = run_insights(world, ai, POSTS_ONLY)["post_insights"]
    analysed = result["analysed"]
    assert result["ai.provider"] == "openai"
    assert result["ai.model"] == "standin-1"
    assert result["ai.calls"] == analysed == count(world, AIApiCall) == len(standin.usage_reported) > 0
    with world.database.session() as s:
        sums = s.execute(select(func.sum(AIApiCall.input_tokens), func.sum(AIApiCall.output_tokens))).one()
        assert s.scalar(select(func.count()).select_from(AIApiCall).where(AIApiCall.http_status != 200)) == 0
        stored = s.scalars(select(AIAnalysis)).all()
    reported = (sum(p for p, _ in standin.usage_reported), sum(c for _, c in standin.usage_reported))
    assert tuple(sums) == reported
    assert result["ai.input_tokens"] == reported[0]
    assert result["ai.total_tokens"] == sum(reported)
    assert all(
        a.provider == "openai"
        and a.model == "standin-1"
        and a.prompt_version == POST_INSIGHT.prompt_version
        and a.schema_version == POST_INSIGHT.schema_version
        and not a.used_fallback
        for a in stored
    )
    assert count(world, InstagramPostInsight) == analysed

    # unchanged: no call at all, not even to the server
    requests = len(standin.requests)
    again = run_insights(world, ai, POSTS_ONLY)["post_insights"]
    assert again["ai.calls"] == 0
    assert again["analysed"] == 0
    assert len(standin.requests) == requests
    assert count(world, AIApiCall) == analysed


@SQLITE_ONLY
def test_a_prompt_change_reanalyses_and_identical_inputs_hit_the_cache(
    content: World, standin: OpenAIStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = content
    ai = openai_resource(standin)
    first = run_insights(world, ai, POSTS_ONLY)["post_insights"]["analysed"]
    monkeypatch.setattr(insight_tasks, "POST_INSIGHT", dataclasses.replace(POST_INSIGHT, revision=2))
    second = run_insights(world, ai, POSTS_ONLY)["post_insights"]
    assert second["analysed"] == first
    assert second["ai.calls"] == first
    monkeypatch.setattr(insight_tasks, "POST_INSIGHT", POST_INSIGHT)
    back = run_insights(world, ai, POSTS_ONLY)["post_insights"]
    # back to the first prompt: every answer is in the cache, nothing is asked
    assert back["analysed"] == first
    assert back["ai.cache_hits"] == first
    assert back["ai.calls"] == 0
    with world.database.session() as s:
        hits = s.scalars(select(AIAnalysis).where(AIAnalysis.cache_hit.is_(True))).all()
        originals = {
            a.id: a for a in s.scalars(select(AIAnalysis).where(AIAnalysis.cache_hit.is_(False))).all()
        }
    assert len(hits) == first
    assert all(
        originals[h.cached_from_ai_analysis_id].input_fingerprint == h.input_fingerprint
        and originals[h.cached_from_ai_analysis_id].analysis == h.analysis
        for h in hits
    )


@SQLITE_ONLY
def test_retries_then_fallback_and_invalid_output_asked_again(content: World, standin: OpenAIStandIn) -> None:
    world = content
    standin.script("status:500", "status:500", "status:500", "invalid_json", "ok", "status:429:0.05")
    result = run_insights(world, openai_resource(standin), POSTS_ONLY, {"batch_size": 3})["post_insights"]
    assert result["analysed"] == 3
    assert result["ai.fallbacks"] == 1
    with world.database.session() as s:
        analyses = s.scalars(select(AIAnalysis).order_by(AIAnalysis.id)).all()
        calls = s.scalars(select(AIApiCall).order_by(AIApiCall.id)).all()
    first, second, third = analyses
    assert first.used_fallback
    assert first.provider == "heuristic"
    assert first.attempts == 3
    assert "HTTP 500" in (first.fallback_reason or "")
    assert [c.http_status for c in calls if c.ai_analysis_id == first.id] == [500, 500, 500]
    assert second.provider == "openai"
    assert second.attempts == 2
    assert not second.used_fallback
    assert [c.status for c in calls if c.ai_analysis_id == second.id] == ["invalid_output", "succeeded"]
    assert third.attempts == 2
    assert [c.http_status for c in calls if c.ai_analysis_id == third.id] == [
        429,
        200,
    ]
    assert result["ai.calls"] == len(calls) == 7

    # the fallback's answer is replaced by the preferred provider's on the next run
    standin.script()
    again = run_insights(world, openai_resource(standin), POSTS_ONLY, {"batch_size": 3})["post_insights"]
    with world.database.session() as s:
        insight = s.scalar(
            select(InstagramPostInsight).where(
                InstagramPostInsight.instagram_profile_post_id == first.analyzable_id
            )
        )
    assert again["analysed"] >= 1
    assert insight is not None
    assert insight.provider == "openai"


@SQLITE_ONLY
def test_a_dead_server_is_passed_over_by_the_health_gate_and_after_three_failures(
    content: World, standin: OpenAIStandIn
) -> None:
    world = content
    standin.models_status = 503
    down = run_insights(world, openai_resource(standin), POSTS_ONLY, {"batch_size": 5})["post_insights"]
    assert down["ai.provider"] == "heuristic"
    assert down["ai.calls"] == 0
    assert not standin.requests
    assert "openai" in down["ai.passed_over"]
    assert down["ai.health_issues"][0]["fingerprint"] == "ai_provider_unhealthy:openai"

    # healthy by its check, but every answer fails: three analyses' retries, then the rest go elsewhere
    import ig_resources.ai.resource as ai_resource

    ai_resource._GATES.clear()
    standin.models_status = 200
    standin.script(*["status:500"] * 50)
    failing = run_insights(world, openai_resource(standin), POSTS_ONLY, {"batch_size": 8})
    meta = failing["post_insights"]
    assert meta["ai.calls"] == 9
    assert meta["ai.fallbacks"] == 3
    assert meta["ai.provider"] == "heuristic"


@SQLITE_ONLY
def test_a_budget_stops_the_run_cleanly_and_the_next_run_goes_on(
    content: World, standin: OpenAIStandIn
) -> None:
    world = content
    result = run_insights(world, openai_resource(standin, max_calls_per_run=4), POSTS_ONLY)["post_insights"]
    assert result["ai.calls"] == 4 == result["analysed"] == count(world, InstagramPostInsight)
    assert "budget of 4 AI calls" in result["ai.budget_stop"]
    assert result["left"] > 0
    more = run_insights(world, openai_resource(standin, max_calls_per_run=4), POSTS_ONLY)["post_insights"]
    assert more["analysed"] == 4
    assert count(world, InstagramPostInsight) == 8
    tokens = run_insights(world, openai_resource(standin, max_tokens_per_run=1), POSTS_ONLY)["post_insights"]
    assert tokens["ai.calls"] == 1
    assert "tokens is spent" in tokens["ai.budget_stop"]


def test_provider_settings_order_the_chain_and_the_key_never_shows(
    content: World,
    standin: OpenAIStandIn,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    world = content
    db = world.database
    db.ai.set_provider("openai", enabled=False)
    db.ai.set_provider(
        "local",
        priority=5,
        config={"base_url": standin.url, "model": "llama-local"},
        api_key="wrong-key-0000-secret",
    )
    caplog.set_level(logging.DEBUG)
    refused = run_insights(
        world,
        AIResource(retry_pause_seconds=0.01, retry_error_pause_seconds=0.01),
        POSTS_ONLY,
        {"batch_size": 2},
    )["post_insights"]
    assert refused["ai.provider"] == "heuristic"
    assert "local" in refused["ai.passed_over"]
    db.ai.set_provider("local", api_key=KEY)
    import ig_resources.ai.resource as ai_resource

    ai_resource._GATES.clear()
    standin.script("status:401")
    ok = run_insights(
        world,
        AIResource(retry_pause_seconds=0.01, retry_error_pause_seconds=0.01),
        POSTS_ONLY,
        {"batch_size": 2},
    )["post_insights"]
    assert ok["ai.provider"] == "local"
    assert ok["ai.model"] == "llama-local"
    assert ok["ai.fallbacks"] == 1
    assert any(h == f"Bearer {KEY}" for h in standin.auth_headers)
    with db.session() as s:
        stored = s.execute(
            select(AIAnalysis.fallback_reason, AIAnalysis.response_text, AIAnalysis.prompt)
        ).all()
        errors = s.scalars(select(AIApiCall.error_message)).all()
    seen = "\n".join([caplog.text, *capfd.readouterr(), *map(str, stored), *map(str, errors)])
    for run_id in world.instance.get_run_ids():
        seen += "".join(log.message or "" for log in world.instance.all_logs(run_id))
        seen += str(world.instance.get_run_by_id(run_id).run_config)
    assert "401" in seen
    assert "local" in seen
    assert KEY not in seen
    assert "wrong-key-0000-secret" not in seen


def test_an_outage_keeps_the_good_answers_and_only_new_input_goes_to_the_fallback(
    content: World, standin: OpenAIStandIn
) -> None:
    world = content
    first = run_insights(world, openai_resource(standin), POSTS_ONLY)["post_insights"]
    with world.database.session() as s:
        post_id = s.scalar(select(InstagramPostInsight.instagram_profile_post_id).limit(1))
        s.execute(
            update(InstagramProfilePost)
            .where(InstagramProfilePost.id == post_id)
            .values(caption="An edited caption about coffee ☕ #coffee")
        )
    import ig_resources.ai.resource as ai_resource

    ai_resource._GATES.clear()
    standin.models_status = 503
    down = run_insights(world, openai_resource(standin), POSTS_ONLY)["post_insights"]
    assert down["ai.provider"] == "heuristic"
    assert down["analysed"] == 1
    assert down["unchanged"] == first["analysed"] - 1
    with world.database.session() as s:
        providers = dict(
            s.execute(
                select(InstagramPostInsight.instagram_profile_post_id, InstagramPostInsight.provider)
            ).all()
        )
    assert providers.pop(post_id) == "heuristic"
    assert set(providers.values()) == {"openai"}
    ai_resource._GATES.clear()
    standin.models_status = 200
    back = run_insights(world, openai_resource(standin), POSTS_ONLY)["post_insights"]
    assert back["analysed"] == 1
    assert back["ai.calls"] == 1


def test_the_budget_is_the_whole_runs(content: World, standin: OpenAIStandIn) -> None:
    world = content
    ai = openai_resource(standin, max_calls_per_run=5)
    result = run_insights(world, ai)
    assert count(world, AIApiCall) == 5 == sum(m.get("ai.calls", 0) for m in result.values())
    assert "budget of 5 AI calls" in result["profile_insights"]["ai.budget_stop"]
    with world.database.session() as s:
        assert len(set(s.scalars(select(AIApiCall.dagster_run_id)))) == 1


def test_demographics_only_from_what_the_person_states(content: World) -> None:
    world = content
    with world.database.session() as s:
        stated, quiet = s.scalars(
            select(InstagramProfile.id)
            .where(InstagramProfile.posts_scan_status == "ok")
            .order_by(InstagramProfile.id)
            .limit(2)
        ).all()
        s.execute(
            update(InstagramProfile)
            .where(InstagramProfile.id == stated)
            .values(bio="she/her · 27 y/o · based in Lisbon 🇵🇹 · coffee & film photography")
        )
        s.execute(
            update(InstagramProfile).where(InstagramProfile.id == quiet).values(bio="Maria ✨ coffee lover")
        )
    run_insights(world, AIResource())
    with world.database.session() as s:
        a = s.get(InstagramProfile, stated)
        b = s.get(InstagramProfile, quiet)
    assert (a.ai_estimated_gender, a.ai_estimated_age, a.ai_estimated_location) == (
        "female",
        "25-34",
        "Lisbon",
    )
    assert a.ai_last_analyzed_at is not None
    assert a.ai_estimates_json["location"]["accepted"] is True
    assert (b.ai_estimated_gender, b.ai_estimated_age, b.ai_estimated_location) == (None, None, None)


@SQLITE_ONLY
def test_insights_schedule_runs_every_account(content: World) -> None:
    from datetime import UTC, datetime

    when = datetime(2026, 12, 1, 8, 40, tzinfo=UTC)
    with dg.build_schedule_context(instance=content.instance, scheduled_execution_time=when) as context:
        requests = insights_schedule(context)
    assert [(r.partition_key, r.run_key) for r in requests] == [("hana", "hana:20261201T0840")]
