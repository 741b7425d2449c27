"""Refresh every account's follow graph on a cron, one run per account partition."""

import dagster as dg

from ig_assets.network import follow_graph_job
from ig_resources.database import DatabaseResource

from .accounts import account_run_requests


# A custom schedule: build_schedule_from_partitioned_job rejects dynamic partitions.
@dg.schedule(
    job=follow_graph_job,
    cron_schedule="0 */6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="One follow_graph run per registered account every six hours, except accounts that are "
    "cooling down or need a new login.",
)
def follow_graph_schedule(
    context: dg.ScheduleEvaluationContext, database: DatabaseResource
) -> dg.SkipReason | list[dg.RunRequest]:
    return account_run_requests(context, database)
