"""One story item (photo or video) as the story tray, `feed/reels_media` and highlights give it."""

from __future__ import annotations

import base64
from typing import Any

from .cdn import story_file_stem


def story_item(
    epoch: int, media_id: str, owner_pk: int, is_private: bool, taken: int, video: bool, h: int
) -> dict[str, Any]:
    """Story item `media_id` of `owner_pk`, taken at `taken`; `h` is the hash its details derive from."""
    host = "scontent-fra3-1.cdninstagram.com"
    oe = f"{epoch + 5 * 86400 + h % 86400:08X}"
    # The file name carries the owner and the media pk: the CDN draws the picture (faces) from them.
    stem = story_file_stem(owner_pk, int(media_id))
    img = (
        f"https://{host}/v/t51.2885-15/{stem}.jpg?stp=dst-jpg_e35&_nc_ht={host}&_nc_cat=1"
        f"&oh=00_{h:016x}&oe={oe}&_nc_sid=48a2a6"
    )
    item: dict[str, Any] = {
        "taken_at": taken,
        "pk": media_id,
        "id": f"{media_id}_{owner_pk}",
        "device_timestamp": str(taken * 1_000_000 + h % 1_000_000),
        "media_type": 2 if video else 1,
        "code": base64.urlsafe_b64encode(int(media_id).to_bytes(8, "big")).decode().rstrip("=")[:11],
        "client_cache_key": base64.b64encode(media_id.encode()).decode() + ".2",
        "filter_type": 0,
        "is_unified_video": False,
        "should_request_ads": False,
        "original_media_has_visual_reply_media": False,
        "caption_is_edited": False,
        "like_and_view_counts_disabled": False,
        "commerciality_status": "not_commercial",
        "is_paid_partnership": False,
        "is_visual_reply_commenter_notice_enabled": True,
        "has_delayed_metadata": False,
        "caption_position": 0,
        "is_reel_media": True,
        "photo_of_you": False,
        "is_organic_product_tagging_eligible": False,
        "can_see_insights_as_brand": False,
        "image_versions2": {
            "candidates": [
                {
                    "width": 1080,
                    "height": 1920,
                    "url": img,
                    "scans_profile": "e35",
                    "estimated_scans_sizes": _scans(h, 240_000),
                },
                {
                    "width": 360,
                    "height": 640,
                    "url": img.replace("dst-jpg_e35", "dst-jpg_e35_p360x360"),
                    "scans_profile": "e35",
                    "estimated_scans_sizes": _scans(h >> 8, 48_000),
                },
            ]
        },
        "original_width": 1080,
        "original_height": 1920,
        "caption": None,
        "comment_inform_treatment": {
            "should_have_inform_treatment": False,
            "text": "",
            "url": None,
            "action_type": None,
        },
        "sharing_friction_info": {
            "should_have_sharing_friction": False,
            "bloks_app_url": None,
            "sharing_friction_payload": None,
        },
        "can_viewer_save": False,
        "is_in_profile_grid": False,
        "profile_grid_control_enabled": False,
        "organic_tracking_token": base64.b64encode(
            f'{{"version":5,"payload":{{"media":"{media_id}"}}}}'.encode()
        ).decode(),
        "expiring_at": taken + 86400,
        "has_shared_to_fb": 0,
        "product_type": "story",
        "deleted_reason": 0,
        "integrity_review_decision": "pending",
        "commerce_integrity_review_decision": None,
        "music_metadata": None,
        "is_artist_pick": False,
        "user": {"pk": owner_pk, "is_private": is_private},
        "can_reshare": not is_private,
        "can_reply": True,
        "can_send_prompt": False,
        "story_static_models": [],
        "supports_reel_reactions": True,
        "can_send_custom_emojis": True,
        "show_one_tap_fb_share_tooltip": False,
    }
    if video:
        item["video_duration"] = 5.0 + h % 10
        item["video_versions"] = [
            {
                "type": 101,
                "width": 720,
                "height": 1280,
                "url": img.replace(".jpg", ".mp4").replace("t51.2885-15", "t50.2886-16"),
                "id": str(h % 10**16),
            }
        ]
        item["has_audio"] = True
    return item


def _scans(h: int, total: int) -> list[int]:
    """Progressive-JPEG scan sizes: nine increasing byte offsets ending near `total`."""
    return [total * (k + 1) // 9 - (h >> k) % 997 for k in range(9)]
