"""Faces into people, as a pure rule: DBSCAN over cosine distance with immich's core-point rule.

A face is a *core* face when at least `min_faces` faces (itself included) lie within `max_distance`
(cosine distance, 1 − similarity) of it, as immich decides it; core faces within `max_distance` of
each other belong to one person; a non-core face joins the person of its nearest core face within
reach, and is noise (label −1) otherwise. Defaults are immich's (`maxDistance` 0.5, `minFaces` 3).

Neighbours come from a k-nearest-neighbour graph (`neighbors` per face), computed exactly in
blocks, so memory stays O(n · block). The result equals DBSCAN's whenever no face has more than
`neighbors` faces within reach; beyond that the graph keeps the closest ones, which connect the same
people in practice.
"""

from __future__ import annotations

import numpy as np

NOISE = -1


def nearest_neighbors(embeddings: np.ndarray, k: int, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """(indices, similarities) of each row's `k` most similar rows, itself included, most similar
    first. Rows must be L2-normalised."""
    n = len(embeddings)
    k = min(k, n)
    indices = np.empty((n, k), dtype=np.int64)
    similarities = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        sims = embeddings[start:start + block] @ embeddings.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        indices[start:start + block] = np.take_along_axis(top, order, axis=1)
        similarities[start:start + block] = np.take_along_axis(top_sims, order, axis=1)
    return indices, similarities


def cluster_faces(embeddings: np.ndarray, *, max_distance: float = 0.5, min_faces: int = 3,
                  neighbors: int = 32) -> np.ndarray:
    """A person label per face (0, 1, … in order of each person's first face) or −1 for noise."""
    n = len(embeddings)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    indices, similarities = nearest_neighbors(np.asarray(embeddings, dtype=np.float32), max(neighbors, min_faces))
    reach = similarities >= 1 - max_distance
    core = reach.sum(axis=1) >= min_faces

    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in np.flatnonzero(core):
        for j in indices[i][reach[i]]:
            if core[j]:
                a, b = root(int(i)), root(int(j))
                if a != b:
                    parent[max(a, b)] = min(a, b)

    labels = np.full(n, NOISE, dtype=np.int64)
    names: dict[int, int] = {}
    for i in range(n):
        if core[i]:
            labels[i] = names.setdefault(root(i), len(names))
    for i in np.flatnonzero(~core):
        near = [j for j in indices[i][reach[i]] if core[j]]  # most similar first
        if near:
            labels[i] = labels[near[0]]
    return _renumber(labels)


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Labels in order of first appearance, so equal partitions give equal labels."""
    names: dict[int, int] = {}
    return np.array([NOISE if x == NOISE else names.setdefault(int(x), len(names)) for x in labels], dtype=np.int64)
