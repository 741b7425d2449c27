"""The content tests' world: one sandbox account whose follow graph and profiles are already stored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
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
from ig_resources.instagram import InstagramClientResource
from ig_resources.instagram.apify import ApifyInstagramClient
from ig_resources.instagram.session import parse_cookie_file
from ig_resources.media import DEFAULT_TRUSTED_HOSTS, MediaStore
from ig_sandbox.instagram import AccountSpec, NetworkSpec, SandboxNetwork, SandboxServer, render_cookie_file

SPEC = NetworkSpec(
    seed=31, accounts=[AccountSpec(username="hana", followers=45, following=30, mutual_fraction=0.3)]
)


@dataclass
class World:
    server: SandboxServer
    network: SandboxNetwork
    database: DatabaseResource
    instance: dg.DagsterInstance
    media_root: Path

    def resources(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "instagram": InstagramClientResource(
                api_base_url=self.server.url, web_base_url=self.server.url, pacing=False
            ),
            "media": MediaStore(
                root=str(self.media_root), trusted_hosts=[*DEFAULT_TRUSTED_HOSTS, "127.0.0.1"]
            ),
            "apify": ApifyInstagramClient(),
        }

    def scan(self, **config: Any) -> dg.ExecuteInProcessResult:
        result = dg.materialize(
            [profile_posts],
            partition_key="hana",
            instance=self.instance,
            resources=self.resources(),
            run_config={"ops": {"profile_posts": {"config": {"batch_size": 1000, **config}}}},
        )
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


@pytest.fixture
def world(database: DatabaseResource, tmp_path: Path) -> Iterator[World]:
    network = SandboxNetwork(SPEC)
    with SandboxServer(network) as server, dg.instance_for_test() as instance:
        database.accounts.register(
            "hana", parse_cookie_file(render_cookie_file(network.session_cookies("hana")))
        )
        instance.add_dynamic_partitions("instagram_accounts", ["hana"])
        w = World(server, network, database, instance, tmp_path / "media")
        for asset, config in ((follow_graph, {}), (profile_details, {"batch_size": 1000})):
            run_config = {"ops": {asset.op.name: {"config": config}}} if config else None
            assert dg.materialize(
                [asset],
                partition_key="hana",
                instance=instance,
                resources=w.resources(),
                run_config=run_config,
            ).success
        yield w


def meta(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    (event,) = result.get_asset_materialization_events()
    return {k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()}
