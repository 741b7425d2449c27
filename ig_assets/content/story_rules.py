"""Rules of the story flow (seed 000 §stories), pure: what a tray state is, whose reels to read, what
a story row holds, and what the sensor's cursor keeps."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from ig_resources.instagram.models import Reel, StoryItem, StoryTray
from ig_resources.records import StoryWrite

#: how long after a story expired its file is still tried: signed CDN links outlive a story by a few
#: days, not more; after that the item fails instead of holding a place in every batch
DOWNLOAD_GRACE = timedelta(days=2)


def tray_state(tray: StoryTray) -> str:
    """A fingerprint of who has which stories now: each owner with their newest item and count.

    `seen` is left out: viewing stories (on the phone) changes it without anything new to read."""
    parts = sorted(f"{r.user.ig_user_id}:{r.latest_reel_media or 0}:{r.media_count or 0}" for r in tray.tray)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def reels_to_read(
    tray: StoryTray, newest_known: Mapping[str, datetime]
) -> tuple[dict[str, list[StoryItem]], list[str]]:
    """(items the tray itself carries completely, by owner ig_user_id; owners whose reel must be read).

    Only entries near the top of a tray carry their items; one that carries all of them needs no
    request. An entry whose newest item (`latest_reel_media`) is no newer than the newest item
    stored for that owner (`newest_known`) has nothing new and is not read again."""
    complete: dict[str, list[StoryItem]] = {}
    to_read: list[str] = []
    for reel in tray.tray:
        ig_user_id = reel.user.ig_user_id
        known = newest_known.get(ig_user_id)
        if known is not None and reel.latest_reel_media and reel.latest_reel_media <= known.timestamp():
            continue
        items = reel.story_items()
        if items and (reel.media_count is None or len(items) >= reel.media_count):
            complete[ig_user_id] = items
        else:
            to_read.append(ig_user_id)
    return complete, to_read


def story_write(profile_id: int, item: StoryItem, reel: Reel | None = None) -> StoryWrite:
    """The row of one story item: a video item stores its video (faces are sampled from frames)."""
    highlight = reel if reel is not None and reel.is_highlight else None
    return StoryWrite(
        profile_id=profile_id,
        story_id=item.pk,
        media_type=2 if item.is_video else 1,
        taken_at=item.taken_at,
        # A highlight item stays while its folder does: no expiry (and no retention purge).
        expires_at=None if highlight else item.expiring_at,
        image_url=item.image_url,
        video_url=item.video_url,
        media_url=(item.video_url if item.is_video and item.video_url else item.image_url),
        duration_seconds=item.video_duration,
        highlight_id=highlight.id if highlight else None,
        highlight_title=highlight.title if highlight else None,
        metadata={"source": "highlight" if highlight else "tray", "item": item.raw},
    )


def changed_states(previous: Mapping[str, str], current: Mapping[str, str]) -> dict[str, str]:
    """The accounts whose tray state differs from the cursor's (new accounts included)."""
    return {name: state for name, state in current.items() if previous.get(name) != state}


def merge_cursor(
    previous: Mapping[str, str], current: Mapping[str, str], accounts: Iterable[str]
) -> dict[str, str]:
    """The next cursor: the new states, the old ones of accounts not asked this tick, none of removed
    accounts."""
    keep = set(accounts)
    return {name: state for name, state in {**previous, **current}.items() if name in keep}
