"""`post_media`: each stored post's picture or video in the content-addressed store, under the trust policy."""

from collections import Counter

import dagster as dg

from ig_assets.accounts.runs import known_account
from ig_assets.network.profiles import download_under_policy
from ig_assets.network.refresh import trigger_source
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.database.records import ActionLogWrite, MediaResult, PostMediaCandidate
from ig_resources.media import MediaDownloader, MediaStore

from .assets import profile_posts

DOWNLOAD_POST_MEDIA = "download_post_media"


class PostMediaConfig(dg.Config):
    batch_size: int = 300


@dg.asset(partitions_def=account_partitions, group_name="content", kinds={"instagram", "sql"}, deps=[profile_posts])
def post_media(
    context: dg.AssetExecutionContext, config: PostMediaConfig, database: DatabaseResource, media: MediaStore
) -> dg.MaterializeResult:
    """The main picture (a carousel's first, a video's file) of posts not stored yet, newest first,
    into the media store; a file another post already stored (same `media_url_fingerprint`) is not
    downloaded again. Refusals of the trust policy or the store are recorded with their reason."""
    account = known_account(database, context.partition_key)
    due = database.posts_needing_media(account.id, config.batch_size)
    with media.downloader() as downloader:
        results, actions = store_post_media(downloader, due, trigger_source(context.run.tags), context.run.run_id)
    database.apply_post_media(account.id, results, actions)
    outcomes = Counter("stored" if r.sha256 else f"{r.status}:{r.reason}" for r in results)
    return dg.MaterializeResult(metadata={
        "candidates": len(due),
        "downloads": downloader.downloads,
        "reused": sum(1 for c in due if c.stored_sha256),
        "outcomes": dg.MetadataValue.json(dict(outcomes)),
        "dagster/row_count": outcomes["stored"],
    })


def store_post_media(
    downloader: MediaDownloader, due: list[PostMediaCandidate], source: str, run_id: str
) -> tuple[list[MediaResult], list[ActionLogWrite]]:
    results: list[MediaResult] = []
    actions: list[ActionLogWrite] = []
    for c in due:
        if c.stored_sha256:  # the same file is already in the store
            results.append(MediaResult(c.id, "succeeded", None, c.stored_sha256))
            continue
        result, log = download_under_policy(downloader, c.id, c.url, following=c.following,
                                            follows_you=c.follows_you, tags=c.tags)
        results.append(result)
        actions.append(ActionLogWrite(c.profile_id, DOWNLOAD_POST_MEDIA, result.status, source,
                                      {"dagster_run_id": run_id, "post_id": c.id, **log}))
    return results, actions
