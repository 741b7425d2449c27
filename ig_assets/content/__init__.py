"""Content: the posts of each account's network, read incrementally."""

from .assets import content_job, profile_posts

assets = [profile_posts]
jobs = [content_job]

__all__ = ["assets", "content_job", "jobs", "profile_posts"]
