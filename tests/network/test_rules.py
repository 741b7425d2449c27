"""The follow-graph rules on their own: no Dagster, no database, no network."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ig_assets.network.rules import (
    FetchedGraph,
    GraphUser,
    ShrinkPolicy,
    collect_users,
    judge_graph,
    judge_list,
    plan_rebuild,
    summarise,
)
from ig_resources.instagram.models import FollowPage, InboxThread, TrayReel, UserSummary
from ig_resources.records import StoredProfile

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
VIEWER = "999"


def user(ig_user_id: int, name: str | None = None) -> GraphUser:
    return GraphUser(str(ig_user_id), name or f"user{ig_user_id}", f"User {ig_user_id}", False, False, None)


def graph(
    followers: list[int],
    following: list[int],
    *,
    names: dict[int, str] | None = None,
    threads: list[InboxThread] = (),
    tray: list[TrayReel] = (),
    reported: tuple[int | None, int | None] = (None, None),
) -> FetchedGraph:
    names = names or {}
    return FetchedGraph(
        account_ig_user_id=VIEWER,
        account_username="me",
        followers={str(p): user(p, names.get(p)) for p in followers},
        following={str(p): user(p, names.get(p)) for p in following},
        threads=threads,
        tray=tray,
        reported_followers=reported[0],
        reported_following=reported[1],
    )


def stored_from(g: FetchedGraph) -> list[StoredProfile]:
    """What the database holds after `g` was applied (ids follow pk order)."""
    people = {**g.followers, **g.following}
    return [
        StoredProfile(
            int(pk),
            pk,
            u.username,
            u.full_name,
            u.is_private,
            u.is_verified,
            pk in g.following,
            pk in g.followers,
        )
        for pk, u in sorted(people.items())
    ]


def test_collect_users_dedupes_across_overlapping_pages() -> None:
    pages = [
        FollowPage(
            users=[UserSummary(ig_user_id="1", username="a"), UserSummary(ig_user_id="2", username="b")],
            next_max_id="2",
        ),
        FollowPage(
            users=[UserSummary(ig_user_id="2", username="b"), UserSummary(ig_user_id="3", username="c")]
        ),
    ]
    assert list(collect_users(pages)) == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("fetched", "previous", "reported", "passed"),
    [
        (1000, None, 1000, True),  # first sync, complete
        (500, None, 1000, False),  # truncated: half of what the profile reports
        (990, 1000, 1000, True),  # a few deactivated accounts: within slack
        (700, 1000, None, False),  # big drop, nothing corroborates it
        (700, 1000, 705, True),  # big drop that the reported count confirms
        (980, 1000, 1000, True),  # 2% drop: normal churn
        (10, 30, None, True),  # small lists: an absolute drop below the slack is fine
        (0, 30, 30, False),  # an empty answer for a 30-follower account is not
    ],
)
def test_judge_list(fetched: int, previous: int | None, reported: int | None, passed: bool) -> None:
    verdict = judge_list("followers", fetched, previous, reported, ShrinkPolicy())
    assert verdict.passed is passed, verdict.reason
    assert "followers" in verdict.reason


def test_judge_graph_uses_stored_flags_as_previous_counts() -> None:
    first = graph(list(range(1, 201)), list(range(150, 251)))
    truncated = graph(list(range(1, 51)), list(range(150, 251)))
    verdicts = judge_graph(truncated, stored_from(first), ShrinkPolicy(), has_baseline=True)
    assert [v.passed for v in verdicts] == [False, True]
    assert verdicts[0].previous == 200
    assert verdicts[0].fetched == 50


def test_first_sync_inserts_everyone_with_flags_and_no_change_events() -> None:
    g = graph([1, 2, 3], [2, 3, 4])
    write, changes = plan_rebuild(g, [], baseline=None, now=NOW)
    flags = {w.ig_user_id: (w.following, w.follows_you) for w in write.profiles}
    assert flags == {"1": (False, True), "2": (True, True), "3": (True, True), "4": (True, False)}
    assert all(w.id is None for w in write.profiles)
    assert write.events == []
    assert write.reset_ids == []
    assert summarise(g, changes, [], baseline=None)["mutuals"] == 2
    assert (changes.followers_added, changes.new_profiles) == (0, 4)


def test_unchanged_network_writes_nothing() -> None:
    g = graph(list(range(1, 100)), list(range(50, 150)))
    write, changes = plan_rebuild(g, stored_from(g), baseline=7, now=NOW)
    assert write.profiles == []
    assert write.reset_ids == []
    assert write.events == []
    assert write.releases == []
    assert (changes.followers_added, changes.followers_removed) == (0, 0)


def test_follow_unfollow_and_rename_give_flags_and_events() -> None:
    before = graph([1, 2, 3], [2, 3, 4])
    after = graph([1, 3, 5], [2, 3], names={3: "renamed3"})  # 2 unfollowed us, 5 followed, we dropped 4
    write, changes = plan_rebuild(after, stored_from(before), baseline=7, now=NOW)
    by_ig_user_id = {w.ig_user_id: w for w in write.profiles}
    assert (by_ig_user_id["2"].following, by_ig_user_id["2"].follows_you) == (True, False)
    assert by_ig_user_id["5"].id is None
    assert by_ig_user_id["5"].follows_you
    assert by_ig_user_id["3"].username == "renamed3"
    assert by_ig_user_id["3"].id == 3
    assert write.reset_ids == [4]  # in neither list any more
    events = {(e.ig_user_id, e.kind) for e in write.events}
    assert events == {
        ("2", "follower_lost"),
        ("5", "follower_gained"),
        ("4", "following_removed"),
        ("3", "username_changed"),
    }
    assert all(e.external_id == "sync:7" for e in write.events)
    assert (
        changes.followers_added,
        changes.followers_removed,
        changes.following_removed,
        changes.renamed,
    ) == (1, 1, 1, 1)


def test_swapped_usernames_are_released_before_reuse() -> None:
    before = graph([1, 2], [], names={1: "alpha", 2: "beta"})
    after = graph([1, 2], [], names={1: "beta", 2: "alpha"})
    write, _ = plan_rebuild(after, stored_from(before), baseline=1, now=NOW)
    assert sorted(write.releases) == [(1, "alpha~1"), (2, "beta~2")]
    assert {w.ig_user_id: w.username for w in write.profiles} == {"1": "beta", "2": "alpha"}


def test_profile_known_only_by_username_is_adopted_not_duplicated() -> None:
    stored = [StoredProfile(40, None, "user7", None, None, None, False, False)]
    write, _ = plan_rebuild(graph([7], []), stored, baseline=None, now=NOW)
    assert [(w.id, w.ig_user_id, w.follows_you) for w in write.profiles] == [(40, "7", True)]


def test_inbox_members_are_messageable_peers_and_tray_owners_are_seen() -> None:
    thread = InboxThread(
        thread_id="340282366841710300949128",
        users=[UserSummary(ig_user_id="8", username="pal")],
        last_activity_at=1_700_000_000_000_000,
        is_group=False,
    )
    group = InboxThread(
        thread_id="340282366841710300949129",
        users=[
            UserSummary(ig_user_id="8", username="pal"),
            UserSummary(ig_user_id=VIEWER, username="me"),
            UserSummary(ig_user_id="9", username="x"),
        ],
        is_group=True,
        thread_title="trip",
    )
    reel = TrayReel(
        id="2",
        user=UserSummary(ig_user_id="2", username="user2"),
        latest_reel_media=1_763_900_000,
        media_count=3,
    )
    g = graph([1, 2], [2], threads=[thread, group], tray=[reel])
    write, _ = plan_rebuild(g, [], baseline=None, now=NOW)
    assert [(d.ig_user_id, d.state, d.reason, d.retry_after) for d in write.dm_states] == [
        ("8", "messageable", "inbox_thread", None),
        ("9", "messageable", "inbox_thread", None),
    ]  # the viewer is never a peer
    assert [(p.ig_user_id, p.thread_id) for p in write.peers] == [
        ("8", thread.thread_id),
        ("9", group.thread_id),
    ]
    assert {w.ig_user_id for w in write.profiles} == {"1", "2", "8", "9"}
    assert write.stories[0].seen_at == datetime.fromtimestamp(1_763_900_000, UTC)
    story_events = [(e.ig_user_id, e.kind, e.external_id) for e in write.events]
    assert story_events == [("2", "story_seen", "1763900000")]
