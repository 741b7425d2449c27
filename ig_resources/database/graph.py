"""The graph store: the account's follow graph in `instagram_profiles` and its events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from ig_resources.records import FollowGraphWrite, NetworkCounts, ProfileWrite, StoredProfile

from .accounts import UnknownAccountError
from .base import Store
from .models import ConversationPeer, InstagramAccount, InstagramProfile, InstagramProfileEvent, utcnow
from .runs import _finish
from .upsert import batches, bulk_insert, in_chunks, upsert

PROFILE_INSERT_COLUMNS = (
    "instagram_account_id",
    "ig_user_id",
    "username",
    "display_name",
    "is_private",
    "is_verified",
    "profile_pic_url",
    "following",
    "follows_you",
    "follow_graph_sync_run_id",
    "dm_interaction_state",
    "story_interaction_state",
    "created_at",
    "updated_at",
)


def profile_insert_rows(
    account_id: int, sync_run_id: int, profiles: Iterable[ProfileWrite], now: datetime
) -> Iterator[tuple[Any, ...]]:
    """The new profiles of a rebuild as rows of `PROFILE_INSERT_COLUMNS`."""
    for w in profiles:
        if w.id is None:
            yield (
                account_id,
                w.ig_user_id,
                w.username,
                w.display_name,
                w.is_private,
                w.is_verified,
                w.profile_pic_url,
                w.following,
                w.follows_you,
                sync_run_id,
                "unknown",
                "unknown",
                now,
                now,
            )


class ConcurrentSyncError(RuntimeError):
    """Another sync committed this account's graph while this one was fetching."""


