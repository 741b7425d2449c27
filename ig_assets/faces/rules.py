"""Which detected faces count, as pure rules: the floors below which a face is kept but not clustered,
what makes a face selfie-like, and how close two faces must be to link them."""

from __future__ import annotations

#: immich's detector floor (reference faces.md §4.1)
MIN_SCORE = 0.7
#: shorter box side in pixels below which a face is too small to identify reliably
MIN_FACE_SIZE = 40.0
#: cosine distance within which faces link into one person: immich's 0.5. It holds for SFace too:
#: its verification cut is looser (similarity 0.36–0.41), but clustering chains links, and a stranger of
#: insightface's group photo scores 0.40 against the cameraman while his own photos score ≥ 0.72.
MAX_DISTANCE = 0.5


def clusterable(
    face_size: float, det_score: float, *, min_size: float = MIN_FACE_SIZE, min_score: float = MIN_SCORE
) -> bool:
    return face_size >= min_size and det_score >= min_score


def prominent(box: tuple[float, float, float, float] | list[float], width: int, height: int) -> bool:
    """Selfie-like: the face's box covers at least 4 % of the picture and its centre lies in the middle
    60 % of the width, as in a photo taken of or by the person at arm's length."""
    x1, y1, x2, y2 = box
    if width <= 0 or height <= 0:
        return False
    share = max(0.0, x2 - x1) * max(0.0, y2 - y1) / (width * height)
    centre = (x1 + x2) / 2 / width
    return share >= 0.04 and 0.2 <= centre <= 0.8
