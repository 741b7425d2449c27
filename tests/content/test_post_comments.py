"""`post_comments` end to end: comments of the busier posts read once, commenters discovered once."""

from __future__ import annotations

from sqlalchemy import func, select

from ig_assets.content.comments import post_comments
from ig_resources.database.models import DiscoveredAccount, InstagramProfilePost, InstagramProfilePostComment

from .conftest import World, meta


def scan_comments(world: World) -> dict:
    import dagster as dg

    result = dg.materialize(
        [post_comments],
        partition_key="hana",
        instance=world.instance,
        resources=world.resources(),
        run_config={"ops": {"post_comments": {"config": {"batch_size": 1000}}}},
    )
    assert result.success
    return meta(result)


def count(world: World, model: object, *where: object) -> int:
    with world.database.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def test_comments_are_read_once_and_commenters_discovered_once(world: World) -> None:
    world.scan(first_scan_pages=1)
    busy = count(world, InstagramProfilePost, InstagramProfilePost.comments_count > 5)
    first = scan_comments(world)
    assert first["posts"] == busy > 0
    with world.database.session() as s:
        expected = s.scalar(
            select(func.sum(InstagramProfilePost.comments_count)).where(
                InstagramProfilePost.comments_count > 5
            )
        )
        authors = set(s.scalars(select(InstagramProfilePostComment.author_ig_user_id)).all())
        owners = set(s.scalars(select(InstagramProfilePost.instagram_profile_id)).all())
    assert first["comments"] == count(world, InstagramProfilePostComment) == expected
    discovered = count(world, DiscoveredAccount)
    assert discovered == first["commenters_found"] > 0
    assert discovered <= len(authors)
    assert count(world, DiscoveredAccount, DiscoveredAccount.source != "COMMENTS") == 0
    assert owners

    again = scan_comments(world)  # nothing new: no post is read again, nobody is added
    assert again["posts"] == 0
    assert again["requests_total"] == 0
    assert count(world, DiscoveredAccount) == discovered
    assert count(world, InstagramProfilePostComment) == expected


def test_new_comments_are_read_and_known_people_linked(world: World) -> None:
    world.scan(first_scan_pages=1)
    scan_comments(world)
    person = next(p for p in world.profiles().values() if p.posts_scan_status == "ok")
    world.network.edit_counts(person.ig_user_id)  # every post of this person gets more comments
    world.scan()
    second = scan_comments(world)
    assert second["posts"] >= 1
    with world.database.session() as s:
        seen_twice = s.scalar(
            select(func.count()).select_from(DiscoveredAccount).where(DiscoveredAccount.seen_count > 1)
        )
        linked = s.execute(
            select(DiscoveredAccount.ig_user_id, DiscoveredAccount.instagram_profile_id).where(
                DiscoveredAccount.instagram_profile_id.is_not(None)
            )
        ).all()
    assert seen_twice
    assert seen_twice > 0
    profiles = world.profiles()
    for pk, profile_id in linked:
        assert profiles[pk].id == profile_id
