"""Content storage: whose feed is due, which posts are known, and the write of a scanned batch.

A mixin of `DatabaseResource` (it uses only `self.session()`).
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import AbstractContextManager
from dataclasses import asdict

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.orm import Session

from .models import ConversationPeer, InstagramProfile, InstagramProfilePost, utcnow
from .profiles import _insert_actions, _tags_of
from .records import PostScanCandidate, PostScanWrite
from .upsert import upsert

_POST_UPDATE = ("caption", "caption_lang", "likes_count", "comments_count", "play_count", "source_media_url",
                "media_url_fingerprint", "metadata", "updated_at")


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
                    select(post.instagram_profile_id, post.shortcode).where(post.instagram_profile_id.in_(profile_ids))
                ):
                    found[pid].add(code)
        return found

    def apply_post_scan(self, account_id: int, write: PostScanWrite) -> None:
        """Store a scanned batch in one transaction: new posts inserted, known ones refreshed (counts,
        caption, raw item), each profile's scan time and outcome, the action logs."""
        now = write.scanned_at or utcnow()
        rows = [
            {**asdict(post), "instagram_account_id": account_id, "instagram_profile_id": pid,
             "created_at": now, "updated_at": now}
            for pid, posts in write.posts.items()
            for post in posts
        ]
        with self.session() as s:
            if rows:
                upsert(s, InstagramProfilePost.__table__, rows,
                       conflict=("instagram_profile_id", "shortcode"), update=_POST_UPDATE)
            if write.outcomes:
                table = InstagramProfile.__table__
                s.execute(
                    update(table).where(table.c.id == bindparam("pid"))
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
                    update(table).where(table.c.id == bindparam("pid")).values(primary_language=bindparam("v_lang")),
                    [{"pid": pid, "v_lang": lang} for pid, lang in languages.items()],
                )
