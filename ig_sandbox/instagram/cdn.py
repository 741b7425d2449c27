"""The sandbox's picture CDN: deterministic images for the URLs its profile bodies name.

Real profile bodies point at `https://scontent-*.cdninstagram.com/...` and `*.fbcdn.net`; the sandbox
server rewrites those to `<its own url>/__cdn__/<host>/<path>` so the real downloader fetches them over
loopback. The bytes depend only on the file name, never on the signed query, like a real CDN object.

Story files (`story_file_stem`) are real pictures with faces (a JPEG) or a short real video (an mp4),
and owner-photo post files (`post_file_stem`) a JPEG of the owner, composed by `photos.py` from the
owner and media pk their name carries; every other file is a small PNG identicon. Their names look like
any CDN name (`<9 digits>_<owner pk + 4 digits>_<media pk>_n.jpg`); the first number and the last four
digits of the second are a check (salted per kind), so no other file is read as one.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from typing import Final

from ._mix import MASK64, mix64

CDN_PREFIX: Final = "/__cdn__/"
_CDN_SCHEMES: Final = (b'"https://scontent', b'"https://instagram.f')
_SIZE: Final = 48
_STORY_SALT: Final = 0x5709_F11E
_POST_SALT: Final = 0x9057_F11E
_FILE_NAME: Final = re.compile(r"^(\d{9})_(\d{5,24})_(\d{1,20})_n\.(jpg|mp4)$")


def _stem(salt: int, owner_pk: int, media_pk: int) -> str:
    mac = mix64((owner_pk * 0x9E3779B97F4A7C15 ^ media_pk ^ salt) & MASK64)
    return f"{100_000_000 + mac % 900_000_000}_{owner_pk}{(mac >> 40) % 10_000:04d}_{media_pk}_n"


def _decode(salt: int, name: str) -> tuple[int, int, str] | None:
    match = _FILE_NAME.match(name)
    if match is None:
        return None
    owner, media, ext = int(match[2][:-4]), int(match[3]), match[4]
    return (owner, media, ext) if f"{_stem(salt, owner, media)}.{ext}" == name else None


def story_file_stem(owner_pk: int, media_pk: int) -> str:
    """The file name (without extension) of a story item's picture and video on the CDN."""
    return _stem(_STORY_SALT, owner_pk, media_pk)


def decode_story_name(name: str) -> tuple[int, int, str] | None:
    """(owner pk, media pk, "jpg" or "mp4") of a story file name, or None when it is not one."""
    return _decode(_STORY_SALT, name)


def post_file_stem(owner_pk: int, media_pk: int) -> str:
    """The file name (without extension) of a post photo that shows its owner."""
    return _stem(_POST_SALT, owner_pk, media_pk)


def decode_post_name(name: str) -> tuple[int, int, str] | None:
    return _decode(_POST_SALT, name)


def cdn_file(path: str) -> tuple[bytes, str]:
    """(bytes, content type) of the file a CDN path names: a story picture or video, a post photo of its
    owner, else an identicon."""
    name = path.rsplit("/", 1)[-1]
    story, post = decode_story_name(name), decode_post_name(name)
    if story is not None or (post is not None and post[2] == "jpg"):
        from . import photos  # numpy, OpenCV and the pictures load on the first such file only

        if post is not None:
            return photos.post_jpeg(post[0], post[1]), "image/jpeg"
        owner, media, ext = story  # type: ignore[misc]  # story is not None here
        if ext == "mp4":
            return photos.story_mp4(owner, media), "video/mp4"
        return photos.story_jpeg(owner, media), "image/jpeg"
    return picture_png(path), "image/png"


def rewrite_cdn_urls(body: bytes, server_url: str) -> bytes:
    """Point the CDN URLs of a JSON body at the sandbox server."""
    base = f'"{server_url}{CDN_PREFIX}'.encode()
    for scheme in _CDN_SCHEMES:
        body = body.replace(scheme, base + scheme[len(b'"https://') :])
    return body


def picture_png(path: str) -> bytes:
    """A small PNG identicon for the file a CDN path names (same file name, same bytes)."""
    name = path.rsplit("/", 1)[-1]
    digest = hashlib.sha256(name.encode()).digest()
    fg, bg = digest[:3], bytes(255 - b // 4 for b in digest[3:6])
    # A 6x6 mirrored pattern scaled to 48x48, like a default avatar.
    cells = [[(digest[6 + (y * 3 + min(x, 5 - x)) % 24] & 1) for x in range(6)] for y in range(6)]
    scale = _SIZE // 6
    rows = bytearray()
    for y in range(_SIZE):
        rows.append(0)  # filter type: none
        for x in range(_SIZE):
            rows += fg if cells[y // scale][x // scale] else bg
    return _png(_SIZE, _SIZE, bytes(rows))


def _png(width: int, height: int, raw_rows: bytes) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw_rows))
        + chunk(b"IEND", b"")
    )
