"""Who the clustered faces of one profile are, as pure rules (no I/O, no models): each cluster's
centroid, labels kept stable across runs, roles, and co-appearance.

Embeddings are L2-normalised rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

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
    order = sorted(((-similarity[i, j], i, j) for i in range(len(new_ids)) for j in range(len(old_ids))
                    if similarity[i, j] >= min_similarity))
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
    others = sorted((item for item in enumerate(people) if item[1] is not owner),
                    key=lambda item: (-item[1].appearances, item[0]))
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
