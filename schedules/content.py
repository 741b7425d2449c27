"""Read the next batch of each account's profiles' posts every three hours."""

import dagster as dg

from ig_assets.content import content_job
from ig_resources.database import DatabaseResource

from .accounts import account_run_requests


@dg.schedule(
    job=content_job,
    cron_schedule="45 */3 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every three hours, per registered account, the posts of the least recently scanned profiles "
    "(profile_posts batch_size); accounts cooling down or needing a login are skipped.",
)
def content_schedule(
    context: dg.ScheduleEvaluationContext, database: DatabaseResource
) -> dg.SkipReason | list[dg.RunRequest]:
    return account_run_requests(context, database)
