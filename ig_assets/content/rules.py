"""Content rules (seed 001/004): whose feed is read, where an incremental read stops, what a post stores.

Pure functions; the asset fetches and the database resource writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ig_assets.network.scan_policy import PROFILE_SCAN_EXCLUDED
from ig_resources.instagram.models import FeedPage, Post
from ig_resources.records import PostScanCandidate, PostWrite
from ig_resources.urls import url_fingerprint

#: known posts read again on every scan so that edited like/comment counts are refreshed
OVERLAP = 3
PERMALINK = "https://www.instagram.com/p/{}/"


def skip_reason(profile: PostScanCandidate) -> str | None:
    """Why a profile's feed is not read, or None to read it.

    - `profile_scan_excluded`: a page-like account (scan policy) or excluded by a person.
    - `private_not_followed`: Instagram shows a private feed only to followers.
    - `no_posts`: the profile reports no posts (a known zero; unknown counts are read).
    """
    if PROFILE_SCAN_EXCLUDED in profile.tags:
        return PROFILE_SCAN_EXCLUDED
    if profile.is_private and not profile.following:
        return "private_not_followed"
    if profile.media_count == 0:
        return "no_posts"
    return None


@dataclass
class FeedRead:
    posts: list[Post] = field(default_factory=list)
    pages: int = 0
    new: int = 0


def read_until_known(
    pages: Iterator[FeedPage], known: set[str], overlap: int = OVERLAP, max_pages: int | None = None
) -> FeedRead:
    """Newest first, page by page, until `overlap` already-stored posts were seen, the feed ends, or
    `max_pages` were read (a first scan of a long history stops there; later scans go back no further).

    The known posts read on the way are kept too: their counts are refreshed. An unchanged profile
    whose first page holds `overlap` known posts costs exactly one request.
    """
    read = FeedRead()
    seen_known = 0
    for page in pages:
        read.pages += 1
        for post in page.items:
            read.posts.append(post)
            if post.code in known:
                seen_known += 1
            else:
                read.new += 1
        if seen_known >= overlap or (seen_known and len(known) <= seen_known):
            break
        if max_pages is not None and read.pages >= max_pages:
            break
    return read


def post_write(post: Post, caption_lang: str | None) -> PostWrite:
    """The stored form of a post: the main picture (a carousel's first child, a video's file) and its
    fingerprint, counts, caption and the raw item."""
    first = post.carousel[0] if post.carousel else post
    source = first.video_url or first.image_url
    return PostWrite(
        shortcode=post.code,
        media_pk=post.pk,
        media_type=post.media_type,
        product_type=post.product_type,
        permalink=PERMALINK.format(post.code),
        source_media_url=source,
        media_url_fingerprint=url_fingerprint(source),
        caption=post.caption_text,
        caption_lang=caption_lang,
        likes_count=post.like_count,
        comments_count=post.comment_count,
        play_count=post.play_count,
        taken_at=post.taken_at,
        metadata={"instagram": post.raw, "carousel_count": len(post.carousel)},
    )


def captions(posts: Iterable[Post]) -> list[str | None]:
    return [p.caption_text for p in posts]
