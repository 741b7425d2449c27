"""`profile_details` and `avatars` end to end through Dagster's `materialize`: the real httpx client and
the real media downloader against the sandbox server on loopback, the real database on SQLite and
PostgreSQL, the real media store on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import func, select

from ig_assets.network.assets import follow_graph
from ig_assets.network.profiles import avatars, profile_details
from ig_resources.database import DatabaseResource
from ig_resources.database.models import (
    InstagramProfile,
    InstagramProfileActionLog,
    InstagramProfileSnapshot,
    InstagramProfileTagging,
    MediaBlob,
    ProfileTag,
)
from ig_resources.instagram import InstagramClientResource
from ig_resources.instagram.apify import ApifyInstagramClient
from ig_resources.media import DEFAULT_TRUSTED_HOSTS, MediaStore
from ig_sandbox.instagram import AccountSpec, Fault, NetworkSpec
from tests.world import DagsterTemplate, Snapshots, open_world
from tests.world import World as BaseWorld

SPEC = NetworkSpec(
    seed=23,
    accounts=[
        AccountSpec(
            username="carol", followers=140, following=90, mutual_fraction=0.3, inbox_threads=6, tray_reels=3
        ),
        AccountSpec(username="dave", followers=60, following=30, inbox_threads=2, tray_reels=1),
    ],
)


class World(BaseWorld):
    def resources(self, **overrides: Any) -> dict[str, Any]:
        return {
            "database": self.database,
            "instagram": InstagramClientResource(
                # Paced (budgets in the database, retries) but with room for the whole test network.
                api_base_url=self.server.url,
                web_base_url=self.server.url,
                pacing=True,
                pause_mean_seconds=0,
                backoff_base_seconds=0.01,
                profile_requests_per_window=10_000,
            ),
            "media": MediaStore(
                root=str(self.media_root), trusted_hosts=[*DEFAULT_TRUSTED_HOSTS, "127.0.0.1"]
            ),
            "apify": ApifyInstagramClient(),
            **overrides,
        }

    def run(
        self, assets: list[Any], account: str = "carol", batch_size: int | None = None
    ) -> dg.ExecuteInProcessResult:
        config = {"ops": {"profile_details": {"config": {"batch_size": batch_size}}}} if batch_size else None
        return dg.materialize(
            assets,
            partition_key=account,
            instance=self.instance,
            resources=self.resources(),
            run_config=config,
            raise_on_error=False,
            selection=[a.key for a in assets if a is not follow_graph] or None,
        )

    def refresh(self, account: str = "carol", batch_size: int | None = None) -> dg.ExecuteInProcessResult:
        return self.run([profile_details, avatars], account, batch_size)

    def account_id(self, username: str = "carol") -> int:
        return self.database.accounts.get(username).id

    def profiles(self, username: str = "carol") -> dict[str, InstagramProfile]:
        with self.database.session() as s:
            rows = s.scalars(
                select(InstagramProfile).where(
                    InstagramProfile.instagram_account_id == self.account_id(username)
                )
            ).all()
            s.expunge_all()
        return {p.ig_user_id: p for p in rows}

    def count(self, model: Any, *where: Any) -> int:
        with self.database.session() as s:
            return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def sync_graphs(world: World) -> None:
    for account in SPEC.accounts:
        assert world.materialize([follow_graph], account.username).success


@pytest.fixture
def world(
    database: DatabaseResource,
    tmp_path: Path,
    dagster_template: DagsterTemplate,
    world_snapshots: Snapshots,
) -> Iterator[World]:
    """Both accounts' follow graphs stored (synced once per session and backend)."""
    with open_world(
        SPEC,
        database,
        tmp_path,
        dagster_template,
        cls=World,
        prepare=sync_graphs,
        snapshots=world_snapshots,
        key="profile_refresh",
    ) as w:
        yield w


def metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    (event,) = [e for e in result.get_asset_materialization_events() if e.asset_key.path[-1] == asset]
    return {k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()}


