"""Scan policy: which profiles are pages rather than people (seed 000 §2, tag `profile_scan_excluded`).

Pure rule. The pipeline studies people around a managed account; brands, media outlets and
celebrity-scale pages cost requests and say little about the account's network, so they get the
`profile_scan_excluded` tag and are skipped by content scans.
"""

from __future__ import annotations

from dataclasses import dataclass

PROFILE_SCAN_EXCLUDED = "profile_scan_excluded"

#: Instagram business categories that name an organisation or a product, not a person
PAGE_CATEGORIES = frozenset(
    {
        "brand",
        "media/news company",
        "news & media website",
        "product/service",
        "shopping & retail",
        "restaurant",
        "local business",
        "company",
        "organization",
        "nonprofit organization",
        "magazine",
        "tv channel",
        "radio station",
        "e-commerce website",
        "app page",
        "website",
        "sports team",
        "community",
        "entertainment website",
        "publisher",
        "newspaper",
        "broadcasting & media production company",
    }
)
#: above this audience, with almost nobody followed back, an account is a broadcast page
MASS_AUDIENCE = 100_000
FOLLOW_BACK_RATIO = 0.01


@dataclass(frozen=True)
class ScanVerdict:
    excluded: bool
    reason: str


def scan_verdict(
    *,
    category: str | None,
    is_business: bool | None,
    is_verified: bool | None,
    follower_count: int | None,
    following_count: int | None,
) -> ScanVerdict:
    """Whether a profile is page-like, and why.

    Page-like when any holds:
    1. `business_category`: a business account whose category names an organisation or product
       (`PAGE_CATEGORIES`); creators with personal categories (artist, blogger, …) stay people.
    2. `mass_audience`: at least `MASS_AUDIENCE` followers while following fewer than
       `FOLLOW_BACK_RATIO` of them: a broadcast account, verified or not.
    Otherwise a person (`person`). Missing counts never exclude anyone.
    """
    if is_business and category and category.strip().lower() in PAGE_CATEGORIES:
        return ScanVerdict(True, f"business_category:{category.strip()}")
    if (
        follower_count is not None
        and following_count is not None
        and follower_count >= MASS_AUDIENCE
        and following_count < FOLLOW_BACK_RATIO * follower_count
    ):
        who = "verified " if is_verified else ""
        return ScanVerdict(
            True, f"mass_audience:{who}{follower_count} followers, {following_count} following"
        )
    return ScanVerdict(False, "person")
