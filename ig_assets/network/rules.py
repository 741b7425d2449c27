"""Follow-graph rules (seed 000 §1), free of Dagster and I/O.

Given what was fetched and what the last good sync stored, decide the rebuild: which profiles to
insert, update or reset, who is messageable, which stories were seen, which events happened, and
whether the fetched lists are plausible enough to replace the stored ones at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ig_resources.instagram.models import FollowPage, InboxThread, TrayReel, UserSummary, from_unix_seconds
from ig_resources.records import (
    DmStateWrite,
    EventWrite,
    FollowGraphWrite,
    PeerWrite,
    ProfileWrite,
    StoredProfile,
    StorySighting,
)

from .interaction import dm_state

# Events a rebuild writes, besides `story_seen`.
FOLLOWER_GAINED = "follower_gained"
FOLLOWER_LOST = "follower_lost"
FOLLOWING_ADDED = "following_added"
FOLLOWING_REMOVED = "following_removed"
USERNAME_CHANGED = "username_changed"
STORY_SEEN = "story_seen"


@dataclass(frozen=True, slots=True)
class GraphUser:
    """A user from a follow list, kept compact: a sync may hold 400,000 of them."""

    ig_user_id: str
    username: str
    full_name: str | None
    is_private: bool | None
    is_verified: bool | None
    profile_pic_url: str | None

    @classmethod
    def of(cls, user: UserSummary) -> GraphUser:
        return cls(
            user.ig_user_id,
            user.username,
            user.full_name or None,
            user.is_private,
            user.is_verified,
            user.profile_pic_url,
        )


def collect_users(pages: Iterable[FollowPage]) -> dict[str, GraphUser]:
    """All users of a paginated list, de-duplicated by user id (pages overlap in real answers)."""
    users: dict[str, GraphUser] = {}
    for page in pages:
        for user in page.users:
            users.setdefault(user.ig_user_id, GraphUser.of(user))
    return users


@dataclass(frozen=True)
class FetchedGraph:
    """Everything one sync fetched, complete, before anything is written."""

    account_ig_user_id: str
    account_username: str
    followers: dict[str, GraphUser]
    following: dict[str, GraphUser]
    threads: Sequence[InboxThread] = ()
    tray: Sequence[TrayReel] = ()
    reported_followers: int | None = None
    reported_following: int | None = None


# -- plausibility -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShrinkPolicy:
    """When a fetched list is too small to trust.

    A list is refused if it covers less than `min_coverage` of the count the profile reports, or if
    it lost more than `max_drop_fraction` of the last good list without the reported count
    confirming the drop. Differences of at most `slack` users are always accepted: deactivated
    accounts make lists and counts disagree by a few.
    """

    max_drop_fraction: float = 0.2
    min_coverage: float = 0.9
    slack: int = 25


@dataclass(frozen=True)
class ListVerdict:
    list_name: str
    fetched: int
    previous: int | None
    reported: int | None
    passed: bool
    reason: str


def judge_list(
    list_name: str, fetched: int, previous: int | None, reported: int | None, policy: ShrinkPolicy
) -> ListVerdict:
    covered = reported is None or reported - fetched <= max(
        policy.slack, (1 - policy.min_coverage) * reported
    )
    if not covered:
        return ListVerdict(
            list_name,
            fetched,
            previous,
            reported,
            False,
            f"{list_name}: fetched {fetched:,} but the profile reports {reported:,} "
            f"(below {policy.min_coverage:.0%}); the answer looks truncated",
        )
    dropped = previous is not None and previous - fetched > max(
        policy.slack, policy.max_drop_fraction * previous
    )
    if dropped and reported is None:
        return ListVerdict(
            list_name,
            fetched,
            previous,
            reported,
            False,
            f"{list_name}: fell from {previous:,} to {fetched:,} and no reported count confirms it",
        )
    if dropped:
        return ListVerdict(
            list_name,
            fetched,
            previous,
            reported,
            True,
            f"{list_name}: fell from {previous:,} to {fetched:,}, confirmed by the reported {reported:,}",
        )
    return ListVerdict(list_name, fetched, previous, reported, True, f"{list_name}: {fetched:,} plausible")


def judge_graph(
    graph: FetchedGraph, stored: Sequence[StoredProfile], policy: ShrinkPolicy, *, has_baseline: bool
) -> list[ListVerdict]:
    """Verdicts for both lists against the last good sync (if any) and the reported counts."""
    prev_followers = sum(p.follows_you for p in stored) if has_baseline else None
    prev_following = sum(p.following for p in stored) if has_baseline else None
    return [
        judge_list("followers", len(graph.followers), prev_followers, graph.reported_followers, policy),
        judge_list("following", len(graph.following), prev_following, graph.reported_following, policy),
    ]


# -- rebuild ------------------------------------------------------------------------------------


@dataclass
class GraphChanges:
    followers_added: int = 0
    followers_removed: int = 0
    following_added: int = 0
    following_removed: int = 0
    renamed: int = 0
    new_profiles: int = 0
    samples: dict[str, list[str]] = field(default_factory=dict)

    def note(self, kind: str, username: str, limit: int = 10) -> None:
        bucket = self.samples.setdefault(kind, [])
        if len(bucket) < limit:
            bucket.append(username)


def plan_rebuild(
    graph: FetchedGraph,
    stored: Sequence[StoredProfile],
    *,
    baseline: int | None,
    now: datetime,
) -> tuple[FollowGraphWrite, GraphChanges]:
    """The rebuild of seed 000 §1 as a minimal write.

    Flags become exactly list membership (`follows_you` = in followers, `following` = in
    following; mutuals are where both hold). Inbox members become messageable with the retry
    window cleared; tray owners get `last_story_seen_at` and one `story_seen` event per reel
    version. Change events are keyed by the last good sync (`baseline`), so re-running the same
    rebuild after a failure never duplicates them; the first sync of an account is the baseline
    and emits none.
    """
    by_ig_user_id = {p.ig_user_id: p for p in stored if p.ig_user_id}
    by_username = {p.username: p for p in stored}
    write = FollowGraphWrite()
    changes = GraphChanges()
    events = write.events
    emit = baseline is not None
    occurred = now

    people: dict[str, GraphUser] = dict(graph.followers)
    for ig_user_id, user in graph.following.items():
        people.setdefault(ig_user_id, user)
    # Inbox and tray users are part of the network even when in neither list.
    for thread in graph.threads:
        for member in thread.users:
            people.setdefault(member.ig_user_id, GraphUser.of(member))
    for reel in graph.tray:
        people.setdefault(reel.user.ig_user_id, GraphUser.of(reel.user))
    people.pop(graph.account_ig_user_id, None)

    taken: dict[str, str] = {}  # username -> ig_user_id that holds it after this rebuild
    for ig_user_id, user in people.items():
        follows_you = ig_user_id in graph.followers
        following = ig_user_id in graph.following
        old = by_ig_user_id.get(ig_user_id)
        if old is None:
            adoptable = by_username.get(user.username)
            old = adoptable if adoptable is not None and adoptable.ig_user_id is None else None
        taken[user.username] = ig_user_id
        if old is None:
            write.profiles.append(
                ProfileWrite(
                    None,
                    ig_user_id,
                    user.username,
                    user.full_name,
                    user.is_private,
                    user.is_verified,
                    user.profile_pic_url,
                    following,
                    follows_you,
                )
            )
            changes.new_profiles += 1
        elif (
            old.username != user.username
            or old.following != following
            or old.follows_you != follows_you
            or old.ig_user_id != ig_user_id
            or (user.full_name is not None and old.display_name != user.full_name)
            or (user.is_private is not None and old.is_private != user.is_private)
            or (user.is_verified is not None and old.is_verified != user.is_verified)
        ):
            write.profiles.append(
                ProfileWrite(
                    old.id,
                    ig_user_id,
                    user.username,
                    user.full_name if user.full_name is not None else old.display_name,
                    user.is_private if user.is_private is not None else old.is_private,
                    user.is_verified if user.is_verified is not None else old.is_verified,
                    None,
                    following,
                    follows_you,
                )
            )
            if emit and old.ig_user_id == ig_user_id and old.username != user.username:
                changes.renamed += 1
                changes.note(USERNAME_CHANGED, f"{old.username} -> {user.username}")
                events.append(
                    EventWrite(
                        ig_user_id,
                        USERNAME_CHANGED,
                        f"sync:{baseline}",
                        occurred,
                        {"from": old.username, "to": user.username},
                    )
                )
        was_follower = old is not None and old.follows_you
        was_following = old is not None and old.following
        if emit:
            for now_on, before, gained, lost in (
                (follows_you, was_follower, FOLLOWER_GAINED, FOLLOWER_LOST),
                (following, was_following, FOLLOWING_ADDED, FOLLOWING_REMOVED),
            ):
                if now_on and not before:
                    events.append(EventWrite(ig_user_id, gained, f"sync:{baseline}", occurred))
                    changes.note(gained, user.username)
                elif before and not now_on:
                    events.append(EventWrite(ig_user_id, lost, f"sync:{baseline}", occurred))
                    changes.note(lost, user.username)
        if emit:  # the first sync is the baseline: nothing was added or removed "since"
            changes.followers_added += follows_you and not was_follower
            changes.followers_removed += was_follower and not follows_you
            changes.following_added += following and not was_following
            changes.following_removed += was_following and not following

    seen = {w.id for w in write.profiles if w.id is not None}
    for old in stored:  # without a baseline every stored flag predates any sync and is simply reset
        if old.id in seen or (old.ig_user_id in people) or not (old.following or old.follows_you):
            continue
        if old.ig_user_id is None and old.username in taken:
            continue  # adopted above
        write.reset_ids.append(old.id)
        if emit:
            changes.followers_removed += old.follows_you
            changes.following_removed += old.following
        if emit and old.ig_user_id:
            for flag, lost in ((old.follows_you, FOLLOWER_LOST), (old.following, FOLLOWING_REMOVED)):
                if flag:
                    events.append(EventWrite(old.ig_user_id, lost, f"sync:{baseline}", occurred))
                    changes.note(lost, old.username)

    # A username now held by a different user must be freed first (the old holder renamed away).
    for username, ig_user_id in taken.items():
        holder = by_username.get(username)
        if holder is not None and holder.ig_user_id not in (None, ig_user_id):
            write.releases.append((holder.id, f"{username}~{holder.ig_user_id}"))

    _plan_inbox(graph.threads, graph.account_ig_user_id, write, now)
    _plan_tray(graph.tray, write)
    return write, changes


def _plan_inbox(
    threads: Sequence[InboxThread], account_ig_user_id: str, write: FollowGraphWrite, now: datetime
) -> None:
    peers: dict[str, PeerWrite] = {}
    for thread in threads:  # newest first, so the first thread a peer appears in is their latest
        for member in thread.users:
            if member.ig_user_id == account_ig_user_id or member.ig_user_id in peers:
                continue
            peers[member.ig_user_id] = PeerWrite(
                member.ig_user_id,
                member.username,
                member.full_name or None,
                thread.thread_id,
                thread.thread_title or None,
                bool(thread.is_group),
                thread.last_activity_at,
            )
    write.peers.extend(peers.values())
    for ig_user_id in peers:  # seed 000 §1: inbox users are messageable, their retry window cleared
        state = dm_state(
            in_inbox=True, follows_you=False, is_private=None, failures=0, last_failure=None, now=now
        )
        write.dm_states.append(DmStateWrite(ig_user_id, state.state, state.reason, state.retry_after))


def _plan_tray(tray: Sequence[TrayReel], write: FollowGraphWrite) -> None:
    for reel in tray:
        stamp = reel.latest_reel_media
        seen_at = from_unix_seconds(stamp)
        if seen_at is None:
            continue
        write.stories.append(StorySighting(reel.user.ig_user_id, seen_at))
        write.events.append(
            EventWrite(
                reel.user.ig_user_id,
                STORY_SEEN,
                str(stamp),
                seen_at,
                {"reel_id": reel.id, "media_count": reel.media_count, "expiring_at": reel.expiring_at},
            )
        )


def summarise(
    graph: FetchedGraph,
    changes: GraphChanges,
    verdicts: Sequence[ListVerdict],
    *,
    baseline: int | None,
) -> dict[str, Any]:
    """The figures a sync run stores in `stats_json` and shows as materialization metadata."""
    mutuals = sum(1 for ig_user_id in graph.followers if ig_user_id in graph.following)
    return {
        "first_sync": baseline is None,
        "followers": len(graph.followers),
        "following": len(graph.following),
        "mutuals": mutuals,
        "reported_followers": graph.reported_followers,
        "reported_following": graph.reported_following,
        "followers_added": changes.followers_added,
        "followers_removed": changes.followers_removed,
        "following_added": changes.following_added,
        "following_removed": changes.following_removed,
        "renamed": changes.renamed,
        "new_profiles": changes.new_profiles,
        "inbox_threads": len(graph.threads),
        "inbox_users": len(
            {u.ig_user_id for t in graph.threads for u in t.users if u.ig_user_id != graph.account_ig_user_id}
        ),
        "tray_users": len({r.user.ig_user_id for r in graph.tray}),
        "verdicts": [v.reason for v in verdicts],
        "change_samples": changes.samples,
    }
