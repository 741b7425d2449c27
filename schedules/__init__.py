"""Every schedule of ig-pipeline: one run per managed account of a domain's job, on a cron (UTC)."""

from ig_assets.content.jobs import content_job, story_retention_job
from ig_assets.faces.jobs import faces_job
from ig_assets.insights.jobs import insights_job
from ig_assets.network.jobs import follow_graph_job, profile_refresh_job

from .accounts import account_schedule

follow_graph_schedule = account_schedule(
    follow_graph_job,
    "0 */6 * * *",
    "One follow_graph run per registered account every six hours, except accounts that are "
    "cooling down or need a new login.",
)
profile_refresh_schedule = account_schedule(
    profile_refresh_job,
    "30 * * * *",
    "Every hour, per registered account, the least recently refreshed profiles (profile_details "
    "batch_size) and their changed avatars; accounts cooling down or needing a login are skipped.",
)
content_schedule = account_schedule(
    content_job,
    "45 */3 * * *",
    "Every three hours, per registered account, the posts of the least recently scanned profiles "
    "(profile_posts batch_size); accounts cooling down or needing a login are skipped.",
)
faces_schedule = account_schedule(
    faces_job,
    "15 1-23/3 * * *",
    "Every three hours, half an hour after content_schedule, per registered account: the faces "
    "in newly stored post files and the people of the profiles they belong to.",
)
story_retention_schedule = account_schedule(
    story_retention_job,
    "30 4 * * *",
    "Daily, per account (cooling down or not: nothing is sent to Instagram): the files of stories "
    "expired longer than the retention period, and the vectors of people marked 'do not track'.",
    sends_to_instagram=False,
)
insights_schedule = account_schedule(
    insights_job,
    "40 2-23/6 * * *",
    "Every six hours, per account (cooling down or not: nothing is sent to Instagram): post and "
    "profile insights, strategies, demographics, behaviour and history of what changed since the last run.",
    sends_to_instagram=False,
)

__all__ = [
    "content_schedule",
    "faces_schedule",
    "follow_graph_schedule",
    "insights_schedule",
    "profile_refresh_schedule",
    "story_retention_schedule",
]
