"""`profile_details` and `avatars`: keep every profile of each account's network fresh (seed 000 §2)."""

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any, Protocol

import dagster as dg

from ig_assets.accounts.rules import normalise_username, trigger_source
from ig_assets.accounts.session import account_session, known_account
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.instagram import InstagramClientResource, MalformedResponseError, NotFoundError, ServerError
from ig_resources.instagram.apify import ApifyInstagramClient
from ig_resources.instagram.protocol import InstagramClient
from ig_resources.media import MediaDownloader, MediaRejectedError, MediaStore
from ig_resources.records import (
    ActionLogWrite,
    AvatarCandidate,
    MediaResult,
    ProfileRefreshWrite,
    ProfileToRefresh,
)

from .assets import follow_graph
from .refresh import DOWNLOAD_AVATAR, FETCH_DETAILS, MALFORMED, NOT_FOUND, plan_update
from .scan_policy import PROFILE_SCAN_EXCLUDED
from .trust import media_download_verdict

#: profiles per write transaction: small enough to overlap with fetching, large enough to batch well
WRITE_CHUNK = 500
#: reasons the store or the trust policy give that hold until the file changes (not worth a retry)
_FINAL_REFUSALS = frozenset({"promotional_url", "no_url", "content_type", "too_large", "untrusted_host"})


class ProfileDetailsConfig(dg.Config):
    """How many profiles one run refreshes; the least recently refreshed go first, so the schedule or a
    backfill walks the whole network over successive runs. `usernames` refreshes just those network
    profiles now (a person's "refresh these" from the launchpad)."""

    batch_size: int = 200
    usernames: list[str] = []  # noqa: RUF012 (pydantic copies a default per instance)


@dg.asset(
    partitions_def=account_partitions,
    group_name="network",
    kinds={"instagram", "sql"},
    pool="instagram_api",
    deps=[follow_graph],
)
def profile_details(
    context: dg.AssetExecutionContext,
    config: ProfileDetailsConfig,
    database: DatabaseResource,
    instagram: InstagramClientResource,
    apify: ApifyInstagramClient,
) -> dg.MaterializeResult:
    """Display name, bio, link, avatar, counts, last post time and kind of account of a batch of the
    network's profiles; their count history (`instagram_profile_snapshots`), messageability and
    story-reply state, the `profile_scan_excluded` tag for page-like accounts, and an action log row
    each. A missing or malformed profile is recorded on it and the batch goes on; an account-level
    stop keeps what was refreshed before it."""
    with account_session(context, database, instagram, apify=apify) as session:
        account = session.account
        due = database.profiles.profiles_to_refresh(
            account.id, config.batch_size, [normalise_username(u) for u in config.usernames]
        )
        # Chunks are written on a second thread while the next are fetched; whatever was refreshed
        # before an account-level stop is written too (the writer drains before the error propagates).
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="profile-writer") as writer:
            pending: list[Future[None]] = []
            try:
                done = refresh_batch(
                    session.client,
                    due,
                    datetime.now(UTC),
                    session.source,
                    session.run_id,
                    flush=lambda w: pending.append(
                        writer.submit(database.profiles.apply_profile_refresh, account.id, w)
                    ),
                )
            finally:
                for future in pending:
                    future.result()
        stats = session.complete(_refresh_stats(done, session.requests, len(due)))
    context.log.info(
        f"{account.username}: {stats['refreshed']} profiles refreshed, {stats['not_found']} not found, "
        f"{stats['malformed']} malformed; {stats['requests_total']} requests"
    )
    return dg.MaterializeResult(
        metadata={
            **{k: v for k, v in stats.items() if not isinstance(v, dict)},
            "preview": dg.MetadataValue.md(_preview(done, due)),
            "dagster/row_count": stats["refreshed"],
        }
    )


