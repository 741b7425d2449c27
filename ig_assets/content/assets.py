"""`profile_posts`: the posts of each account's network, read incrementally (seed 004 posts, seed 001
languages)."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from ig_assets.accounts.session import account_session
from ig_assets.network.profiles import profile_details
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.instagram import InstagramClientResource, MalformedResponseError, NotFoundError, ServerError
from ig_resources.instagram.apify import ApifyInstagramClient
from ig_resources.languages import caption_languages, primary_language
from ig_resources.records import PostScanWrite

from .rules import OVERLAP, FeedRead, post_write, read_until_known, skip_reason

SCAN_POSTS = "scan_posts"


class ProfilePostsConfig(dg.Config):
    """Profiles per run (least recently scanned first), how many known posts each scan re-reads to
    refresh counts, how far back the first scan of a profile goes (pages of 12), and whether caption
    languages are detected in lingua's low-accuracy mode (about ten times faster, a tenth of the
    memory, less sure on very short captions)."""

    batch_size: int = 100
    overlap: int = OVERLAP
    first_scan_pages: int = 5
    low_accuracy_languages: bool = False


@dg.asset(
    partitions_def=account_partitions,
    group_name="content",
    kinds={"instagram", "sql"},
    pool="instagram_api",
    deps=[profile_details],
)
def profile_posts(
    context: dg.AssetExecutionContext,
    config: ProfilePostsConfig,
    database: DatabaseResource,
    instagram: InstagramClientResource,
    apify: ApifyInstagramClient,
) -> dg.MaterializeResult:
    """Posts of a batch of the network's profiles (`instagram_profile_posts`): newest first, stopping
    at posts already stored, so an unchanged profile costs one request; the known posts read on the
    way get fresh like/comment counts. Page-like, private-not-followed and post-less profiles are
    skipped with the reason; each caption gets its language and each profile a primary language."""
    with account_session(context, database, instagram, apify=apify) as session:
        account = session.account
        due = database.content.posts_to_scan(account.id, config.batch_size)
        known = database.content.known_shortcodes([p.id for p in due])
        write = PostScanWrite(scanned_at=datetime.now(UTC))
        reads: dict[int, FeedRead] = {}
        try:
            for profile in due:
                if reason := skip_reason(profile):
                    write.outcomes[profile.id] = reason
                    write.actions.append(session.action(profile.id, SCAN_POSTS, "skipped", reason=reason))
                    continue
                stored = known.get(profile.id, set())
                try:
                    read = read_until_known(
                        session.client.iter_user_feed(profile.ig_user_id, profile.username),
                        stored,
                        config.overlap,
                        None if stored else config.first_scan_pages,
                    )
                except (NotFoundError, MalformedResponseError, ServerError) as exc:
                    # private_account (not followed after all), not_found, malformed_response, server_error
                    write.outcomes[profile.id] = exc.reason
                    write.actions.append(
                        session.action(profile.id, SCAN_POSTS, "failed", reason=exc.reason, error=str(exc))
                    )
                    continue
                reads[profile.id] = read
                write.outcomes[profile.id] = "ok"
                write.actions.append(
                    session.action(
                        profile.id,
                        SCAN_POSTS,
                        "succeeded",
                        new=read.new,
                        refreshed=len(read.posts) - read.new,
                        pages=read.pages,
                    )
                )
        finally:
            # Whatever was read before an account-level stop is stored.
            _attach_posts(write, reads, config.low_accuracy_languages)
            database.content.apply_post_scan(account.id, write)
        languages = database.content.caption_languages_of(list(reads))
        primary = {pid: primary_language(langs) for pid, langs in languages.items()}
        database.content.set_primary_languages(primary)
        stats = session.complete(_stats(write, reads, session.requests))
    names = {p.id: p.username for p in due}
    context.log.info(f"{account.username}: {stats['posts_new']} new posts from {stats['scanned']} profiles")
    caption_languages = Counter(p.caption_lang or "unknown" for posts in write.posts.values() for p in posts)
    return dg.MaterializeResult(
        metadata={
            **{k: v for k, v in stats.items() if not isinstance(v, dict)},
            "skipped": dg.MetadataValue.json(stats["skipped"]),
            "caption_languages": dg.MetadataValue.json(dict(caption_languages.most_common())),
            "preview": dg.MetadataValue.md(_preview(names, reads, primary, write)),
            "dagster/row_count": stats["posts_new"] + stats["posts_refreshed"],
        }
    )


def _attach_posts(write: PostScanWrite, reads: dict[int, FeedRead], low_accuracy: bool) -> None:
    """The read posts as rows, each caption with its language (one batched detection call)."""
    order = [(pid, post) for pid, read in reads.items() for post in read.posts]
    languages = caption_languages([post.caption_text for _, post in order], low_accuracy=low_accuracy)
    for (pid, post), language in zip(order, languages, strict=True):
        write.posts.setdefault(pid, []).append(post_write(post, language))


def _stats(write: PostScanWrite, reads: dict[int, FeedRead], requests: dict[str, int]) -> dict[str, Any]:
    outcomes = Counter(write.outcomes.values())
    scanned = len(reads)
    new = sum(r.new for r in reads.values())
    return {
        "scanned": scanned,
        "skipped": {k: v for k, v in outcomes.items() if k != "ok"},
        "posts_new": new,
        "posts_refreshed": sum(len(r.posts) for r in reads.values()) - new,
        "requests_per_scanned_profile": round(sum(requests.values()) / max(1, scanned), 3),
    }


def _preview(
    names: dict[int, str], reads: dict[int, FeedRead], primary: dict[int, str | None], write: PostScanWrite
) -> str:
    lines = ["| profile | outcome | new | refreshed | pages | language |", "|---|---|---:|---:|---:|---|"]
    for pid, outcome in list(write.outcomes.items())[:20]:
        read = reads.get(pid)
        row = f"{read.new} | {len(read.posts) - read.new} | {read.pages}" if read else " | | "
        lines.append(f"| {names.get(pid, pid)} | {outcome} | {row} | {primary.get(pid) or ''} |")
    return "\n".join(lines)
