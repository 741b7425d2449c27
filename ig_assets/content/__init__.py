"""Content: the posts of each account's network, read incrementally."""

from .assets import content_job, profile_posts
from .comments import post_comments
from .media import post_media

assets = [profile_posts, post_comments, post_media]
jobs = [content_job]

__all__ = ["assets", "content_job", "jobs", "post_comments", "post_media", "profile_posts"]
