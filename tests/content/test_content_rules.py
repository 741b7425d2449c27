"""Pure content rules: whose feed is read, and where the incremental read stops."""

from __future__ import annotations

from ig_assets.content.rules import post_write, read_until_known, skip_reason
from ig_resources.instagram.models import FeedPage
from ig_resources.records import PostScanCandidate


def candidate(**kw: object) -> PostScanCandidate:
    base = {
        "id": 1,
        "ig_user_id": "5",
        "username": "ana",
        "following": False,
        "is_private": False,
        "media_count": 10,
        "tags": frozenset(),
    }
    return PostScanCandidate(**{**base, **kw})  # type: ignore[arg-type]


def test_skip_reasons() -> None:
    assert skip_reason(candidate()) is None
    assert skip_reason(candidate(tags=frozenset({"profile_scan_excluded"}))) == "profile_scan_excluded"
    assert skip_reason(candidate(is_private=True)) == "private_not_followed"
    assert skip_reason(candidate(is_private=True, following=True)) is None
    assert skip_reason(candidate(media_count=0)) == "no_posts"
    assert skip_reason(candidate(media_count=None)) is None


def pages(codes: list[list[str]]) -> list[FeedPage]:
    return [
        FeedPage.model_validate(
            {
                "items": [{"pk": i, "code": c} for i, c in enumerate(page)],
                "more_available": True,
                "next_max_id": "x",
            }
        )
        for page in codes
    ]


def test_reading_stops_after_the_overlap_of_known_posts() -> None:
    feed = pages([["n1", "n2", "k1"], ["k2", "k3", "k4"], ["k5", "k6", "k7"]])
    read = read_until_known(iter(feed), {"k1", "k2", "k3", "k4", "k5", "k6", "k7"}, overlap=3)
    assert read.pages == 2
    assert read.new == 2
    assert [p.code for p in read.posts][:3] == ["n1", "n2", "k1"]
    unchanged = read_until_known(iter(pages([["k1", "k2", "k3"], ["k4"]])), {"k1", "k2", "k3", "k4"})
    assert unchanged.pages == 1
    assert unchanged.new == 0


def test_few_known_posts_and_first_scans() -> None:
    # Only two posts were ever stored: once both are seen there is nothing more to refresh.
    assert read_until_known(iter(pages([["n1", "k1"], ["k2", "x"], ["y"]])), {"k1", "k2"}).pages == 2
    # A first scan reads the whole feed unless capped.
    assert read_until_known(iter(pages([["a"], ["b"], ["c"]])), set()).pages == 3
    assert read_until_known(iter(pages([["a"], ["b"], ["c"]])), set(), max_pages=2).pages == 2


def test_post_write_takes_the_carousels_first_picture() -> None:
    page = FeedPage.model_validate(
        {
            "items": [
                {
                    "pk": 9,
                    "code": "C1",
                    "media_type": 8,
                    "carousel_media": [
                        {
                            "pk": 10,
                            "media_type": 1,
                            "image_versions2": {
                                "candidates": [
                                    {
                                        "width": 640,
                                        "height": 640,
                                        "url": "https://scontent.cdninstagram.com/v/a/s640x640/1_n.jpg?oh=1",
                                    },
                                    {
                                        "width": 1080,
                                        "height": 1080,
                                        "url": "https://scontent.cdninstagram.com/v/a/1_n.jpg?oh=2",
                                    },
                                ]
                            },
                        }
                    ],
                }
            ]
        }
    )
    row = post_write(page.items[0], "en")
    assert row.source_media_url
    assert row.source_media_url.endswith("1_n.jpg?oh=2")
    assert row.permalink == "https://www.instagram.com/p/C1/"
    assert row.caption_lang == "en"
    assert row.metadata["carousel_count"] == 1
