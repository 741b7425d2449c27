"""Faces into people, as a pure rule: DBSCAN over cosine distance with immich's core-point rule.

A face is a *core* face when at least `min_faces` faces (itself included) lie within `max_distance`
(cosine distance, 1 − similarity) of it, as immich decides it; core faces within `max_distance` of
each other belong to one person; a non-core face joins the person of its nearest core face within
reach, and is noise (label −1) otherwise. Defaults are immich's (`maxDistance` 0.5, `minFaces` 3).

Neighbours come from a k-nearest-neighbour graph (`neighbors` per face), computed exactly in
blocks (memory O(n · block)) or, for large sets, from an HNSW index. The result equals DBSCAN's
whenever no face has more than `neighbors` faces within reach; beyond that the graph keeps the
closest ones, which connect the same people in practice.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

NOISE = -1


#: above this many faces the neighbour graph comes from an HNSW index (n·log n) instead of exact blocks (n²)
EXACT_LIMIT = 20_000


def nearest_neighbors(embeddings: np.ndarray, k: int, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """(indices, similarities) of each row's `k` most similar rows, itself included, most similar
    first. Rows must be L2-normalised. Exact up to `EXACT_LIMIT` rows; beyond, faiss's HNSW graph
    (approximate: a true neighbour is occasionally missed, which can only leave a face unassigned)."""
    n = len(embeddings)
    k = min(k, n)
    if n > EXACT_LIMIT:
        return _hnsw_neighbors(embeddings, k)
    indices = np.empty((n, k), dtype=np.int64)
    similarities = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        sims = embeddings[start : start + block] @ embeddings.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        indices[start : start + block] = np.take_along_axis(top, order, axis=1)
        similarities[start : start + block] = np.take_along_axis(top_sims, order, axis=1)
    return indices, similarities


def _hnsw_neighbors(embeddings: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    import faiss  # only for large sets: the index costs a second to build even for small ones

    data = np.ascontiguousarray(embeddings, dtype=np.float32)
    # efConstruction 40 rather than 80: two thirds of the time on 100k faces, the same people found
    # (bench/faces.py); M 16 would halve it again but leaves faces without their own neighbours.
    index = faiss.IndexHNSWFlat(data.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 40
    index.hnsw.efSearch = max(k + 16, 48)
    index.add(data)
    similarities, indices = index.search(data, k)
    missing = indices < 0  # fewer than k found: pad with the row itself at similarity -1 (out of reach)
    indices[missing] = np.broadcast_to(np.arange(len(data))[:, None], indices.shape)[missing]
    similarities[missing] = -1.0
    return indices.astype(np.int64), similarities


def cluster_faces(
    embeddings: np.ndarray, *, max_distance: float = 0.5, min_faces: int = 3, neighbors: int = 32
) -> np.ndarray:
    """A person label per face (0, 1, … in order of each person's first face) or −1 for noise."""
    n = len(embeddings)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    indices, similarities = nearest_neighbors(
        np.asarray(embeddings, dtype=np.float32), max(neighbors, min_faces)
    )
    reach = similarities >= 1 - max_distance
    core = reach.sum(axis=1) >= min_faces

    # Core faces within reach of each other are one person: connected components of that graph.
    linked = reach & core[:, None] & core[indices]
    rows = np.repeat(np.arange(n), linked.sum(axis=1))
    graph = csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, indices[linked])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    labels = np.where(core, component, NOISE)

    # A border face joins the person of its most similar core face within reach (rows are sorted).
    border = reach & core[indices] & ~core[:, None]
    has = border.any(axis=1)
    first = border.argmax(axis=1)
    labels[has] = labels[indices[has, first[has]]]
    return _renumber(labels)


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Labels in order of first appearance, so equal partitions give equal labels."""
    names: dict[int, int] = {}
    return np.array(
        [NOISE if x == NOISE else names.setdefault(int(x), len(names)) for x in labels], dtype=np.int64
    )
