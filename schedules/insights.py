"""The insights of every account every six hours, after the content, faces and stories runs."""

import dagster as dg

from ig_assets.insights import insights_job

from .accounts import every_account_requests


@dg.schedule(
    job=insights_job,
    cron_schedule="40 2-23/6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every six hours, per account (cooling down or not: nothing is sent to Instagram): post and "
    "profile insights, strategies, demographics, behaviour and history of what changed since the last run.",
)
def insights_schedule(context: dg.ScheduleEvaluationContext) -> dg.SkipReason | list[dg.RunRequest]:
    return every_account_requests(context)