def refresh_batch(
    client: InstagramClient,
    due: list[ProfileToRefresh],
    now: datetime,
    source: str,
    run_id: str,
    *,
    flush: Callable[[ProfileRefreshWrite], None],
    chunk_size: int = WRITE_CHUNK,
) -> ProfileRefreshWrite:
    """Fetch each due profile and hand its update (or its recorded failure) to `flush` in chunks of
    `chunk_size`; returns everything, for the run's figures. Profile-level answers (gone, private,
    malformed, a server error after retries) are recorded and the batch goes on; account-level ones
    (throttle, logout, checkpoint) propagate after the chunk in hand is flushed."""
    done = ProfileRefreshWrite(refreshed_at=now, scan_tag=PROFILE_SCAN_EXCLUDED)
    chunk = ProfileRefreshWrite(refreshed_at=now, scan_tag=PROFILE_SCAN_EXCLUDED)
    try:
        for profile in due:
            meta: dict[str, Any] = {"dagster_run_id": run_id}
            try:
                details = client.profile_details(profile.username, profile.ig_user_id)
            except (NotFoundError, MalformedResponseError, ServerError) as exc:
                status = exc.reason  # not_found, private_account, malformed_response, server_error
                chunk.failures.append((profile.id, status, str(exc)))
                chunk.actions.append(
                    ActionLogWrite(
                        profile.id,
                        FETCH_DETAILS,
                        "failed",
                        source,
                        {**meta, "reason": status, "error": str(exc)},
                    )
                )
            else:
                chunk.updates.append(plan_update(profile, details, now))
                if details.username != profile.username:
                    meta["current_username"] = (
                        details.username
                    )  # renamed; the next follow-graph sync records it
                chunk.actions.append(ActionLogWrite(profile.id, FETCH_DETAILS, "succeeded", source, meta))
            if len(chunk.actions) >= chunk_size:
                done.absorb(chunk)
                flush(chunk)
                chunk = ProfileRefreshWrite(refreshed_at=now, scan_tag=PROFILE_SCAN_EXCLUDED)
    finally:
        if chunk.actions:
            done.absorb(chunk)
            flush(chunk)
    return done


class AvatarsConfig(dg.Config):
    batch_size: int = 500


@dg.asset(
    partitions_def=account_partitions,
    group_name="network",
    kinds={"instagram", "sql"},
    deps=[profile_details],
)
def avatars(
    context: dg.AssetExecutionContext, config: AvatarsConfig, database: DatabaseResource, media: MediaStore
) -> dg.MaterializeResult:
    """Profile pictures whose fingerprint changed, downloaded into the content-addressed media store
    under `MediaDownloadTrustPolicy` (connected profiles only, never promotional URLs). A picture
    whose URL was only re-signed keeps its fingerprint and is not downloaded again."""
    account = known_account(database, context.partition_key)
    candidates = database.profiles.avatars_to_download(account.id, config.batch_size)
    source = trigger_source(context.run.tags)
    with media.downloader() as downloader:
        results, actions = download_media(downloader, candidates, DOWNLOAD_AVATAR, source, context.run.run_id)
    database.profiles.apply_avatar_results(account.id, results, actions)

    stored = [r for r in results if r.sha256]
    outcome: dict[str, int] = {}
    for r in results:
        key = "stored" if r.sha256 else f"{r.status}:{r.reason}"
        outcome[key] = outcome.get(key, 0) + 1
    sheet = _contact_sheet(media, account.username, candidates, stored)
    context.log.info(f"{account.username}: {len(stored)} avatars stored, {len(results) - len(stored)} not")
    return dg.MaterializeResult(
        metadata={
            "candidates": len(candidates),
            "stored": len(stored),
            "downloads": downloader.downloads,
            "outcomes": dg.MetadataValue.json(outcome),
            "avatars": dg.MetadataValue.md(_avatar_table(candidates, stored)),
            **({"contact_sheet": dg.MetadataValue.path(str(sheet))} if sheet else {}),
            "dagster/row_count": len(stored),
        }
    )


def download_under_policy(
    downloader: MediaDownloader,
    result_id: int,
    url: str | None,
    *,
    following: bool,
    follows_you: bool,
    tags: frozenset[str],
) -> tuple[MediaResult, dict[str, Any]]:
    """One file through the trust policy and the store: its result (keyed `result_id`) and what the
    action log records of it."""
    verdict = media_download_verdict(url=url, following=following, follows_you=follows_you, tags=tags)
    if not verdict.allowed:
        return MediaResult(result_id, "skipped", verdict.reason), {"reason": verdict.reason}
    try:
        blob = downloader.fetch(url or "")
    except MediaRejectedError as exc:
        # A refusal tied to this file waits for a new one; a failed transfer is retried next run.
        reason = exc.reason if exc.reason in _FINAL_REFUSALS else None
        return MediaResult(result_id, "failed", reason), {"reason": exc.reason, "error": str(exc)}
    return (
        MediaResult(result_id, "succeeded", None, blob.sha256, blob.content_type, blob.byte_size),
        {"sha256": blob.sha256, "bytes": blob.byte_size, "already_stored": blob.existed},
    )


