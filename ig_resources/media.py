"""The content-addressed media store: pictures and videos downloaded once, kept by the sha256 of their bytes.

A file's path is derived from its hash alone (`<root>/ab/cd/<sha256>.<ext>`, the extension from the
sniffed type), so nothing a URL or a server says ever becomes a path. Downloads are refused, with a
reason, when the host is not a trusted CDN, the body is too large, or its bytes are not a media
type the store accepts (the declared Content-Type is checked against the bytes themselves).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final
from urllib.parse import urlsplit

import dagster as dg
import httpx
from pydantic import Field

from ig_resources.database.engine import state_dir

DEFAULT_TRUSTED_HOSTS: Final = ("cdninstagram.com", "fbcdn.net")
#: sniffed type -> file extension; the store accepts nothing else
EXTENSIONS: Final = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heic",
    "video/mp4": "mp4",
}


# Size, crop and quality segments that differ between renditions of one picture.
def sniff_content_type(head: bytes) -> str | None:
    """The media type the first bytes of a file show, or None when it is none the store accepts."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1"):
            return "image/heic"
        return "video/mp4"
    return None


class MediaRejectedError(Exception):
    """A download the store refused; `reason` is a short slug for logs and action rows."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class StoredMedia:
    sha256: str
    content_type: str
    byte_size: int
    path: Path
    #: the store already had these bytes (nothing was written)
    existed: bool


class MediaDownloader:
    """One keep-alive HTTP client for a batch of downloads into a `MediaStore`'s folder."""

    def __init__(
        self,
        root: Path,
        *,
        max_bytes: int,
        timeout_seconds: float,
        trusted_hosts: tuple[str, ...],
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.trusted_hosts = trusted_hosts
        self.downloads = 0
        # No cookies: CDN files are public by signed URL, and a session must never leave Instagram's API.
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout_seconds), follow_redirects=False, transport=transport
        )

    def __enter__(self) -> MediaDownloader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._http.close()

    def fetch(self, url: str) -> StoredMedia:
        """Download `url` into the store, or raise `MediaRejectedError` saying why not."""
        host = (urlsplit(url).hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in self.trusted_hosts):
            raise MediaRejectedError(
                "untrusted_host", f"media host {host or '(none)'!r} is not a trusted CDN"
            )
        self.downloads += 1
        tmp_dir = self.root / ".incoming"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, self._http.stream("GET", url) as response:
                if response.status_code != 200:
                    raise MediaRejectedError("http_error", f"the CDN answered HTTP {response.status_code}")
                declared = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if declared.split("/")[0] not in ("image", "video"):
                    raise MediaRejectedError(
                        "content_type", f"declared type {declared or '(none)'!r} is not media"
                    )
                length = response.headers.get("content-length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    raise MediaRejectedError(
                        "too_large", f"{int(length):,} bytes is over the {self.max_bytes:,} limit"
                    )
                for chunk in response.iter_bytes(64 * 1024):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise MediaRejectedError("too_large", f"more than the {self.max_bytes:,} byte limit")
                    if len(head) < 16:
                        head += chunk[: 16 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            sniffed = sniff_content_type(head)
            if sniffed is None or sniffed.split("/")[0] != declared.split("/")[0]:
                raise MediaRejectedError("content_type", f"the bytes are not the declared {declared!r}")
            sha = digest.hexdigest()
            final = self.root / sha[:2] / sha[2:4] / f"{sha}.{EXTENSIONS[sniffed]}"
            existed = final.exists()
            if not existed:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, final)  # atomic: a reader never sees half a file
            return StoredMedia(sha, sniffed, size, final, existed)
        except httpx.HTTPError as exc:
            raise MediaRejectedError("http_error", f"download failed ({type(exc).__name__})") from None
        finally:
            tmp.unlink(missing_ok=True)


class MediaStore(dg.ConfigurableResource):
    """Where downloaded media lives (`IG_MEDIA_ROOT`, default `<state dir>/media`) and what is accepted.

    `trusted_hosts` are host suffixes downloads may come from (Instagram's CDNs; the sandbox adds its
    loopback address through `IG_TRUSTED_MEDIA_HOSTS`).
    """

    root: str = Field(default_factory=lambda: str(state_dir() / "media"), description="IG_MEDIA_ROOT")
    max_bytes: int = 15 * 1024 * 1024
    timeout_seconds: float = 30.0
    trusted_hosts: list[str] = Field(default_factory=lambda: list(DEFAULT_TRUSTED_HOSTS))

    def downloader(self, transport: httpx.BaseTransport | None = None) -> MediaDownloader:
        return MediaDownloader(
            Path(self.root),
            max_bytes=self.max_bytes,
            timeout_seconds=self.timeout_seconds,
            trusted_hosts=tuple(h.lower().lstrip(".") for h in self.trusted_hosts),
            transport=transport,
        )

    def delete(self, sha256: str, content_type: str) -> int:
        """Remove a stored file (gone already is fine); returns the bytes freed."""
        path = self.path_of(sha256, content_type)
        size = path.stat().st_size if path.exists() else 0
        path.unlink(missing_ok=True)
        return size

    def path_of(self, sha256: str, content_type: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256) or content_type not in EXTENSIONS:
            raise ValueError("not a stored media id")
        return Path(self.root) / sha256[:2] / sha256[2:4] / f"{sha256}.{EXTENSIONS[content_type]}"
