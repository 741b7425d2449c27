"""Story pictures and videos with real faces, so the pipeline's face detection and clustering find people.

The faces are real photographs that ship with installed packages, loaded at run time and never copied
into the repository: scikit-image's `astronaut` and `camera` (one person each) and the six people of
insightface's bundled group photo `t1`, each cropped with a margin around the face. `coffee` and
`chelsea` (a cup, a cat) are pictures without a person.

Every story owner has a "self" identity from that pool and one or two "friends", chosen from the owner pk
alone; every item is composed from its media pk alone: mostly the owner, sometimes the owner with a friend
side by side, a friend, the whole group, or no one. A per-item flip, brightness, small rotation and scale
make each picture's embedding a little different while the person stays recognisable. About half of
the post photos show their owner (the same "self"), alone. Nothing is built before the CDN is first
asked for such a file; composed pictures are cached.
"""

from __future__ import annotations

import os
import tempfile
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Final

from ._mix import mix64

if TYPE_CHECKING:
    import numpy as np

#: (x, y, w, h) of the six faces of insightface's `t1.jpg` (1280×886), found once with YuNet
T1_FACES: Final = (
    (60, 268, 106, 128),
    (266, 151, 105, 126),
    (465, 266, 101, 144),
    (748, 353, 98, 122),
    (905, 58, 99, 143),
    (1125, 272, 95, 123),
)
#: the identity pool: one person per entry
IDENTITIES: Final = ("astronaut", "camera", *(f"t1-{k}" for k in range(len(T1_FACES))))
_FACE_BOXES: Final = {"astronaut": (178, 62, 90, 113), "camera": (195, 112, 61, 81)}
_NO_FACE: Final = ("coffee", "chelsea")
STORY_SIZE: Final = (720, 1280)  # width, height of a story picture
POST_SIZE: Final = (720, 900)  # a 4:5 feed photo
VIDEO_SIZE: Final = (360, 640)
VIDEO_FPS: Final = 10
VIDEO_FRAMES: Final = 25  # 2.5 s
_CAST_SALT: Final = 0x51DE_CA57
_ITEM_SALT: Final = 0x17E3_5A17
_POST_SALT: Final = 0x9057_F0C5


# -- who appears -----------------------------------------------------------------------------------


def cast_of(owner_pk: int) -> tuple[str, tuple[str, ...]]:
    """(the owner's own identity, their one or two friends), a pure function of the owner pk."""
    h = mix64(owner_pk ^ _CAST_SALT)
    n = len(IDENTITIES)
    me = h % n
    others = [i for i in range(n) if i != me]
    first = others.pop((h >> 8) % len(others))
    friends = [first]
    if (h >> 16) % 2:
        friends.append(others[(h >> 24) % len(others)])
    return IDENTITIES[me], tuple(IDENTITIES[i] for i in friends)


def scene_of(owner_pk: int, media_pk: int) -> tuple[str, tuple[str, ...]]:
    """(kind, sources) of one story item: "self" ~60 %, "pair" ~15 %, "friend" ~10 %, "group" ~5 %,
    "none" ~10 %; sources are identity names, "group" or a no-face picture."""
    me, friends = cast_of(owner_pk)
    h = mix64(media_pk ^ _ITEM_SALT)
    r = h % 100
    friend = friends[(h >> 40) % len(friends)]
    if r < 60:
        return "self", (me,)
    if r < 75:
        return "pair", ((me, friend) if (h >> 44) % 2 else (friend, me))
    if r < 85:
        return "friend", (friend,)
    if r < 90:
        return "group", ("group",)
    return "none", (_NO_FACE[(h >> 48) % len(_NO_FACE)],)


# -- sources -----------------------------------------------------------------------------------------


@cache
def _t1() -> np.ndarray:
    from insightface.data import get_image

    image: np.ndarray = get_image("t1")  # BGR
    return image


