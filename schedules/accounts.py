"""Schedules that ask for one run per managed account, from one builder."""

from datetime import UTC, datetime
from typing import Any

import dagster as dg

from ig_assets.accounts.rules import TRIGGER_TAG, blocked_reason
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource


def _requests(context: dg.ScheduleEvaluationContext, keys: list[str]) -> list[dg.RunRequest]:
    tick = context.scheduled_execution_time.strftime("%Y%m%dT%H%M")
    return [
        dg.RunRequest(partition_key=key, run_key=f"{key}:{tick}", tags={TRIGGER_TAG: "schedule"})
        for key in sorted(keys)
    ]


def account_run_requests(
    context: dg.ScheduleEvaluationContext, database: DatabaseResource
) -> dg.SkipReason | list[dg.RunRequest]:
    """One run per account partition, except accounts that must not send anything now."""
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
    return _requests(context, due)


def every_account_requests(context: dg.ScheduleEvaluationContext) -> dg.SkipReason | list[dg.RunRequest]:
    """One run per account partition, cooling down or not: for jobs that send nothing to Instagram."""
    keys = account_partitions.get_partition_keys(dynamic_partitions_store=context.instance)
    if not keys:
        return dg.SkipReason("no managed accounts yet")
    return _requests(context, keys)


def account_schedule(
    job: Any, cron: str, description: str, *, sends_to_instagram: bool = True
) -> dg.ScheduleDefinition:
    """`<job>_schedule` (without `_job`): one run per account on `cron` (UTC), running by default.
    A job that sends to Instagram skips the accounts cooling down or needing a login."""
    # A custom schedule: build_schedule_from_partitioned_job rejects dynamic partitions.
    name = job.name.removesuffix("_job") + "_schedule"
    settings = {
        "name": name,
        "job": job,
        "cron_schedule": cron,
        "execution_timezone": "UTC",
        "default_status": dg.DefaultScheduleStatus.RUNNING,
        "description": description,
    }
    if sends_to_instagram:

        @dg.schedule(**settings)
        def guarded(
            context: dg.ScheduleEvaluationContext, database: DatabaseResource
        ) -> dg.SkipReason | list[dg.RunRequest]:
            return account_run_requests(context, database)

        return guarded

    @dg.schedule(**settings)
    def every(context: dg.ScheduleEvaluationContext) -> dg.SkipReason | list[dg.RunRequest]:
        return every_account_requests(context)

    return every
