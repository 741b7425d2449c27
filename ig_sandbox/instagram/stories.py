"""The story tray (`feed/reels_tray/`) and the reels of `feed/reels_media/`."""

from __future__ import annotations

from typing import Any

from ._mix import Rng, mix64
from .highlights import HighlightsMixin
from .relations import ManagedAccount
from .story_items import story_item

TRAY_ITEMS_ENTRIES = 3  # only the first entries of a real tray carry `items`
REELS_MEDIA_MAX_IDS = 50  # Instagram answers at most 50 reels per feed/reels_media request
_TRAY_ONLY_KEYS = frozenset(
    {"ranked_position", "seen_ranked_position", "ranker_scores", "muted", "story_wedge_size"}
)


class StoriesMixin(HighlightsMixin):
    """Tray entries of the people an account follows, their items, and reels by id."""

    def _slot_versions(self, acct: ManagedAccount, slot: int) -> tuple[int, int]:
        """(generation the slot's owner last changed, generation its story last changed)."""
        owner_v = story_v = 0
        for g in range(1, acct.tray_generation + 1):
            r = mix64(acct.keys["tray"] ^ (slot * 1_000_003 + g * 7_919)) % 100
            if r < 30:
                owner_v = story_v = g
            elif r < 60:
                story_v = g
        return owner_v, story_v

    def _tray_picks(self, acct: ManagedAccount) -> list[tuple[int, int]]:
        """(user, story version) of the base tray: one followed person per slot."""
        key = acct.keys["tray"]
        rel = acct.following
        picked: list[tuple[int, int]] = []
        seen_users: set[int] = set()
        for slot in range(acct.spec.tray_reels):
            owner_v, story_v = self._slot_versions(acct, slot)
            rng = Rng(key + slot * 65_537 + owner_v * 7_919_777)
            for _ in range(24):
                u = rel.random_member(rng)
                if u is not None and u not in seen_users:
                    seen_users.add(u)
                    picked.append((u, story_v))
                    break
        return picked

    def _tray_now(self, acct: ManagedAccount) -> int:
        """The account's story clock: the epoch, 10 minutes per tray generation, 1 minute per posted story."""
        return self.epoch + acct.tray_generation * 600 + len(acct.story_posts) * 60

    def _posted_stories(self, acct: ManagedAccount) -> dict[int, list[int]]:
        """user -> times of the unexpired items they posted (`post_story`), while the account follows them."""
        now = self._tray_now(acct)
        posted: dict[int, list[int]] = {}
        for post in acct.story_posts:
            u, taken = int(post["user"]), int(post["taken_at"])
            if taken + 86400 > now and acct.following.is_member(u):
                posted.setdefault(u, []).append(taken)
        return posted

    def _tray_entries(self, acct: ManagedAccount) -> list[dict[str, Any]]:
        """Every tray entry with all its items, unseen first, then newest first."""
        picks = self._tray_picks(acct)
        posted = self._posted_stories(acct)
        entries = [self._tray_entry(acct, u, v, posted.get(u, ())) for u, v in picks]
        picked = {u for u, _ in picks}
        entries += [self._tray_entry(acct, u, None, times) for u, times in posted.items() if u not in picked]
        entries.sort(key=lambda e: (e["seen"] >= e["latest_reel_media"], -e["latest_reel_media"]))
        return entries

    def reels_tray(self, account: str | int) -> dict[str, Any]:
        """Body of `feed/reels_tray/`: people the account follows with unexpired stories."""
        with self.lock:
            acct = self.account(account)
            key = acct.keys["tray"]
            entries = self._tray_entries(acct)
            for pos, entry in enumerate(entries):
                entry["ranked_position"] = entry["seen_ranked_position"] = pos + 1
                if pos >= TRAY_ITEMS_ENTRIES:
                    entry.pop("items")
            token = mix64(key + acct.tray_generation + len(acct.story_posts) * 0x9E3779B9)
            return {
                "tray": entries,
                "story_ranking_token": (
                    f"{token >> 32:08x}-{(token >> 16) & 0xFFFF:04x}-4{(token >> 4) & 0xFFF:03x}"
                    f"-a{token & 0xFFF:03x}-{mix64(token) & 0xFFFFFFFFFFFF:012x}"
                ),
                "story_likes_config": {"is_enabled": False, "ufi_type": 0},
                "story_wedging_config": {
                    "story_wedging_type": "off",
                    "story_wedge_size": 0,
                    "display_show_all_last_n_media": 0,
                },
                "broadcasts": [],
                "sticker_version": 5,
                "face_filter_nux_version": 7,
                "stories_viewer_gestures_nux_eligible": True,
                "has_new_nux_story": False,
                "refresh_window_ms": 5000,
                "response_timestamp": self._tray_now(acct),
                "status": "ok",
            }

    def reels_media(self, account: str | int, reel_ids: list[str]) -> tuple[int, dict[str, Any]]:
        """(status, body) of `feed/reels_media/`: the reels of user pks (those in the account's tray,
        with every item the tray shows or counts) and of highlight ids ("highlight:<n>") the account may
        see, keyed by id; other ids are left out, as Instagram does."""
        ids = [str(i).strip() for i in reel_ids if str(i).strip()]
        if not ids:
            return 400, {"message": "reel_ids or user_ids required", "status": "fail"}
        if len(ids) > REELS_MEDIA_MAX_IDS:
            return 400, {"message": f"at most {REELS_MEDIA_MAX_IDS} reels per request", "status": "fail"}
        with self.lock:
            acct = self.account(account)
            tray: dict[str, dict[str, Any]] | None = None
            reels: dict[str, dict[str, Any]] = {}
            for reel_id in dict.fromkeys(ids):
                if reel_id.startswith("highlight:"):
                    reel = self._highlight_reel(acct, reel_id)
                elif reel_id.isdigit():
                    if tray is None:
                        tray = {str(e["id"]): e for e in self._tray_entries(acct)}
                    entry = tray.get(str(int(reel_id)))
                    reel = self._reel_from_entry(acct, entry) if entry is not None else None
                else:
                    reel = None
                if reel is not None:
                    reels[reel_id] = reel
            return 200, {"reels": reels, "reels_media": list(reels.values()), "status": "ok"}

    def _reel_from_entry(self, acct: ManagedAccount, entry: dict[str, Any]) -> dict[str, Any]:
        """A tray entry as `feed/reels_media` gives it: the same items, the reel's own keys."""
        reel = {k: v for k, v in entry.items() if k not in _TRAY_ONLY_KEYS}
        u = self.universe.index_of_pk(int(entry["id"]))
        reel["user"] = {
            **entry["user"],
            "friendship_status": {
                "following": True,
                "followed_by": u is not None and acct.followers.is_member(u),
                "blocking": False,
                "muting": False,
                "is_private": entry["user"]["is_private"],
                "incoming_request": False,
                "outgoing_request": False,
                "is_bestie": False,
                "is_restricted": False,
            },
        }
        reel["is_sensitive_vertical_ad"] = False
        return reel

    def _tray_entry(
        self, acct: ManagedAccount, u: int, story_v: int | None, posted: list[int] | tuple[int, ...] = ()
    ) -> dict[str, Any]:
        """One tray entry with all its items: the base story of version `story_v` (None: the person had
        no story) followed by the items they posted since (`posted`: their times, oldest first)."""
        h = mix64(acct.keys["tray"] + u * 31 + (story_v or 0))
        summary = self.universe.summary(u)
        pk = summary["pk"]
        items: list[dict[str, Any]] = []
        latest, seen = 0, 0
        if story_v is not None:
            latest = self.epoch - 20 * 3600 + story_v * 600 + h % 600 - (h >> 10) % 36_000
            seen = latest if (h >> 30) % 100 < 35 and story_v == 0 else 0
            count = 1 + (h >> 20) % 9
            media_base = 2_900_000_000_000_000_000 + (latest - 1_600_000_000) * 1_000_000 + (h >> 40) % 1000
            for j in range(count):
                hj = mix64(h + j + 1)
                taken = latest - (count - 1 - j) * (300 + hj % 3000)
                media_id = str(media_base - (count - 1 - j) * 3_700_000_003)
                items.append(
                    story_item(self.epoch, media_id, pk, summary["is_private"], taken, hj % 3 == 0, hj)
                )
        for taken in posted:
            # Later than every base item of the person, so the ids stay unique and in time order.
            hj = mix64(acct.keys["tray"] ^ (u * 0x9E3779B97F4A7C15) ^ taken)
            media_id = str(2_900_000_000_000_000_000 + (taken - 1_600_000_000) * 1_000_000 + 500 + hj % 500)
            items.append(story_item(self.epoch, media_id, pk, summary["is_private"], taken, hj % 3 == 0, hj))
            latest = taken
        media_ids = [item["pk"] for item in items]
        media_count = len(items)
        has_video = any(item["media_type"] == 2 for item in items)
        user = {
            "pk": pk,
            "username": summary["username"],
            "full_name": summary["full_name"],
            "is_private": summary["is_private"],
            "profile_pic_url": summary["profile_pic_url"],
            "profile_pic_id": summary.get("profile_pic_id"),
            "is_verified": summary["is_verified"],
            "friendship_status": {
                "muting": False,
                "is_muting_reel": False,
                "following": True,
                "is_bestie": False,
                "outgoing_request": False,
            },
        }
        return {
            "id": pk,
            "latest_reel_media": latest,
            "expiring_at": latest + 86400,
            "seen": seen,
            "can_reply": True,
            "can_gif_quick_reply": True,
            "can_reshare": not summary["is_private"],
            "can_react_with_avatar": False,
            "reel_type": "user_reel",
            "ad_expiry_timestamp_in_millis": None,
            "is_cta_sticker_available": None,
            "user": user,
            "ranked_position": 0,
            "seen_ranked_position": 0,
            "muted": False,
            "prefetch_count": 0,
            "ranker_scores": {
                "ptap": f"{(h % 10**6) / 10**7:.13f}",
                "fp": f"{((h >> 20) % 10**6) / 10**6:.13f}",
                "vm": f"{((h >> 40) % 10**6) / 10**7:.13f}",
            },
            "story_duration_secs": 5,
            "story_wedge_size": 0,
            "has_besties_media": False,
            "latest_besties_reel_media": 0,
            "media_count": media_count,
            "media_ids": media_ids,
            "has_video": has_video,
            "has_fan_club_media": False,
            "has_pride_media": False,
            "items": items,
        }
