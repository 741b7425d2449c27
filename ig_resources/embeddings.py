"""Vector helpers shared by the people rules and the database's person commands (numpy only, so the
database package does not import the face models)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def unit(vector: Sequence[float] | np.ndarray) -> np.ndarray:
    """The vector scaled to length 1 (a zero vector stays zero)."""
    v = np.asarray(vector, dtype=np.float32)
    return v / (np.linalg.norm(v) or 1.0)


def unit_mean(vectors: Sequence[Sequence[float] | np.ndarray]) -> np.ndarray:
    """The unit-length mean direction of unit-scaled vectors: a person's centroid."""
    return unit(np.mean([unit(v) for v in vectors], axis=0))
