"""`stories`: each account's story tray read into `instagram_stories`, files into the store under the
trust policy; `story_retention`: expired story files let go after the retention period."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg

from ig_assets.accounts.session import account_session, known_account
from ig_assets.network.assets import follow_graph
from ig_assets.network.profiles import download_media
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.instagram import InstagramClientResource, MalformedResponseError, NotFoundError, ServerError
from ig_resources.media import MediaStore
from ig_resources.records import StoryWrite

from .story_rules import DOWNLOAD_GRACE, reels_to_read, story_write

DOWNLOAD_STORY_MEDIA = "download_story_media"


class StoriesConfig(dg.Config):
    """Highlights (the profile's saved story folders) are an extra: one more request per profile and
    folder batch, for older items that are no longer in the tray."""

    include_highlights: bool = False
    #: profiles whose highlights are read per run (those with live stories now, first)
    highlight_profiles: int = 20
    media_batch_size: int = 500


@dg.asset(
    partitions_def=account_partitions,
    group_name="content",
    kinds={"instagram", "sql"},
    pool="instagram_api",
    deps=[follow_graph],
)
def stories(
    context: dg.AssetExecutionContext,
    config: StoriesConfig,
    database: DatabaseResource,
    instagram: InstagramClientResource,
    media: MediaStore,
) -> dg.MaterializeResult:
    """The story items of the people the account follows (`instagram_stories`, one row per profile and
    story id, `pending` until their faces are read): the tray once, then `reels_media` only for owners
    with items newer than the newest stored and not carried by the tray itself. Each new item is a
    `story_uploaded` event; its file (the video of a video item) is stored under the trust policy,
    a `story_downloaded` event. Owners not in the network yet are counted, not stored."""
    with account_session(context, database, instagram) as session:
        account, client = session.account, session.client
        tray = client.story_tray()
        owners = database.graph.profile_ids(account.id, (r.user.ig_user_id for r in tray.tray))
        newest = database.stories.newest_story_times(owners.values())
        complete, to_read = reels_to_read(
            tray, {ig_user_id: newest[pid] for ig_user_id, pid in owners.items() if pid in newest}
        )
        to_read = [ig_user_id for ig_user_id in to_read if ig_user_id in owners]
        writes: list[StoryWrite] = [
            story_write(owners[ig_user_id], item)
            for ig_user_id, items in complete.items()
            if ig_user_id in owners
            for item in items
        ]
        failures: Counter[str] = Counter()
        if to_read:
            for ig_user_id, reel in client.reels_media(to_read).items():
                if ig_user_id in owners:
                    writes += [story_write(owners[ig_user_id], item, reel) for item in reel.items]
        if config.include_highlights:
            for ig_user_id, profile_id in list(owners.items())[: config.highlight_profiles]:
                try:
                    for reel in client.highlight_reels(ig_user_id):
                        writes += [story_write(profile_id, item, reel) for item in reel.items]
                except (NotFoundError, MalformedResponseError, ServerError) as exc:
                    failures[f"highlights:{exc.reason}"] += 1
        new = database.stories.apply_stories(account.id, writes)
        due = database.stories.stories_needing_media(
            account.id, config.media_batch_size, give_up_before=datetime.now(UTC) - DOWNLOAD_GRACE
        )
        with media.downloader() as downloader:
            results, actions = download_media(
                downloader, due, DOWNLOAD_STORY_MEDIA, session.source, session.run_id, item_key="story_id"
            )
        database.stories.apply_story_media(account.id, results, actions)
        stats = session.complete(
            {
                "tray_owners": len(tray.tray),
                "owners_not_in_network": len({r.user.ig_user_id for r in tray.tray} - set(owners)),
                "reels_read": len(to_read),
                "items_seen": len(writes),
                "items_new": new,
                "media": dict(Counter("stored" if r.sha256 else f"{r.status}:{r.reason}" for r in results)),
                "failures": dict(failures),
            }
        )
    context.log.info(f"{account.username}: {new} new story items from {len(tray.tray)} tray owners")
    return dg.MaterializeResult(
        metadata={
            **{k: v for k, v in stats.items() if not isinstance(v, dict)},
            "media": dg.MetadataValue.json(stats["media"]),
            "status": dg.MetadataValue.json(database.stories.summary(account.id)),
            "dagster/row_count": new,
        }
    )


class StoryRetentionConfig(dg.Config):
    #: how long after a story expired on Instagram its file is kept (its row, faces and people stay)
    retention_hours: float = 7 * 24


@dg.asset(partitions_def=account_partitions, group_name="content", kinds={"sql"}, deps=[stories])
def story_retention(
    context: dg.AssetExecutionContext,
    config: StoryRetentionConfig,
    database: DatabaseResource,
    media: MediaStore,
) -> dg.MaterializeResult:
    """Deletes the stored files of stories that expired more than `retention_hours` ago (a file another
    row still uses stays), and the face vectors of people marked "do not track" that reached them
    since; each run is a `media_purges` row saying what went."""
    account = known_account(database, context.partition_key)
    now = datetime.now(UTC)
    retention = timedelta(hours=config.retention_hours)
    purge = database.stories.stories_to_purge(account.id, now - retention)
    deleted = [(sha, media.delete(sha, content_type)) for sha, content_type in purge.files]
    embeddings = database.faces.delete_forgotten_embeddings(account.id)
    database.stories.finish_purge(account.id, purge, retention, now, deleted, embeddings)
    metadata: dict[str, Any] = {
        "stories_purged": len(purge.story_ids),
        "files_deleted": len(deleted),
        "bytes_freed": sum(n for _, n in deleted),
        "embeddings_deleted": embeddings,
        "retention_hours": config.retention_hours,
    }
    context.log.info(f"{account.username}: {metadata}")
    return dg.MaterializeResult(metadata=metadata)
