"""The sandbox's picture CDN: deterministic images for the URLs its profile bodies name.

Real profile bodies point at `https://scontent-*.cdninstagram.com/...` and `*.fbcdn.net`; the sandbox
server rewrites those to `<its own url>/__cdn__/<host>/<path>` so the real downloader fetches them over
loopback. The bytes depend only on the file name, never on the signed query, like a real CDN object.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import Final

CDN_PREFIX: Final = "/__cdn__/"
_CDN_SCHEMES: Final = (b'"https://scontent', b'"https://instagram.f')
_SIZE: Final = 48


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
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw_rows)) + chunk(b"IEND", b"")
