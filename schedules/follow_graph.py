"""Refresh every account's follow graph on a cron, one run per account partition."""

from datetime import UTC, datetime

import dagster as dg

from ig_assets.accounts.rules import blocked_reason
from ig_assets.network import follow_graph_job
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource


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
    keys = set(account_partitions.get_partition_keys(dynamic_partitions_store=context.instance))
    if not keys:
        return dg.SkipReason("no managed accounts yet (ig-pipeline accounts add ...)")
    now = datetime.now(UTC)
    due, held = [], []
    for account in database.accounts():
        if account.username not in keys:
            continue
        reason = blocked_reason(account, now)
        (held if reason else due).append(reason or account.username)
    for reason in held:
        context.log.info(f"skipped: {reason}")
    if not due:
        return dg.SkipReason("; ".join(held) or "no registered account has a partition yet")
    tick = context.scheduled_execution_time.strftime("%Y%m%dT%H%M")
    return [dg.RunRequest(partition_key=key, run_key=f"{key}:{tick}") for key in sorted(due)]
