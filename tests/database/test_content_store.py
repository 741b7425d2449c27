"""The content store's queries, on both backends: the rules that run are the SQL ones."""

from datetime import UTC, datetime, timedelta

import pytest

from ig_assets.discovery.rules import MIN_COMMENTS
from ig_resources.database import DatabaseResource
from ig_resources.database.models import InstagramProfile, InstagramProfilePost
from ig_resources.instagram.session import SessionCookies

T0 = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def account_id(database: DatabaseResource) -> int:
    database.migrate()
    cookies = SessionCookies(cookies={"sessionid": "1%3Aabc", "csrftoken": "t", "ds_user_id": "1"})
    return database.accounts.register("hana", cookies).id


def test_comments_are_searched_above_the_threshold_when_unread_or_grown(
    database: DatabaseResource, account_id: int
) -> None:
    # (comments now, comments when last read): seed 001 reads a post's comments when it has more than
    # MIN_COMMENTS and none were read yet, or more than when they were read.
    cases = {
        "at_threshold_unread": (MIN_COMMENTS, None),
        "above_threshold_unread": (MIN_COMMENTS + 1, None),
        "read_unchanged": (12, 12),
        "grown_since_read": (13, 12),
        "count_unknown": (None, None),
        "shrunk_since_read": (10, 12),
    }
    with database.session() as s:
        profile = InstagramProfile(instagram_account_id=account_id, ig_user_id="7", username="ana")
        s.add(profile)
        s.flush()
        for i, (shortcode, (count, searched)) in enumerate(cases.items()):
            s.add(
                InstagramProfilePost(
                    instagram_account_id=account_id,
                    instagram_profile_id=profile.id,
                    shortcode=shortcode,
                    media_pk=str(100 + i),
                    comments_count=count,
                    comments_searched_count=searched,
                    taken_at=T0 + timedelta(hours=i),
                )
            )
    due = database.content.posts_needing_comments(account_id, 100, MIN_COMMENTS)
    # Newest first.
    assert [p.shortcode for p in due] == ["grown_since_read", "above_threshold_unread"]
    assert [p.profile_ig_user_id for p in due] == ["7", "7"]
    assert [p.shortcode for p in database.content.posts_needing_comments(account_id, 1, MIN_COMMENTS)] == [
        "grown_since_read"
    ]
