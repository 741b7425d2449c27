"""The content domain's Dagster definitions."""

import dagster as dg

from schedules import content_schedule, story_retention_schedule

from .assets import profile_posts
from .comments import post_comments
from .jobs import content_job, story_retention_job
from .media import post_media
from .stories import stories, story_retention

defs = dg.Definitions(
    assets=[profile_posts, post_comments, post_media, stories, story_retention],
    jobs=[content_job, story_retention_job],
    schedules=[content_schedule, story_retention_schedule],
)
