"""A contact sheet of people: one row per person, their best face crops, as a JPEG for the UI."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from ig_resources.faces import crop_face

TILE = 96
LABEL_WIDTH = 260


def read_frame(path: str, content_type: str, frame_time: float | None) -> np.ndarray | None:
    """The picture, or the video frame at `frame_time`, as BGR; None when it cannot be read."""
    if content_type.startswith("video/"):
        capture = cv2.VideoCapture(path)
        try:
            capture.set(cv2.CAP_PROP_POS_MSEC, (frame_time or 0.0) * 1000)
            ok, frame = capture.read()
        finally:
            capture.release()
        return frame if ok else None
    return cv2.imread(path, cv2.IMREAD_COLOR)


def contact_sheet(
    people: list[dict[str, Any]], path_of: Callable[[str, str], str], per_person: int
) -> bytes | None:
    """JPEG bytes of the sheet (None when there is nobody to show). `people` as
    `DatabaseResource.person_face_samples` gives them; `path_of(sha256, content_type)` finds a file."""
    rows = []
    for person in people:
        tiles = []
        for face in person["faces"][:per_person]:
            frame = read_frame(
                path_of(face["sha256"], face["content_type"]), face["content_type"], face["frame_time"]
            )
            if frame is not None:
                tiles.append(crop_face(frame, face["box"], TILE))
        if not tiles:
            continue
        row = np.full((TILE, LABEL_WIDTH + per_person * TILE, 3), 255, np.uint8)
        for i, tile in enumerate(tiles):
            row[:, LABEL_WIDTH + i * TILE : LABEL_WIDTH + (i + 1) * TILE] = tile
        title = f"{person['username']} / {person['name'] or person['label']}"
        cv2.putText(row, title[:28], (6, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (20, 20, 20), 1, cv2.LINE_AA)
        cv2.putText(
            row,
            person["role"].replace("_", " "),
            (6, 55),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.5,
            (90, 60, 20),
            1,
            cv2.LINE_AA,
        )
        cv2.putText(
            row,
            f"{person['appearances']} appearances",
            (6, 80),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.45,
            (90, 90, 90),
            1,
            cv2.LINE_AA,
        )
        rows.append(row)
    if not rows:
        return None
    # JPEG: a sheet of photos is a tenth of its PNG, and it travels in the run's event log.
    ok, jpeg = cv2.imencode(".jpg", np.vstack(rows), [cv2.IMWRITE_JPEG_QUALITY, 80])
    return jpeg.tobytes() if ok else None


def sheet_markdown(jpeg: bytes, people: list[dict[str, Any]]) -> str:
    """The sheet embedded in Markdown (the UI renders it), with the people as a table under it."""
    lines = [
        f"![people](data:image/jpeg;base64,{base64.b64encode(jpeg).decode()})",
        "",
        "| profile | person | role | appearances |",
        "|---|---|---|---:|",
    ]
    lines += [
        f"| {p['username']} | {p['name'] or p['label']} | {p['role']} | {p['appearances']} |" for p in people
    ]
    return "\n".join(lines)
