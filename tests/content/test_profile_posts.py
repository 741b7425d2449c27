"""`profile_posts` end to end through `materialize`: the real client against the sandbox's feeds on
loopback, SQLite and PostgreSQL; the incremental stop is proven by counting requests."""

from __future__ import annotations

from sqlalchemy import select

from ig_resources.database.models import InstagramProfileTagging, ProfileTag

from .conftest import World, meta


def test_first_scan_stores_posts_and_a_rescan_costs_one_request_per_profile(world: World) -> None:
    first = meta(world.scan(first_scan_pages=2))
    profiles = world.profiles()
    readable = [p for p in profiles.values() if p.posts_scan_status == "ok"]
    assert first["scanned"] == len(readable) > 10
    posts = world.posts()
    assert first["posts_new"] == len(posts) > 0
    for p in readable:  # two pages of 12 at most on a first scan
        served = world.network.user_info(p.ig_user_id)["user"]["media_count"]
        assert sum(1 for post in posts.values() if post.instagram_profile_id == p.id) == min(served, 24)
    sample = next(iter(posts.values()))
    assert sample.permalink == f"https://www.instagram.com/p/{sample.shortcode}/"
    assert sample.source_media_url
    assert sample.media_url_fingerprint
    assert sample.metadata_json["instagram"]["code"] == sample.shortcode

    again = meta(world.scan())
    assert again["posts_new"] == 0
    assert again["requests"] == {"feed": len(readable)}
    assert again["requests_per_scanned_profile"] == 1.0


def test_new_posts_appear_and_edited_counts_refresh(world: World) -> None:
    world.scan(first_scan_pages=1)
    person = next(
        p for p in world.profiles().values() if p.posts_scan_status == "ok" and (p.media_count or 0) > 5
    )
    before = {code: p for code, p in world.posts().items() if p.instagram_profile_id == person.id}
    world.network.new_post(person.ig_user_id)
    world.network.edit_counts(person.ig_user_id)
    result = meta(world.scan())
    assert result["posts_new"] == 1
    after = {code: p for code, p in world.posts().items() if p.instagram_profile_id == person.id}
    (new_code,) = set(after) - set(before)
    assert after[new_code].taken_at > max(p.taken_at for p in before.values())
    refreshed = [c for c in before if after[c].comments_count != before[c].comments_count]
    assert len(refreshed) >= 3  # the overlap window re-read the newest known posts


def test_private_and_excluded_profiles_are_skipped_with_reasons(world: World) -> None:
    profiles = world.profiles()
    target = next(p for p in profiles.values() if not p.is_private and (p.media_count or 0) > 0)
    with world.database.session() as s:  # a person excludes one profile by hand
        tag = s.scalar(select(ProfileTag).where(ProfileTag.name == "profile_scan_excluded"))
        if tag is None:
            tag = ProfileTag(name="profile_scan_excluded")
            s.add(tag)
            s.flush()
        s.merge(
            InstagramProfileTagging(instagram_profile_id=target.id, profile_tag_id=tag.id, source="manual")
        )
    result = meta(world.scan())
    after = world.profiles()
    assert after[target.ig_user_id].posts_scan_status == "profile_scan_excluded"
    private = [p for p in after.values() if p.is_private and not p.following]
    assert private
    assert all(p.posts_scan_status == "private_not_followed" for p in private)
    assert result["skipped"]["private_not_followed"] == len(private)
    assert not any(post.instagram_profile_id == target.id for post in world.posts().values())


def test_caption_languages_and_primary_language(world: World) -> None:
    world.scan(first_scan_pages=2)
    posts = list(world.posts().values())
    assert {p.caption_lang for p in posts if p.caption_lang} >= {"en", "pt"} or len(
        {p.caption_lang for p in posts}
    ) > 3
    for profile in world.profiles().values():
        own = [p.caption_lang for p in posts if p.instagram_profile_id == profile.id and p.caption_lang]
        if len(own) >= 10:
            # The sandbox writes 80 % of a person's captions in one language: that is the primary one.
            assert profile.primary_language == max(set(own), key=own.count)
