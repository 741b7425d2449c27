"""Stories, the faces in stories and posts, and the people they belong to.

A mixin of `DatabaseResource` (it uses only `self.session()`). Every write of a run is one
transaction: a failed run leaves the previous state, a retried one rewrites the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, case, delete, func, null, or_, select, update
from sqlalchemy.orm import Session

from ig_resources.embeddings import unit_mean

from .models import (
    InstagramPostFace,
    InstagramProfile,
    InstagramProfileEvent,
    InstagramProfilePost,
    InstagramStory,
    InstagramStoryFace,
    InstagramStoryPerson,
    MediaBlob,
    MediaPurge,
    utcnow,
)
from .profiles import _insert_actions, _tags_of
from .records import (
    ActionLogWrite,
    FaceAssignment,
    FaceScan,
    MediaCandidate,
    MediaForFaces,
    MediaResult,
    PersonWrite,
    StoredFace,
    StoredPerson,
    StoryWrite,
)
from .upsert import batches, in_chunks, upsert

STORY_UPLOADED = "story_uploaded"
STORY_DOWNLOADED = "story_downloaded"
#: faces of stories and of posts, by the `kind` the people rules use
FACE_TABLES: dict[str, tuple[type[InstagramStoryFace] | type[InstagramPostFace], str]] = {
    "story": (InstagramStoryFace, "instagram_story_id"),
    "post": (InstagramPostFace, "instagram_profile_post_id"),
}


class PersonCommandError(ValueError):
    """A person command that cannot apply (unknown person, faces of someone else, ...)."""


@dataclass(frozen=True, slots=True)
class PurgeResult:
    story_ids: list[int]
    files: list[tuple[str, str]]  # (sha256, content type) no other row uses


class StoryStore:
    def session(self) -> AbstractContextManager[Session]:  # provided by DatabaseResource
        raise NotImplementedError

    # -- stories ---------------------------------------------------------------------------------

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
            tags = _tags_of(s, list({r.instagram_profile_id for r in rows}))
        return [
            MediaCandidate(
                r.id,
                r.instagram_profile_id,
                r.media_url,
                r.following,
                r.follows_you,
                frozenset(tags.get(r.instagram_profile_id, {})),
            )
            for r in rows
        ]

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
            blobs = {r.sha256: r for r in stored if r.content_type}
            upsert(
                s,
                MediaBlob.__table__,
                [
                    {
                        "sha256": r.sha256,
                        "content_type": r.content_type,
                        "byte_size": r.byte_size,
                        "created_at": now,
                    }
                    for r in blobs.values()
                ],
                conflict=("sha256",),
            )
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
            _insert_actions(s, account_id, actions, now)

    # -- faces -----------------------------------------------------------------------------------

    def stories_needing_faces(self, account_id: int, limit: int) -> list[MediaForFaces]:
        st = InstagramStory
        with self.session() as s:
            rows = s.execute(
                select(st.id, st.instagram_profile_id, st.media_sha256, st.media_content_type, st.taken_at)
                .where(
                    st.instagram_account_id == account_id,
                    st.processing_status == "pending",
                    st.media_sha256.is_not(None),
                )
                .order_by(st.taken_at, st.id)
                .limit(limit)
            ).all()
        return [MediaForFaces(*r) for r in rows]

    def posts_needing_faces(self, account_id: int, limit: int) -> list[MediaForFaces]:
        post = InstagramProfilePost
        with self.session() as s:
            rows = s.execute(
                select(
                    post.id, post.instagram_profile_id, post.media_sha256, _post_content_type(), post.taken_at
                )
                .where(
                    post.instagram_account_id == account_id,
                    post.media_sha256.is_not(None),
                    post.faces_processed_at.is_(None),
                )
                .order_by(post.taken_at.desc(), post.id)
                .limit(limit)
            ).all()
        return [MediaForFaces(*r) for r in rows]

    def apply_face_scans(self, account_id: int, kind: str, scans: list[FaceScan]) -> None:
        """Replace the faces of each scanned item (a retry never duplicates them) and mark the item
        processed, or failed with the reason."""
        if not scans:
            return
        now = utcnow()
        face_model, fk = FACE_TABLES[kind]
        table: Table = face_model.__table__  # type: ignore[assignment]
        media_ids = [sc.media_id for sc in scans]
        with self.session() as s:
            for chunk in in_chunks(media_ids):
                s.execute(delete(table).where(table.c[fk].in_(chunk)))
            rows = [
                {
                    "instagram_account_id": account_id,
                    "instagram_profile_id": sc.profile_id,
                    fk: sc.media_id,
                    "face_index": f.face_index,
                    "bounding_box": f.bounding_box,
                    "detector_confidence": f.detector_confidence,
                    "keypoints": f.keypoints,
                    "face_size": f.face_size,
                    "frame_time": f.frame_time,
                    "embedding": f.embedding,
                    "embedding_version": f.embedding_version,
                    "embedding_dim": f.embedding_dim,
                    "clusterable": f.clusterable,
                    "prominent": f.prominent,
                    "role": "unknown",
                    "instagram_story_person_id": None,
                    "match_similarity": None,
                    "assigned_by": None,
                    "detected_at": now,
                }
                for sc in scans
                if sc.error is None
                for f in sc.faces
            ]
            for chunk in batches(rows, 1_000):
                s.execute(table.insert(), chunk)
            if kind == "story":
                target = InstagramStory.__table__
                values: dict[str, Any] = {
                    "processing_status": bindparam("status"),
                    "processing_error": bindparam("error"),
                    "processed_at": now,
                    "faces_count": bindparam("faces"),
                    "updated_at": now,
                }
            else:
                target = InstagramProfilePost.__table__
                values = {"faces_processed_at": now, "faces_count": bindparam("faces"), "updated_at": now}
            params = [
                {
                    "mid": sc.media_id,
                    "status": "failed" if sc.error else "processed",
                    "error": sc.error,
                    "faces": None if sc.error else len(sc.faces),
                }
                for sc in scans
            ]
            for chunk in batches(params):
                s.execute(update(target).where(target.c.id == bindparam("mid")).values(**values), chunk)

    def faces_summary(self, account_id: int) -> dict[str, int]:
        out: dict[str, int] = {}
        with self.session() as s:
            for kind, (model, _) in FACE_TABLES.items():
                out[f"{kind}_faces"] = (
                    s.scalar(
                        select(func.count())
                        .select_from(model)
                        .where(model.instagram_account_id == account_id)
                    )
                    or 0
                )
        return out

    # -- people ----------------------------------------------------------------------------------

    def profiles_with_unclustered_faces(self, account_id: int, embedding_version: str) -> list[int]:
        """Profiles with clusterable faces of this model that no clustering run has looked at yet."""
        ids: set[int] = set()
        with self.session() as s:
            for model, _ in FACE_TABLES.values():
                ids.update(
                    s.scalars(
                        select(model.instagram_profile_id)
                        .distinct()
                        .where(
                            model.instagram_account_id == account_id,
                            model.clusterable.is_(True),
                            model.embedding.is_not(None),
                            model.assigned_by.is_(None),
                            model.embedding_version == embedding_version,
                        )
                    )
                )
        return sorted(ids)

    def profile_faces(self, profile_id: int, embedding_version: str) -> list[StoredFace]:
        """The clusterable faces of a profile that still have their embedding from this model (vectors of
        another model are not comparable), with their item's time."""
        out: list[StoredFace] = []
        with self.session() as s:
            for kind, (model, fk) in FACE_TABLES.items():
                media = InstagramStory if kind == "story" else InstagramProfilePost
                media_id = getattr(model, fk)
                for r in s.execute(
                    select(
                        model.id,
                        media_id,
                        model.embedding,
                        model.prominent,
                        media.taken_at,
                        model.instagram_story_person_id,
                        model.assigned_by,
                    )
                    .join(media, media.id == media_id)
                    .where(
                        model.instagram_profile_id == profile_id,
                        model.clusterable.is_(True),
                        model.embedding.is_not(None),
                        model.embedding_version == embedding_version,
                    )
                    .order_by(media.taken_at, model.id)
                ):
                    out.append(StoredFace(kind, r[0], r[1], r[2], r[3], r[4], r[5], r[6]))
        out.sort(key=lambda f: (f.taken_at is None, f.taken_at, f.kind, f.id))
        return out

    def people_of_profile(self, profile_id: int) -> list[StoredPerson]:
        sp = InstagramStoryPerson
        with self.session() as s:
            rows = s.scalars(select(sp).where(sp.instagram_profile_id == profile_id).order_by(sp.id)).all()
            return [
                StoredPerson(
                    r.id,
                    r.label,
                    r.display_name,
                    r.role,
                    r.canonical_embedding,
                    r.do_not_track,
                    r.metadata_json,
                    r.embedding_version,
                )
                for r in rows
            ]

    def avatar_face(self, profile_id: int) -> tuple[str | None, str | None, str | None, list[float] | None]:
        """(stored avatar sha256, its content type, sha256 the avatar face was read from, that face's
        embedding)."""
        p = InstagramProfile
        with self.session() as s:
            row = s.execute(
                select(p.avatar_sha256, MediaBlob.content_type, p.avatar_face_sha256, p.avatar_face_embedding)
                .outerjoin(MediaBlob, MediaBlob.sha256 == p.avatar_sha256)
                .where(p.id == profile_id)
            ).one()
        return row[0], row[1], row[2], row[3]

    def set_avatar_face(self, profile_id: int, sha256: str, embedding: list[float] | None) -> None:
        p = InstagramProfile
        with self.session() as s:
            s.execute(
                update(p)
                .where(p.id == profile_id)
                .values(
                    avatar_face_sha256=sha256,
                    avatar_face_embedding=embedding if embedding is not None else null(),
                )
            )

    def apply_people(
        self,
        account_id: int,
        profile_id: int,
        people: list[PersonWrite],
        assignments: list[FaceAssignment],
        emptied: list[int],
    ) -> dict[str, int]:
        """One profile's clustering result in one transaction: people updated or created (new ones by
        label), faces assigned (noise unassigned), people left without faces removed unless a person
        named or flagged them. Returns the label -> id map."""
        now = utcnow()
        sp = InstagramStoryPerson
        with self.session() as s:
            for w in people:
                values = {
                    "role": w.role,
                    "canonical_embedding": w.canonical_embedding,
                    "embedding_version": w.embedding_version,
                    "appearance_count": w.appearance_count,
                    "first_seen_at": w.first_seen_at,
                    "last_seen_at": w.last_seen_at,
                    "metadata": w.metadata,
                    "updated_at": now,
                }
                if w.id is None:
                    s.execute(
                        sp.__table__.insert().values(
                            instagram_account_id=account_id,
                            instagram_profile_id=profile_id,
                            label=w.label,
                            do_not_track=False,
                            created_at=now,
                            **values,
                        )
                    )
                else:  # a person forgotten meanwhile (a command during this run) stays forgotten
                    s.execute(
                        update(sp.__table__)
                        .where(sp.__table__.c.id == w.id, sp.__table__.c.do_not_track.is_(False))
                        .values(**values)
                    )
            ids = dict(s.execute(select(sp.label, sp.id).where(sp.instagram_profile_id == profile_id)).all())
            by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
            roles = {w.label: w.role for w in people}
            for a in assignments:
                pid = ids[a.person_key] if isinstance(a.person_key, str) else a.person_key
                label = next((lbl for lbl, i in ids.items() if i == pid), None) if pid else None
                by_kind[a.kind].append(
                    {
                        "fid": a.face_id,
                        "pid": pid,
                        "sim": a.match_similarity,
                        "role": roles.get(label, "unknown") if label else "unknown",
                    }
                )
            for kind, params in by_kind.items():
                table = FACE_TABLES[kind][0].__table__
                for chunk in batches(params):
                    # Faces a command placed by hand meanwhile keep their place.
                    s.execute(
                        update(table)
                        .where(
                            table.c.id == bindparam("fid"),
                            or_(table.c.assigned_by.is_(None), table.c.assigned_by != "manual"),
                        )
                        .values(
                            instagram_story_person_id=bindparam("pid"),
                            match_similarity=bindparam("sim"),
                            role=bindparam("role"),
                            assigned_by="cluster",
                        ),
                        chunk,
                    )
            for w in people:  # faces placed by hand take their person's new role too
                for model, _ in FACE_TABLES.values():
                    s.execute(
                        update(model)
                        .where(model.instagram_story_person_id == ids[w.label])
                        .values(role=w.role)
                    )
            if emptied:
                s.execute(
                    delete(sp).where(
                        sp.id.in_(emptied), sp.display_name.is_(None), sp.do_not_track.is_(False)
                    )
                )
        return ids

    def person_face_samples(self, account_id: int, people: int, per_person: int) -> list[dict[str, Any]]:
        """Faces of the most-seen tracked people whose file is still stored, best first, for a contact
        sheet: username, label, name, role, and where to crop (file, box, video time)."""
        sp, p = InstagramStoryPerson, InstagramProfile
        out: list[dict[str, Any]] = []
        with self.session() as s:
            top = s.execute(
                select(sp.id, p.username, sp.label, sp.display_name, sp.role, sp.appearance_count)
                .join(p, p.id == sp.instagram_profile_id)
                .where(sp.instagram_account_id == account_id, sp.do_not_track.is_(False))
                .order_by(sp.appearance_count.desc(), p.username, sp.label)
                .limit(people)
            ).all()
            for person in top:
                faces: list[dict[str, Any]] = []
                for kind, (model, fk) in FACE_TABLES.items():
                    media = InstagramStory if kind == "story" else InstagramProfilePost
                    sha = media.media_sha256
                    content_type = media.media_content_type if kind == "story" else _post_content_type()
                    for r in s.execute(
                        select(
                            sha, content_type, model.bounding_box, model.frame_time, model.match_similarity
                        )
                        .join(media, media.id == getattr(model, fk))
                        .where(model.instagram_story_person_id == person.id, sha.is_not(None))
                        .order_by(model.match_similarity.desc().nulls_last(), model.id)
                        .limit(per_person)
                    ):
                        faces.append(
                            {
                                "sha256": r[0],
                                "content_type": r[1],
                                "box": r[2],
                                "frame_time": r[3],
                                "similarity": r[4],
                            }
                        )
                faces.sort(key=lambda f: -(f["similarity"] or 0))
                out.append(
                    {
                        "username": person.username,
                        "label": person.label,
                        "name": person.display_name,
                        "role": person.role,
                        "appearances": person.appearance_count,
                        "faces": faces[:per_person],
                    }
                )
        return out

    def people(self, account_id: int, username: str | None = None) -> list[dict[str, Any]]:
        """People of the account's profiles (of one profile when `username` is given), for the CLI."""
        sp, p = InstagramStoryPerson, InstagramProfile
        query = (
            select(
                sp.id,
                p.username,
                sp.label,
                sp.display_name,
                sp.role,
                sp.appearance_count,
                sp.first_seen_at,
                sp.last_seen_at,
                sp.do_not_track,
                sp.metadata_json,
            )
            .join(p, p.id == sp.instagram_profile_id)
            .where(sp.instagram_account_id == account_id)
            .order_by(p.username, sp.label)
        )
        if username:
            query = query.where(p.username == username)
        with self.session() as s:
            return [dict(r._mapping) for r in s.execute(query)]

    def person_faces(self, account_id: int, person_id: int) -> list[dict[str, Any]]:
        """A person's faces, newest first: what `people split` takes (kind:id)."""
        out: list[dict[str, Any]] = []
        with self.session() as s:
            self._person(s, account_id, person_id)
            for kind, (model, fk) in FACE_TABLES.items():
                media = InstagramStory if kind == "story" else InstagramProfilePost
                for r in s.execute(
                    select(
                        model.id, media.taken_at, model.face_size, model.match_similarity, model.assigned_by
                    )
                    .join(media, media.id == getattr(model, fk))
                    .where(model.instagram_story_person_id == person_id)
                ):
                    out.append(
                        {
                            "face": f"{kind}:{r[0]}",
                            "taken_at": r[1],
                            "size": r[2],
                            "similarity": r[3],
                            "assigned_by": r[4],
                        }
                    )
        out.sort(key=lambda f: f["taken_at"] or datetime.min.replace(tzinfo=UTC), reverse=True)
        return out

    # -- person commands -------------------------------------------------------------------------

    def _person(self, s: Session, account_id: int, person_id: int) -> InstagramStoryPerson:
        person = s.get(InstagramStoryPerson, person_id)
        if person is None or person.instagram_account_id != account_id:
            raise PersonCommandError(f"no person {person_id} in this account")
        return person

    @staticmethod
    def _refresh_person(s: Session, person: InstagramStoryPerson) -> None:
        """A person's centroid, appearances and first/last seen from the faces they have now (after a
        merge or split; roles follow at the next `story_people` run)."""
        vectors: list[list[float]] = []
        media: set[tuple[str, int]] = set()
        times: list[datetime] = []
        for kind, (model, fk) in FACE_TABLES.items():
            item = InstagramStory if kind == "story" else InstagramProfilePost
            for embedding, media_id, taken_at in s.execute(
                select(model.embedding, getattr(model, fk), item.taken_at)
                .join(item, item.id == getattr(model, fk))
                .where(model.instagram_story_person_id == person.id)
            ):
                media.add((kind, media_id))
                times += [taken_at] if taken_at else []
                if embedding:
                    vectors.append(embedding)
        if vectors:
            person.canonical_embedding = [round(float(x), 6) for x in unit_mean(vectors)]
        person.appearance_count = len(media)
        person.first_seen_at, person.last_seen_at = min(times, default=None), max(times, default=None)

    def rename_person(self, account_id: int, person_id: int, name: str | None) -> None:
        with self.session() as s:
            self._person(s, account_id, person_id).display_name = (name or "").strip() or None

    def merge_people(self, account_id: int, keep_id: int, merge_id: int) -> int:
        """Move every face of `merge_id` to `keep_id` for good (manual: no clustering undoes it) and
        delete `merge_id`; its centroid is remembered so their future faces join `keep_id` too."""
        if keep_id == merge_id:
            raise PersonCommandError("a person cannot be merged into themselves")
        with self.session() as s:
            keep, gone = self._person(s, account_id, keep_id), self._person(s, account_id, merge_id)
            if keep.instagram_profile_id != gone.instagram_profile_id:
                raise PersonCommandError("only people of the same profile can be merged")
            if keep.do_not_track or gone.do_not_track:
                raise PersonCommandError("a person marked 'do not track' cannot be merged")
            moved = 0
            for model, _ in FACE_TABLES.values():
                moved += (
                    s.execute(
                        update(model)
                        .where(model.instagram_story_person_id.in_([keep_id, merge_id]))
                        .values(instagram_story_person_id=keep_id, assigned_by="manual", role=keep.role)
                    ).rowcount
                    or 0
                )
            meta = dict(keep.metadata_json or {})
            exemplars = list(meta.get("merged_embeddings", []))
            if gone.canonical_embedding:
                exemplars.append(gone.canonical_embedding)
            exemplars += (gone.metadata_json or {}).get("merged_embeddings", [])
            meta["merged_embeddings"] = exemplars
            meta["merged_labels"] = [*meta.get("merged_labels", []), gone.label]
            keep.metadata_json = meta
            s.delete(gone)
            s.flush()
            self._refresh_person(s, keep)
        return moved

    def split_person(self, account_id: int, person_id: int, faces: list[tuple[str, int]]) -> str:
        """Move the given faces (kind, face id) of a person to a new person, for good (manual)."""
        if not faces:
            raise PersonCommandError("name at least one face to split off")
        with self.session() as s:
            person = self._person(s, account_id, person_id)
            if person.do_not_track:
                raise PersonCommandError("a person marked 'do not track' has no faces to split")
            for kind, face_id in faces:
                model = FACE_TABLES[kind][0] if kind in FACE_TABLES else None
                face = s.get(model, face_id) if model else None
                if face is None or face.instagram_story_person_id != person_id:
                    raise PersonCommandError(f"{kind} face {face_id} is not a face of person {person_id}")
            label = _next_label(
                s.scalars(
                    select(InstagramStoryPerson.label).where(
                        InstagramStoryPerson.instagram_profile_id == person.instagram_profile_id
                    )
                ).all()
            )
            new = InstagramStoryPerson(
                instagram_account_id=account_id,
                instagram_profile_id=person.instagram_profile_id,
                label=label,
                role="secondary_person",
                appearance_count=0,
                do_not_track=False,
                embedding_version=person.embedding_version,
                metadata_json={"split_from": person.label},
            )
            s.add(new)
            s.flush()
            for kind, face_id in faces:
                model = FACE_TABLES[kind][0]
                s.execute(
                    update(model)
                    .where(model.id == face_id)
                    .values(instagram_story_person_id=new.id, assigned_by="manual", role="secondary_person")
                )
            for model, _ in FACE_TABLES.values():  # the rest stays with the person, for good
                s.execute(
                    update(model)
                    .where(model.instagram_story_person_id == person_id)
                    .values(assigned_by="manual")
                )
            self._refresh_person(s, person)
            self._refresh_person(s, new)
            return label

    def forget_person(self, account_id: int, person_id: int) -> int:
        """ "Do not track": delete the person's embeddings (faces and centroid); their faces stay
        linked, without vectors, so no clustering can pick them up again. Returns faces emptied."""
        with self.session() as s:
            person = self._person(s, account_id, person_id)
            emptied = 0
            for model, _ in FACE_TABLES.values():
                emptied += (
                    s.execute(
                        update(model)
                        .where(model.instagram_story_person_id == person_id)
                        .values(embedding=null(), assigned_by="manual")
                    ).rowcount
                    or 0
                )
            person.do_not_track = True
            person.canonical_embedding = null()  # SQL NULL, not JSON null
            meta = dict(person.metadata_json or {})
            meta.pop("merged_embeddings", None)
            meta["forgotten_at"] = utcnow().isoformat()
            person.metadata_json = meta
        return emptied

    # -- retention -------------------------------------------------------------------------------

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

    def delete_forgotten_embeddings(self, account_id: int) -> int:
        """Vectors still held by faces of "do not track" people (any that reached them since)."""
        sp = InstagramStoryPerson
        deleted = 0
        with self.session() as s:
            forgotten = select(sp.id).where(sp.instagram_account_id == account_id, sp.do_not_track.is_(True))
            s.execute(
                update(sp)
                .where(sp.id.in_(forgotten), sp.canonical_embedding.is_not(None))
                .values(canonical_embedding=null())
            )
            for model, _ in FACE_TABLES.values():
                deleted += (
                    s.execute(
                        update(model)
                        .where(model.instagram_story_person_id.in_(forgotten), model.embedding.is_not(None))
                        .values(embedding=null())
                    ).rowcount
                    or 0
                )
        return deleted

    def stories_summary(self, account_id: int) -> dict[str, int]:
        st = InstagramStory
        with self.session() as s:
            rows = s.execute(
                select(st.processing_status, func.count())
                .where(st.instagram_account_id == account_id)
                .group_by(st.processing_status)
            ).all()
        return dict(rows)


def _post_content_type() -> Any:
    # Posts keep no content type: the stored file's type is read from the blob table.
    return (
        select(MediaBlob.content_type)
        .where(MediaBlob.sha256 == InstagramProfilePost.media_sha256)
        .scalar_subquery()
    )


def _sha_in_use(s: Session, sha: str, purged_story_ids: set[int]) -> bool:
    """Whether a row other than the stories being purged still names the file."""
    st, post, p = InstagramStory, InstagramProfilePost, InstagramProfile
    stories = s.scalars(select(st.id).where(st.media_sha256 == sha)).all()
    return bool(set(stories) - purged_story_ids) or any(
        s.scalar(select(func.count()).select_from(model).where(column == sha))
        for model, column in ((post, post.media_sha256), (p, p.avatar_sha256))
    )


def _next_label(labels: Iterable[str]) -> str:
    numbers = [
        int(label.rsplit("-", 1)[1])
        for label in labels
        if label.startswith("person-") and label.rsplit("-", 1)[1].isdigit()
    ]
    return f"person-{max(numbers, default=0) + 1}"
