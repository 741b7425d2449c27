"""A person's posts: the items of `feed/user/{pk}/` and the first posts a web profile shows."""

from __future__ import annotations

from typing import Any

from . import posts
from .core import NetworkCore
from .relations import ManagedAccount


class FeedsMixin(NetworkCore):
    """Posts of a person, newest first, with the counts of the overlay."""

    def _posts(self, index: int, ks: range) -> list[dict[str, Any]]:
        user = self.universe.summary(index)
        followers = int(self._profile(index)["follower_count"])
        return [
            posts.post(
                self.universe._key,
                index,
                k,
                user=user,
                epoch=self.epoch,
                followers=followers,
                new_posts=self.new_posts.get(index, 0),
                count_generation=self.count_generations.get(index, 0),
            )
            for k in ks
        ]

    def _recent_posts(self, index: int, p: dict[str, Any]) -> list[dict[str, Any]]:
        """The first posts a web profile body carries (newest first), as web timeline edges."""
        return [posts.web_edge(item) for item in self._posts(index, range(min(12, int(p["media_count"]))))]

    def user_feed(
        self, viewer: ManagedAccount, pk: int | str, max_id: str | None, count: int = 12
    ) -> tuple[int, dict[str, Any]]:
        """(status, body) of `feed/user/{pk}/`: newest first, `next_max_id` = the last item's id."""
        with self.lock:
            index = self.universe.index_of_pk(int(pk))
            if index is None:
                return 404, {"message": "User not found", "status": "fail"}
            p = self._profile(index)
            if p["is_private"] and not viewer.following.is_member(index) and index != viewer.index:
                return 400, {"message": "Not authorized to view user", "status": "fail"}
            total = int(p["media_count"])
            start = 0
            if max_id:
                try:
                    start = int(max_id.split("~", 1)[0]) + 1
                except ValueError:
                    return 400, {"message": "Invalid max_id", "status": "fail"}
            count = max(1, min(count, 33))
            items = self._posts(index, range(start, min(total, start + count)))
            more = start + count < total
            body: dict[str, Any] = {
                "items": items,
                "num_results": len(items),
                "more_available": more,
                "auto_load_more_enabled": True,
                "status": "ok",
            }
            if more:
                # The real cursor is the last item's id; the position rides along so paging stays cheap.
                body["next_max_id"] = f"{start + count - 1}~{items[-1]['id']}"
            return 200, body
