"""Deterministic posts of a sandbox person, in the shape of `feed/user/{pk}/` items (mobile) and of
`web_profile_info`'s timeline edges (web).

Post k (0 = newest) of person u is a pure function of the seed, u and k, plus two overlays the network
keeps: posts added since (`new_posts`, which push the older ones down) and how many times the counts
were edited (`count_generation`). Captions come in the person's usual language, sometimes another.
About half of the photos show their owner: their file name tells the CDN whose face to draw.
"""

from __future__ import annotations

import base64
from typing import Any

from ._mix import mix64
from ._words import CAPTIONS, COMMENTS, EMOJI
from .cdn import post_file_stem

_HASHTAGS = ("#love", "#instagood", "#photooftheday", "#travel", "#food", "#summer", "#art", "#family")
_LANGUAGES = sorted(CAPTIONS)
_SITES = ("lhr8-1", "ams4-1", "cdg2-1", "gru1-1", "sin6-1", "nrt1-2")
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def shortcode(h: int) -> str:
    return "C" + "".join(_ALPHABET[(h >> (6 * i)) & 63] for i in range(10))


# Media pks are 19 digits like real ones, and encode (person, serial) so a comments request can find its post.
_PK_BASE, _PK_SPAN, _SERIAL_ZERO = 3_100_000_000_000_000_000, 10**7, 5_000_000


def media_pk_of(index: int, serial: int) -> int:
    return _PK_BASE + index * _PK_SPAN + serial + _SERIAL_ZERO


def decode_media_pk(media_pk: int) -> tuple[int, int] | None:
    """(person index, serial) of a sandbox media pk, or None when it is not one."""
    rest = media_pk - _PK_BASE
    if rest < 0:
        return None
    return rest // _PK_SPAN, rest % _PK_SPAN - _SERIAL_ZERO


def language_of(key: int, index: int) -> str:
    """The language a person usually writes captions in."""
    return _LANGUAGES[mix64(key ^ (index * 0xA24BAED4963EE407)) % len(_LANGUAGES)]


def post(
    key: int,
    index: int,
    k: int,
    *,
    user: dict[str, Any],
    epoch: int,
    followers: int,
    new_posts: int = 0,
    count_generation: int = 0,
) -> dict[str, Any]:
    """Post number `k` (0 = newest) of person `index` (`user`: their list-shaped user object, with
    `followers` followers), as a `feed/user` item."""
    pk = int(user["pk"])
    # Posts are numbered from the oldest so that a new post does not renumber the others.
    serial = new_posts - k  # > 0: one of the posts added since; <= 0: the base history
    h = mix64(key ^ (index * 0x9E3779B97F4A7C15) ^ (serial * 0xD6E8FEB86659FD93 + 0x51F))
    base = mix64(key ^ (index * 0x9E3779B97F4A7C15) ^ 0x51F)
    newest_base = epoch - 86400 - (base % (60 * 86400))
    # The history is about five days apart, never out of order (the jitter is smaller than the step);
    # posts added since come an hour apart after it, still in the past.
    taken = newest_base + serial * 3600 if serial > 0 else newest_base + serial * 5 * 86400 - h % (4 * 86400)
    media_pk = media_pk_of(index, serial)
    kind = h % 10  # 70 % photos, 20 % videos, 10 % carousels
    media_type = 1 if kind < 7 else (2 if kind < 9 else 8)
    # Engagement falls with reach, as on Instagram: about 10 % of followers like a post at 30 followers,
    # 4 % at 1,000, 1.4 % at 100,000 (±50 %); a few percent of the likers comment.
    rate = 0.25 * max(followers, 1) ** -0.25 * (0.5 + mix64(h ^ 0x11) % 1000 / 1000)
    likes = int(followers * rate * (1 + 0.1 * count_generation))
    comments = int(likes * (0.02 + mix64(h ^ 0x22) % 60 / 1000)) + mix64(h ^ 0x44) % 3 + 4 * count_generation
    user = {**user, "is_favorite": False, "is_unpublished": False}
    item: dict[str, Any] = {
        "taken_at": taken,
        "pk": media_pk,
        "id": f"{media_pk}_{pk}",
        "device_timestamp": taken * 1_000_000 + h % 1_000_000,
        "media_type": media_type,
        "code": shortcode(h),
        "client_cache_key": base64.b64encode(str(media_pk).encode()).decode() + ".2",
        "filter_type": 0,
        "product_type": {1: "feed", 2: "clips", 8: "carousel_container"}[media_type],
        "user": user,
        "can_viewer_reshare": True,
        "caption_is_edited": False,
        "comment_likes_enabled": True,
        "comment_threading_enabled": True,
        "has_more_comments": comments > 2,
        "max_num_visible_preview_comments": 2,
        "preview_comments": [],
        "can_view_more_preview_comments": comments > 0,
        "comment_count": comments,
        "inline_composer_display_condition": "impression_trigger",
        "inline_composer_imp_trigger_time": 5,
        "like_count": likes,
        "has_liked": False,
        "top_likers": [],
        "photo_of_you": False,
        "caption": _caption(key, index, h, media_pk, pk, taken, user),
        "can_viewer_save": True,
        "organic_tracking_token": base64.b64encode(f'{{"media":{media_pk}}}'.encode()).decode(),
        "can_see_insights_as_brand": False,
    }
    if media_type == 8:
        children = [
            _resource(mix64(h + c), 1 if c % 3 else 2, f"{mix64(h + c) % 10**18 + 10**18}_{pk}")
            for c in range(2 + h % 4)
        ]
        item.update(carousel_media_count=len(children), carousel_media=children)
    else:
        item.update(_resource(h, media_type, item["id"]))
        if media_type == 2:
            item["view_count"] = likes * 12 + mix64(h ^ 0x33) % 1000
    return item


