"""Clustering faces into people: immich's core rule, equal to DBSCAN where the neighbour graph is
complete, against a plain O(n²) reference written out here."""

from __future__ import annotations

import numpy as np
import pytest

from ig_assets.faces import clustering
from ig_assets.faces.clustering import NOISE, cluster_faces, nearest_neighbors


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def reference_dbscan(x: np.ndarray, eps: float, min_samples: int) -> np.ndarray:
    """Textbook DBSCAN on cosine distance; border faces go to their most similar core face."""
    sims = x @ x.T
    within = sims >= 1 - eps
    core = within.sum(axis=1) >= min_samples
    labels = np.full(len(x), NOISE)
    current = 0
    for i in range(len(x)):
        if not core[i] or labels[i] != NOISE:
            continue
        stack, labels[i] = [i], current
        while stack:
            j = stack.pop()
            for m in np.flatnonzero(within[j] & core):
                if labels[m] == NOISE:
                    labels[m] = current
                    stack.append(m)
        current += 1
    for i in np.flatnonzero(~core):
        candidates = np.flatnonzero(within[i] & core)
        if len(candidates):
            labels[i] = labels[candidates[np.argmax(sims[i, candidates])]]
    names: dict[int, int] = {}
    return np.array([NOISE if x == NOISE else names.setdefault(int(x), len(names)) for x in labels])


def people(n_people: int, per_person: int, spread: float, dim: int = 128, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = unit(rng.normal(size=(n_people, dim)))
    faces = [
        unit(c + spread * rng.normal(size=dim) / np.sqrt(dim)) for c in centres for _ in range(per_person)
    ]
    order = rng.permutation(len(faces))
    return np.stack(faces)[order]


def test_nearest_neighbors_are_exact_and_sorted() -> None:
    x = people(4, 10, 0.5, seed=1)
    indices, sims = nearest_neighbors(x, 5, block=7)  # blocks that do not divide n
    full = x @ x.T
    for i in range(len(x)):
        assert indices[i, 0] == i
        assert np.all(np.diff(sims[i]) <= 1e-6)
        assert sorted(np.argsort(-full[i])[:5]) == sorted(indices[i])


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_equal_to_dbscan_when_the_graph_is_complete(seed: int) -> None:
    x = people(6, 12, 0.8, seed=seed)
    x = np.concatenate([x, unit(np.random.default_rng(seed + 100).normal(size=(5, x.shape[1])))])  # strangers
    ours = cluster_faces(x, max_distance=0.5, min_faces=3, neighbors=len(x))
    assert np.array_equal(ours, reference_dbscan(x, 0.5, 3))
    assert len(set(ours) - {NOISE}) == 6
    assert np.sum(ours == NOISE) == 5


def test_a_capped_graph_finds_the_same_people() -> None:
    x = people(10, 60, 0.7, seed=5)
    assert np.array_equal(cluster_faces(x, neighbors=16), cluster_faces(x, neighbors=len(x)))


def test_the_core_rule_needs_min_faces_within_reach() -> None:
    pair = people(1, 2, 0.3, seed=6)  # two faces of one person: neither is core with min_faces 3
    assert cluster_faces(pair).tolist() == [NOISE, NOISE]
    assert cluster_faces(pair, min_faces=2).tolist() == [0, 0]
    assert cluster_faces(np.empty((0, 8))).tolist() == []


def test_a_border_face_joins_the_person_of_its_core_faces() -> None:
    def at(degrees: float) -> np.ndarray:
        r = np.radians(degrees)
        return np.array([np.cos(r), np.sin(r), 0.0])

    # Reach is 36.9° (distance 0.2), four faces make a core: 0°–15° are core faces of one person; 45° has
    # only itself, 15° and 10° within reach, so it is a border face of that person; 180° is nobody's.
    x = np.stack([at(d) for d in (0, 5, 10, 15, 45, 180)])
    labels = cluster_faces(x, max_distance=0.2, min_faces=4)
    assert labels.tolist() == [0, 0, 0, 0, 0, NOISE]
    assert np.array_equal(labels, reference_dbscan(x, 0.2, 4))
    assert cluster_faces(x, max_distance=0.2, min_faces=6).tolist() == [NOISE] * 6  # no face has six in reach


def test_large_sets_use_the_hnsw_graph_and_find_the_same_people(monkeypatch: pytest.MonkeyPatch) -> None:
    x = people(40, 50, 0.7, seed=11)
    exact = cluster_faces(x)
    monkeypatch.setattr(clustering, "EXACT_LIMIT", 100)  # 2,000 faces now take the HNSW path
    indices, sims = nearest_neighbors(x, 8)
    assert np.all(indices[:, 0] == np.arange(len(x)))
    assert np.all(np.diff(sims, axis=1) <= 1e-5)
    assert np.array_equal(cluster_faces(x), exact)
