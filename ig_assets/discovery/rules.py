"""Discovery rules (seed 001): who around the network is worth knowing, found once per source."""

from __future__ import annotations

from collections.abc import Iterable

from ig_resources.instagram.models import Comment, UserSummary
from ig_resources.records import CommentWrite, DiscoveryWrite

COMMENTS, RELATED = "COMMENTS", "RELATED"
#: seed 001: a post's comments are read when it has more than this many and they were not read yet
MIN_COMMENTS = 5


def comment_write(comment: Comment) -> CommentWrite:
    user = comment.user
    return CommentWrite(
        comment_pk=comment.pk,
        body=comment.text,
        author_username=user.username if user else None,
        author_ig_user_id=user.ig_user_id if user else None,
        commented_at=comment.created_at,
        like_count=comment.comment_like_count,
    )


def discovered(
    people: Iterable[UserSummary], *, source: str, found_from_profile_id: int | None, exclude: set[str]
) -> list[DiscoveryWrite]:
    """Each person once (by Instagram id), except those in `exclude` (the managed account itself and
    the profile they were found from)."""
    found: dict[str, DiscoveryWrite] = {}
    for user in people:
        if user.ig_user_id in exclude or user.ig_user_id in found:
            continue
        found[user.ig_user_id] = DiscoveryWrite(
            user.ig_user_id, user.username, user.full_name, user.is_private, source, found_from_profile_id
        )
    return list(found.values())
