"""The insights tests' world: the content tests' sandbox account with its posts and comments read, and
the AI resource pointed at the heuristic provider or at a local OpenAI-compatible stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import func, select

from ig_assets.content.comments import post_comments
from ig_assets.insights import assets as insight_assets
from ig_resources.ai import AIResource
from ig_resources.ai import resource as ai_resource
from ig_resources.database import DatabaseResource
from ig_sandbox.openai import OpenAIStandIn
from tests.content.conftest import SPEC, World, meta, sync_network, world
from tests.world import DagsterTemplate, Snapshots, open_world

#: not shaped like an OpenAI key, so only scrubbing the exact key can hide it
KEY = "test-SECRET-7f3a9b2c4d"
ALL = [
    insight_assets.post_insights,
    insight_assets.history_chunks,
    insight_assets.behavior_profiles,
    insight_assets.profile_insights,
    insight_assets.message_strategies,
    insight_assets.profile_demographics,
]


@pytest.fixture(autouse=True)
def fresh_health_gates() -> Iterator[None]:
    """Health checks are cached per process: each test starts without any."""
    ai_resource._GATES.clear()
    yield
    ai_resource._GATES.clear()


@pytest.fixture
def standin() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn(api_key=KEY) as server:
        yield server


def read_content(world: World) -> None:
    """hana's network, the posts (two pages per profile) and the comments of the busier ones."""
    sync_network(world)
    world.scan(first_scan_pages=1)
    assert world.materialize([post_comments], "hana", {"post_comments": {"batch_size": 1000}}).success


@pytest.fixture
def content(
    database: DatabaseResource,
    tmp_path: Path,
    dagster_template: DagsterTemplate,
    world_snapshots: Snapshots,
) -> Iterator[World]:
    """The content tests' world with its posts and comments read (once per session and backend)."""
    with open_world(
        SPEC,
        database,
        tmp_path,
        dagster_template,
        cls=World,
        prepare=read_content,
        snapshots=world_snapshots,
        key="insights",
    ) as world:
        yield world


def openai_resource(standin: OpenAIStandIn, **fields: Any) -> AIResource:
    return AIResource(
        base_url=standin.url,
        api_key=KEY,
        model="standin-1",
        retry_pause_seconds=0.01,
        retry_error_pause_seconds=0.01,
        **fields,
    )


def run_insights(
    world: World, ai: AIResource, assets: list[Any] | None = None, config: dict[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """Materialize insight assets for the world's account; each asset's metadata by name."""
    chosen = assets or ALL
    config = config or {"batch_size": 5000}  # every post of the world in one run
    # only the AI assets take InsightsConfig
    ops = {
        a.op.name: {"config": config}
        for a in chosen
        if a.op.name not in ("history_chunks", "behavior_profiles")
    }
    result = dg.materialize(
        chosen,
        partition_key="hana",
        instance=world.instance,
        resources={**world.resources(), "ai": ai},
        run_config={"ops": ops},
        raise_on_error=False,
    )
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    out = {}
    for event in result.get_asset_materialization_events():
        out[event.asset_key.path[-1]] = {
            k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()
        }
    return out


def count(world: World, model: Any, *where: Any) -> int:
    with world.database.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


__all__ = ["KEY", "World", "count", "meta", "openai_resource", "run_insights", "world"]
