"""The content tests' world: one sandbox account whose follow graph and profiles are already stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import select

from ig_assets.content.assets import profile_posts
from ig_assets.network.assets import follow_graph
from ig_assets.network.profiles import profile_details
from ig_resources.database import DatabaseResource
from ig_resources.database.models import InstagramProfile, InstagramProfilePost
from ig_sandbox.instagram import AccountSpec, NetworkSpec
from tests.world import DagsterTemplate, Snapshots, open_world
from tests.world import World as BaseWorld

SPEC = NetworkSpec(
    seed=31, accounts=[AccountSpec(username="hana", followers=45, following=30, mutual_fraction=0.3)]
)


class World(BaseWorld):
    """The shared world (tests/world.py) with the content tests' helpers."""

    def scan(self, **config: Any) -> dg.ExecuteInProcessResult:
        result = self.materialize([profile_posts], "hana", {"profile_posts": {"batch_size": 1000, **config}})
        assert result.success
        return result

    def posts(self) -> dict[str, InstagramProfilePost]:
        with self.database.session() as s:
            rows = s.scalars(select(InstagramProfilePost)).all()
            s.expunge_all()
        return {p.shortcode: p for p in rows}

    def profiles(self) -> dict[str, InstagramProfile]:
        with self.database.session() as s:
            rows = s.scalars(select(InstagramProfile)).all()
            s.expunge_all()
        return {p.ig_user_id: p for p in rows}


def sync_network(world: World) -> None:
    """hana's follow graph and the profiles in it, stored."""
    assert world.materialize([follow_graph], "hana").success
    assert world.materialize([profile_details], "hana", {"profile_details": {"batch_size": 1000}}).success


@pytest.fixture
def world(
    database: DatabaseResource,
    tmp_path: Path,
    dagster_template: DagsterTemplate,
    world_snapshots: Snapshots,
) -> Iterator[World]:
    with open_world(
        SPEC,
        database,
        tmp_path,
        dagster_template,
        cls=World,
        prepare=sync_network,
        snapshots=world_snapshots,
        key="content",
    ) as w:
        yield w


def meta(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    (event,) = result.get_asset_materialization_events()
    return {k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()}
