"""`MediaDownloadTrustPolicy` (seed 000 §2): whose media the pipeline may download, and which URLs.

Pure rule. Downloading someone's pictures is only justified for people in the managed account's
own network; promotional media (ads injected into feeds and trays) is never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

#: tags that make a profile outside the follow graph trusted anyway
TRUSTED_TAGS = frozenset({"trusted"})
# Markers of ad and promotional media on Meta's CDNs and ad hosts.
_AD_QUERY_KEYS = frozenset({"ad_id", "_nc_ad", "ad_token", "adid", "ad_impression"})
_AD_PATH_MARKERS = ("/ads/", "/ad_images/", "/promoted/", "/adsarchive/")
_AD_HOSTS = ("an.facebook.com", "ads.instagram.com", "ad.doubleclick.net", "adsmanager.facebook.com")


@dataclass(frozen=True)
class TrustVerdict:
    allowed: bool
    reason: str


def is_promotional_url(url: str) -> bool:
    """Whether a media URL is an ad or promotional asset: an ad host, an ad path segment, or an ad
    query parameter."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if any(host == h or host.endswith("." + h) for h in _AD_HOSTS):
        return True
    path = parts.path.lower()
    if any(marker in path for marker in _AD_PATH_MARKERS):
        return True
    return any(key.lower() in _AD_QUERY_KEYS for key, _ in parse_qsl(parts.query, keep_blank_values=True))


def media_download_verdict(
    *,
    url: str | None,
    following: bool,
    follows_you: bool,
    is_self: bool = False,
    tags: frozenset[str] = frozenset(),
) -> TrustVerdict:
    """May this profile's media at `url` be downloaded?

    Reasons, in the order they are checked:
    - `no_url`: nothing to download.
    - `promotional_url`: an ad or promotional asset (`is_promotional_url`); never stored.
    - `profile_not_connected`: the profile is not the account itself, is in neither follow list,
      and carries no `TRUSTED_TAGS` tag.
    - `connected`: allowed.
    """
    if not url:
        return TrustVerdict(False, "no_url")
    if is_promotional_url(url):
        return TrustVerdict(False, "promotional_url")
    if not (is_self or following or follows_you or tags & TRUSTED_TAGS):
        return TrustVerdict(False, "profile_not_connected")
    return TrustVerdict(True, "connected")
