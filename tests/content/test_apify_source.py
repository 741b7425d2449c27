"""An account whose profiles and posts are read through Apify (seed 002), end to end through the
assets, against the local Apify stand-in in front of the same sandbox network."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dagster as dg
import pytest

from ig_assets.content.assets import profile_posts
from ig_assets.network.profiles import profile_details
from ig_resources.instagram.apify import ApifyInstagramClient
from ig_sandbox.apify import ApifyStandIn

from .conftest import World, meta

TOKEN = "apify_api_StandInToken42"


@pytest.fixture
def stand_in(world: World) -> Iterator[ApifyStandIn]:
    with ApifyStandIn(world.network, token=TOKEN, cdn_url=world.server.url) as s:
        account = world.database.accounts.get("hana")
        world.database.accounts.set_content_source(account.id, "apify")
        yield s


def run(
    world: World, stand_in: ApifyStandIn, asset: dg.AssetsDefinition, token: str = TOKEN, **config: Any
) -> dg.ExecuteInProcessResult:
    resources = {
        **world.resources(),
        "apify": ApifyInstagramClient(
            api_token=token, base_url=stand_in.url, requests_per_second=1000, backoff_base_seconds=0
        ),
    }
    return dg.materialize(
        [asset],
        partition_key="hana",
        instance=world.instance,
        resources=resources,
        run_config={"ops": {asset.op.name: {"config": {"batch_size": 1000, **config}}}},
        raise_on_error=False,
    )


def test_posts_and_profiles_come_from_apify_and_nothing_goes_to_instagram(
    world: World, stand_in: ApifyStandIn
) -> None:
    instagram_before = dict(world.server.request_counts)
    first = run(world, stand_in, profile_posts, first_scan_pages=1)
    assert first.success
    stats = meta(first)
    posts = world.posts()
    assert stats["posts_new"] == len(posts) > 0
    assert all(p.metadata_json["instagram"]["source"] == "apify" for p in posts.values())
    readable = [p for p in world.profiles().values() if p.posts_scan_status == "ok"]
    for p in readable:  # the same posts the web API gives: one page of 12 on a first scan
        served = world.network.user_info(p.ig_user_id)["user"]["media_count"]
        assert sum(1 for post in posts.values() if post.instagram_profile_id == p.id) == min(served, 12)

    # Unchanged: one actor run and one dataset page per profile read; followed private profiles cost
    # the same and fail (an anonymous scraper cannot see them).
    again = meta(run(world, stand_in, profile_posts))
    hidden = again["skipped"].get("private_account", 0)
    assert again["posts_new"] == 0
    assert again["requests"] == {"feed": 2 * (again["scanned"] + hidden)}

    refreshed = run(world, stand_in, profile_details)
    assert refreshed.success
    assert meta(refreshed)["requests"] == {"profile": 2 * len(world.profiles())}
    assert dict(world.server.request_counts) == instagram_before  # not one request to "Instagram"
    log = [path for _, path, _ in stand_in.log]
    assert any(p.startswith("/v2/acts/apify~instagram-profile-scraper/runs") for p in log)


def test_a_refused_token_stops_the_run_but_not_the_account(world: World, stand_in: ApifyStandIn) -> None:
    result = run(world, stand_in, profile_posts, token="apify_api_Revoked")
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    text = str(failure.event_specific_data)
    assert "account 'hana'" in text
    assert "authentication token is not valid" in text
    assert "Revoked" not in text
    account = world.database.accounts.get("hana")
    assert account.login_state == "logged_in"
    assert account.cooldown_until is None
