"""The people store: `instagram_story_people`, clustering results and a person's commands."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, null, or_, select, update
from sqlalchemy.orm import Session

from ig_resources.embeddings import unit_mean
from ig_resources.records import FaceAssignment, PersonWrite, StoredPerson

from .base import Store
from .faces import FACE_TABLES, _post_content_type
from .models import InstagramProfile, InstagramProfilePost, InstagramStory, InstagramStoryPerson, utcnow
from .upsert import batches


class PersonCommandError(ValueError):
    """A person command that cannot apply (unknown person, faces of someone else, ...)."""


def _next_label(labels: Iterable[str]) -> str:
    numbers = [
        int(label.rsplit("-", 1)[1])
        for label in labels
        if label.startswith("person-") and label.rsplit("-", 1)[1].isdigit()
    ]
    return f"person-{max(numbers, default=0) + 1}"


class PeopleStore(Store):
    """People: clusters of faces per profile, and the commands a person gives about them."""

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

    def of_account(self, account_id: int, username: str | None = None) -> list[dict[str, Any]]:
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