def web_edge(item: dict[str, Any]) -> dict[str, Any]:
    """The same post as a `web_profile_info` timeline edge (web vocabulary)."""
    url = (
        item.get("image_versions2", {}).get("candidates", [{}])[0].get("url")
        or item["carousel_media"][0]["image_versions2"]["candidates"][0]["url"]
    )
    caption = item["caption"]["text"] if item.get("caption") else None
    return {
        "node": {
            "__typename": {1: "GraphImage", 2: "GraphVideo", 8: "GraphSidecar"}[item["media_type"]],
            "id": str(item["pk"]),
            "shortcode": item["code"],
            "dimensions": {"height": 1350, "width": 1080},
            "display_url": url,
            "edge_media_to_tagged_user": {"edges": []},
            "fact_check_overall_rating": None,
            "fact_check_information": None,
            "gating_info": None,
            "sharing_friction_info": {"should_have_sharing_friction": False, "bloks_app_url": None},
            "media_overlay_info": None,
            "media_preview": None,
            "owner": {"id": str(item["user"]["pk"]), "username": item["user"]["username"]},
            "is_video": item["media_type"] == 2,
            "has_upcoming_event": False,
            "accessibility_caption": None,
            "edge_media_to_caption": {"edges": [{"node": {"text": caption}}] if caption else []},
            "edge_media_to_comment": {"count": item["comment_count"]},
            "comments_disabled": False,
            "taken_at_timestamp": item["taken_at"],
            "edge_liked_by": {"count": item["like_count"]},
            "edge_media_preview_like": {"count": item["like_count"]},
            "location": None,
            "nft_asset_info": None,
            "thumbnail_src": url,
            "thumbnail_resources": [
                {"src": url, "config_width": px, "config_height": px} for px in (150, 240, 320, 480, 640)
            ],
            "coauthor_producers": [],
            "pinned_for_users": [],
        }
    }


