"""One run request per registered account partition, except accounts that must not run now."""

from datetime import UTC, datetime

import dagster as dg

from ig_assets.accounts.rules import blocked_reason
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource


def account_run_requests(
    context: dg.ScheduleEvaluationContext, database: DatabaseResource
) -> dg.SkipReason | list[dg.RunRequest]:
    keys = set(account_partitions.get_partition_keys(dynamic_partitions_store=context.instance))
    if not keys:
        return dg.SkipReason("no managed accounts yet (ig-pipeline accounts add ...)")
    now = datetime.now(UTC)
    due, held = [], []
    for account in database.accounts.all():
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


def every_account_requests(context: dg.ScheduleEvaluationContext) -> dg.SkipReason | list[dg.RunRequest]:
    """One run per account partition, cooling down or not: for jobs that send nothing to Instagram."""
    keys = account_partitions.get_partition_keys(dynamic_partitions_store=context.instance)
    if not keys:
        return dg.SkipReason("no managed accounts yet")
    tick = context.scheduled_execution_time.strftime("%Y%m%dT%H%M")
    return [dg.RunRequest(partition_key=key, run_key=f"{key}:{tick}") for key in sorted(keys)]
