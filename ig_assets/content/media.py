"""`post_media`: each stored post's picture or video in the content-addressed store, under the trust
policy."""

from collections import Counter

import dagster as dg

from ig_assets.accounts.rules import trigger_source
from ig_assets.accounts.session import known_account
from ig_assets.network.profiles import download_media
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.media import MediaStore
from ig_resources.records import MediaResult

from .assets import profile_posts

DOWNLOAD_POST_MEDIA = "download_post_media"


class PostMediaConfig(dg.Config):
    batch_size: int = 300


@dg.asset(
    partitions_def=account_partitions, group_name="content", kinds={"instagram", "sql"}, deps=[profile_posts]
)
def post_media(
    context: dg.AssetExecutionContext, config: PostMediaConfig, database: DatabaseResource, media: MediaStore
) -> dg.MaterializeResult:
    """The main picture (a carousel's first, a video's file) of posts not stored yet, newest first,
    into the media store; a file another post already stored (same `media_url_fingerprint`) is not
    downloaded again. Refusals of the trust policy or the store are recorded with their reason."""
    account = known_account(database, context.partition_key)
    due = database.content.posts_needing_media(account.id, config.batch_size)
    # A file another post already stored (same fingerprint) is not fetched again.
    reused = [MediaResult(c.id, "succeeded", None, c.stored_sha256) for c in due if c.stored_sha256]
    with media.downloader() as downloader:
        results, actions = download_media(
            downloader,
            [c for c in due if not c.stored_sha256],
            DOWNLOAD_POST_MEDIA,
            trigger_source(context.run.tags),
            context.run.run_id,
            item_key="post_id",
        )
    results += reused
    database.content.apply_post_media(account.id, results, actions)
    outcomes = Counter("stored" if r.sha256 else f"{r.status}:{r.reason}" for r in results)
    return dg.MaterializeResult(
        metadata={
            "candidates": len(due),
            "downloads": downloader.downloads,
            "reused": len(reused),
            "outcomes": dg.MetadataValue.json(dict(outcomes)),
            "dagster/row_count": outcomes["stored"],
        }
    )
