"""The profiles store: profile details, snapshots, scan tags and avatars."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from ig_resources.records import (
    ActionLogWrite,
    AvatarCandidate,
    MediaResult,
    ProfileRefreshWrite,
    ProfileToRefresh,
)

from .base import Store, insert_actions, insert_media_blobs, tag_id, tags_of
from .models import (
    ConversationPeer,
    InstagramProfile,
    InstagramProfileSnapshot,
    InstagramProfileTagging,
    utcnow,
)
from .upsert import upsert

_PROFILES = InstagramProfile.__table__


class ProfileStore(Store):
    """Profile details and avatars of the network."""

    def profiles_to_refresh(
        self, account_id: int, limit: int, usernames: list[str] | None = None
    ) -> list[ProfileToRefresh]:
        """Up to `limit` profiles of the account's network (only those named, when `usernames` is
        given), never refreshed first, then least recently.

        The network is the follow graph plus inbox peers; profiles that left it are not refreshed.
        """
        p = InstagramProfile
        in_inbox = exists().where(
            ConversationPeer.instagram_account_id == account_id, ConversationPeer.ig_user_id == p.ig_user_id
        )
        with self.session() as s:
            rows = s.execute(
                select(
                    p.id,
                    p.ig_user_id,
                    p.username,
                    p.following,
                    p.follows_you,
                    in_inbox.label("in_inbox"),
                    p.avatar_url_fingerprint,
                    p.dm_interaction_reason,
                    p.dm_interaction_failures,
                    p.story_interaction_failures,
                )
                .where(
                    p.instagram_account_id == account_id,
                    p.ig_user_id.is_not(None),
                    or_(p.following.is_(True), p.follows_you.is_(True), in_inbox),
                    *([p.username.in_(usernames)] if usernames else []),
                )
                # NULLs first on both backends: never-refreshed profiles lead.
                .order_by(p.details_refreshed_at.is_not(None), p.details_refreshed_at, p.id)
                .limit(limit)
            ).all()
            tags = tags_of(s, [r.id for r in rows])
        return [ProfileToRefresh(*row, tags=tags.get(row.id, {})) for row in rows]

    def apply_profile_refresh(self, account_id: int, write: ProfileRefreshWrite) -> None:
        """Store a refreshed chunk: snapshot columns, count history, scan-policy tags, failures and
        action logs, in one transaction (a crash leaves each profile in its previous or its new state)."""
        now = write.refreshed_at or utcnow()
        with self.session() as s:
            by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
            for u in write.updates:
                by_columns[tuple(sorted(u.values))].append(
                    {"pid": u.id, **{f"v_{k}": v for k, v in u.values.items()}}
                )
            for columns, params in by_columns.items():
                s.execute(
                    update(_PROFILES)
                    .where(_PROFILES.c.id == bindparam("pid"))
                    .values({**{c: bindparam(f"v_{c}") for c in columns}, "updated_at": now}),
                    params,
                )
            if write.failures:
                # The earlier snapshot stays; the profile moves to the back of the queue with its reason.
                s.execute(
                    update(_PROFILES)
                    .where(_PROFILES.c.id == bindparam("pid"))
                    .values(
                        details_status=bindparam("v_status"),
                        details_error=bindparam("v_error"),
                        details_refreshed_at=now,
                        updated_at=now,
                    ),
                    [
                        {"pid": pid, "v_status": status, "v_error": error}
                        for pid, status, error in write.failures
                    ],
                )
            snapshots = [{"instagram_profile_id": u.id, **u.snapshot} for u in write.updates if u.snapshot]
            if snapshots:
                upsert(
                    s,
                    InstagramProfileSnapshot.__table__,
                    snapshots,
                    conflict=("instagram_profile_id", "captured_at"),
                )
            self._apply_scan_tags(s, write, now)
            insert_actions(s, account_id, write.actions, now)

    def _apply_scan_tags(self, s: Session, write: ProfileRefreshWrite, now: datetime) -> None:
        if not any(u.scan_excluded is not None for u in write.updates):
            return
        scan_tag = tag_id(s, write.scan_tag)
        tagged = [
            {
                "instagram_profile_id": u.id,
                "profile_tag_id": scan_tag,
                "source": "policy",
                "reason": u.scan_reason,
                "created_at": now,
            }
            for u in write.updates
            if u.scan_excluded
        ]
        if tagged:
            upsert(
                s,
                InstagramProfileTagging.__table__,
                tagged,
                conflict=("instagram_profile_id", "profile_tag_id"),
                update=("reason",),
            )
        cleared = [u.id for u in write.updates if u.scan_excluded is False]
        if cleared:
            t = InstagramProfileTagging
            s.execute(
                delete(t).where(
                    t.profile_tag_id == scan_tag, t.source == "policy", t.instagram_profile_id.in_(cleared)
                )
            )

    def avatars_to_download(self, account_id: int, limit: int) -> list[AvatarCandidate]:
        """Profiles whose current avatar is not stored: never tried, or refused only because the
        profile was not connected and it is now."""
        p = InstagramProfile
        connected = or_(p.following.is_(True), p.follows_you.is_(True))
        with self.session() as s:
            rows = s.execute(
                select(p.id, p.username, p.profile_pic_url, p.following, p.follows_you)
                .where(
                    p.instagram_account_id == account_id,
                    p.avatar_url_fingerprint.is_not(None),
                    p.avatar_synced_at.is_(None),
                    or_(
                        p.avatar_skip_reason.is_(None),
                        and_(p.avatar_skip_reason == "profile_not_connected", connected),
                    ),
                )
                .order_by(p.id)
                .limit(limit)
            ).all()
            tags = tags_of(s, [r.id for r in rows])
        return [AvatarCandidate(*row, tags=frozenset(tags.get(row.id, {}))) for row in rows]

    def apply_avatar_results(
        self, account_id: int, results: list[MediaResult], actions: list[ActionLogWrite]
    ) -> None:
        now = utcnow()
        with self.session() as s:
            insert_media_blobs(s, (r for r in results if r.sha256), now)
            if results:
                s.execute(
                    update(_PROFILES)
                    .where(_PROFILES.c.id == bindparam("pid"))
                    .values(
                        avatar_sha256=bindparam("v_sha"),
                        avatar_synced_at=bindparam("v_synced"),
                        avatar_skip_reason=bindparam("v_reason"),
                        updated_at=now,
                    ),
                    [
                        {
                            "pid": r.id,
                            "v_sha": r.sha256,
                            "v_synced": now if r.sha256 else None,
                            "v_reason": r.reason,
                        }
                        for r in results
                    ],
                )
            insert_actions(s, account_id, actions, now)