class GraphStore(Store):
    """The follow graph: profiles, their events, and the reads checks and metadata make of it."""

    def follow_state(self, account_id: int) -> tuple[int | None, list[StoredProfile]]:
        """The account's profiles as the last committed sync left them, and that sync's id."""
        p = InstagramProfile
        with self.session() as s:
            version = s.scalar(
                select(InstagramAccount.follow_graph_sync_run_id).where(InstagramAccount.id == account_id)
            )
            rows = s.execute(
                select(
                    p.id,
                    p.ig_user_id,
                    p.username,
                    p.display_name,
                    p.is_private,
                    p.is_verified,
                    p.following,
                    p.follows_you,
                ).where(p.instagram_account_id == account_id)
            )
            return version, [StoredProfile(*row) for row in rows]

    def apply_follow_graph(
        self,
        account_id: int,
        sync_run_id: int,
        write: FollowGraphWrite,
        *,
        expected_version: int | None,
        stats: dict[str, Any],
    ) -> None:
        """Commit one rebuild and mark its sync run succeeded, atomically.

        Refuses (ConcurrentSyncError) if another sync committed since `expected_version` was read:
        the plan was computed against that state. The account row lock serialises writers.
        """
        profiles = InstagramProfile.__table__
        now = utcnow()
        with self.session() as s:
            locked = select(InstagramAccount).where(InstagramAccount.id == account_id).with_for_update()
            account = s.scalar(locked)
            if account is None:
                raise UnknownAccountError(f"account id {account_id} was removed during the sync")
            if account.follow_graph_sync_run_id != expected_version:
                raise ConcurrentSyncError(
                    f"account '{account.username}': another sync (run {account.follow_graph_sync_run_id}) "
                    "committed while this one was fetching; nothing was written"
                )
            if write.releases:
                s.execute(
                    update(profiles)
                    .where(profiles.c.id == bindparam("pid"))
                    .values(username=bindparam("uname")),
                    [{"pid": pid, "uname": name} for pid, name in write.releases],
                )
            updates = [w for w in write.profiles if w.id is not None]
            if updates:
                s.execute(
                    update(profiles)
                    .where(profiles.c.id == bindparam("pid"))
                    .values(
                        ig_user_id=bindparam("ig_user_id"),
                        username=bindparam("username"),
                        display_name=bindparam("display_name"),
                        is_private=bindparam("is_private"),
                        is_verified=bindparam("is_verified"),
                        following=bindparam("following"),
                        follows_you=bindparam("follows_you"),
                        follow_graph_sync_run_id=sync_run_id,
                        updated_at=now,
                    ),
                    [
                        {
                            "pid": w.id,
                            "ig_user_id": w.ig_user_id,
                            "username": w.username,
                            "display_name": w.display_name,
                            "is_private": w.is_private,
                            "is_verified": w.is_verified,
                            "following": w.following,
                            "follows_you": w.follows_you,
                        }
                        for w in updates
                    ],
                )
            bulk_insert(
                s,
                profiles,
                PROFILE_INSERT_COLUMNS,
                profile_insert_rows(account_id, sync_run_id, write.profiles, now),
            )
            for chunk in batches({"pid": pid} for pid in write.reset_ids):
                s.execute(
                    update(profiles)
                    .where(profiles.c.id == bindparam("pid"))
                    .values(following=False, follows_you=False, updated_at=now),
                    chunk,
                )
            self._write_inbox_and_stories(s, account_id, write, now)
            account.follow_graph_sync_run_id = sync_run_id
            account.follow_graph_synced_at = now
            _finish(s, sync_run_id, "succeeded", stats, None)

    def _write_inbox_and_stories(
        self, s: Session, account_id: int, write: FollowGraphWrite, now: datetime
    ) -> None:
        profiles = InstagramProfile.__table__
        wanted = {
            *(d.ig_user_id for d in write.dm_states),
            *(p.ig_user_id for p in write.peers),
            *(e.ig_user_id for e in write.events),
        }
        ids = self._profile_ids(s, account_id, wanted)
        states = (
            {"pid": ids[d.ig_user_id], "state": d.state, "reason": d.reason, "retry": d.retry_after}
            for d in write.dm_states
            if d.ig_user_id in ids
        )
        for chunk in batches(states):
            s.execute(
                update(profiles)
                .where(profiles.c.id == bindparam("pid"))
                .values(
                    dm_interaction_state=bindparam("state"),
                    dm_interaction_reason=bindparam("reason"),
                    dm_interaction_retry_after_at=bindparam("retry"),
                    updated_at=now,
                ),
                chunk,
            )
        if write.stories:
            s.execute(
                update(profiles)
                .where(profiles.c.id == bindparam("pid"))
                .values(last_story_seen_at=bindparam("seen_at"), updated_at=now),
                [
                    {"pid": ids[st.ig_user_id], "seen_at": st.seen_at}
                    for st in write.stories
                    if st.ig_user_id in ids
                ],
            )
        upsert(
            s,
            ConversationPeer.__table__,
            (
                {
                    "instagram_account_id": account_id,
                    "instagram_profile_id": ids.get(p.ig_user_id),
                    "ig_user_id": p.ig_user_id,
                    "username": p.username,
                    "display_name": p.display_name,
                    "thread_id": p.thread_id,
                    "thread_title": p.thread_title,
                    "is_group": p.is_group,
                    "last_message_at": p.last_message_at,
                    "created_at": now,
                    "updated_at": now,
                }
                for p in write.peers
            ),
            conflict=("instagram_account_id", "ig_user_id"),
            update=(
                "instagram_profile_id",
                "username",
                "display_name",
                "thread_id",
                "thread_title",
                "is_group",
                "last_message_at",
                "updated_at",
            ),
        )
        upsert(
            s,
            InstagramProfileEvent.__table__,
            (
                {
                    "instagram_profile_id": ids[e.ig_user_id],
                    "kind": e.kind,
                    "external_id": e.external_id,
                    "occurred_at": e.occurred_at,
                    "detected_at": now,
                    "metadata": e.metadata,
                }
                for e in write.events
                if e.ig_user_id in ids
            ),
            conflict=("instagram_profile_id", "kind", "external_id"),
        )

    def profile_ids(self, account_id: int, ig_user_ids: Iterable[str]) -> dict[str, int]:
        """Network profile ids by Instagram user id, for those of `ig_user_ids` in the network."""
        with self.session() as s:
            return self._profile_ids(s, account_id, set(ig_user_ids))

    @staticmethod
    def _profile_ids(s: Session, account_id: int, ig_user_ids: set[str]) -> dict[str, int]:
        p = InstagramProfile
        found: dict[str, int] = {}
        for chunk in in_chunks(sorted(ig_user_ids)):
            rows = s.execute(
                select(p.ig_user_id, p.id).where(
                    p.instagram_account_id == account_id, p.ig_user_id.in_(chunk)
                )
            )
            found.update(dict(rows.all()))
        return found

    def network_counts(self, account_id: int) -> NetworkCounts:
        p = InstagramProfile
        with self.session() as s:
            row = s.execute(
                select(
                    func.count(),
                    func.count().filter(p.follows_you.is_(True)),
                    func.count().filter(p.following.is_(True)),
                    func.count().filter(p.following.is_(True), p.follows_you.is_(True)),
                ).where(p.instagram_account_id == account_id)
            ).one()
            return NetworkCounts(*row)

    def most_followed(self, account_id: int, limit: int) -> list[tuple[str, int]]:
        """(username, followers) of the account's `limit` most-followed profiles with a known count."""
        p = InstagramProfile
        with self.session() as s:
            rows = s.execute(
                select(p.username, p.follower_count)
                .where(p.instagram_account_id == account_id, p.follower_count.is_not(None))
                .order_by(p.follower_count.desc(), p.id)
                .limit(limit)
            ).all()
        return [(name, followers) for name, followers in rows]

    def profiles_with_email(self, account_id: int) -> int:
        p = InstagramProfile
        with self.session() as s:
            return (
                s.scalar(
                    select(func.count()).where(p.instagram_account_id == account_id, p.ig_email.is_not(None))
                )
                or 0
            )

    def duplicate_keys(self, account_id: int) -> dict[str, int]:
        """How many keys that seed 004 declares unique appear more than once for this account."""
        p, e = InstagramProfile, InstagramProfileEvent

        def dupes(s: Session, *cols: Any, where: Sequence[Any]) -> int:
            grouped = select(*cols).where(*where).group_by(*cols).having(func.count() > 1).subquery()
            return s.scalar(select(func.count()).select_from(grouped)) or 0

        with self.session() as s:
            mine = p.instagram_account_id == account_id
            return {
                "profiles (account, username)": dupes(s, p.username, where=[mine]),
                "profiles (account, ig_user_id)": dupes(
                    s, p.ig_user_id, where=[mine, p.ig_user_id.is_not(None)]
                ),
                "events (profile, kind, external_id)": dupes(
                    s,
                    e.instagram_profile_id,
                    e.kind,
                    e.external_id,
                    where=[e.instagram_profile_id.in_(select(p.id).where(mine))],
                ),
                "conversation_peers (account, ig_user_id)": dupes(
                    s,
                    ConversationPeer.ig_user_id,
                    where=[ConversationPeer.instagram_account_id == account_id],
                ),
            }

    def events(self, account_id: int, kind: str | None = None) -> list[tuple[str, str, str]]:
        """(username, kind, external_id) of the account's profile events, oldest first."""
        p, e = InstagramProfile, InstagramProfileEvent
        query = (
            select(p.username, e.kind, e.external_id)
            .join(p, p.id == e.instagram_profile_id)
            .where(p.instagram_account_id == account_id)
        )
        if kind:
            query = query.where(e.kind == kind)
        with self.session() as s:
            return [tuple(r) for r in s.execute(query.order_by(e.id))]  # type: ignore[misc]