def test_refresh_walks_the_network_in_batches_with_one_request_per_profile(world: World) -> None:
    network_size = len(world.profiles())
    first = world.refresh(batch_size=100)
    assert first.success
    meta = metadata(first, "profile_details")
    assert meta["refreshed"] == 100
    assert meta["requests_total"] == 100
    assert meta["requests_per_profile"] == 1.0
    assert meta["requests"] == {"profile": 100}
    second = world.refresh(batch_size=network_size)  # the rest first, then the oldest again
    assert metadata(second, "profile_details")["refreshed"] == network_size

    profiles = world.profiles()
    assert all(p.details_refreshed_at is not None and p.details_status == "ok" for p in profiles.values())
    # Every column against what the sandbox serves for that person.
    for pk, p in list(profiles.items())[:40]:
        served = world.network.user_info(pk)["user"]
        assert (p.follower_count, p.following_count, p.media_count) == (
            served["follower_count"],
            served["following_count"],
            served["media_count"],
        )
        assert (p.display_name, p.bio, p.is_business) == (
            served["full_name"],
            served["biography"],
            served["is_business"],
        )
        assert p.external_url == (served["external_url"] or None)
        assert (p.last_post_at is None) == (
            served["media_count"] == 0 or (served["is_private"] and not p.following)
        )
        assert p.metadata_json["instagram"]["username"] == served["username"]
        assert "edge_owner_to_timeline_media" not in p.metadata_json["instagram"]  # posts are not kept as raw
    # History: one snapshot per refresh; 100 profiles were refreshed twice.
    assert world.count(InstagramProfileSnapshot) == 100 + network_size
    assert (
        world.count(InstagramProfileActionLog, InstagramProfileActionLog.action == "fetch_details")
        == 100 + network_size
    )


def test_messageability_and_scan_policy_follow_the_rules(world: World) -> None:
    assert world.refresh(batch_size=1000).success
    profiles = world.profiles().values()
    states = {(p.dm_interaction_state, p.dm_interaction_reason) for p in profiles}
    assert ("messageable", "inbox_thread") in states
    assert ("messageable", "follows_you") in states
    for p in profiles:
        if not p.follows_you and p.dm_interaction_reason != "inbox_thread" and p.is_private:
            assert (p.dm_interaction_state, p.dm_interaction_reason) == (
                "not_messageable",
                "private_not_following",
            )
            assert p.dm_interaction_retry_after_at is not None
    excluded = world.count(InstagramProfileTagging)
    pages = [
        p
        for p in profiles
        if p.is_business
        and p.category
        and p.category.lower()
        in {
            "brand",
            "product/service",
            "restaurant",
            "local business",
            "company",
            "organization",
            "magazine",
            "shopping & retail",
            "media/news company",
            "news & media website",
        }
    ] + [
        p
        for p in profiles
        if (p.follower_count or 0) >= 100_000 and (p.following_count or 0) < 0.01 * (p.follower_count or 1)
    ]
    assert excluded == len({p.id for p in pages}) > 0
    with world.database.session() as s:
        (tag,) = s.scalars(select(ProfileTag.name)).all()
        reasons = s.scalars(select(InstagramProfileTagging.reason)).all()
    assert tag == "profile_scan_excluded"
    assert all(r.startswith(("business_category:", "mass_audience:")) for r in reasons)


def test_avatars_are_stored_once_and_again_only_when_the_picture_changes(world: World) -> None:
    assert world.refresh(batch_size=1000).success
    profiles = world.profiles()
    connected = [p for p in profiles.values() if p.following or p.follows_you]
    stored = [p for p in connected if p.avatar_sha256]
    assert len(stored) == len(connected) > 0
    blob_files = list((world.media_root).rglob("*.png"))
    assert world.count(MediaBlob) == len(blob_files) > 0
    for p in stored[:10]:
        path = next(f for f in blob_files if f.stem == p.avatar_sha256)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.relative_to(world.media_root).parts[0] == p.avatar_sha256[:2]

    # The CDN re-signs every URL: new query strings, same files: nothing is downloaded again.
    world.network.resign_urls()
    again = world.refresh(batch_size=1000)
    assert again.success
    after = world.profiles()
    assert any(after[pk].profile_pic_url != p.profile_pic_url for pk, p in profiles.items())
    assert all(after[pk].avatar_url_fingerprint == p.avatar_url_fingerprint for pk, p in profiles.items())
    assert metadata(again, "avatars")["downloads"] == 0
    assert metadata(again, "profile_details")["avatars_changed"] == 0

    # One person uploads a new picture: exactly that avatar is downloaded.
    person = stored[0]
    world.network.change_avatar(int(person.ig_user_id))
    third = world.refresh(batch_size=1000)
    assert metadata(third, "profile_details")["avatars_changed"] == 1
    assert metadata(third, "avatars")["downloads"] == 1
    changed = world.profiles()[person.ig_user_id]
    assert changed.avatar_sha256 != person.avatar_sha256
    assert changed.avatar_synced_at is not None


