"""Faces of newly stored post files every three hours (after `content_schedule` stored them), and the
daily retention purge of expired story files."""

import dagster as dg

from ig_assets.content import story_retention_job
from ig_assets.faces import faces_job
from ig_resources.database import DatabaseResource

from .accounts import account_run_requests, every_account_requests


@dg.schedule(
    job=faces_job,
    cron_schedule="15 1-23/3 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every three hours, half an hour after content_schedule, per registered account: the faces "
    "in newly stored post files and the people of the profiles they belong to.",
)
def faces_schedule(
    context: dg.ScheduleEvaluationContext, database: DatabaseResource
) -> dg.SkipReason | list[dg.RunRequest]:
    return account_run_requests(context, database)


@dg.schedule(
    job=story_retention_job,
    cron_schedule="30 4 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily, per account (cooling down or not: nothing is sent to Instagram): the files of stories "
    "expired longer than the retention period, and the vectors of people marked 'do not track'.",
)
def story_retention_schedule(context: dg.ScheduleEvaluationContext) -> dg.SkipReason | list[dg.RunRequest]:
    return every_account_requests(context)
