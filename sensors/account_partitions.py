"""Keeps the `instagram_accounts` dynamic partitions equal to the managed accounts in the database."""

import dagster as dg

from ig_assets.network.jobs import follow_graph_job
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource


@dg.sensor(
    job=follow_graph_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Adds a partition for each registered account (and syncs its follow graph once), "
    "removes the partitions of removed accounts, in one tick.",
)
def account_partitions_sensor(
    context: dg.SensorEvaluationContext, database: DatabaseResource
) -> dg.SensorResult:
    wanted = {a.username for a in database.accounts.all()}
    have = set(account_partitions.get_partition_keys(dynamic_partitions_store=context.instance))
    added, removed = sorted(wanted - have), sorted(have - wanted)
    if not added and not removed:
        return dg.SensorResult(skip_reason=f"{len(have)} account partitions match the database")
    requests = []
    if added:
        requests.append(account_partitions.build_add_request(added))
    if removed:
        requests.append(account_partitions.build_delete_request(removed))
    context.log.info(f"adding {added or 'none'}, removing {removed or 'none'}")
    # The daemon applies the partition requests before launching runs, so new accounts sync at once.
    return dg.SensorResult(
        run_requests=[dg.RunRequest(partition_key=key, run_key=f"registered:{key}") for key in added],
        dynamic_partitions_requests=requests,
    )


def apply_partition_requests(instance: dg.DagsterInstance, result: dg.SensorResult) -> None:
    """Apply a tick's partition requests to the instance, as the daemon does (for the demo and tests,
    which evaluate the sensor without a daemon)."""
    for request in result.dynamic_partitions_requests or []:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
