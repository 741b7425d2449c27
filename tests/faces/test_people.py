"""The pure people rules: centroids, stable labels, roles, co-appearance."""

from __future__ import annotations

import numpy as np
import pytest

from ig_assets.faces.people import (
    NOISE,
    PRIMARY_PERSON,
    PROFILE_OWNER,
    SECONDARY_PERSON,
    PersonEvidence,
    assign_roles,
    centroids,
    co_appearances,
    match_to_previous,
)


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


@pytest.fixture
def people() -> np.ndarray:
    """Three well separated directions in 64-d: three people."""
    rng = np.random.default_rng(7)
    return unit(rng.normal(size=(3, 64)))


def faces_of(centres: np.ndarray, per_person: int, noise: float, seed: int) -> tuple[np.ndarray, list[int]]:
    rng = np.random.default_rng(seed)
    rows = [unit(c + noise * rng.normal(size=c.shape)) for c in centres for _ in range(per_person)]
    return np.stack(rows), [i for i in range(len(centres)) for _ in range(per_person)]


def test_centroids_are_unit_means_and_skip_noise(people: np.ndarray) -> None:
    faces, labels = faces_of(people, 5, 0.02, 1)
    labels[0] = NOISE
    found = centroids(faces, labels)
    assert sorted(found) == [0, 1, 2]
    for label, c in found.items():
        assert np.linalg.norm(c) == pytest.approx(1)
        assert c @ people[label] > 0.99


def test_labels_survive_a_reclustering_with_new_faces_and_a_new_person(people: np.ndarray) -> None:
    before = centroids(*faces_of(people[:2], 6, 0.05, 2))
    previous = {"person-a": before[0], "person-b": before[1]}
    # The next run's clustering numbers its clusters differently and finds a third person.
    faces, labels = faces_of(people[[2, 1, 0]], 8, 0.05, 3)
    matched = match_to_previous(centroids(faces, labels), previous)
    assert matched == {0: None, 1: "person-b", 2: "person-a"}


def test_one_previous_person_is_matched_once_and_a_weak_match_is_none(people: np.ndarray) -> None:
    close = unit(people[0] + 0.02)
    closer = unit(people[0] + 0.01)
    matched = match_to_previous({5: close, 6: closer, 7: people[1]}, {"a": people[0]}, min_similarity=0.5)
    assert matched == {5: None, 6: "a", 7: None}
    assert match_to_previous({}, {"a": people[0]}) == {}
    assert match_to_previous({1: close}, {}) == {1: None}


def test_roles_owner_by_weight_and_avatar_then_primary_by_appearances() -> None:
    roles = assign_roles(
        [
            PersonEvidence("friend", appearances=9),
            PersonEvidence("me", appearances=6, prominent=3, matches_avatar=True),  # (6 + 3) · 2 = 18 > 9
            PersonEvidence("cousin", appearances=4),
            PersonEvidence("stranger", appearances=1),
        ]
    )
    assert roles == {
        "me": PROFILE_OWNER,
        "friend": PRIMARY_PERSON,
        "cousin": SECONDARY_PERSON,
        "stranger": SECONDARY_PERSON,
    }
    # Without the avatar the most frequent person owns the profile; one sighting owns nothing.
    assert assign_roles([PersonEvidence("a", 5), PersonEvidence("b", 3)]) == {
        "a": PROFILE_OWNER,
        "b": PRIMARY_PERSON,
    }
    assert assign_roles([PersonEvidence("once", 1)]) == {"once": SECONDARY_PERSON}
    assert assign_roles([PersonEvidence("a", 5), PersonEvidence("b", 1)])["b"] == SECONDARY_PERSON
    assert assign_roles([]) == {}


def test_co_appearances_count_items_not_faces() -> None:
    found = co_appearances([["a", "b"], ["a", "b", "c"], ["a", "a"], ["c"]])
    assert found == {"a": {"b": 2, "c": 1}, "b": {"a": 2, "c": 1}, "c": {"a": 1, "b": 1}}


# -- recluster_profile: a profile's people carried across runs ----------------------------------------

from datetime import UTC, datetime, timedelta  # noqa: E402

from ig_assets.faces.people import recluster_profile  # noqa: E402
from ig_resources.records import StoredFace, StoredPerson  # noqa: E402

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def stored(
    rows: np.ndarray,
    who: list[int],
    start_id: int = 1,
    media_per_face: bool = True,
    prominent_of: frozenset[int] = frozenset(),
) -> list[StoredFace]:
    return [
        StoredFace(
            "story",
            start_id + i,
            start_id + i if media_per_face else 1,
            row.tolist(),
            who[i] in prominent_of,
            T0 + timedelta(hours=start_id + i),
            None,
            None,
        )
        for i, row in enumerate(rows)
    ]


def persisted(plan_people: list, ids: dict[str, int]) -> list[StoredPerson]:
    return [
        StoredPerson(ids[w.label], w.label, None, w.role, w.canonical_embedding, False, w.metadata)
        for w in plan_people
    ]


