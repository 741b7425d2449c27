"""The comments of a post (`media/{pk}/comments/`)."""

from __future__ import annotations

import json
from typing import Any

from . import posts
from ._mix import mix64
from .feeds import FeedsMixin
from .relations import ManagedAccount


class CommentsMixin(FeedsMixin):
    """Comment pages of a post, newest first, by people found again on every read."""

    def media_comments(
        self, viewer: ManagedAccount, media_pk: int | str, min_id: str | None, count: int = 20
    ) -> tuple[int, dict[str, Any]]:
        """(status, body) of `media/{pk}/comments/`: newest first, `next_min_id` a JSON-text cursor."""
        with self.lock:
            decoded = posts.decode_media_pk(int(media_pk))
            index = decoded[0] if decoded else None
            if decoded is None or index is None or index >= self.universe.total:
                return 404, {"message": "Media not found or unavailable", "status": "fail"}
            p = self._profile(index)
            k = self.new_posts.get(index, 0) - decoded[1]
            if not 0 <= k < int(p["media_count"]):
                return 404, {"message": "Media not found or unavailable", "status": "fail"}
            if p["is_private"] and not viewer.following.is_member(index) and index != viewer.index:
                return 400, {"message": "Not authorized to view user", "status": "fail"}
            (item,) = self._posts(index, range(k, k + 1))
            total = int(item["comment_count"])
            start = 0
            if min_id:
                try:
                    start = int(json.loads(min_id)["cached_comments_cursor"]) + 1
                except (ValueError, KeyError, TypeError):
                    return 400, {"message": "Invalid min_id", "status": "fail"}
            stop = min(total, start + max(1, min(count, 50)))
            # Commenters: anyone in the universe, found again for the same comment on every read.
            authors = [
                mix64(self.universe._key ^ int(media_pk) ^ j) % self.universe.total
                for j in range(start, stop)
            ]
            comments = [
                posts.comment(
                    self.universe._key,
                    int(media_pk),
                    j,
                    taken_at=item["taken_at"],
                    user=self.universe.summary(u),
                )
                for j, u in zip(range(start, stop), authors, strict=True)
            ]
            more = stop < total
            body: dict[str, Any] = {
                "comment_likes_enabled": True,
                "comments": comments,
                "comment_count": total,
                "caption": item["caption"],
                "caption_is_edited": False,
                "has_more_comments": False,
                "has_more_headload_comments": more,
                "threading_enabled": True,
                "media_header_display": "none",
                "initiate_at_top": True,
                "insert_new_comment_to_top": True,
                "quick_response_emojis": [],
                "preview_comments": [],
                "can_view_more_preview_comments": False,
                "scroll_behavior": 1,
                "comment_cover_pos": "bottom",
                "is_ranked": True,
                "comment_filter_param": "no_filter",
                "status": "ok",
            }
            if more:
                body["next_min_id"] = json.dumps(
                    {"cached_comments_cursor": str(stop - 1), "bifilter_token": "KKEBAA"}
                )
            return 200, body