def test_trust_policy_refusals_are_recorded_with_reasons(world: World) -> None:
    assert world.refresh(batch_size=1000).success
    profiles = world.profiles()
    victim, ad = list(profiles.values())[:2]
    with world.database.session() as s:
        # One profile leaves the follow graph; another's picture turns out to be an ad asset.
        s.get(InstagramProfile, victim.id).following = False
        s.get(InstagramProfile, victim.id).follows_you = False
        for p in (victim, ad):
            row = s.get(InstagramProfile, p.id)
            row.avatar_synced_at = None
        s.get(
            InstagramProfile, ad.id
        ).profile_pic_url = "https://scontent-lhr8-1.cdninstagram.com/v/ads/123_n.jpg?ad_id=9"
    result = world.run([avatars])
    assert result.success
    after = world.profiles()
    assert after[victim.ig_user_id].avatar_skip_reason == "profile_not_connected"
    assert after[ad.ig_user_id].avatar_skip_reason == "promotional_url"
    with world.database.session() as s:
        logged = dict(
            s.execute(
                select(
                    InstagramProfileActionLog.instagram_profile_id, InstagramProfileActionLog.metadata_json
                ).where(
                    InstagramProfileActionLog.action == "download_avatar",
                    InstagramProfileActionLog.status == "skipped",
                )
            ).all()
        )
    assert logged[victim.id]["reason"] == "profile_not_connected"
    assert logged[ad.id]["reason"] == "promotional_url"
    assert metadata(result, "avatars")["outcomes"] == {
        "skipped:profile_not_connected": 1,
        "skipped:promotional_url": 1,
    }


def test_missing_and_malformed_profiles_are_recorded_and_the_batch_goes_on(world: World) -> None:
    assert world.refresh(batch_size=1000).success
    before = world.profiles()
    world.server.faults.add(Fault(kind="malformed", endpoint="user_info", account="carol", times=3))
    result = world.refresh(batch_size=10)
    assert result.success
    meta = metadata(result, "profile_details")
    assert meta["malformed"] == 3
    assert meta["refreshed"] == 7
    after = world.profiles()
    broken = [p for p in after.values() if p.details_status == "malformed_response"]
    assert len(broken) == 3
    for p in broken:  # the previous snapshot is kept, with the reason beside it
        assert p.details_error
        assert p.follower_count == before[p.ig_user_id].follower_count
        assert p.display_name == before[p.ig_user_id].display_name


def test_a_429_storm_cools_one_account_and_the_other_completes(world: World) -> None:
    world.server.faults.add(
        Fault(kind="rate_limit_429", endpoint="user_info", account="carol", after_pages=5)
    )
    carol = world.refresh(batch_size=50)
    dave = world.refresh("dave", batch_size=50)
    assert not carol.success
    assert dave.success
    failure = carol.get_step_failure_events()[0].step_failure_data.user_failure_data
    assert "cools down until" in failure.description
    assert failure.metadata["account_state"].value == "cooling_down"
    account = world.database.accounts.get("carol")
    assert account.cooldown_until is not None
    assert "rate_limited" in (account.cooldown_reason or "")
    # What was refreshed before the storm is kept; the next run skips with the reason, sending nothing.
    assert sum(1 for p in world.profiles().values() if p.details_status == "ok") == 5
    sent = world.server.stats()["request_counts"]
    skipped = world.refresh(batch_size=50)
    assert not skipped.success
    assert (
        "cooling down until"
        in skipped.get_step_failure_events()[0].step_failure_data.user_failure_data.description
    )
    assert world.server.stats()["request_counts"] == sent
    assert metadata(dave, "profile_details")["refreshed"] == 50


def test_published_emails_are_stored_with_their_source(world: World) -> None:
    assert world.refresh(batch_size=1000).success
    profiles = world.profiles().values()
    with_email = [p for p in profiles if p.ig_email]
    assert with_email
    for p in with_email:
        assert p.emails_json
        assert p.emails_json[0]["address"] == p.ig_email
        sources = {e["source"] for e in p.emails_json}
        assert sources <= {"bio", "public_email", "business_email"}
        if p.is_business:
            assert any(e["source"] in ("public_email", "business_email") for e in p.emails_json)
    assert any(e["source"] == "bio" for p in with_email for e in p.emails_json)
