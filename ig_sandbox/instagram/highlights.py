"""Highlight folders (`highlights/{pk}/highlights_tray/`, and "highlight:<n>" reels of `feed/reels_media`)."""

from __future__ import annotations

from typing import Any

from . import _words as W
from ._mix import mix64
from .core import NetworkCore
from .relations import ManagedAccount
from .story_items import story_item

HIGHLIGHTS_MAX = 5  # highlight folders per person: 0 to this many
_HIGHLIGHT_BASE = 17_840_000_000_000_000  # highlight ids are 17-digit numbers, like real ones
_HIGHLIGHT_STEP = 1_000_003


class HighlightsMixin(NetworkCore):
    """A person's highlight folders of older stories, for viewers allowed to see them."""

    def _can_see(self, viewer: ManagedAccount, index: int) -> bool:
        if index == viewer.index or viewer.following.is_member(index):
            return True
        return not self.universe.summary(index)["is_private"]

    def _highlight_count(self, index: int) -> int:
        return mix64(self.universe._key ^ (index * 0xD1B54A32D192ED03) ^ 0x416) % (HIGHLIGHTS_MAX + 1)

    def _decode_highlight(self, reel_id: str) -> tuple[int, int] | None:
        """(person index, folder number) of a "highlight:<n>" id, or None when it names no folder."""
        digits = reel_id.removeprefix("highlight:")
        if not digits.isdigit():
            return None
        q, r = divmod(int(digits) - _HIGHLIGHT_BASE, _HIGHLIGHT_STEP)
        index, k = divmod(q, HIGHLIGHTS_MAX + 1)
        if r or q < 0 or index >= self.universe.total or k >= self._highlight_count(index):
            return None
        return index, k

    def _highlight(self, index: int, k: int, *, with_items: bool) -> dict[str, Any]:
        """Folder `k` (0 = first shown) of person `index`: the highlight tray entry, with `items` when
        `with_items` (as `feed/reels_media` gives it). Items are older stories, oldest first."""
        h = mix64(self.universe._key ^ (index * 0xD1B54A32D192ED03) ^ (k * 0x9E3779B97F4A7C15 + 0x417))
        summary = self.universe.summary(index)
        pk, private = summary["pk"], summary["is_private"]
        reel_id = f"highlight:{_HIGHLIGHT_BASE + (index * (HIGHLIGHTS_MAX + 1) + k) * _HIGHLIGHT_STEP}"
        count = 1 + h % 12
        created = self.epoch - (k + 1) * 21 * 86400 - (h >> 8) % (14 * 86400)
        items = []
        for j in range(count):
            hj = mix64(h + j + 1)
            taken = created - (count - j) * (3600 + hj % 86400)
            serial = (index * 8 + k) % 1_000_000
            media_id = str(2_700_000_000_000_000_000 + (taken - 1_500_000_000) * 1_000_000 + serial)
            items.append(story_item(self.epoch, media_id, pk, private, taken, hj % 4 == 0, hj))
        cover = items[0]
        cover_url = cover["image_versions2"]["candidates"][0]["url"]
        words = W.WORDS[(h >> 20) % len(W.WORDS)], W.EMOJI[(h >> 28) % len(W.EMOJI)]
        folder: dict[str, Any] = {
            "id": reel_id,
            "strong_id__": reel_id,
            "latest_reel_media": items[-1]["taken_at"],
            "seen": None,
            "can_reply": True,
            "can_gif_quick_reply": True,
            "can_reshare": None,
            "can_react_with_avatar": False,
            "reel_type": "highlight_reel",
            "ad_expiry_timestamp_in_millis": None,
            "is_cta_sticker_available": None,
            "cover_media": {
                "cropped_image_version": {
                    "width": 150,
                    "height": 150,
                    "url": cover_url.replace("/t51.2885-15/", "/t51.2885-15/s150x150/"),
                    "scans_profile": "",
                },
                "crop_rect": [0.0, 0.21, 1.0, 0.77],
                "media_id": cover["id"],
                "full_image_version": None,
                "upload_id": None,
            },
            "user": {
                key: summary[key]
                for key in ("pk", "username", "full_name", "is_private", "profile_pic_url", "is_verified")
            },
            "ranked_position": k + 1,
            "seen_ranked_position": k + 1,
            "title": words[0].capitalize() if (h >> 32) % 3 else f"{words[0]} {words[1]}",
            "created_at": created,
            "is_pinned_highlight": False,
            "prefetch_count": 0,
            "media_count": count,
            "media_ids": [item["pk"] for item in items],
            "is_converted_to_clips": False,
            "disabled_reply_types": ["story_selfie_reply", "story_remix_reply"],
            "highlight_reel_type": "default",
        }
        if with_items:
            folder["items"] = items
        return folder

    def highlights_tray(self, viewer: ManagedAccount, pk: int | str) -> tuple[int, dict[str, Any]]:
        """(status, body) of `highlights/{pk}/highlights_tray/`: the person's highlight folders, no items."""
        with self.lock:
            index = self.universe.index_of_pk(int(pk))
            if index is None:
                return 404, {"message": "User not found", "status": "fail"}
            if not self._can_see(viewer, index):
                return 400, {"message": "Not authorized to view user", "status": "fail"}
            tray = [self._highlight(index, k, with_items=False) for k in range(self._highlight_count(index))]
            return 200, {"tray": tray, "show_empty_state": False, "status": "ok"}

    def _highlight_reel(self, viewer: ManagedAccount, reel_id: str) -> dict[str, Any] | None:
        decoded = self._decode_highlight(reel_id)
        if decoded is None or not self._can_see(viewer, decoded[0]):
            return None
        return self._highlight(*decoded, with_items=True)
