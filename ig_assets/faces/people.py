"""Who the clustered faces of one profile are, as pure rules (no I/O, no models): each cluster's
centroid, labels kept stable across runs, roles, and co-appearance.

Embeddings are L2-normalised rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ig_resources.embeddings import unit, unit_mean
from ig_resources.records import FaceAssignment, PersonWrite, StoredFace, StoredPerson

from .clustering import cluster_faces

PROFILE_OWNER = "profile_owner"
PRIMARY_PERSON = "primary_person"
SECONDARY_PERSON = "secondary_person"
NOISE = -1


def centroids(embeddings: np.ndarray, labels: Sequence[int]) -> dict[int, np.ndarray]:
    """The unit-length mean embedding of each cluster (noise, label -1, has none)."""
    labels_array = np.asarray(labels)
    out: dict[int, np.ndarray] = {}
    for label in sorted(set(labels_array.tolist()) - {NOISE}):
        mean = embeddings[labels_array == label].mean(axis=0)
        out[label] = mean / np.linalg.norm(mean)
    return out


def match_to_previous(
    new: Mapping[int, np.ndarray], previous: Mapping[Hashable, np.ndarray], min_similarity: float = 0.5
) -> dict[int, Hashable | None]:
    """Each new cluster's previous person, so labels survive a re-clustering: the most similar
    (cluster, person) pair above `min_similarity` is matched first, then the next among those left,
    one person per cluster. Unmatched clusters map to None (a new person)."""
    result: dict[int, Hashable | None] = dict.fromkeys(new)
    if not new or not previous:
        return result
    new_ids, old_ids = list(new), list(previous)
    similarity = np.stack([new[i] for i in new_ids]) @ np.stack([previous[p] for p in old_ids]).T
    # Highest similarity first; ties in list order, so the result never depends on hashing.
    order = sorted(
        (-similarity[i, j], i, j)
        for i in range(len(new_ids))
        for j in range(len(old_ids))
        if similarity[i, j] >= min_similarity
    )
    used_new: set[int] = set()
    used_old: set[int] = set()
    for _, i, j in order:
        if i not in used_new and j not in used_old:
            result[new_ids[i]] = old_ids[j]
            used_new.add(i)
            used_old.add(j)
    return result


@dataclass(frozen=True, slots=True)
class PersonEvidence:
    """What the role rule knows of one person of a profile."""

    person: Hashable
    appearances: int  # media items (stories, posts) the person appears in
    prominent: int = 0  # of those, items where their face is large and central (selfie-like)
    matches_avatar: bool = False  # the person's centroid matches the face in the profile picture


def assign_roles(people: Sequence[PersonEvidence], min_primary_appearances: int = 2) -> dict[Hashable, str]:
    """`profile_owner`: the person with the largest weight, where every appearance counts once, a
    prominent (selfie-like) one twice, and matching the profile picture doubles the total; the owner
    needs two appearances or the avatar match. `primary_person`: the most frequent other person with
    at least `min_primary_appearances`. Everyone else: `secondary_person`. Ties go to the earlier entry."""
    roles = dict.fromkeys((p.person for p in people), SECONDARY_PERSON)

    def weight(p: PersonEvidence) -> float:
        return (p.appearances + p.prominent) * (2 if p.matches_avatar else 1)

    ranked = sorted(enumerate(people), key=lambda item: (-weight(item[1]), item[0]))
    owner = next((p for _, p in ranked if p.matches_avatar or p.appearances >= 2), None)
    if owner is not None:
        roles[owner.person] = PROFILE_OWNER
    others = sorted(
        (item for item in enumerate(people) if item[1] is not owner),
        key=lambda item: (-item[1].appearances, item[0]),
    )
    if others and others[0][1].appearances >= min_primary_appearances:
        roles[others[0][1].person] = PRIMARY_PERSON
    return roles


def co_appearances(media_people: Iterable[Iterable[Hashable]]) -> dict[Hashable, dict[Hashable, int]]:
    """For each person, in how many media items each other person appears with them (a person twice
    in one item, a mirror or a collage, counts once)."""
    together: dict[Hashable, Counter[Hashable]] = defaultdict(Counter)
    for item in media_people:
        present = sorted(set(item), key=repr)
        for a in present:
            for b in present:
                if a != b:
                    together[a][b] += 1
    return {person: dict(counts) for person, counts in together.items()}


@dataclass(frozen=True, slots=True)
class PeoplePlan:
    """What one profile's re-clustering changes: people to write, every face's person, people emptied."""

    people: list[PersonWrite]
    assignments: list[FaceAssignment]
    emptied: list[int]


def recluster_profile(
    faces: Sequence[StoredFace],
    people: Sequence[StoredPerson],
    *,
    embedding_version: str,
    max_distance: float,
    min_faces: int = 3,
    avatar_embedding: Sequence[float] | None = None,
) -> PeoplePlan:
    """Cluster a profile's faces again and carry its people over.

    Faces a person placed by hand (merge, split: `assigned_by == "manual"`) keep their person and are
    not clustered. The other faces are clustered; each cluster takes the previous person its centroid
    matches best (one each, `match_to_previous`), and a cluster left over joins a person whose
    centroid or merged-in centroid is within reach (one person split in two clusters stays one), else
    becomes a new person labelled after the last. People marked "do not track" have no vectors and
    are never matched."""
    # People of another model's vectors cannot be compared (nor emptied): they are left as they are.
    tracked = {
        p.id: p for p in people if not p.do_not_track and p.embedding_version in (None, embedding_version)
    }
    min_similarity = 1.0 - max_distance
    manual = [f for f in faces if f.assigned_by == "manual" and f.person_id in tracked]
    auto = [f for f in faces if f.assigned_by != "manual"]
    members: dict[int | str, list[StoredFace]] = defaultdict(list)
    for f in manual:
        members[f.person_id].append(f)  # type: ignore[index]

    clustered: set[tuple[str, int]] = set()
    if auto:
        matrix = _unit_rows([f.embedding for f in auto])
        labels = cluster_faces(matrix, max_distance=max_distance, min_faces=min_faces)
        cents = centroids(matrix, labels)
        # A person's faces placed by hand say who they are now (after a split, the stored centroid still
        # holds the faces split off); otherwise their stored centroid does.
        previous = {pid: unit_mean([f.embedding for f in fs]) for pid, fs in members.items()}
        previous |= {
            pid: unit(p.canonical_embedding)
            for pid, p in tracked.items()
            if pid not in previous and p.canonical_embedding
        }
        owner: dict[int, int | str | None] = dict(match_to_previous(cents, previous, min_similarity))  # type: ignore[arg-type]
        exemplars = [
            *previous.items(),
            *(
                (pid, unit(e))
                for pid, p in tracked.items()
                for e in (p.metadata or {}).get("merged_embeddings", [])
            ),
        ]
        next_number = _last_number(p.label for p in people)
        for label, centre in cents.items():
            if owner[label] is None and exemplars:
                sims = [(float(centre @ e), pid) for pid, e in exemplars]
                best, pid = max(sims, key=lambda t: (t[0], -t[1]))
                if best >= min_similarity:
                    owner[label] = pid
            if owner[label] is None:
                next_number += 1
                owner[label] = f"person-{next_number}"
        for f, label in zip(auto, labels.tolist(), strict=True):
            if label != NOISE:
                clustered.add((f.kind, f.id))
                members[owner[label]].append(f)  # type: ignore[index]

    centre_of = {key: unit_mean([f.embedding for f in fs]) for key, fs in members.items()}
    order = sorted(members, key=lambda k: (isinstance(k, str), k if isinstance(k, int) else _label_number(k)))
    avatar = unit(avatar_embedding) if avatar_embedding else None
    evidence = [
        PersonEvidence(
            key,
            appearances=len({(f.kind, f.media_id) for f in members[key]}),
            prominent=len({(f.kind, f.media_id) for f in members[key] if f.prominent}),
            matches_avatar=bool(avatar is not None and float(centre_of[key] @ avatar) >= min_similarity),
        )
        for key in order
    ]
    roles = assign_roles(evidence)
    label_of = {key: (tracked[key].label if isinstance(key, int) else key) for key in order}
    per_media: dict[tuple[str, int], list[int | str]] = defaultdict(list)
    for key in order:
        for f in members[key]:
            per_media[(f.kind, f.media_id)].append(key)
    together = co_appearances(per_media.values())

    writes = []
    for ev in evidence:
        key, fs = ev.person, members[ev.person]
        times = [f.taken_at for f in fs if f.taken_at is not None]
        previous_meta = dict(tracked[key].metadata or {}) if isinstance(key, int) else {}
        writes.append(
            PersonWrite(
                id=key if isinstance(key, int) else None,
                label=label_of[key],
                role=roles[key],
                canonical_embedding=[round(float(x), 6) for x in centre_of[key]],
                embedding_version=embedding_version,
                appearance_count=ev.appearances,
                first_seen_at=min(times, default=None),
                last_seen_at=max(times, default=None),
                metadata={
                    **previous_meta,
                    "faces": len(fs),
                    "prominent": ev.prominent,
                    "matches_avatar": ev.matches_avatar,
                    "media": dict(Counter(k for k, _ in {(f.kind, f.media_id) for f in fs})),
                    "coappearance": {
                        label_of[o]: n for o, n in sorted(together.get(key, {}).items(), key=lambda t: -t[1])
                    },
                },
            )
        )
    assignments = []
    for key, fs in members.items():
        for f in fs:
            if f.assigned_by != "manual":
                assignments.append(
                    FaceAssignment(f.kind, f.id, key, round(float(unit(f.embedding) @ centre_of[key]), 4))
                )
    assignments += [FaceAssignment(f.kind, f.id, None, None) for f in auto if (f.kind, f.id) not in clustered]
    emptied = [pid for pid in tracked if pid not in members]
    return PeoplePlan(writes, assignments, emptied)


def _unit_rows(rows: Sequence[Sequence[float]]) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def _label_number(label: str) -> int:
    tail = label.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _last_number(labels: Iterable[str]) -> int:
    return max((_label_number(label) for label in labels), default=0)
