"""Checks that read back what `follow_graph` stored (the shrink guard lives in the asset itself)."""

import dagster as dg

from ig_resources.database import DatabaseResource

from .assets import follow_graph


@dg.asset_check(
    asset=follow_graph, description="Keys that seed 004 declares unique are unique for this account."
)
def follow_graph_unique_keys(
    context: dg.AssetCheckExecutionContext, database: DatabaseResource
) -> dg.AssetCheckResult:
    account = database.accounts.get(context.partition_key)
    duplicates = database.graph.duplicate_keys(account.id)
    return dg.AssetCheckResult(
        passed=not any(duplicates.values()),
        metadata=dict(duplicates.items()),
    )


@dg.asset_check(
    asset=follow_graph,
    description="Stored follower, following and mutual flags equal what the last good sync fetched.",
)
def follow_graph_flags_consistent(
    context: dg.AssetCheckExecutionContext, database: DatabaseResource
) -> dg.AssetCheckResult:
    account = database.accounts.get(context.partition_key)
    last = database.runs.last(account.id, "follow_graph", status="succeeded")
    if last is None or not last.stats_json:
        return dg.AssetCheckResult(passed=False, metadata={"reason": "no successful follow-graph sync yet"})
    stored = database.graph.network_counts(account.id)
    fetched = last.stats_json
    mismatches = {
        name: f"stored {got:,}, fetched {fetched[name]:,}"
        for name, got in (
            ("followers", stored.followers),
            ("following", stored.following),
            ("mutuals", stored.mutuals),
        )
        if got != fetched[name]
    }
    return dg.AssetCheckResult(
        passed=not mismatches,
        metadata={
            "followers": stored.followers,
            "following": stored.following,
            "mutuals": stored.mutuals,
            "sync_run_id": last.id,
            **({"mismatches": dg.MetadataValue.json(mismatches)} if mismatches else {}),
        },
    )