def _square_around(image: np.ndarray, box: tuple[int, int, int, int], margin: float) -> np.ndarray:
    """A square crop `margin` times the face's larger side, moved (not cut) to stay inside the image."""
    x, y, w, h = box
    height, width = image.shape[:2]
    side = min(int(max(w, h) * margin), height, width)
    left = min(max(0, x + w // 2 - side // 2), width - side)
    top = min(max(0, y + h // 2 - side // 2), height - side)
    return image[top : top + side, left : left + side]


@cache
def source(name: str) -> np.ndarray:
    """A BGR picture of the pool: an identity's face crop, the whole group, or a no-face picture."""
    import cv2
    import numpy as np
    from skimage import data

    if name == "group":
        return _t1()
    if name.startswith("t1-"):
        # 1.9× the face: the whole head and some shoulder, without a neighbour's face at the edge.
        return np.ascontiguousarray(_square_around(_t1(), T1_FACES[int(name[3:])], 1.9))
    loader = getattr(data, name)
    picture = loader()
    picture = cv2.cvtColor(picture, cv2.COLOR_GRAY2BGR if picture.ndim == 2 else cv2.COLOR_RGB2BGR)
    if name in _FACE_BOXES:
        return np.ascontiguousarray(_square_around(picture, _FACE_BOXES[name], 2.6))
    return picture


# -- composition -------------------------------------------------------------------------------------


def _background(h: int, size: tuple[int, int]) -> np.ndarray:
    import numpy as np

    width, height = size
    top = np.array([(h >> s) % 200 + 30 for s in (0, 8, 16)], dtype=np.float32)
    bottom = np.array([(h >> s) % 200 + 30 for s in (24, 32, 40)], dtype=np.float32)
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    column = top[None, :] * (1 - t) + bottom[None, :] * t
    return np.repeat(column[:, None, :], width, axis=1)


def _place(
    canvas: np.ndarray, photo: np.ndarray, centre: tuple[float, float], width: float, angle: float, flip: bool
) -> None:
    """Draw `photo` scaled to `width` pixels, turned by `angle` degrees, centred at `centre` (in place)."""
    import cv2
    import numpy as np

    if flip:
        photo = photo[:, ::-1]
    ph, pw = photo.shape[:2]
    matrix = cv2.getRotationMatrix2D((pw / 2, ph / 2), angle, width / pw)
    matrix[0, 2] += centre[0] - pw / 2
    matrix[1, 2] += centre[1] - ph / 2
    size = (canvas.shape[1], canvas.shape[0])
    warped = cv2.warpAffine(np.ascontiguousarray(photo), matrix, size, flags=cv2.INTER_LINEAR)
    ones = np.ones((ph, pw), dtype=np.float32)
    mask = cv2.warpAffine(ones, matrix, size, flags=cv2.INTER_LINEAR)[..., None]
    canvas *= 1 - mask
    canvas += warped.astype(np.float32) * mask


def _compose(h: int, size: tuple[int, int], kind: str, sources: tuple[str, ...]) -> np.ndarray:
    """A `size` BGR picture of `sources` laid out for `kind`, augmented by the bits of `h` (read-only)."""
    import numpy as np

    width, height = size
    canvas = _background(h, size)
    flip = bool(h & 1)
    angle = ((h >> 4) % 21) - 10  # ≤ 10° either way
    scale = 0.85 + ((h >> 12) % 31) / 100  # 0.85-1.15
    brightness = 0.7 + ((h >> 20) % 51) / 100  # ×0.7-1.2
    dy = (((h >> 28) % 301) - 150) * height / 1280
    if kind == "pair":
        for k, name in enumerate(sources):
            turn = angle if k == 0 else -angle / 2
            centre = (width * (0.26 + 0.48 * k), height / 2 + dy)
            _place(canvas, source(name), centre, width * 0.46 * scale, turn, flip)
    elif kind in ("group", "none"):
        centre = (width / 2, height / 2 + dy)
        _place(canvas, source(sources[0]), centre, width * min(scale, 1.0), angle / 2, flip)
    else:
        _place(canvas, source(sources[0]), (width / 2, height / 2 + dy), width * 0.78 * scale, angle, flip)
    picture = np.clip(canvas * brightness, 0, 255).astype(np.uint8)
    picture.setflags(write=False)
    return picture


@lru_cache(maxsize=128)
def story_picture(owner_pk: int, media_pk: int) -> np.ndarray:
    """The 720×1280 BGR picture of one story item (read-only: it is cached)."""
    kind, sources = scene_of(owner_pk, media_pk)
    return _compose(mix64(media_pk ^ _ITEM_SALT ^ 0xA5A5), STORY_SIZE, kind, sources)


def _jpeg(picture: np.ndarray) -> bytes:
    import cv2

    ok, encoded = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, 88])
    if not ok:
        raise RuntimeError("could not encode a sandbox picture")
    return encoded.tobytes()


@lru_cache(maxsize=256)
def post_jpeg(owner_pk: int, media_pk: int) -> bytes:
    """A 720×900 feed photo of the post's owner (their "self" identity) alone, as JPEG bytes."""
    me, _ = cast_of(owner_pk)
    return _jpeg(_compose(mix64(media_pk ^ _POST_SALT), POST_SIZE, "self", (me,)))


@lru_cache(maxsize=256)
def story_jpeg(owner_pk: int, media_pk: int) -> bytes:
    """The story picture as JPEG bytes (the same bytes for the same item, in any process)."""
    return _jpeg(story_picture(owner_pk, media_pk))


@lru_cache(maxsize=32)
def story_mp4(owner_pk: int, media_pk: int) -> bytes:
    """A 2.5 s, 10 fps, 360×640 MPEG-4 video of the same scene, slowly zooming in (a real mp4 file)."""
    import cv2
    import numpy as np

    picture = story_picture(owner_pk, media_pk)
    width, height = VIDEO_SIZE
    fd, name = tempfile.mkstemp(suffix=".mp4", prefix="ig-sandbox-")
    os.close(fd)
    try:
        writer = cv2.VideoWriter(name, cv2.VideoWriter_fourcc(*"mp4v"), VIDEO_FPS, (width, height))
        if not writer.isOpened():
            raise RuntimeError("OpenCV cannot write mp4v videos here")
        try:
            for frame in range(VIDEO_FRAMES):
                zoom = 1.0 + 0.12 * frame / (VIDEO_FRAMES - 1)
                sx, sy = zoom * width / STORY_SIZE[0], zoom * height / STORY_SIZE[1]
                matrix = np.array([[sx, 0, 0], [0, sy, 0]], dtype=np.float64)
                # Zoom about the centre of the frame.
                matrix[0, 2] = width / 2 * (1 - zoom)
                matrix[1, 2] = height / 2 * (1 - zoom)
                writer.write(cv2.warpAffine(picture, matrix, (width, height), flags=cv2.INTER_AREA))
        finally:
            writer.release()
        with open(name, "rb") as handle:
            return handle.read()
    finally:
        os.unlink(name)
