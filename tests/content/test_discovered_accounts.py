"""`discovered_accounts`: related accounts from the network itself on the first run (no seeding),
each person once per source, linked when already in the network."""

from __future__ import annotations

from typing import Any

import dagster as dg
from sqlalchemy import func, select

from ig_assets.discovery.assets import discovered_accounts
from ig_resources.database.models import DiscoveredAccount, InstagramProfile

from .conftest import World, meta


def discover(world: World, batch_size: int) -> dict[str, Any]:
    result = dg.materialize(
        [discovered_accounts],
        partition_key="hana",
        instance=world.instance,
        resources=world.resources(),
        run_config={"ops": {"discovered_accounts": {"config": {"batch_size": batch_size}}}},
    )
    assert result.success
    return meta(result)


def test_first_run_discovers_from_the_accounts_own_network(world: World) -> None:
    first = discover(world, 5)  # no posts, no comments, nothing seeded by hand
    assert first["seeds"] == 5
    assert first["related_found"] > 0
    with world.database.session() as s:
        seeds = s.execute(
            select(InstagramProfile.following, InstagramProfile.follows_you).where(
                InstagramProfile.related_scanned_at.is_not(None)
            )
        ).all()
        rows = s.execute(
            select(
                DiscoveredAccount.ig_user_id,
                DiscoveredAccount.source,
                DiscoveredAccount.found_from_profile_id,
            )
        ).all()
    assert all(following and follows_you for following, follows_you in seeds)  # mutuals first
    assert {source for _, source, _ in rows} == {"RELATED"}
    assert all(found_from for _, _, found_from in rows)
    assert len({pk for pk, _, _ in rows}) == len(rows) == first["related_found"]


def test_people_are_found_once_and_linked_when_in_the_network(world: World) -> None:
    discover(world, 1000)
    with world.database.session() as s:
        total = s.scalar(select(func.count()).select_from(DiscoveredAccount))
        distinct = s.scalar(select(func.count(func.distinct(DiscoveredAccount.ig_user_id))))
        linked = s.execute(
            select(DiscoveredAccount.ig_user_id, DiscoveredAccount.instagram_profile_id).where(
                DiscoveredAccount.instagram_profile_id.is_not(None)
            )
        ).all()
        seen_again = s.scalar(
            select(func.count()).select_from(DiscoveredAccount).where(DiscoveredAccount.seen_count > 1)
        )
    assert total == distinct  # one row per person and source
    assert seen_again
    assert seen_again > 0
    profiles = world.profiles()
    assert linked
    assert all(profiles[pk].id == pid for pk, pid in linked)
    again = discover(world, 1000)  # every seed was asked: the oldest are asked again, nobody is added
    with world.database.session() as s:
        assert s.scalar(select(func.count()).select_from(DiscoveredAccount)) == total
    assert again["seeds"] > 0
