"""Refresh the next batch of each account's profiles every hour: the whole network over a day or two."""

import dagster as dg

from ig_assets.network import profile_refresh_job
from ig_resources.database import DatabaseResource

from .accounts import account_run_requests


@dg.schedule(
    job=profile_refresh_job,
    cron_schedule="30 * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every hour, per registered account, the least recently refreshed profiles (profile_details "
    "batch_size) and their changed avatars; accounts cooling down or needing a login are skipped.",
)
def profile_refresh_schedule(
    context: dg.ScheduleEvaluationContext, database: DatabaseResource
) -> dg.SkipReason | list[dg.RunRequest]:
    return account_run_requests(context, database)
