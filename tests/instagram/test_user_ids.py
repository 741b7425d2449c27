"""A user's id is `ig_user_id` in our models whatever Instagram calls it (`pk`, `pk_id`, `id`,
`strong_id__`), and our own name is accepted when building one."""

from __future__ import annotations

from typing import Any

import pytest

from ig_resources.instagram import Post, ProfileDetails, StoryItem, UserProfile, UserSummary


@pytest.mark.parametrize(
    "body",
    [
        {"pk": 42, "username": "ana"},  # mobile lists: an int pk
        {"pk": "42", "pk_id": "42", "username": "ana"},  # mobile lists, newer: both
        {"pk_id": "42", "username": "ana"},  # the new-style id alone
        {"id": "42", "username": "ana"},  # web GraphQL nodes
        {"strong_id__": "42", "username": "ana"},
        {"ig_user_id": "42", "username": "ana"},  # our own name
    ],
)
@pytest.mark.parametrize("model", [UserSummary, UserProfile, ProfileDetails])
def test_a_user_model_exposes_instagrams_id_as_ig_user_id(
    model: type[UserSummary], body: dict[str, Any]
) -> None:
    user = model.model_validate(body)
    assert user.ig_user_id == "42"
    assert not hasattr(user, "pk")
    assert user.model_dump()["ig_user_id"] == "42"


@pytest.mark.parametrize("model", [UserSummary, UserProfile, ProfileDetails])
def test_a_user_model_is_built_with_ig_user_id(model: type[UserSummary]) -> None:
    user = model(ig_user_id="42", username="ana")
    assert (user.ig_user_id, user.username) == ("42", "ana")
    assert model(ig_user_id=42, username="ana").ig_user_id == "42"  # type: ignore[arg-type]  # int kept as text


def test_pk_wins_over_the_other_instagram_names() -> None:
    # A body naming the user both ways means one user; `pk` is the mobile API's own name for it.
    assert UserSummary.model_validate({"pk": 1, "id": "2", "username": "a"}).ig_user_id == "1"


def test_owners_of_posts_and_stories_are_ig_user_ids() -> None:
    post = Post.model_validate({"pk": 7, "code": "C1", "user": {"pk": 42, "username": "ana"}})
    assert (post.pk, post.owner_ig_user_id) == ("7", "42")  # the media id stays `pk`
    story = StoryItem.model_validate({"id": "7_42", "taken_at": 1_600_000_000})
    assert (story.pk, story.owner_ig_user_id) == ("7", "42")
    web = StoryItem.model_validate({"id": "7", "taken_at": 1_600_000_000, "owner": {"id": "42"}})
    assert web.owner_ig_user_id == "42"
