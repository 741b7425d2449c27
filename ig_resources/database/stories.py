"""The stories store: `instagram_stories`, their events and files, and the retention purge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, delete, func, select, update
from sqlalchemy.orm import Session

from ig_resources.records import ActionLogWrite, MediaCandidate, MediaResult, StoryWrite

from .base import Store, insert_actions, insert_media_blobs, media_candidates
from .models import (
    InstagramProfile,
    InstagramProfileEvent,
    InstagramProfilePost,
    InstagramStory,
    MediaBlob,
    MediaPurge,
    utcnow,
)
from .upsert import batches, in_chunks, upsert

STORY_UPLOADED = "story_uploaded"


STORY_DOWNLOADED = "story_downloaded"


@dataclass(frozen=True, slots=True)
class PurgeResult:
    story_ids: list[int]
    files: list[tuple[str, str]]  # (sha256, content type) no other row uses


def _sha_in_use(s: Session, sha: str, purged_story_ids: set[int]) -> bool:
    """Whether a row other than the stories being purged still names the file."""
    st, post, p = InstagramStory, InstagramProfilePost, InstagramProfile
    stories = s.scalars(select(st.id).where(st.media_sha256 == sha)).all()
    return bool(set(stories) - purged_story_ids) or any(
        s.scalar(select(func.count()).select_from(model).where(column == sha))
        for model, column in ((post, post.media_sha256), (p, p.avatar_sha256))
    )


class StoryStore(Store):
    """Stories: the tray's items, their files, and the retention purge."""

    def newest_story_times(self, profile_ids: Iterable[int]) -> dict[int, datetime]:
        """The newest stored live-tray item of each profile (highlights do not count: they are old)."""
        ids = list(profile_ids)
        st = InstagramStory
        out: dict[int, datetime] = {}
        with self.session() as s:
            for chunk in in_chunks(ids):
                out.update(
                    s.execute(
                        select(st.instagram_profile_id, func.max(st.taken_at))
                        .where(st.instagram_profile_id.in_(chunk), st.highlight_id.is_(None))
                        .group_by(st.instagram_profile_id)
                    ).all()
                )
        return out

    def apply_stories(self, account_id: int, stories: list[StoryWrite]) -> int:
        """Insert the items not stored yet (pending), each with its `story_uploaded` event; items
        already stored keep their row (URLs and expiry refreshed). Returns how many were new."""
        # One row per item: a highlight can hold an item the live tray still shows (the first read wins).
        first: dict[tuple[int, str], StoryWrite] = {}
        for w in stories:
            first.setdefault((w.profile_id, w.story_id), w)
        stories = list(first.values())
        if not stories:
            return 0
        now = utcnow()
        st = InstagramStory.__table__
        with self.session() as s:
            known = self._story_ids(s, {w.profile_id for w in stories})
            new = [w for w in stories if (w.profile_id, w.story_id) not in known]
            upsert(
                s,
                InstagramProfileEvent.__table__,
                (
                    {
                        "instagram_profile_id": w.profile_id,
                        "kind": STORY_UPLOADED,
                        "external_id": w.story_id,
                        "occurred_at": w.taken_at,
                        "detected_at": now,
                        "metadata": {"media_type": w.media_type, "highlight_id": w.highlight_id},
                    }
                    for w in new
                ),
                conflict=("instagram_profile_id", "kind", "external_id"),
            )
            events = self._event_ids(s, STORY_UPLOADED, [(w.profile_id, w.story_id) for w in new])
            upsert(
                s,
                st,
                (
                    {
                        "instagram_account_id": account_id,
                        "instagram_profile_id": w.profile_id,
                        "story_id": w.story_id,
                        "media_type": w.media_type,
                        "taken_at": w.taken_at,
                        "expires_at": w.expires_at,
                        "image_url": w.image_url,
                        "video_url": w.video_url,
                        "media_url": w.media_url,
                        "duration_seconds": w.duration_seconds,
                        "highlight_id": w.highlight_id,
                        "highlight_title": w.highlight_title,
                        "processing_status": "pending",
                        "source_event_id": events.get((w.profile_id, w.story_id)),
                        "metadata": w.metadata,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for w in stories
                ),
                conflict=("instagram_profile_id", "story_id"),
                update=("image_url", "video_url", "media_url", "expires_at", "updated_at"),
            )
        return len(new)

    @staticmethod
    def _story_ids(s: Session, profile_ids: set[int]) -> set[tuple[int, str]]:
        st = InstagramStory
        out: set[tuple[int, str]] = set()
        ids = list(profile_ids)
        for chunk in in_chunks(ids):
            out.update(
                s.execute(
                    select(st.instagram_profile_id, st.story_id).where(st.instagram_profile_id.in_(chunk))
                )
            )
        return out

    @staticmethod
    def _event_ids(s: Session, kind: str, keys: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
        if not keys:
            return {}
        e = InstagramProfileEvent
        out: dict[tuple[int, str], int] = {}
        wanted = set(keys)
        pids = sorted({k[0] for k in keys})
        for chunk in in_chunks(pids):
            for eid, pid, ext in s.execute(
                select(e.id, e.instagram_profile_id, e.external_id).where(
                    e.kind == kind, e.instagram_profile_id.in_(chunk)
                )
            ):
                if (pid, ext) in wanted:
                    out[(pid, ext)] = eid
        return out

    def stories_needing_media(
        self, account_id: int, limit: int, *, give_up_before: datetime
    ) -> list[MediaCandidate]:
        """Pending items without a stored file or a refusal, the soonest to expire first (highlights,
        which do not expire, last). An item that expired before `give_up_before` without its file
        fails (`expired_before_download`) and is not offered again."""
        st, p = InstagramStory, InstagramProfile
        now = utcnow()
        with self.session() as s:
            s.execute(
                update(st)
                .where(
                    st.instagram_account_id == account_id,
                    st.media_sha256.is_(None),
                    st.media_skip_reason.is_(None),
                    st.processing_status == "pending",
                    st.expires_at.is_not(None),
                    st.expires_at <= give_up_before,
                )
                .values(
                    media_skip_reason="expired_before_download",
                    processing_status="failed",
                    processing_error="the story expired before its file could be stored",
                    processed_at=now,
                    updated_at=now,
                )
            )
            rows = s.execute(
                select(st.id, st.instagram_profile_id, st.media_url, p.following, p.follows_you)
                .join(p, p.id == st.instagram_profile_id)
                .where(
                    st.instagram_account_id == account_id,
                    st.media_sha256.is_(None),
                    st.media_skip_reason.is_(None),
                    st.media_purged_at.is_(None),
                    st.processing_status == "pending",
                )
                .order_by(st.expires_at.is_(None), st.expires_at, st.id)
                .limit(limit)
            ).all()
            return media_candidates(s, rows)

    def apply_story_media(
        self, account_id: int, results: list[MediaResult], actions: list[ActionLogWrite]
    ) -> None:
        """Stored files and their `story_downloaded` events; a final refusal ends the item's processing
        as failed with the reason (a failed transfer stays pending and is tried again)."""
        now = utcnow()
        st = InstagramStory
        with self.session() as s:
            stored = [r for r in results if r.sha256]
            refused = [r for r in results if not r.sha256 and r.reason]
            insert_media_blobs(s, (r for r in stored if r.content_type), now)
            for chunk in batches({"sid": r.id, "sha": r.sha256, "ct": r.content_type} for r in stored):
                s.execute(
                    update(st.__table__)
                    .where(st.__table__.c.id == bindparam("sid"))
                    .values(
                        media_sha256=bindparam("sha"), media_content_type=bindparam("ct"), updated_at=now
                    ),
                    chunk,
                )
            for chunk in batches({"sid": r.id, "why": r.reason} for r in refused):
                s.execute(
                    update(st.__table__)
                    .where(st.__table__.c.id == bindparam("sid"))
                    .values(
                        media_skip_reason=bindparam("why"),
                        processing_status="failed",
                        processing_error=bindparam("why"),
                        processed_at=now,
                        updated_at=now,
                    ),
                    chunk,
                )
            if stored:
                keys = {
                    sid: (pid, story_id)
                    for chunk in in_chunks([r.id for r in stored])
                    for sid, pid, story_id in s.execute(
                        select(st.id, st.instagram_profile_id, st.story_id).where(st.id.in_(chunk))
                    )
                }
                upsert(
                    s,
                    InstagramProfileEvent.__table__,
                    (
                        {
                            "instagram_profile_id": keys[r.id][0],
                            "kind": STORY_DOWNLOADED,
                            "external_id": keys[r.id][1],
                            "occurred_at": now,
                            "detected_at": now,
                            "metadata": {
                                "sha256": r.sha256,
                                "content_type": r.content_type,
                                "bytes": r.byte_size,
                            },
                        }
                        for r in stored
                    ),
                    conflict=("instagram_profile_id", "kind", "external_id"),
                )
            insert_actions(s, account_id, actions, now)

    def stories_to_purge(self, account_id: int, cutoff: datetime) -> PurgeResult:
        """Stories that expired before `cutoff` and still hold their file, and the files no other row
        uses. Nothing changes here: the caller deletes the files, then `finish_purge` records it, so a
        purge stopped half-way is simply done again."""
        st = InstagramStory
        with self.session() as s:
            due = s.execute(
                select(st.id, st.media_sha256, st.media_content_type).where(
                    st.instagram_account_id == account_id,
                    st.media_purged_at.is_(None),
                    st.expires_at.is_not(None),
                    st.expires_at <= cutoff,
                )
            ).all()
            ids = [r.id for r in due]
            shas = {(r.media_sha256, r.media_content_type) for r in due if r.media_sha256}
            files = sorted((sha, ct) for sha, ct in shas if not _sha_in_use(s, sha, set(ids)))
        return PurgeResult(ids, files)

    def finish_purge(
        self,
        account_id: int,
        purge: PurgeResult,
        retention: timedelta,
        now: datetime,
        deleted: list[tuple[str, int]],
        embeddings_deleted: int,
    ) -> None:
        """Mark the purged stories (a pending one fails: its file went before its faces were read),
        forget the deleted files' blob rows, and record the run in `media_purges`."""
        st = InstagramStory
        with self.session() as s:
            for chunk in in_chunks(purge.story_ids):
                s.execute(
                    update(st)
                    .where(st.id.in_(chunk))
                    .values(
                        media_purged_at=now,
                        media_sha256=None,
                        updated_at=now,
                        processing_status=case(
                            (st.processing_status == "pending", "failed"), else_=st.processing_status
                        ),
                        processing_error=case(
                            (st.processing_status == "pending", "purged before its faces were read"),
                            else_=st.processing_error,
                        ),
                    )
                )
            for chunk in in_chunks([sha for sha, _ in deleted]):
                s.execute(delete(MediaBlob).where(MediaBlob.sha256.in_(chunk)))
            s.add(
                MediaPurge(
                    instagram_account_id=account_id,
                    purged_at=now,
                    retention_hours=retention.total_seconds() / 3600,
                    stories=len(purge.story_ids),
                    files_deleted=len(deleted),
                    bytes_freed=sum(n for _, n in deleted),
                    embeddings_deleted=embeddings_deleted,
                    metadata_json={"story_ids": purge.story_ids[:1000]},
                )
            )

    def summary(self, account_id: int) -> dict[str, int]:
        st = InstagramStory
        with self.session() as s:
            rows = s.execute(
                select(st.processing_status, func.count())
                .where(st.instagram_account_id == account_id)
                .group_by(st.processing_status)
            ).all()
        return dict(rows)
