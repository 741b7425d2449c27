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
        assert np.linalg.norm(c) == pytest.approx(1) and c @ people[label] > 0.99


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
    assert match_to_previous({}, {"a": people[0]}) == {} and match_to_previous({1: close}, {}) == {1: None}


def test_roles_owner_by_weight_and_avatar_then_primary_by_appearances() -> None:
    roles = assign_roles([
        PersonEvidence("friend", appearances=9),
        PersonEvidence("me", appearances=6, prominent=3, matches_avatar=True),  # (6 + 3) · 2 = 18 > 9
        PersonEvidence("cousin", appearances=4),
        PersonEvidence("stranger", appearances=1),
    ])
    assert roles == {"me": PROFILE_OWNER, "friend": PRIMARY_PERSON, "cousin": SECONDARY_PERSON,
                     "stranger": SECONDARY_PERSON}
    # Without the avatar the most frequent person owns the profile; one sighting owns nothing.
    assert assign_roles([PersonEvidence("a", 5), PersonEvidence("b", 3)]) == {"a": PROFILE_OWNER, "b": PRIMARY_PERSON}
    assert assign_roles([PersonEvidence("once", 1)]) == {"once": SECONDARY_PERSON}
    assert assign_roles([PersonEvidence("a", 5), PersonEvidence("b", 1)])["b"] == SECONDARY_PERSON
    assert assign_roles([]) == {}


def test_co_appearances_count_items_not_faces() -> None:
    found = co_appearances([["a", "b"], ["a", "b", "c"], ["a", "a"], ["c"]])
    assert found == {"a": {"b": 2, "c": 1}, "b": {"a": 2, "c": 1}, "c": {"a": 1, "b": 1}}
