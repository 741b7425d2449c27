"""The content store: `instagram_profile_posts`, their comments and media files."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.orm import aliased

from ig_resources.records import (
    ActionLogWrite,
    CommentScanWrite,
    MediaCandidate,
    MediaResult,
    PostForComments,
    PostScanCandidate,
    PostScanWrite,
)

from .base import Store, insert_actions, insert_media_blobs, media_candidates, tags_of
from .discovery import _upsert_discovered
from .models import (
    ConversationPeer,
    InstagramProfile,
    InstagramProfilePost,
    InstagramProfilePostComment,
    utcnow,
)
from .upsert import upsert

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


class ContentStore(Store):
    """Posts, their comments and media files."""

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
            tags = tags_of(s, [r.id for r in rows])
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
            insert_actions(s, account_id, write.actions, now)

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
            insert_actions(s, account_id, write.actions, now)

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
            return media_candidates(s, rows)

    def apply_post_media(
        self, account_id: int, results: list[MediaResult], actions: list[ActionLogWrite]
    ) -> None:
        """Per post: the stored file's sha256, or the reason it was not stored (None: retry later)."""
        now = utcnow()
        with self.session() as s:
            insert_media_blobs(s, (r for r in results if r.sha256 and r.content_type), now)
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
            insert_actions(s, account_id, actions, now)