def _caption(
    key: int, index: int, h: int, media_pk: int, pk: int, taken: int, user: dict[str, Any]
) -> dict[str, Any] | None:
    if h % 17 == 0:
        return None  # some posts have no caption (a null `caption`, as captured)
    language = language_of(key, index) if (h >> 8) % 10 < 8 else _LANGUAGES[(h >> 12) % len(_LANGUAGES)]
    sentences = CAPTIONS[language]
    text = sentences[(h >> 16) % len(sentences)]
    if (h >> 24) % 3 == 0:
        text += " " + EMOJI[(h >> 28) % len(EMOJI)]
    tags = dict.fromkeys(_HASHTAGS[(h >> (32 + 3 * i)) % len(_HASHTAGS)] for i in range((h >> 40) % 3))
    text += " " + " ".join(tags)
    return {
        "pk": 17_800_000_000_000_000 + h % 10**15,
        "user_id": pk,
        "text": text.strip(),
        "type": 1,
        "created_at": taken,
        "created_at_utc": taken,
        "content_type": "comment",
        "status": "Active",
        "bit_flags": 0,
        "did_report_as_spam": False,
        "share_enabled": False,
        "user": user,
        "is_covered": False,
        "media_id": media_pk,
        "private_reply_status": 0,
    }


def _url(h: int, kind: str, size: str = "", name: str | None = None) -> str:
    site = _SITES[h % len(_SITES)]
    name = name or f"{h % 10**9}_{mix64(h) % 10**16}_{mix64(~h & (2**64 - 1)) % 10**19}_n"
    ext = "mp4" if kind.startswith("t50") else "jpg"
    return (
        f"https://scontent-{site}.cdninstagram.com/v/{kind}/{size}e35/{name}.{ext}?_nc_ht=scontent-{site}"
        f".cdninstagram.com&_nc_cat={100 + h % 12}&oh={mix64(h ^ 5):016x}&oe={0x5F000000 + h % 0xFFFFFF:08X}"
    )


def _resource(h: int, media_type: int, media_id: str) -> dict[str, Any]:
    media_pk, _, owner = media_id.partition("_")
    # About half of the photos are of their owner: the file name carries who, for the CDN to draw.
    name = post_file_stem(int(owner), int(media_pk)) if media_type == 1 and owner and h >> 62 & 1 else None
    resource: dict[str, Any] = {
        "id": media_id,
        "pk": int(media_pk),
        "media_type": media_type,
        "original_width": 1080,
        "original_height": 1350,
        "image_versions2": {
            "candidates": [
                {
                    "width": px,
                    "height": round(px * 1.25),
                    "url": _url(h, "t51.2885-15", f"p{px}x{px}/" if px < 1080 else "", name),
                }
                for px in (1080, 640, 320)
            ]
        },
    }
    if media_type == 2:
        resource.update(
            video_versions=[
                {"type": 101 + i, "width": w, "height": round(w * 1.25), "url": _url(h + i, "t50.2886-16")}
                for i, w in enumerate((720, 480))
            ],
            video_duration=round(5 + (h % 5500) / 100, 3),
            has_audio=True,
            number_of_qualities=2,
        )
    return resource


def comment(key: int, media_pk: int, j: int, *, taken_at: int, user: dict[str, Any]) -> dict[str, Any]:
    """Comment number `j` (0 = newest) of a post, by `user`, in the captured `media/{pk}/comments/` shape."""
    h = mix64(key ^ media_pk ^ (j * 0x9E3779B97F4A7C15))
    created = taken_at + 3600 * 24 * 30 - j * 3600 - h % 3000
    return {
        "pk": 17_900_000_000_000_000 + h % 10**16,
        "user_id": user["pk"],
        "text": COMMENTS[h % len(COMMENTS)],
        "type": 0,
        "created_at": created,
        "created_at_utc": created,
        "content_type": "comment",
        "status": "Active",
        "bit_flags": 0,
        "did_report_as_spam": False,
        "share_enabled": True,
        "is_covered": False,
        "user": {**user, "is_mentionable": True, "latest_besties_reel_media": 0},
        "is_ranked_comment": False,
        "has_liked_comment": False,
        "comment_like_count": h % 25,
        "child_comment_count": 0,
        "preview_child_comments": [],
        "other_preview_users": [],
        "inline_composer_display_condition": "never",
        "private_reply_status": 0,
        "comment_index": j,
    }