class MediaToFetch(Protocol):
    """A file to download for a profile: an avatar, a post's or a story's media."""

    @property
    def id(self) -> int: ...
    @property
    def profile_id(self) -> int: ...
    @property
    def url(self) -> str | None: ...
    @property
    def following(self) -> bool: ...
    @property
    def follows_you(self) -> bool: ...
    @property
    def tags(self) -> frozenset[str]: ...


def download_media(
    downloader: MediaDownloader,
    candidates: Sequence[MediaToFetch],
    action: str,
    source: str,
    run_id: str,
    item_key: str | None = None,
) -> tuple[list[MediaResult], list[ActionLogWrite]]:
    """Each file through the trust policy and the store, with its action-log row (`item_key` names the
    row it belongs to when that is not the profile itself)."""
    results: list[MediaResult] = []
    actions: list[ActionLogWrite] = []
    for c in candidates:
        result, log = download_under_policy(
            downloader, c.id, c.url, following=c.following, follows_you=c.follows_you, tags=c.tags
        )
        results.append(result)
        item = {item_key: c.id} if item_key else {}
        actions.append(
            ActionLogWrite(
                c.profile_id, action, result.status, source, {"dagster_run_id": run_id, **item, **log}
            )
        )
    return results, actions


def _refresh_stats(write: ProfileRefreshWrite, requests: dict[str, int], due: int) -> dict[str, Any]:
    failures: dict[str, int] = {}
    for _, status, _ in write.failures:
        failures[status] = failures.get(status, 0) + 1
    refreshed = len(write.updates)
    total = sum(requests.values())
    return {
        "due": due,
        "refreshed": refreshed,
        "not_found": failures.get(NOT_FOUND, 0),
        "malformed": failures.get(MALFORMED, 0),
        "other_failures": sum(n for s, n in failures.items() if s not in (NOT_FOUND, MALFORMED)),
        "scan_excluded": sum(1 for u in write.updates if u.scan_excluded),
        "avatars_changed": sum(1 for u in write.updates if u.avatar_changed),
        "snapshots": sum(1 for u in write.updates if u.snapshot),
        "requests_per_profile": round(total / max(1, refreshed + len(write.failures)), 3),
    }


def _preview(write: ProfileRefreshWrite, due: list[ProfileToRefresh]) -> str:
    names = {p.id: p.username for p in due}
    lines = [
        "| profile | followers | following | posts | last post | DM | scan |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for u in write.updates[:15]:
        v = u.values
        last = f"{v['last_post_at']:%Y-%m-%d}" if v["last_post_at"] else ""
        scan = u.scan_reason if u.scan_excluded else ""
        lines.append(
            f"| {names.get(u.id, u.id)} | {v['follower_count'] or 0:,} | {v['following_count'] or 0:,} | "
            f"{v['media_count'] or 0:,} | {last} | {v['dm_interaction_state']} "
            f"({v['dm_interaction_reason']}) | {scan} |"
        )
    for pid, status, error in write.failures[:10]:
        lines.append(f"| {names.get(pid, pid)} | | | | | {status}: {error[:80]} | |")
    return "\n".join(lines)


def _avatar_table(candidates: list[AvatarCandidate], stored: list[MediaResult]) -> str:
    names = {c.id: c.username for c in candidates}
    lines = ["| profile | sha256 | type | bytes |", "|---|---|---|---:|"]
    lines += [
        f"| {names[r.id]} | `{r.sha256[:12]}…` | {r.content_type} | {r.byte_size:,} |"
        for r in stored[:20]
        if r.sha256
    ]
    return "\n".join(lines)


def _contact_sheet(
    media: MediaStore, username: str, candidates: list[AvatarCandidate], stored: list[MediaResult]
) -> Path | None:
    """An HTML page of the avatars this run stored, beside the store (the UI links its path)."""
    if not stored:
        return None
    names = {c.id: c.username for c in candidates}
    cells = "".join(
        f'<figure><img src="{media.path_of(r.sha256, r.content_type).as_uri()}" width="96" height="96">'
        f"<figcaption>{escape(names[r.id])}</figcaption></figure>"
        for r in stored
        if r.sha256 and r.content_type
    )
    sheet = Path(media.root) / "contact-sheets" / f"{username}.html"
    sheet.parent.mkdir(parents=True, exist_ok=True)
    sheet.write_text(
        f"<!doctype html><title>avatars of {escape(username)}</title>"
        f"<style>figure{{display:inline-block;margin:4px;font:11px sans-serif}}</style>{cells}",
        encoding="utf-8",
    )
    return sheet