def test_labels_stay_when_new_faces_arrive(people: np.ndarray) -> None:
    rows, who = faces_of(people[:2], 4, 0.05, 3)
    first = recluster_profile(
        stored(rows, who, prominent_of=frozenset({0})), [], embedding_version="sface", max_distance=0.4
    )
    assert sorted(w.label for w in first.people) == ["person-1", "person-2"]
    ids = {"person-1": 11, "person-2": 12}
    label_of_face = {a.face_id: a.person_key for a in first.assignments}
    # The second run sees the old faces again, more of both people, and a third person: old people
    # keep their ids (whatever order the clustering numbers them), the newcomer is person-3.
    more, more_who = faces_of(people, 4, 0.05, 4)
    faces = stored(rows, who, prominent_of=frozenset({0})) + stored(more, more_who, start_id=100)
    second = recluster_profile(
        faces, persisted(first.people, ids), embedding_version="sface", max_distance=0.4
    )
    by_face = {a.face_id: a.person_key for a in second.assignments}
    for face_id, label in label_of_face.items():
        assert by_face[face_id] == ids[label]
    assert {w.label for w in second.people} == {"person-1", "person-2", "person-3"}
    assert next(w for w in second.people if w.label == "person-3").id is None
    owner = next(w for w in second.people if w.role == PROFILE_OWNER)
    assert owner.label == next(lbl for f, lbl in label_of_face.items() if f == 1)  # the selfie person
    assert all(a.match_similarity and a.match_similarity > 0.9 for a in second.assignments if a.person_key)
    assert second.emptied == []


def test_manual_faces_stay_and_merged_people_keep_their_new_faces(people: np.ndarray) -> None:
    rows, who = faces_of(people[:2], 4, 0.05, 5)
    faces = stored(rows, who)
    # A person merged the two people into person-1 by hand: every face is "manual" now, and person-2's
    # old centroid lives on in person-1's merged embeddings.
    manual = [
        StoredFace(f.kind, f.id, f.media_id, f.embedding, f.prominent, f.taken_at, 1, "manual") for f in faces
    ]
    merged = StoredPerson(
        1,
        "person-1",
        "Ana",
        PROFILE_OWNER,
        unit(people[0]).tolist(),
        False,
        {"merged_embeddings": [unit(people[1]).tolist()]},
    )
    more, more_who = faces_of(people[:2], 3, 0.05, 6)
    plan = recluster_profile(
        manual + stored(more, more_who, start_id=50), [merged], embedding_version="sface", max_distance=0.4
    )
    assert [w.label for w in plan.people] == ["person-1"]
    assert {a.person_key for a in plan.assignments} == {1}
    assert {a.face_id for a in plan.assignments} == {
        50 + i for i in range(6)
    }  # manual faces are not re-assigned
    assert plan.people[0].appearance_count == 14


def test_forgotten_people_are_never_matched_and_emptied_people_are_reported(people: np.ndarray) -> None:
    rows, who = faces_of(people[:1], 4, 0.05, 8)
    forgotten = StoredPerson(1, "person-1", None, SECONDARY_PERSON, None, True, {})
    gone = StoredPerson(2, "person-2", None, SECONDARY_PERSON, unit(people[2]).tolist(), False, {})
    plan = recluster_profile(
        stored(rows, who), [forgotten, gone], embedding_version="sface", max_distance=0.4
    )
    assert [w.label for w in plan.people] == ["person-3"]  # a new label, never a forgotten one
    assert plan.emptied == [2]


def test_coappearance_and_noise(people: np.ndarray) -> None:
    rows, _who = faces_of(people[:2], 3, 0.05, 9)
    # Faces i and i+3 are in the same picture: the two people appear together three times.
    faces = [
        StoredFace("post", i + 1, (i % 3) + 1, row.tolist(), False, T0, None, None)
        for i, row in enumerate(rows)
    ]
    stray = StoredFace("post", 99, 9, unit(people[2]).tolist(), False, T0, None, None)
    plan = recluster_profile([*faces, stray], [], embedding_version="buffalo_l", max_distance=0.5)
    together = {w.label: w.metadata["coappearance"] for w in plan.people}
    assert together == {"person-1": {"person-2": 3}, "person-2": {"person-1": 3}}
    assert next(a for a in plan.assignments if a.face_id == 99).person_key is None


def test_people_of_another_model_are_left_alone(people: np.ndarray) -> None:
    rows, who = faces_of(people[:1], 4, 0.05, 12)
    old = StoredPerson(
        5, "person-1", "Ana", PROFILE_OWNER, unit(people[0])[:32].tolist(), False, {}, "buffalo_l"
    )
    plan = recluster_profile(stored(rows, who), [old], embedding_version="sface", max_distance=0.4)
    assert [w.label for w in plan.people] == ["person-2"]
    assert plan.emptied == []
