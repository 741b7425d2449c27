"""Content storage: whose feed is due, which posts are known, and the write of a scanned batch.

A mixin of `DatabaseResource` (it uses only `self.session()`).
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import and_, bindparam, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from .models import (
    ConversationPeer,
    DiscoveredAccount,
    InstagramProfile,
    InstagramProfilePost,
    InstagramProfilePostComment,
    MediaBlob,
    utcnow,
)
from .profiles import _insert_actions, _tags_of
from .records import (
    ActionLogWrite,
    CommentScanWrite,
    DiscoveryWrite,
    MediaCandidate,
    MediaResult,
    PostForComments,
    PostScanCandidate,
    PostScanWrite,
)
from .upsert import batches, upsert

_POST_UPDATE = (
    "caption",
    "caption_lang",
    "likes_count",
    "comments_count",
    "play_count",
    "source_media_url",
    "media_url_fingerprint",
    "metadata",
    "updated_at",
)


class ContentStore:
    def session(self) -> AbstractContextManager[Session]:  # provided by DatabaseResource
        raise NotImplementedError

    def posts_to_scan(self, account_id: int, limit: int) -> list[PostScanCandidate]:
        """Up to `limit` profiles of the network, never scanned first, then least recently."""
        p = InstagramProfile
        in_inbox = exists().where(
            ConversationPeer.instagram_account_id == account_id, ConversationPeer.ig_user_id == p.ig_user_id
        )
        with self.session() as s:
            rows = s.execute(
                select(p.id, p.ig_user_id, p.username, p.following, p.is_private, p.media_count)
                .where(
                    p.instagram_account_id == account_id,
                    p.ig_user_id.is_not(None),
                    or_(p.following.is_(True), p.follows_you.is_(True), in_inbox),
                )
                .order_by(p.posts_scanned_at.is_not(None), p.posts_scanned_at, p.id)
                .limit(limit)
            ).all()
            tags = _tags_of(s, [r.id for r in rows])
        return [PostScanCandidate(*row, tags=frozenset(tags.get(row.id, {}))) for row in rows]

    def known_shortcodes(self, profile_ids: list[int]) -> dict[int, set[str]]:
        found: dict[int, set[str]] = defaultdict(set)
        if profile_ids:
            post = InstagramProfilePost
            with self.session() as s:
                for pid, code in s.execute(
                    select(post.instagram_profile_id, post.shortcode).where(
                        post.instagram_profile_id.in_(profile_ids)
                    )
                ):
                    found[pid].add(code)
        return found

    def apply_post_scan(self, account_id: int, write: PostScanWrite) -> None:
        """Store a scanned batch in one transaction: new posts inserted, known ones refreshed (counts,
        caption, raw item), each profile's scan time and outcome, the action logs."""
        now = write.scanned_at or utcnow()
        rows = [
            {
                **asdict(post),
                "instagram_account_id": account_id,
                "instagram_profile_id": pid,
                "created_at": now,
                "updated_at": now,
            }
            for pid, posts in write.posts.items()
            for post in posts
        ]
        with self.session() as s:
            if rows:
                upsert(
                    s,
                    InstagramProfilePost.__table__,
                    rows,
                    conflict=("instagram_profile_id", "shortcode"),
                    update=_POST_UPDATE,
                )
            if write.outcomes:
                table = InstagramProfile.__table__
                s.execute(
                    update(table)
                    .where(table.c.id == bindparam("pid"))
                    .values(posts_scanned_at=now, posts_scan_status=bindparam("v_status"), updated_at=now),
                    [{"pid": pid, "v_status": status} for pid, status in write.outcomes.items()],
                )
            _insert_actions(s, account_id, write.actions, now)

    def caption_languages_of(self, profile_ids: list[int]) -> dict[int, list[str | None]]:
        """Each profile's stored caption languages, newest post first."""
        found: dict[int, list[str | None]] = defaultdict(list)
        if profile_ids:
            post = InstagramProfilePost
            with self.session() as s:
                for pid, lang in s.execute(
                    select(post.instagram_profile_id, post.caption_lang)
                    .where(post.instagram_profile_id.in_(profile_ids))
                    .order_by(post.instagram_profile_id, post.taken_at.desc())
                ):
                    found[pid].append(lang)
        return found

    def set_primary_languages(self, languages: dict[int, str | None]) -> None:
        if languages:
            table = InstagramProfile.__table__
            with self.session() as s:
                s.execute(
                    update(table)
                    .where(table.c.id == bindparam("pid"))
                    .values(primary_language=bindparam("v_lang")),
                    [{"pid": pid, "v_lang": lang} for pid, lang in languages.items()],
                )

    # -- comments and discovery -----------------------------------------------------------------

    def posts_needing_comments(self, account_id: int, limit: int, min_comments: int) -> list[PostForComments]:
        """Newest posts first with more than `min_comments` comments, not read yet or grown since."""
        post, p = InstagramProfilePost, InstagramProfile
        with self.session() as s:
            rows = s.execute(
                select(
                    post.id,
                    post.instagram_profile_id,
                    p.ig_user_id,
                    post.media_pk,
                    post.shortcode,
                    post.comments_count,
                )
                .join(p, p.id == post.instagram_profile_id)
                .where(
                    post.instagram_account_id == account_id,
                    post.media_pk.is_not(None),
                    post.comments_count > min_comments,
                    or_(
                        post.comments_searched_count.is_(None),
                        post.comments_count > post.comments_searched_count,
                    ),
                )
                .order_by(post.taken_at.desc(), post.id)
                .limit(limit)
            ).all()
        return [PostForComments(*row) for row in rows]

    def apply_comment_scan(self, account_id: int, write: CommentScanWrite) -> None:
        """Comments (new ones inserted, known ones' likes refreshed), each post's read mark, and the
        discovered people: new ones inserted, known ones seen again; linked to their network profile."""
        now = write.scanned_at or utcnow()
        with self.session() as s:
            rows = [
                {
                    "instagram_account_id": account_id,
                    "instagram_profile_post_id": post_id,
                    **asdict(c),
                    "created_at": now,
                }
                for post_id, comments in write.comments.items()
                for c in comments
            ]
            if rows:
                upsert(
                    s,
                    InstagramProfilePostComment.__table__,
                    rows,
                    conflict=("instagram_profile_post_id", "comment_pk"),
                    update=("like_count",),
                )
            if write.searched:
                table = InstagramProfilePost.__table__
                s.execute(
                    update(table)
                    .where(table.c.id == bindparam("pid"))
                    .values(comments_searched_at=now, comments_searched_count=bindparam("v_count")),
                    [{"pid": pid, "v_count": count} for pid, count in write.searched.items()],
                )
            if write.discovered:
                _upsert_discovered(s, account_id, write.discovered, now)
            _insert_actions(s, account_id, write.actions, now)

    def posts_needing_media(self, account_id: int, limit: int) -> list[MediaCandidate]:
        post, p = InstagramProfilePost, InstagramProfile
        other = aliased(InstagramProfilePost)
        stored = (
            select(other.media_sha256)
            .where(other.media_url_fingerprint == post.media_url_fingerprint, other.media_sha256.is_not(None))
            .limit(1)
            .scalar_subquery()
        )
        with self.session() as s:
            rows = s.execute(
                select(
                    post.id,
                    post.instagram_profile_id,
                    post.source_media_url,
                    p.following,
                    p.follows_you,
                    stored,
                )
                .join(p, p.id == post.instagram_profile_id)
                .where(
                    post.instagram_account_id == account_id,
                    post.media_url_fingerprint.is_not(None),
                    post.media_sha256.is_(None),
                    post.media_skip_reason.is_(None),
                )
                .order_by(post.taken_at.desc(), post.id)
                .limit(limit)
            ).all()
            tags = _tags_of(s, list({r.instagram_profile_id for r in rows}))
        return [
            MediaCandidate(
                r.id,
                r.instagram_profile_id,
                r.source_media_url,
                r.following,
                r.follows_you,
                frozenset(tags.get(r.instagram_profile_id, {})),
                r[5],
            )
            for r in rows
        ]

    def apply_post_media(
        self, account_id: int, results: list[MediaResult], actions: list[ActionLogWrite]
    ) -> None:
        """Per post: the stored file's sha256, or the reason it was not stored (None: retry later)."""
        now = utcnow()
        with self.session() as s:
            blobs = {r.sha256: r for r in results if r.sha256 and r.content_type}
            if blobs:
                upsert(
                    s,
                    MediaBlob.__table__,
                    [
                        {
                            "sha256": r.sha256,
                            "content_type": r.content_type,
                            "byte_size": r.byte_size,
                            "created_at": now,
                        }
                        for r in blobs.values()
                    ],
                    conflict=("sha256",),
                )
            if results:
                table = InstagramProfilePost.__table__
                s.execute(
                    update(table)
                    .where(table.c.id == bindparam("pid"))
                    .values(
                        media_sha256=bindparam("v_sha"),
                        media_skip_reason=bindparam("v_reason"),
                        updated_at=now,
                    ),
                    [{"pid": r.id, "v_sha": r.sha256, "v_reason": r.reason} for r in results],
                )
            _insert_actions(s, account_id, actions, now)

    def profiles_to_chain(self, account_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, ig_user_id) of network profiles to ask related accounts for: never asked first, and on
        a new account's first run its mutuals, then whom it follows (no manual seeding)."""
        p = InstagramProfile
        with self.session() as s:
            rows = s.execute(
                select(p.id, p.ig_user_id)
                .where(
                    p.instagram_account_id == account_id,
                    p.ig_user_id.is_not(None),
                    or_(p.following.is_(True), p.follows_you.is_(True)),
                    # a private profile's suggestions are refused unless the account follows it
                    or_(p.is_private.is_not(True), p.following.is_(True)),
                )
                .order_by(
                    p.related_scanned_at.is_not(None),
                    p.related_scanned_at,
                    and_(p.following.is_(True), p.follows_you.is_(True)).desc(),
                    p.following.desc(),
                    p.id,
                )
                .limit(limit)
            ).all()
        return [(pid, pk) for pid, pk in rows]

    def apply_related_scan(
        self, account_id: int, scanned: list[int], found: list[DiscoveryWrite], actions: list[ActionLogWrite]
    ) -> None:
        now = utcnow()
        with self.session() as s:
            if found:
                _upsert_discovered(s, account_id, found, now)
            if scanned:
                table = InstagramProfile.__table__
                s.execute(update(table).where(table.c.id.in_(scanned)).values(related_scanned_at=now))
            _insert_actions(s, account_id, actions, now)

    def discovered_summary(self, account_id: int) -> dict[str, dict[str, int]]:
        """Per source: people found, and how many of them are already in the network."""
        d = DiscoveredAccount
        with self.session() as s:
            rows = s.execute(
                select(d.source, func.count(), func.count(d.instagram_profile_id))
                .where(d.instagram_account_id == account_id)
                .group_by(d.source)
            ).all()
        return {source: {"found": n, "in_network": linked} for source, n, linked in rows}


def _upsert_discovered(s: Session, account_id: int, found: list[DiscoveryWrite], now: datetime) -> None:
    """New people inserted, known ones seen again; then linked to their network profile if any."""
    table = DiscoveredAccount.__table__
    insert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["instagram_account_id", "ig_user_id", "source"],
        set_={
            "username": stmt.excluded.username,
            "last_seen_at": stmt.excluded.last_seen_at,
            "seen_count": table.c.seen_count + 1,
        },
    )
    rows = [
        {
            **asdict(d),
            "instagram_account_id": account_id,
            "seen_count": 1,
            "first_seen_at": now,
            "last_seen_at": now,
        }
        for d in found
    ]
    for chunk in batches(rows):
        s.execute(stmt, chunk)
    # A discovered person already in the network is linked to that profile, not duplicated.
    p = InstagramProfile.__table__
    s.execute(
        update(table)
        .where(table.c.instagram_account_id == account_id, table.c.instagram_profile_id.is_(None))
        .values(
            instagram_profile_id=select(p.c.id)
            .where(and_(p.c.instagram_account_id == account_id, p.c.ig_user_id == table.c.ig_user_id))
            .scalar_subquery()
        )
    )
