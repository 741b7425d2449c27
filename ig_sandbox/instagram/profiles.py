"""Profiles: `users/{pk}/info/`, `users/web_profile_info/`, `friendships/show/`, accounts like a person
(`discover/chaining/`) and what an anonymous visitor (Apify) sees."""

from __future__ import annotations

from typing import Any

from ._mix import mix64
from .feeds import FeedsMixin
from .relations import ManagedAccount


class ProfilesMixin(FeedsMixin):
    """Profile bodies in the mobile and the web vocabulary."""

    def user_info(self, pk: int | str, viewer: ManagedAccount | None = None) -> dict[str, Any] | None:
        """Body of `users/{pk}/info/`, or None when no such pk exists.

        When `viewer` reads its own profile, the self-only flags are included as in the app.
        """
        with self.lock:
            try:
                index = self.universe.index_of_pk(int(pk))
            except ValueError:
                return None
            if index is None:
                return None
            user = self._profile(index)
            if viewer is not None and viewer.index == index:
                user.update(_SELF_FLAGS)
            return {"user": user, "status": "ok"}

    def public_profile(
        self, username: str, posts_limit: int = 0
    ) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """What an anonymous visitor sees of `username` (Apify's scrapers): the profile in the mobile
        vocabulary and its newest `posts_limit` posts (none when private); None if there is no one."""
        with self.lock:
            index = self.universe.index_of_username(username)
            if index is None:
                return None
            p = self._profile(index)
            shown = 0 if p["is_private"] else min(posts_limit, int(p["media_count"]))
            return p, self._posts(index, range(shown))

    def web_profile_info(self, username: str, viewer: ManagedAccount | None = None) -> dict[str, Any] | None:
        """Body of `users/web_profile_info/?username=` (web vocabulary)."""
        with self.lock:
            index = self.universe.index_of_username(username)
            if index is None:
                return None
            p = self._profile(index)
            followed_by_viewer = viewer is not None and viewer.following.is_member(index)
            follows_viewer = viewer is not None and viewer.followers.is_member(index)
            user = {
                "id": str(p["pk"]),
                "username": p["username"],
                "full_name": p["full_name"],
                "biography": p["biography"],
                "bio_links": [
                    {"title": "", "url": link["url"], "link_type": "external"} for link in p["bio_links"]
                ],
                "external_url": p["external_url"] or None,
                "profile_pic_url": p["profile_pic_url"],
                "profile_pic_url_hd": p["hd_profile_pic_url_info"]["url"],
                "edge_followed_by": {"count": p["follower_count"]},
                "edge_follow": {"count": p["following_count"]},
                "edge_owner_to_timeline_media": {
                    "count": p["media_count"],
                    "page_info": {"has_next_page": p["media_count"] > 12, "end_cursor": None},
                    # A private profile's posts are hidden unless the viewer follows it.
                    "edges": self._recent_posts(index, p)
                    if followed_by_viewer or not p["is_private"]
                    else [],
                },
                "is_private": p["is_private"],
                "is_verified": p["is_verified"],
                "is_business_account": p["is_business"],
                "business_category_name": p["category"] if p["is_business"] else None,
                "category_name": p["category"],
                "business_email": p["public_email"] or None,
                "business_phone_number": None,
                "business_address_json": None,
                "business_contact_method": "UNKNOWN" if p["is_business"] else "",
                "overall_category_name": None,
                "category_enum": None,
                "is_professional_account": p["account_type"] != 1,
                "should_show_category": p["should_show_category"],
                "should_show_public_contacts": False,
                "followed_by_viewer": followed_by_viewer,
                "follows_viewer": follows_viewer,
                "requested_by_viewer": False,
                "blocked_by_viewer": False,
                "restricted_by_viewer": False,
                "has_blocked_viewer": False,
                "has_requested_viewer": False,
                "country_block": False,
                "external_url_linkshimmed": None,
                "fbid": str(17_841_400_000_000_000 + p["pk"]),
                "has_ar_effects": False,
                "has_clips": p["total_clips_count"] > 0,
                "has_guides": False,
                "has_channel": False,
                "hide_like_and_view_counts": False,
                "is_supervision_enabled": False,
                "is_guardian_of_viewer": False,
                "is_supervised_by_viewer": False,
                "is_embeds_disabled": False,
                "is_joined_recently": False,
                "guardian_id": None,
                "state_controlled_media_country": None,
                "transparency_label": None,
                "transparency_product": None,
                "connected_fb_page": None,
                "pronouns": [],
                "highlight_reel_count": 0,
                "edge_mutual_followed_by": {"count": 0, "edges": []},
                "edge_felix_video_timeline": {
                    "count": 0,
                    "page_info": {"has_next_page": False, "end_cursor": None},
                    "edges": [],
                },
                "edge_saved_media": {
                    "count": 0,
                    "page_info": {"has_next_page": False, "end_cursor": None},
                    "edges": [],
                },
                "edge_media_collections": {
                    "count": 0,
                    "page_info": {"has_next_page": False, "end_cursor": None},
                    "edges": [],
                },
            }
            return {"data": {"user": user}, "status": "ok"}

    def friendship(self, viewer: ManagedAccount, pk: int | str) -> dict[str, Any] | None:
        """Body of `friendships/show/{pk}/`."""
        with self.lock:
            index = self.universe.index_of_pk(int(pk))
            if index is None:
                return None
            return {
                "blocking": False,
                "followed_by": viewer.followers.is_member(index),
                "following": viewer.following.is_member(index),
                "incoming_request": False,
                "is_bestie": False,
                "is_blocking_reel": False,
                "is_muting_reel": False,
                "is_private": self.universe.summary(index)["is_private"],
                "is_restricted": False,
                "muting": False,
                "outgoing_request": False,
                "status": "ok",
            }

    def chaining(self, viewer: ManagedAccount, target_pk: int | str) -> tuple[int, dict[str, Any]]:
        """(status, body) of `discover/chaining/?target_id=`: accounts like the target, one page."""
        with self.lock:
            index = self.universe.index_of_pk(int(target_pk))
            if index is None:
                return 404, {"message": "User not found", "status": "fail"}
            p = self._profile(index)
            if p["is_private"] and not viewer.following.is_member(index) and index != viewer.index:
                return 400, {"message": "Not eligible for chaining.", "status": "fail"}
            h = mix64(self.universe._key ^ (index * 0xC2B2AE3D27D4EB4F))
            # People near the target in the universe (the same circles), the same ones on every ask.
            related = [(index + 1 + mix64(h + j) % 997) % self.universe.total for j in range(10 + h % 21)]
            users = []
            for u in dict.fromkeys(r for r in related if r != index):
                user = self.universe.summary(u)
                user["social_context"] = "Suggested for you"
                users.append(user)
            return 200, {"users": users, "is_backup": False, "status": "ok"}


