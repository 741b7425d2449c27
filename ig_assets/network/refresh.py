"""Profile refresh (seed 000 §2): what one fetched profile changes in the database.

Pure rules: the asset fetches, these decide, the database resource writes. One fetched profile
gives new snapshot columns, a row of count history, its messageability and story-reply states,
the scan-policy tag, and whether its avatar must be downloaded again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ig_assets.discovery.emails import profile_emails
from ig_resources.instagram.models import ProfileDetails
from ig_resources.records import ProfileToRefresh, ProfileUpdate
from ig_resources.urls import url_fingerprint

from .interaction import dm_state, story_state
from .scan_policy import PROFILE_SCAN_EXCLUDED, scan_verdict

#: statuses of a refresh, stored in `instagram_profiles.details_status` (failures: the error's reason)
OK, NOT_FOUND, MALFORMED = "ok", "not_found", "malformed_response"
FETCH_DETAILS, DOWNLOAD_AVATAR = "fetch_details", "download_avatar"


def plan_update(stored: ProfileToRefresh, details: ProfileDetails, now: datetime) -> ProfileUpdate:
    """The new state of a profile from its fetched details."""
    picture = details.profile_pic_url_hd or details.profile_pic_url
    fingerprint = url_fingerprint(picture)
    avatar_changed = fingerprint is not None and fingerprint != stored.avatar_url_fingerprint
    last_failure = (stored.dm_interaction_reason or "").removeprefix("send_failed:") or None
    dm = dm_state(
        in_inbox=stored.in_inbox,
        follows_you=stored.follows_you,
        is_private=details.is_private,
        failures=stored.dm_interaction_failures,
        last_failure=last_failure,
        now=now,
    )
    story = story_state(
        following=stored.following,
        is_private=details.is_private,
        replies_disabled=None,  # not in profile bodies; learnt from a failed reply
        failures=stored.story_interaction_failures,
        now=now,
    )
    values: dict[str, Any] = {
        "display_name": details.full_name,
        "bio": details.biography,
        "external_url": details.external_url or None,
        "profile_pic_url": picture,
        "follower_count": details.follower_count,
        "following_count": details.following_count,
        "media_count": details.media_count,
        "last_post_at": details.last_post_at,
        "is_private": details.is_private,
        "is_verified": details.is_verified,
        "is_business": details.is_business,
        "category": details.category,
        "details_refreshed_at": now,
        "details_status": OK,
        "details_error": None,
        "dm_interaction_state": dm.state,
        "dm_interaction_reason": dm.reason,
        "dm_interaction_retry_after_at": dm.retry_after,
        "story_interaction_state": story.state,
        "story_interaction_reason": story.reason,
        "story_interaction_retry_after_at": story.retry_after,
        "metadata": {"instagram": details.raw},
    }
    public_fields = [(key, details.raw.get(key)) for key in ("public_email", "business_email")]
    emails = profile_emails(details.biography, [(k, v) for k, v in public_fields if isinstance(v, str)])
    values.update(
        ig_email=emails[0][0] if emails else None,
        emails=[{"address": a, "source": src} for a, src in emails] or None,
    )
    if avatar_changed:
        values.update(avatar_url_fingerprint=fingerprint, avatar_synced_at=None, avatar_skip_reason=None)
    snapshot = None
    if (
        details.follower_count is not None
        or details.following_count is not None
        or details.media_count is not None
    ):
        snapshot = {
            "captured_at": now,
            "follower_count": details.follower_count,
            "following_count": details.following_count,
            "media_count": details.media_count,
            "last_post_at": details.last_post_at,
        }
    verdict = scan_verdict(
        category=details.category,
        is_business=details.is_business,
        is_verified=details.is_verified,
        follower_count=details.follower_count,
        following_count=details.following_count,
    )
    # A person's manual tag is theirs: the rule only sets and clears the tag it set itself.
    scan_excluded = None if stored.tags.get(PROFILE_SCAN_EXCLUDED) == "manual" else verdict.excluded
    return ProfileUpdate(stored.id, values, snapshot, scan_excluded, verdict.reason, avatar_changed)
