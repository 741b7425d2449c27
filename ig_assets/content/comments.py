"""`post_comments`: the comments under the network's busier posts, and their authors as discovered accounts."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from ig_assets.accounts.runs import instagram_client, runnable_account, sync_run
from ig_assets.discovery.rules import COMMENTS, MIN_COMMENTS, comment_write, discovered
from ig_assets.network.refresh import trigger_source
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.instagram import InstagramClientResource, MalformedResponseError, NotFoundError, ServerError
from ig_resources.records import ActionLogWrite, CommentScanWrite

from .assets import profile_posts

SCAN_COMMENTS = "scan_comments"


class PostCommentsConfig(dg.Config):
    """Posts per run (newest first) whose comments are read, all pages each."""

    batch_size: int = 50


@dg.asset(
    partitions_def=account_partitions,
    group_name="content",
    kinds={"instagram", "sql"},
    pool="instagram_api",
    deps=[profile_posts],
)
def post_comments(
    context: dg.AssetExecutionContext,
    config: PostCommentsConfig,
    database: DatabaseResource,
    instagram: InstagramClientResource,
) -> dg.MaterializeResult:
    """Comments of posts with more than five comments not read yet, or more than when they were read
    (seed 001), into `instagram_profile_post_comments`; every author becomes a `discovered_accounts`
    row with source COMMENTS (once per person, seen again on later finds, linked to the network
    profile when they already are one)."""
    account = runnable_account(database, context.partition_key)
    due = database.content.posts_needing_comments(account.id, config.batch_size, MIN_COMMENTS)
    now = datetime.now(UTC)
    source, run_id = trigger_source(context.run.tags), context.run.run_id
    write = CommentScanWrite(scanned_at=now)
    failures: Counter[str] = Counter()
    with sync_run(database, account, "post_comments", run_id) as run:
        with instagram_client(database, instagram, account) as client:
            run.client = client
            try:
                for post in due:
                    meta: dict[str, Any] = {"dagster_run_id": run_id, "shortcode": post.shortcode}
                    try:
                        comments = [c for page in client.iter_comments(post.media_pk) for c in page.comments]
                    except (NotFoundError, MalformedResponseError, ServerError) as exc:
                        failures[exc.reason] += 1
                        write.actions.append(
                            ActionLogWrite(
                                post.profile_id,
                                SCAN_COMMENTS,
                                "failed",
                                source,
                                {**meta, "reason": exc.reason, "error": str(exc)},
                            )
                        )
                        continue
                    write.comments[post.id] = [comment_write(c) for c in comments]
                    write.searched[post.id] = post.comments_count
                    write.discovered += discovered(
                        (c.user for c in comments if c.user),
                        source=COMMENTS,
                        found_from_profile_id=post.profile_id,
                        exclude={post.profile_ig_user_id, account.ig_user_id or ""},
                    )
                    write.actions.append(
                        ActionLogWrite(
                            post.profile_id,
                            SCAN_COMMENTS,
                            "succeeded",
                            source,
                            {**meta, "comments": len(comments)},
                        )
                    )
            finally:
                database.content.apply_comment_scan(account.id, write)
            requests = dict(client.requests)
        stats = {
            "posts": len(write.searched),
            "comments": sum(len(c) for c in write.comments.values()),
            "commenters_found": len({d.ig_user_id for d in write.discovered}),
            "failures": dict(failures),
            "requests_total": sum(requests.values()),
        }
        database.runs.complete(run.id, stats)
        run.committed = True
    context.log.info(f"{account.username}: {stats['comments']} comments of {stats['posts']} posts")
    return dg.MaterializeResult(
        metadata={
            **{k: v for k, v in stats.items() if k != "failures"},
            "failures": dg.MetadataValue.json(stats["failures"]),
            "requests": dg.MetadataValue.json(requests),
            "dagster/row_count": stats["comments"],
        }
    )
