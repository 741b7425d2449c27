"""What a CDN URL names, for the rules and the media store alike (no I/O, no stack)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

_RENDITION_SEGMENT = re.compile(r"^(?:[spc]\d+x\d+|c[\d.]+a|e\d+|sh[\d.]+|dst-[\w.-]+)$")


def url_fingerprint(url: str | None) -> str | None:
    """A stable id of the file a CDN URL names, ignoring what changes without the file changing:
    the signed query (`oh`, `oe`, `_nc_*`, `stp`), the CDN edge host, and size/crop segments.

    Instagram file names (`<n>_<n>_<n>_n.jpg`) are unique per upload, so the last path segment
    decides when it has an extension; otherwise the path without rendition segments does.
    """
    if not url:
        return None
    path = urlsplit(url.strip()).path
    parts = [p for p in path.split("/") if p]
    if not parts:
        return None
    name = parts[-1]
    key = name if "." in name else "/".join(p for p in parts if not _RENDITION_SEGMENT.match(p))
    return hashlib.sha256(key.encode()).hexdigest()
