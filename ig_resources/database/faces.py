"""The faces store: `instagram_story_faces` and `instagram_post_faces`, and the avatar's face."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, delete, func, null, select, update

from ig_resources.records import FaceScan, MediaForFaces, StoredFace

from .base import Store
from .models import (
    InstagramPostFace,
    InstagramProfile,
    InstagramProfilePost,
    InstagramStory,
    InstagramStoryFace,
    InstagramStoryPerson,
    MediaBlob,
    utcnow,
)
from .upsert import batches, in_chunks

#: faces of stories and of posts, by the `kind` the people rules use
FACE_TABLES: dict[str, tuple[type[InstagramStoryFace] | type[InstagramPostFace], str]] = {
    "story": (InstagramStoryFace, "instagram_story_id"),
    "post": (InstagramPostFace, "instagram_profile_post_id"),
}


def _post_content_type() -> Any:
    # Posts keep no content type: the stored file's type is read from the blob table.
    return (
        select(MediaBlob.content_type)
        .where(MediaBlob.sha256 == InstagramProfilePost.media_sha256)
        .scalar_subquery()
    )


class FaceStore(Store):
    """Faces found in stories, posts and avatars, per embedding model."""

    def needing_faces(self, kind: str, account_id: int, limit: int) -> list[MediaForFaces]:
        """The stored `kind` files ("story" or "post") whose faces are not read yet."""
        if kind not in FACE_TABLES:
            raise ValueError(f"unknown kind of media '{kind}' (one of {', '.join(FACE_TABLES)})")
        due = self.stories_needing_faces if kind == "story" else self.posts_needing_faces
        return due(account_id, limit)

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

    def summary(self, account_id: int) -> dict[str, int]:
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
