"""Refresh every account's follow graph on a cron, one run per account partition."""

import dagster as dg

from ig_assets.network import follow_graph_job
from ig_assets.partitions import account_partitions


# A custom schedule: build_schedule_from_partitioned_job rejects dynamic partitions.
@dg.schedule(
    job=follow_graph_job,
    cron_schedule="0 */6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="One follow_graph run per registered account every six hours.",
)
def follow_graph_schedule(context: dg.ScheduleEvaluationContext) -> dg.SkipReason | list[dg.RunRequest]:
    keys = account_partitions.get_partition_keys(dynamic_partitions_store=context.instance)
    if not keys:
        return dg.SkipReason("no managed accounts yet (ig-pipeline accounts add ...)")
    tick = context.scheduled_execution_time.strftime("%Y%m%dT%H%M")
    return [dg.RunRequest(partition_key=key, run_key=f"{key}:{tick}") for key in sorted(keys)]
