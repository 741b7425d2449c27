"""`discovered_accounts`: people around each account's network, from Instagram's related accounts and
from commenters (seed 001's discovery; its clone service and e-mail sequences are out of scope), and
`account_metrics`: seed 002's engagement, growth and score of the network."""

from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandas as pd

from ig_assets.accounts.session import account_session, known_account
from ig_assets.content.assets import profile_posts
from ig_assets.content.comments import post_comments
from ig_assets.network.profiles import profile_details
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.instagram import InstagramClientResource, MalformedResponseError, NotFoundError, ServerError
from ig_resources.records import ActionLogWrite, DiscoveryWrite

from .charts import follower_history, history_markdown
from .metrics import MetricsPolicy, account_summary, profile_metrics
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
    with account_session(context, database, instagram) as session:
        account = session.account
        seeds = database.discovery.profiles_to_chain(account.id, config.batch_size)
        found: list[DiscoveryWrite] = []
        actions: list[ActionLogWrite] = []
        scanned: list[int] = []
        try:
            for profile_id, ig_user_id in seeds:
                scanned.append(profile_id)
                try:
                    related = session.client.related_accounts(ig_user_id)
                except (NotFoundError, MalformedResponseError, ServerError) as exc:
                    actions.append(session.action(profile_id, FIND_RELATED, "failed", reason=exc.reason))
                    continue
                people = discovered(
                    related,
                    source=RELATED,
                    found_from_profile_id=profile_id,
                    exclude={ig_user_id, account.ig_user_id or ""},
                )
                found += people
                actions.append(session.action(profile_id, FIND_RELATED, "succeeded", found=len(people)))
        finally:
            database.discovery.apply_related_scan(account.id, scanned, found, actions)
        summary = database.discovery.summary(account.id)
        stats = session.complete(
            {"seeds": len(scanned), "related_found": len({d.ig_user_id for d in found}), "by_source": summary}
        )
    lines = ["| source | people | already in the network |", "|---|---:|---:|"]
    lines += [f"| {src} | {n['found']:,} | {n['in_network']:,} |" for src, n in sorted(summary.items())]
    return dg.MaterializeResult(
        metadata={
            **{k: v for k, v in stats.items() if not isinstance(v, dict)},
            "by_source": dg.MetadataValue.md("\n".join(lines)),
            "dagster/row_count": sum(n["found"] for n in summary.values()),
        }
    )


class AccountMetricsConfig(dg.Config):
    """The windows of seed 002's metrics (see `MetricsPolicy` for their meaning)."""

    engagement_posts: int = MetricsPolicy.engagement_posts
    history_days: int = MetricsPolicy.history_days
    min_history_days: float = MetricsPolicy.min_history_days
    projection_days: int = MetricsPolicy.projection_days


@dg.asset(
    partitions_def=account_partitions,
    group_name="discovery",
    kinds={"pandas", "sql"},
    deps=[profile_details, profile_posts],
)
def account_metrics(
    context: dg.AssetExecutionContext, config: AccountMetricsConfig, database: DatabaseResource
) -> dg.MaterializeResult:
    """Seed 002's engagement rate, growth rate, projected growth and overall score of every profile
    of the account's network (`instagram_profile_metrics`, replaced each run) and of the network as a
    whole (`instagram_account_metrics`, one row per run), computed with pandas over the partition at
    once; the formulas are in `ig_assets.discovery.metrics`. Shows the follower history of the most
    followed profiles as a chart. Reads only the database: no request to Instagram."""
    account = known_account(database, context.partition_key)
    policy = MetricsPolicy(**config.model_dump())
    profiles, posts, snapshots = database.discovery.metrics_inputs(account.id)
    now = datetime.now(UTC)
    metrics = profile_metrics(profiles, posts, snapshots, now, policy)
    summary = account_summary(metrics)
    usernames = profiles.set_index("profile_id")["username"]
    top = metrics.assign(username=metrics["profile_id"].map(usernames)).nlargest(10, "score")
    database.discovery.apply_metrics(
        account.id, now, _records(metrics), summary, {"top_profiles": _records(top)}
    )
    history = follower_history(snapshots, usernames)
    return dg.MaterializeResult(
        metadata={
            **{k: v for k, v in summary.items() if v is not None},
            "top_profiles": dg.MetadataValue.md(_top_table(top)),
            "follower_history": dg.MetadataValue.md(
                history_markdown(history, f"Follower history around @{account.username}")
            ),
            "dagster/row_count": len(metrics),
        }
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows with NaN as None and numpy scalars as Python ones (JSON and the database take neither)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in clean.to_dict("records")
    ]


def _top_table(top: pd.DataFrame) -> str:
    def pct(x: float) -> str:
        return "–" if pd.isna(x) else f"{x:.2%}"

    lines = [
        "| profile | followers | engagement | growth / 30 d | projected | score |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| @{r.username} | {0 if pd.isna(r.follower_count) else int(r.follower_count):,} "
        f"| {pct(r.engagement_rate)} | {pct(r.growth_rate_30d)} "
        f"| {'–' if pd.isna(r.projected_followers) else f'{r.projected_followers:,.0f}'} "
        f"| {'–' if pd.isna(r.score) else f'{r.score:.1f}'} |"
        for r in top.itertuples()
    ]
    return "\n".join(lines)
