"""Every captured Instagram body this client covers parses with the models (real values checked).

`test_every_fixture_is_accounted_for` lists the fixture directory, so a new capture must be either parsed
by a named test (here, or `module.test` of this package) or assigned to the later feature that will parse it.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable

import pytest

from ig_resources.instagram import (
    AuthenticationError,
    CheckpointRequiredError,
    FeedPage,
    FollowPage,
    InstagramError,
    MalformedResponseError,
    NotFoundError,
    StoryTray,
    UserProfile,
    classify_response,
    follow_page_from_graphql,
    story_tray_from_graphql,
    user_profile_from_body,
)
from tests.instagram.ig_test_support import FIXTURES_DIR, load_fixture

# -- followers / following ---------------------------------------------------------------------------


def test_mobile_followers_page() -> None:
    page = FollowPage.model_validate(load_fixture("friendships_followers_mobile__instagramkit.json"))
    assert len(page.users) == 35  # only 35 despite page_size 200, as captured
    assert page.page_size == 200
    assert page.big_list is True
    assert page.next_max_id is not None
    assert page.next_max_id.startswith("QVFBbG9QNktkT0llYkZUazRJ")
    first = page.users[0]
    assert (first.ig_user_id, first.username, first.full_name) == ("3270262328", "fitriani_f.a", "fitt🌻")
    assert first.latest_reel_media == 1592475703
    assert first.is_private is False
    assert all(u.ig_user_id.isdigit() for u in page.users)  # int pks arrive as text


@pytest.mark.parametrize(
    ("name", "count", "first_ig_user_id", "first_username"),
    [
        ("graphql_followers_page1__pgrimaud.json", 24, "41055093479", "martinasalomao0602"),
        ("graphql_followers_page2__pgrimaud.json", 12, None, None),
        ("graphql_following_page1__pgrimaud.json", 24, None, None),
        ("graphql_following_page2__pgrimaud.json", 11, None, None),
    ],
)
def test_graphql_follow_pages(
    name: str, count: int, first_ig_user_id: str | None, first_username: str | None
) -> None:
    body = load_fixture(name)
    page = follow_page_from_graphql(body)
    edge = body["data"]["user"].get("edge_followed_by") or body["data"]["user"]["edge_follow"]
    assert len(page.users) == count
    assert page.next_max_id == edge["page_info"]["end_cursor"]  # has_next_page is true on all four
    assert [u.ig_user_id for u in page.users] == [e["node"]["id"] for e in edge["edges"]]
    assert all(u.username and u.ig_user_id.isdigit() for u in page.users)
    if first_ig_user_id:
        assert (page.users[0].ig_user_id, page.users[0].username) == (first_ig_user_id, first_username)


def test_graphql_follow_pages_chain_without_overlap() -> None:
    for kind in ("followers", "following"):
        one = follow_page_from_graphql(load_fixture(f"graphql_{kind}_page1__pgrimaud.json"))
        two = follow_page_from_graphql(load_fixture(f"graphql_{kind}_page2__pgrimaud.json"))
        assert not {u.ig_user_id for u in one.users} & {u.ig_user_id for u in two.users}


def test_graphql_follow_page_stop_and_errors() -> None:
    edge = {
        "count": 1,
        "page_info": {"has_next_page": False, "end_cursor": "X"},
        "edges": [{"node": {"id": "1", "username": "a"}}],
    }
    last = {"data": {"user": {"edge_follow": edge}}}
    assert follow_page_from_graphql(last).next_max_id is None  # the cursor only counts while has_next_page
    with pytest.raises(NotFoundError):
        follow_page_from_graphql(load_fixture("graphql_user_not_found__pgrimaud.json"))
    with pytest.raises(MalformedResponseError):
        follow_page_from_graphql({"data": {"user": {"edge_follow": {"count": 3}}}})
    with pytest.raises(MalformedResponseError):
        follow_page_from_graphql({"status": "ok"})


# -- profiles --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ig_user_id", "username", "followers", "following", "media"),
    [
        ("users_info__pgrimaud.json", "1518284433", "robertdowneyjr", 50_857_062, 4, 400),
        ("web_profile_info__pgrimaud.json", "1518284433", "robertdowneyjr", 52_979_346, 5, 419),
        ("users_info__instagram-clone.json", "22585802705", "yassmald", 2, 6, 5),
        ("users_info_self__instagramkit.json", "31310607724", "riedayme", 5, 22, 1),
        ("users_usernameinfo__instagramkit.json", "13320596140", "faanteyki", 65, 117, 1),
        ("profile_username_a1_legacy__instagramkit.json", "2552325391", "awreceh.id", 3_880_592, 35, 4_216),
        ("users_info_logged_out__instagramkit.json", "13320596140", "faanteyki", None, None, None),
    ],
)
def test_profiles(
    name: str,
    ig_user_id: str,
    username: str,
    followers: int | None,
    following: int | None,
    media: int | None,
) -> None:
    profile = user_profile_from_body(load_fixture(name))
    assert isinstance(profile, UserProfile)
    assert (profile.ig_user_id, profile.username) == (ig_user_id, username)
    counts = (profile.follower_count, profile.following_count, profile.media_count)
    assert counts == (followers, following, media)
    assert profile.profile_pic_url
    assert profile.profile_pic_url.startswith("https://")


def test_profile_vocabularies_agree_on_robertdowneyjr() -> None:
    mobile = user_profile_from_body(load_fixture("users_info__pgrimaud.json"))
    web = user_profile_from_body(load_fixture("web_profile_info__pgrimaud.json"))
    assert mobile.is_verified is web.is_verified is True
    assert mobile.is_business is web.is_business is True
    assert web.category == "Creators & Celebrities"  # business_category_name on the web
    assert web.profile_pic_url_hd
    assert "s320x320" in web.profile_pic_url_hd
    assert mobile.profile_pic_url_hd  # from hd_profile_pic_url_info.url
    assert user_profile_from_body(load_fixture("users_usernameinfo__instagramkit.json")).category == "Author"


def test_profile_not_found_and_malformed() -> None:
    with pytest.raises(NotFoundError):
        user_profile_from_body(load_fixture("graphql_user_not_found__pgrimaud.json"))
    with pytest.raises(NotFoundError):
        user_profile_from_body({"user": None, "status": "ok"})
    with pytest.raises(MalformedResponseError):
        user_profile_from_body({"status": "ok"})
    with pytest.raises(MalformedResponseError, match="UserProfile did not validate: username"):
        user_profile_from_body({"user": {"pk": 1}})


# -- story trays -----------------------------------------------------------------------------------


def test_mobile_reels_tray() -> None:
    tray = StoryTray.model_validate(load_fixture("reels_tray__instagram-clone.json"))
    assert [(r.id, r.user.username, r.media_count) for r in tray.tray] == [
        ("491527077", "manchesterunited", 6),
        ("290023231", "realmadrid", 5),
        ("979177642", "ronaldinho", 18),
    ]
    assert tray.tray[0].items is not None
    assert len(tray.tray[0].items) == 6
    assert tray.tray[1].items is None
    assert tray.tray[2].items is None
    assert all(r.user.ig_user_id == r.id and r.expiring_at and r.latest_reel_media for r in tray.tray)


def test_web_graphql_reels_tray() -> None:
    tray = story_tray_from_graphql(load_fixture("graphql_reels_tray__instagramkit.json"))
    assert [r.user.username for r in tray.tray] == [
        "sayyid_musthofa_",
        "twin_mel1719",
        "tugcegrn",
        "pinkayepe_",
        "kawankoding",
    ]
    assert tray.tray[0].items is not None
    assert len(tray.tray[0].items) >= 1
    assert all(r.items is None for r in tray.tray[1:])
    assert tray.tray[0].id == tray.tray[0].user.ig_user_id == "4289198852"
    assert tray.tray[0].seen == 1591308724
    assert tray.tray[0].expiring_at == 1591488353


# -- error bodies through the classifier -----------------------------------------------------------


@pytest.mark.parametrize("status", [403, 400, 200])
def test_error_login_required(status: int) -> None:
    error = classify_response("followers", status, load_fixture("error_login_required__instagramkit.json"))
    assert type(error) is AuthenticationError
    assert error.status_code == status
    assert error.endpoint == "followers"
    assert "logged out" in error.message
    assert "login_required" in error.message


def test_error_checkpoint_required() -> None:
    error = classify_response("followers", 400, load_fixture("error_checkpoint_required__pgrimaud.json"))
    assert type(error) is CheckpointRequiredError
    assert error.challenge_url == "/challenge/624247/lMZI350pJ1/"
    assert "/challenge/" not in str(error)  # the url is for the person resolving it, kept as an attribute
    assert isinstance(error, AuthenticationError)  # callers that stop on auth also stop here


def test_error_graphql_user_not_found() -> None:
    error = classify_response("current_user", 200, load_fixture("graphql_user_not_found__pgrimaud.json"))
    assert type(error) is NotFoundError
    assert "data.user is null" in error.message


def test_error_bad_password() -> None:
    error = classify_response("login", 400, load_fixture("error_bad_password__instagramkit.json"))
    assert type(error) is AuthenticationError
    assert "credentials were refused" in error.message
    assert "The password you entered is incorrect" in error.message  # a short snippet of `message` is fine


def test_successful_bodies_classify_as_usable() -> None:
    for name in (
        "friendships_followers_mobile__instagramkit.json",
        "reels_tray__instagram-clone.json",
        "users_info__pgrimaud.json",
        "web_profile_info__pgrimaud.json",
    ):
        assert classify_response("any", 200, load_fixture(name)) is None


# -- mutated payloads (fields vanish, change type, turn null) --------------------------------------


def test_mutated_followers_page_still_parses() -> None:
    body = load_fixture("friendships_followers_mobile__instagramkit.json")
    users = body["users"]
    users[0] = {"pk_id": str(users[0]["pk"]), "username": users[0]["username"]}  # new-style id, fields gone
    users[1]["pk"] = str(users[1]["pk"])
    users[1]["latest_reel_media"] = "1592475703"  # numbers as strings
    users[2]["is_verified"] = None
    body["next_max_id"] = 200  # an int cursor
    page = FollowPage.model_validate(body)
    assert page.users[0].ig_user_id.isdigit()
    assert page.users[0].full_name is None
    assert page.users[1].latest_reel_media == 1592475703
    assert page.next_max_id == "200"
    assert FollowPage.model_validate({"users": None, "next_max_id": ""}).users == []
    assert FollowPage.model_validate({"users": [], "next_max_id": ""}).next_max_id is None


def test_mutated_tray_drops_entries_without_user() -> None:
    body = load_fixture("reels_tray__instagram-clone.json")
    body["tray"].append({"id": "live_1", "broadcast_owner": {}})  # a live unit has no `user`
    assert len(StoryTray.model_validate(body).tray) == 3
    assert StoryTray.model_validate({"tray": None}).tray == []


# -- posts ---------------------------------------------------------------------------------------------


def test_user_feed_pages() -> None:
    more = FeedPage.model_validate(load_fixture("feed_user_page_more__instagramkit.json"))
    assert len(more.items) == 18
    assert more.more_available
    assert more.next_max_id == "2112752161707289951_3555900579"
    first = more.items[0]
    assert (first.code, first.pk, first.media_type, first.like_count, first.comment_count) == (
        "CBlCJK-pqoS",
        "2334281408218311186",
        8,
        84,
        7,
    )
    assert first.taken_at is not None
    assert first.taken_at.year == 2020
    assert first.owner_ig_user_id == "3555900579"
    assert first.caption_text
    assert first.caption_text.startswith("Maap emang")
    assert len(first.carousel) == 3
    assert all(child.image_url for child in first.carousel)
    assert {p.media_type for p in more.items} == {1, 2, 8}
    assert all(p.video_url for p in more.items if p.media_type == 2)
    assert "image_versions2" not in first.raw
    assert first.raw["code"] == "CBlCJK-pqoS"

    last = FeedPage.model_validate(load_fixture("feed_user_page_last__instagramkit.json"))
    assert len(last.items) == 3
    assert not last.more_available
    assert last.next_max_id is None
    assert any(p.caption_text is None for p in last.items)  # a null caption
    single = FeedPage.model_validate(load_fixture("feed_user__instagram-clone.json"))
    assert single.items[0].code == "Cj3LLOXN_qK"
    assert single.items[0].comment_count is None
    assert single.items[0].image_url
    assert single.items[0].image_url.startswith("https://scontent")
    empty = FeedPage.model_validate(load_fixture("feed_user_empty__instagramkit.json"))
    assert empty.items == []
    assert not empty.more_available


def test_reels_tab_items_are_posts() -> None:
    body = load_fixture("clips_user__pgrimaud.json")
    page = FeedPage.model_validate(
        {
            "items": [i["media"] for i in body["items"]],
            "more_available": body["paging_info"]["more_available"],
            "next_max_id": body["paging_info"]["max_id"],
        }
    )
    assert len(page.items) == 12
    assert page.more_available
    assert page.next_max_id
    reel = page.items[0]
    assert reel.media_type == 2
    assert reel.video_url
    assert reel.play_count
    assert reel.play_count > reel.like_count


# -- comments ------------------------------------------------------------------------------------------


def test_media_comments_page() -> None:
    from ig_resources.instagram import CommentsPage

    page = CommentsPage.model_validate(load_fixture("media_comments__instagram-clone.json"))
    assert len(page.comments) == 20
    assert page.comment_count == 440
    assert page.next_max_id is None
    assert page.next_min_id
    assert json.loads(page.next_min_id)["cached_comments_cursor"] == "17924472902603244"
    first = page.comments[0]
    assert first.pk == "17950821812233925"
    assert first.user
    assert first.user.username == "eugen_kholodiy"
    assert first.created_at is not None
    assert first.created_at.year == 2022
    assert first.text


# -- related accounts ----------------------------------------------------------------------------------


def test_related_accounts_of_the_web_profile_query() -> None:
    from ig_resources.instagram import related_from_graphql

    related = related_from_graphql(load_fixture("graphql_highlights_and_chaining__pgrimaud.json"))
    assert len(related) == 80
    assert len({u.ig_user_id for u in related}) == 80
    assert all(u.ig_user_id.isdigit() and u.username for u in related)
    error = classify_response("related", 400, {"message": "Not eligible for chaining.", "status": "fail"})
    assert error is not None
    assert error.reason == "private_account"


# -- login (the sandbox's answers against the captures; the browser reads them, not this client) ----------


def test_login_answers_of_the_sandbox_have_the_captured_shapes() -> None:
    import httpx
    from pydantic import SecretStr

    from ig_sandbox.instagram import AccountSpec, NetworkSpec, SandboxNetwork, SandboxServer
    from tests.sandbox.conftest import assert_same_shape_impl as same_shape

    spec = NetworkSpec(
        seed=4, accounts=[AccountSpec(username="gail", followers=3, following=3, password=SecretStr("pw"))]
    )
    network = SandboxNetwork(spec)
    with SandboxServer(network) as server, httpx.Client(base_url=server.url) as web:
        web.get("/accounts/login/")

        def post(path: str, form: dict[str, str]) -> httpx.Response:
            return web.post(path, data=form, headers={"X-CSRFToken": web.cookies["csrftoken"]})

        def login(password: str) -> httpx.Response:
            return post(
                "/accounts/login/ajax/",
                {"username": "gail", "enc_password": f"#PWD_INSTAGRAM_BROWSER:0:1700000000:{password}"},
            )

        assert login("nope").json() == load_fixture("error_login_ajax_bad_password__pgrimaud.json")
        same_shape(load_fixture("login_ajax_success__pgrimaud.json"), login("pw").json())
        assert web.cookies.get("sessionid") == network.session_cookies("gail")["sessionid"]

        network.checkpoint("gail")
        held = login("pw")
        same_shape(load_fixture("error_checkpoint_required__pgrimaud.json"), held.json())
        challenge = held.json()["checkpoint_url"]
        same_shape(
            load_fixture("challenge_send_code_email__instagramkit.json"),
            post(challenge, {"choice": "1"}).json(),
            ignore={"$.extraData.content"},
        )  # the page layout the browser renders, not data
        wrong = post(challenge, {"security_code": "x"}).json()
        assert (
            wrong["challenge"]["errors"]
            == load_fixture("error_challenge_verify_code__instagramkit.json")["challenge"]["errors"]
        )
        code = network.last_code(network.account("gail"), "email")
        done = post(challenge, {"security_code": code or ""}).json()
        assert done == load_fixture("challenge_submit_ok__pgrimaud.json")


# -- every fixture accounted for -------------------------------------------------------------------

#: fixture -> the test in this module that parses it
_LOGIN_SHAPES = "test_login_answers_of_the_sandbox_have_the_captured_shapes"

COVERED: dict[str, str] = {
    "friendships_followers_mobile__instagramkit.json": "test_mobile_followers_page",
    "graphql_followers_page1__pgrimaud.json": "test_graphql_follow_pages",
    "graphql_followers_page2__pgrimaud.json": "test_graphql_follow_pages",
    "graphql_following_page1__pgrimaud.json": "test_graphql_follow_pages",
    "graphql_following_page2__pgrimaud.json": "test_graphql_follow_pages",
    "users_info__pgrimaud.json": "test_profiles",
    "web_profile_info__pgrimaud.json": "test_profiles",
    "users_info__instagram-clone.json": "test_profiles",
    "users_info_self__instagramkit.json": "test_profiles",
    "users_usernameinfo__instagramkit.json": "test_profiles",
    "profile_username_a1_legacy__instagramkit.json": "test_profiles",
    "users_info_logged_out__instagramkit.json": "test_profiles",
    "reels_tray__instagram-clone.json": "test_mobile_reels_tray",
    "graphql_reels_tray__instagramkit.json": "test_web_graphql_reels_tray",
    "error_login_required__instagramkit.json": "test_error_login_required",
    "error_checkpoint_required__pgrimaud.json": "test_error_checkpoint_required",
    "graphql_user_not_found__pgrimaud.json": "test_error_graphql_user_not_found",
    "error_bad_password__instagramkit.json": "test_error_bad_password",
    "feed_user_page_more__instagramkit.json": "test_user_feed_pages",
    "feed_user_page_last__instagramkit.json": "test_user_feed_pages",
    "feed_user__instagram-clone.json": "test_user_feed_pages",
    "feed_user_empty__instagramkit.json": "test_user_feed_pages",
    "clips_user__pgrimaud.json": "test_reels_tab_items_are_posts",
    "media_comments__instagram-clone.json": "test_media_comments_page",
    "graphql_highlights_and_chaining__pgrimaud.json": "test_related_accounts_of_the_web_profile_query",
    "login_ajax_success__pgrimaud.json": _LOGIN_SHAPES,
    "error_login_ajax_bad_password__pgrimaud.json": _LOGIN_SHAPES,
    "challenge_send_code_email__instagramkit.json": _LOGIN_SHAPES,
    "challenge_submit_ok__pgrimaud.json": _LOGIN_SHAPES,
    "error_challenge_verify_code__instagramkit.json": _LOGIN_SHAPES,
    "feed_reels_media__instagramkit.json": "test_story_fixtures.test_mobile_feed_reels_media",
    "feed_user_story__instagramkit.json": "test_story_fixtures.test_mobile_feed_user_story",
    "graphql_reels_media_story__pgrimaud.json": "test_story_fixtures.test_graphql_reels_media_story_video",
    "graphql_reels_media_5users__instagramkit.json": (
        "test_story_fixtures.test_graphql_reels_media_of_five_users"
    ),
    "graphql_highlight_reels_media__pgrimaud.json": "test_story_fixtures.test_graphql_highlight_reels",
    "graphql_user_reel_by_id__pgrimaud.json": "test_story_fixtures.test_graphql_user_reel_without_items",
}

POSTS = "posts (feed/user, clips, timeline, media info)"
COMMENTS = "comments"
LOGIN = "login / challenge flow"
RELATIONSHIP = "relationship status (friendships/show)"
SUGGESTED = "suggested and related accounts (discover/*, edge_chaining)"
WRITE_ACTIONS = "follow/unfollow actions (not planned: the pipeline only reads)"

#: fixture -> the later feature whose parser will cover it
LATER: dict[str, str] = {
    "feed_timeline__instagram-clone.json": POSTS,
    "feed_timeline__pgrimaud.json": POSTS,
    "graphql_user_timeline_media__pgrimaud.json": POSTS,
    "media_info_p_shortcode_a1__pgrimaud.json": POSTS,
    "graphql_media_comments_page1__pgrimaud.json": COMMENTS,
    "graphql_media_comments_page2__pgrimaud.json": COMMENTS,
    "graphql_media_parent_comments__instagramkit.json": COMMENTS,
    "graphql_comment_threaded_replies__instagramkit.json": COMMENTS,
    "discover_ayml__instagram-clone.json": SUGGESTED,
    "discover_chaining_experience_feed__instagram-clone.json": SUGGESTED,
    "friendships_show__instagramkit.json": RELATIONSHIP,
    "friendships_follow_web__pgrimaud.json": WRITE_ACTIONS,
    "friendships_unfollow_web__pgrimaud.json": WRITE_ACTIONS,
    "accounts_login_mobile__instagramkit.json": LOGIN,
    "error_login_ajax_generic__pgrimaud.json": LOGIN,
    "challenge_send_email__pgrimaud.json": LOGIN,
    "error_challenge_select_method__instagramkit.json": LOGIN,
}

FIXTURE_FILES = sorted(p.name for p in FIXTURES_DIR.iterdir() if p.suffix == ".json")


def _covering_test(ref: str) -> Callable[..., object] | None:
    """The test a COVERED entry names: a function of this module, or `module.function` of this package."""
    module_name, _, name = ref.rpartition(".")
    module = importlib.import_module(f"{__package__}.{module_name}") if module_name else sys.modules[__name__]
    return getattr(module, name, None)


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_every_fixture_is_accounted_for(name: str) -> None:
    assert (name in COVERED) != (name in LATER), f"{name}: add a parser test (COVERED) or a LATER entry"
    if name in COVERED:
        test = _covering_test(COVERED[name])
        assert callable(test), f"{name}: {COVERED[name]} is not a test in this package"
    json.loads((FIXTURES_DIR / name).read_text(encoding="utf-8"))  # every capture is at least valid JSON


def test_no_stale_fixture_entries() -> None:
    assert FIXTURE_FILES, "the fixture directory is empty or missing"
    assert set(COVERED) | set(LATER) <= set(FIXTURE_FILES)


def test_covered_fixtures_are_named_in_their_test() -> None:
    # A COVERED entry must point at a test whose source really mentions the file (no hollow claims).
    import inspect

    for name, test_name in COVERED.items():
        source = inspect.getsource(_covering_test(test_name))
        assert name in source, f"{test_name} does not load {name}"


def test_generic_failure_body_is_instagram_error() -> None:
    error = classify_response("inbox", 200, {"status": "fail", "message": "something new"})
    assert type(error) is InstagramError
    assert "something new" in error.message
