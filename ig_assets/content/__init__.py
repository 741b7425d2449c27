"""Content: the posts and stories of each account's network, read incrementally."""

import dagster as dg

from .assets import content_job, profile_posts
from .comments import post_comments
from .media import post_media
from .stories import stories, story_retention

#: expired story files let go, daily
story_retention_job = dg.define_asset_job(
    "story_retention_job", selection=dg.AssetSelection.assets("story_retention")
)

assets = [profile_posts, post_comments, post_media, stories, story_retention]
jobs = [content_job, story_retention_job]

__all__ = [
    "assets",
    "content_job",
    "jobs",
    "post_comments",
    "post_media",
    "profile_posts",
    "stories",
    "story_retention",
    "story_retention_job",
]