# Flags Instagram only includes when a logged-in account reads its own profile (users_info_self capture).
_SELF_FLAGS: dict[str, Any] = {
    "can_link_entities_in_bio": True,
    "can_boost_post": False,
    "can_see_organic_insights": False,
    "show_insights_terms": False,
    "can_convert_to_business": True,
    "can_create_sponsor_tags": False,
    "is_allowed_to_create_standalone_personal_fundraisers": False,
    "can_create_new_standalone_personal_fundraiser": False,
    "can_be_tagged_as_sponsor": False,
    "can_see_support_inbox": False,
    "can_see_support_inbox_v1": False,
    "total_ar_effects": 0,
    "reel_auto_archive": "on",
    "is_profile_action_needed": False,
    "usertag_review_enabled": False,
    "is_needy": False,
    "has_placed_orders": False,
    "can_tag_products_from_merchants": False,
    "fbpay_experience_enabled": False,
    "show_conversion_edit_entry": True,
    "aggregate_promote_engagement": True,
    "allowed_commenter_type": "any",
    "is_video_creator": False,
    "has_profile_video_feed": False,
    "is_eligible_to_show_fb_cross_sharing_nux": True,
    "page_id_for_new_suma_biz_account": None,
    "eligible_shopping_signup_entrypoints": [],
    "can_be_reported_as_fraud": False,
    "linked_fb_info": None,
    "can_see_primary_country_in_settings": False,
    "personal_account_ads_page_name": None,
    "personal_account_ads_page_id": None,
    "include_direct_blacklist_status": True,
    "can_follow_hashtag": True,
    "is_potential_business": False,
    "show_post_insights_entry_point": False,
    "feed_post_reshare_disabled": False,
    "besties_count": 0,
    "show_besties_badge": True,
    "recently_bestied_by_count": 0,
    "nametag": {"mode": 0, "gradient": 2, "emoji": "\U0001f600", "selfie_sticker": 0},
    "existing_user_age_collection_enabled": True,
    "about_your_account_bloks_entrypoint_enabled": False,
    "auto_expand_chaining": False,
    "highlight_reshare_disabled": False,
    "is_memorialized": False,
    "open_external_url_with_in_app_browser": True,
}
