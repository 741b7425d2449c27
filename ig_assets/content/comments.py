"""`post_comments`: the comments under the network's busier posts, and their authors as discovered
accounts."""

from collections import Counter
from datetime import UTC, datetime

import dagster as dg

from ig_assets.accounts.session import account_session
from ig_assets.discovery.rules import COMMENTS, MIN_COMMENTS, comment_write, discovered
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.instagram import InstagramClientResource, MalformedResponseError, NotFoundError, ServerError
from ig_resources.records import CommentScanWrite

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
    with account_session(context, database, instagram) as session:
        account = session.account
        due = database.content.posts_needing_comments(account.id, config.batch_size, MIN_COMMENTS)
        write = CommentScanWrite(scanned_at=datetime.now(UTC))
        failures: Counter[str] = Counter()
        try:
            for post in due:
                shortcode = post.shortcode
                try:
                    pages = session.client.iter_comments(post.media_pk)
                    comments = [c for page in pages for c in page.comments]
                except (NotFoundError, MalformedResponseError, ServerError) as exc:
                    failures[exc.reason] += 1
                    write.actions.append(
                        session.action(
                            post.profile_id,
                            SCAN_COMMENTS,
                            "failed",
                            shortcode=shortcode,
                            reason=exc.reason,
                            error=str(exc),
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
                    session.action(
                        post.profile_id,
                        SCAN_COMMENTS,
                        "succeeded",
                        shortcode=shortcode,
                        comments=len(comments),
                    )
                )
        finally:
            database.content.apply_comment_scan(account.id, write)
        stats = session.complete(
            {
                "posts": len(write.searched),
                "comments": sum(len(c) for c in write.comments.values()),
                "commenters_found": len({d.ig_user_id for d in write.discovered}),
                "failures": dict(failures),
            }
        )
    context.log.info(f"{account.username}: {stats['comments']} comments of {stats['posts']} posts")
    return dg.MaterializeResult(
        metadata={
            **{k: v for k, v in stats.items() if not isinstance(v, dict)},
            "failures": dg.MetadataValue.json(stats["failures"]),
            "dagster/row_count": stats["comments"],
        }
    )
