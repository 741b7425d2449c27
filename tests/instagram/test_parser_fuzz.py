"""Generated and mutated real-shaped bodies never crash the parsers: they parse or raise a typed error."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ig_resources.instagram import InstagramError, classify_response, profile_details_from_body
from ig_resources.instagram.models import FollowPage, InboxPage, StoryTray

from .ig_test_support import load_fixture

PROFILE_FIXTURES = [
    "web_profile_info__pgrimaud.json",
    "users_info__pgrimaud.json",
    "users_usernameinfo__instagramkit.json",
    "users_info_logged_out__instagramkit.json",
    "profile_username_a1_legacy__instagramkit.json",
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data[:3]):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn, names: list[str]) -> Any:
    """A real body with a few values replaced by arbitrary JSON, or deleted."""
    body = copy.deepcopy(load_fixture(draw(st.sampled_from(names))))
    paths = _paths(body)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths))
        parent = body
        try:
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    return body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(PROFILE_FIXTURES))
def test_profile_parser_survives_mutations(body: Any) -> None:
    try:
        profile = profile_details_from_body(body)
    except InstagramError:
        return
    assert isinstance(profile.ig_user_id, str)
    assert isinstance(profile.raw, dict)
    json.dumps(profile.raw, default=str)  # what is kept as raw JSON stays serialisable


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(["friendships_followers_mobile__instagramkit.json", "reels_tray__instagram-clone.json"]))
def test_list_models_survive_mutations(body: Any) -> None:
    from pydantic import ValidationError

    for model in (FollowPage, StoryTray, InboxPage):
        # the client turns ValidationError into MalformedResponseError; anything else is a bug
        with contextlib.suppress(ValidationError):
            model.model_validate(body)


@settings(max_examples=300, deadline=None)
@given(st.integers(100, 599), JSON_VALUES, st.text(max_size=50))
def test_classification_of_arbitrary_answers(status: int, body: Any, text: str) -> None:
    error = classify_response("profile", status, body, text=text)
    if status >= 400:
        assert error is not None
    assert error is None or isinstance(error, InstagramError)
