"""`discovered_accounts`: people around each account's network, from Instagram's related accounts and
from commenters (seed 001's discovery; its clone service and e-mail sequences are out of scope)."""

from typing import Any

import dagster as dg

from ig_assets.accounts.runs import runnable_account, sync_run
from ig_assets.content.comments import post_comments
from ig_assets.network.refresh import trigger_source
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.database.records import ActionLogWrite, DiscoveryWrite
from ig_resources.instagram import InstagramClientResource, MalformedResponseError, NotFoundError, ServerError

from .rules import RELATED, discovered

FIND_RELATED = "find_related"


class DiscoveredAccountsConfig(dg.Config):
    """Network profiles per run whose related accounts are asked for (never asked first)."""

    batch_size: int = 50


@dg.asset(
    partitions_def=account_partitions,
    group_name="discovery",
    kinds={"instagram", "sql"},
    pool="instagram_api",
    deps=[post_comments],
)
def discovered_accounts(
    context: dg.AssetExecutionContext,
    config: DiscoveredAccountsConfig,
    database: DatabaseResource,
    instagram: InstagramClientResource,
) -> dg.MaterializeResult:
    """Related accounts (`discover/chaining`) of a batch of the network's profiles, as
    `discovered_accounts` rows with source RELATED and the profile they were found from, beside the
    commenters `post_comments` found (source COMMENTS). Each person once per source, seen again on
    later finds, linked to their profile when already in the network. A new account's first run
    starts from its own mutuals and followings: no manual seeding (seed 001's cold start)."""
    account = runnable_account(database, context.partition_key)
    seeds = database.profiles_to_chain(account.id, config.batch_size)
    source, run_id = trigger_source(context.run.tags), context.run.run_id
    found: list[DiscoveryWrite] = []
    actions: list[ActionLogWrite] = []
    scanned: list[int] = []
    with sync_run(database, account, "discovered_accounts", run_id) as run:
        with instagram.open(database.session_cookies(account), account.user_agent,
                            budgets=database.budget_store(account.id)) as client:
            run.client = client
            try:
                for profile_id, ig_user_id in seeds:
                    meta: dict[str, Any] = {"dagster_run_id": run_id}
                    scanned.append(profile_id)
                    try:
                        related = client.related_accounts(ig_user_id)
                    except (NotFoundError, MalformedResponseError, ServerError) as exc:
                        actions.append(ActionLogWrite(profile_id, FIND_RELATED, "failed", source,
                                                      {**meta, "reason": exc.reason}))
                        continue
                    people = discovered(related, source=RELATED, found_from_profile_id=profile_id,
                                        exclude={ig_user_id, account.ig_user_id or ""})
                    found += people
                    actions.append(ActionLogWrite(profile_id, FIND_RELATED, "succeeded", source, {**meta, "found": len(people)}))
            finally:
                database.apply_related_scan(account.id, scanned, found, actions)
            requests = dict(client.requests)
        summary = database.discovered_summary(account.id)
        stats = {"seeds": len(scanned), "related_found": len({d.ig_user_id for d in found}),
                 "requests_total": sum(requests.values())}
        database.complete_sync_run(run.id, {**stats, "by_source": summary})
        run.committed = True
    lines = ["| source | people | already in the network |", "|---|---:|---:|"]
    lines += [f"| {src} | {n['found']:,} | {n['in_network']:,} |" for src, n in sorted(summary.items())]
    return dg.MaterializeResult(metadata={
        **stats,
        "by_source": dg.MetadataValue.md("\n".join(lines)),
        "requests": dg.MetadataValue.json(requests),
        "dagster/row_count": sum(n["found"] for n in summary.values()),
    })
