"""WebApiClient over real httpx and a loopback HTTP server: paging, parameters, headers, errors."""

from __future__ import annotations

import json
import re
import socket
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs

import pytest

from ig_resources.instagram import (
    DEFAULT_USER_AGENT,
    ActionBlockedError,
    AuthenticationError,
    CheckpointRequiredError,
    InstagramClient,
    InstagramError,
    MalformedResponseError,
    NotFoundError,
    PrivateAccountError,
    RateLimitedError,
    ServerError,
    SessionCookies,
    WebApiClient,
)
from tests.instagram.ig_stub_server import Scripted, StubServer
from tests.instagram.ig_test_support import (
    CSRF_SECRET,
    SESSION_SECRET,
    SESSIONID,
    VIEWER_IG_USER_ID,
    assert_no_secret,
    fixture_bytes,
    load_fixture,
)

TARGET = "1518284433"
UUID4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"
FOLLOWERS = f"/api/v1/friendships/{TARGET}/followers/"
FOLLOWING = f"/api/v1/friendships/{TARGET}/following/"
INBOX = "/api/v1/direct_v2/inbox/"
TRAY = "/api/v1/feed/reels_tray/"
REELS_MEDIA = "/api/v1/feed/reels_media/"
ME = f"/api/v1/users/{VIEWER_IG_USER_ID}/info/"


def client_for(stub: StubServer, session: SessionCookies, **kwargs: Any) -> WebApiClient:
    return WebApiClient(session, api_base_url=stub.url, web_base_url="https://www.instagram.com", **kwargs)


def follow_page(
    users: list[dict[str, Any]], next_max_id: str | None, *, has_more: bool = False
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "users": users,
        "big_list": True,
        "page_size": 12,
        "has_more": has_more,
        "status": "ok",
    }
    if next_max_id is not None:
        body["next_max_id"] = next_max_id
    return body


@pytest.fixture
def fixture_users() -> list[dict[str, Any]]:
    return load_fixture("friendships_followers_mobile__instagramkit.json")["users"]


# -- followers / following paging ------------------------------------------------------------------


def test_followers_three_pages_stop_on_absent_cursor_despite_has_more_false(
    stub: StubServer, session: SessionCookies, fixture_users: list[dict[str, Any]]
) -> None:
    # The 2024 captures: has_more false on every page while next_max_id says 12, 24; the last page has none.
    stub.script(
        FOLLOWERS,
        Scripted(body=follow_page(fixture_users[:12], "12"), headers={"x-ig-set-www-claim": "hmac.AR2claim"}),
        Scripted(body=follow_page(fixture_users[12:24], "24")),
        Scripted(body=follow_page(fixture_users[24:], None)),
    )
    with client_for(stub, session) as client:
        pages = list(client.iter_followers(TARGET))
        assert client.requests == Counter({"followers": 3})

    assert [len(p.users) for p in pages] == [12, 12, 11]
    assert [u.ig_user_id for p in pages for u in p.users] == [str(u["pk"]) for u in fixture_users]
    sent = stub.requests_to(FOLLOWERS)
    assert [r.query.get("max_id") for r in sent] == [None, "12", "24"]
    for request in sent:
        assert request.method == "GET"
        assert request.query["count"] == "200"
        assert request.query["search_surface"] == "follow_list_page"
        assert re.fullmatch(rf"{VIEWER_IG_USER_ID}_{UUID4}", request.query["rank_token"])
    assert len({r.query["rank_token"] for r in sent}) == 1  # one rank token for the whole listing
    # The www claim starts at 0 and then echoes what Instagram set.
    assert [r.headers["x-ig-www-claim"] for r in sent] == ["0", "hmac.AR2claim", "hmac.AR2claim"]
    assert len({r.client_port for r in sent}) == 1  # keep-alive: one connection for all pages
    assert not stub.unscripted


def test_web_app_headers_and_cookies(stub: StubServer, session: SessionCookies) -> None:
    stub.script(FOLLOWING, Scripted(body=follow_page([{"pk": 1, "username": "a"}], None)))
    with client_for(stub, session) as client:
        list(client.iter_following(TARGET))
    [request] = stub.requests_to(FOLLOWING)
    headers = request.headers
    assert headers["x-ig-app-id"] == "936619743392459"
    assert headers["x-csrftoken"] == CSRF_SECRET  # = the csrftoken cookie
    assert headers["x-asbd-id"]
    assert headers["x-requested-with"] == "XMLHttpRequest"
    assert headers["referer"] == "https://www.instagram.com/"
    assert headers["user-agent"] == DEFAULT_USER_AGENT
    assert "Chrome/" in DEFAULT_USER_AGENT
    cookies = dict(part.split("=", 1) for part in headers["cookie"].split("; "))
    assert cookies["sessionid"] == SESSIONID
    assert cookies["csrftoken"] == CSRF_SECRET
    assert cookies["ds_user_id"] == VIEWER_IG_USER_ID
    assert set(cookies) == {"sessionid", "csrftoken", "ds_user_id", "mid", "ig_nrcb"}


def test_stored_user_agent_and_page_size(stub: StubServer, session: SessionCookies) -> None:
    ua = (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Safari/605.1.15"
    )
    stub.script(FOLLOWERS, Scripted(body=follow_page([{"pk": 1, "username": "a"}], None)))
    with client_for(stub, session, user_agent=ua, page_size=50) as client:
        list(client.iter_followers(TARGET))
    [request] = stub.requests
    assert request.headers["user-agent"] == ua
    assert request.query["count"] == "50"


def test_no_csrf_header_without_csrftoken_cookie(stub: StubServer) -> None:
    from pydantic import SecretStr

    bare = SessionCookies(cookies={"sessionid": SecretStr(SESSIONID)})
    stub.script(FOLLOWERS, Scripted(body=follow_page([{"pk": 1, "username": "a"}], None)))
    with client_for(stub, bare) as client:
        list(client.iter_followers(TARGET))
    [request] = stub.requests
    assert "x-csrftoken" not in request.headers
    assert request.query["rank_token"].startswith(
        f"{VIEWER_IG_USER_ID}_"
    )  # the pk read from the sessionid prefix


def test_stop_on_repeated_cursor(stub: StubServer, session: SessionCookies) -> None:
    stub.script(
        FOLLOWERS,
        Scripted(body=follow_page([{"pk": 1, "username": "a"}], "AAA", has_more=True)),
        Scripted(body=follow_page([{"pk": 2, "username": "b"}], "AAA", has_more=True)),
    )
    with client_for(stub, session) as client:
        pages = list(client.iter_followers(TARGET))
        assert client.requests["followers"] == 2
    assert [p.users[0].ig_user_id for p in pages] == ["1", "2"]
    assert not stub.unscripted


def test_stop_on_empty_page(stub: StubServer, session: SessionCookies) -> None:
    stub.script(
        FOLLOWING,
        Scripted(body=follow_page([{"pk": 1, "username": "a"}], "12")),
        Scripted(body=follow_page([], "24", has_more=True)),  # a cursor but no users: stop anyway
    )
    with client_for(stub, session) as client:
        pages = list(client.iter_following(TARGET))
        assert client.requests == Counter({"following": 2})
    assert len(pages) == 1
    assert [r.query.get("max_id") for r in stub.requests] == [None, "12"]


def test_duplicates_across_pages_are_passed_through(stub: StubServer, session: SessionCookies) -> None:
    stub.script(
        FOLLOWERS,
        Scripted(body=follow_page([{"pk": 1, "username": "a"}, {"pk": 2, "username": "b"}], "2")),
        Scripted(body=follow_page([{"pk": 2, "username": "b"}, {"pk": 3, "username": "c"}], "")),
    )
    with client_for(stub, session) as client:
        pks = [u.ig_user_id for p in client.iter_followers(TARGET) for u in p.users]
    assert pks == ["1", "2", "2", "3"]  # deduplication by pk is the caller's job


def test_real_mobile_page_body_then_end(stub: StubServer, session: SessionCookies) -> None:
    # The captured first page verbatim, then a final page without next_max_id.
    stub.script(
        FOLLOWERS,
        Scripted(body=fixture_bytes("friendships_followers_mobile__instagramkit.json")),
        Scripted(body=follow_page([{"pk": 9, "username": "last"}], None)),
    )
    with client_for(stub, session) as client:
        pages = list(client.iter_followers(TARGET))
    assert [len(p.users) for p in pages] == [35, 1]
    assert stub.requests[1].query["max_id"].startswith("QVFBbG9QNktkT0llYkZUazRJ")


def test_invalid_user_pk_is_refused_before_any_request(stub: StubServer, session: SessionCookies) -> None:
    with client_for(stub, session) as client:
        with pytest.raises(ValueError, match="ig_user_id must be a numeric"):
            next(client.iter_followers("../../accounts/edit"))
        assert client.requests == Counter()
    assert not stub.requests


def test_constructor_validates(session: SessionCookies) -> None:
    with pytest.raises(ValueError, match="page_size must be between 1 and"):
        WebApiClient(session, api_base_url="http://127.0.0.1:9", page_size=201)
    with pytest.raises(ValueError, match="page_size must be between 1 and"):
        WebApiClient(session, api_base_url="http://127.0.0.1:9", page_size=0)
    with pytest.raises(ValueError, match="timeout_seconds must be positive"):
        WebApiClient(session, api_base_url="http://127.0.0.1:9", timeout_seconds=0)


# -- inbox, story tray, current user ---------------------------------------------------------------


def inbox_page(
    threads: list[dict[str, Any]], *, has_older: bool, cursor: str | None, seq_id: int
) -> dict[str, Any]:
    return {
        "inbox": {
            "threads": threads,
            "has_older": has_older,
            "oldest_cursor": cursor,
            "unseen_count": 0,
            "prev_cursor": {"cursor_timestamp_seconds": 0, "cursor_thread_v2_id": 0},
        },
        "seq_id": seq_id,
        "snapshot_at_ms": 1700000000000,
        "status": "ok",
    }


def thread(n: int) -> dict[str, Any]:
    return {
        "thread_id": f"3401170299500000000000000000000000000{n:02d}",  # ~39 digits, beyond int64
        "thread_v2_id": 17800000000000000 + n,
        "users": [{"pk": 100 + n, "pk_id": str(100 + n), "username": f"friend{n}", "full_name": ""}],
        "inviter": None,
        "last_activity_at": str(1_700_000_000_000_000 + n),  # microseconds, as text
        "is_group": False,
        "items": [  # message items are not modelled on the thread; they must not break parsing
            {"item_id": "1" * 35, "item_type": "text", "text": "hi", "timestamp": 1_700_000_000_000_000}
        ],
    }


def test_inbox_pages_with_cursor_and_first_seq_id(stub: StubServer, session: SessionCookies) -> None:
    stub.script(
        INBOX,
        Scripted(body=inbox_page([thread(1), thread(2)], has_older=True, cursor="c1", seq_id=777)),
        Scripted(body=inbox_page([thread(3)], has_older=True, cursor="c2", seq_id=999)),
        Scripted(body=inbox_page([thread(4)], has_older=False, cursor="c3", seq_id=999)),
    )
    with client_for(stub, session) as client:
        threads = list(client.iter_inbox_threads())
        assert client.requests == Counter({"inbox": 3})
    assert [t.users[0].username for t in threads] == ["friend1", "friend2", "friend3", "friend4"]
    assert threads[0].thread_id == "340117029950000000000000000000000000001"
    assert threads[0].thread_v2_id == "17800000000000001"
    expected_at = datetime.fromtimestamp(1_700_000_000, UTC) + timedelta(microseconds=1)
    assert threads[0].last_activity_at == expected_at
    first, second, third = stub.requests
    assert first.query == {
        "visual_message_return_type": "unseen",
        "thread_message_limit": "10",
        "persistentBadging": "true",
        "limit": "20",
    }
    assert (second.query["cursor"], second.query["direction"]) == ("c1", "older")
    assert second.query["seq_id"] == "777"
    assert (third.query["cursor"], third.query["seq_id"]) == ("c2", "777")  # always the first page's seq_id
    assert not stub.unscripted


def test_inbox_stops_on_missing_or_repeated_cursor(stub: StubServer, session: SessionCookies) -> None:
    stub.script(
        INBOX,
        Scripted(body=inbox_page([thread(1)], has_older=True, cursor="c1", seq_id=1)),
        Scripted(body=inbox_page([thread(2)], has_older=True, cursor="c1", seq_id=1)),  # repeated
    )
    with client_for(stub, session) as client:
        assert len(list(client.iter_inbox_threads())) == 2
    stub.script(INBOX, Scripted(body=inbox_page([thread(1)], has_older=True, cursor=None, seq_id=1)))
    with client_for(stub, session) as client:
        assert len(list(client.iter_inbox_threads())) == 1
        assert client.requests["inbox"] == 1
    assert not stub.unscripted


def test_story_tray_and_current_user(stub: StubServer, session: SessionCookies) -> None:
    stub.script(TRAY, Scripted(body=fixture_bytes("reels_tray__instagram-clone.json")))
    stub.script(ME, Scripted(body=fixture_bytes("users_info_self__instagramkit.json")))
    with client_for(stub, session) as client:
        tray = client.story_tray()
        me = client.current_user()
        assert client.requests == Counter({"story_tray": 1, "current_user": 1})
    assert [r.user.username for r in tray.tray] == ["manchesterunited", "realmadrid", "ronaldinho"]
    assert (me.ig_user_id, me.username, me.follower_count, me.following_count) == (
        VIEWER_IG_USER_ID,
        "riedayme",
        5,
        22,
    )
    assert [r.path for r in stub.requests] == [TRAY, ME]


def test_reels_media_posts_signed_user_ids_twenty_at_a_time(
    stub: StubServer, session: SessionCookies
) -> None:
    captured = fixture_bytes("feed_reels_media__instagramkit.json")
    empty = {"reels": {}, "reels_media": [], "status": "ok"}
    stub.script(REELS_MEDIA, Scripted(body=captured), Scripted(body=empty))
    pks = ["13320596140", "3555900579", *(str(10_000 + n) for n in range(19))]
    with client_for(stub, session) as client:
        reels = client.reels_media(pks)
        assert client.requests == Counter({"reels_media": 2})
    assert list(reels) == ["13320596140", "3555900579"]
    assert len(reels["3555900579"].items) == 8
    sent = stub.requests_to(REELS_MEDIA)
    assert [r.method for r in sent] == ["POST", "POST"]
    assert all(r.headers["x-csrftoken"] == CSRF_SECRET for r in sent)
    assert sent[0].headers["content-type"] == "application/x-www-form-urlencoded"
    signed = [parse_qs(r.body.decode())["signed_body"][0] for r in sent]
    assert all(s.startswith("SIGNATURE.") for s in signed)
    asked = [json.loads(s.removeprefix("SIGNATURE."))["user_ids"] for s in signed]
    assert asked == [pks[:20], pks[20:]]
    with client_for(stub, session) as client, pytest.raises(ValueError, match="ig_user_id must be a numeric"):
        client.reels_media(["1", "2/../x"])  # every pk checked before anything is sent
    assert len(stub.requests_to(REELS_MEDIA)) == 2


def test_highlight_reels_join_folders_and_items(stub: StubServer, session: SessionCookies) -> None:
    story = load_fixture("feed_user_story__instagramkit.json")["reel"]
    folders = [
        {
            "id": f"highlight:1799{n}",
            "title": f"T{n}",
            "media_count": 1,
            "created_at": 1600000000,
            "user": story["user"],
        }
        for n in range(3)
    ]
    reels = {f"highlight:1799{n}": {**story, "id": f"highlight:1799{n}"} for n in (0, 2)}
    items = {"reels": reels, "status": "ok"}
    tray_path = f"/api/v1/highlights/{TARGET}/highlights_tray/"
    stub.script(tray_path, Scripted(body={"tray": folders, "status": "ok"}))
    stub.script(REELS_MEDIA, Scripted(body=items))
    with client_for(stub, session) as client:
        reels = client.highlight_reels(TARGET)
        assert client.requests == Counter({"highlights": 1, "reels_media": 1})
    assert [(r.id, r.title, len(r.items)) for r in reels] == [
        ("highlight:17990", "T0", 1),
        ("highlight:17991", "T1", 0),
        ("highlight:17992", "T2", 1),
    ]
    (asked,) = stub.requests_to(REELS_MEDIA)
    assert asked.method == "GET"
    assert asked.query_list == tuple(("reel_ids", f["id"]) for f in folders)


def test_reels_media_without_reels_is_malformed(stub: StubServer, session: SessionCookies) -> None:
    stub.script(REELS_MEDIA, Scripted(body={"status": "ok"}))
    with client_for(stub, session) as client, pytest.raises(MalformedResponseError, match="reels_media"):
        client.reels_media(["1"])


def test_logged_out_view_of_own_profile_means_logged_out(stub: StubServer, session: SessionCookies) -> None:
    # Instagram answers a dead session's users/{pk}/info/ with the trimmed public view: no counts.
    stub.script(ME, Scripted(body=fixture_bytes("users_info_logged_out__instagramkit.json")))
    with client_for(stub, session) as client, pytest.raises(AuthenticationError, match="logged out"):
        client.current_user()


def test_requests_counter_counts_every_sent_request(
    stub: StubServer, session: SessionCookies, fixture_users: list[dict[str, Any]]
) -> None:
    stub.script(
        FOLLOWERS,
        Scripted(body=follow_page(fixture_users[:3], "3")),
        Scripted(body=follow_page(fixture_users[3:5], None)),
    )
    stub.script(FOLLOWING, Scripted(body=follow_page(fixture_users[:1], None)))
    stub.script(INBOX, Scripted(body=inbox_page([], has_older=False, cursor=None, seq_id=1)))
    stub.script(TRAY, Scripted(503, {"message": "down", "status": "fail"}))
    stub.script(ME, Scripted(body=fixture_bytes("users_info_self__instagramkit.json")))
    client: InstagramClient
    with client_for(stub, session) as client:
        list(client.iter_followers(TARGET))
        list(client.iter_following(TARGET))
        list(client.iter_inbox_threads())
        with pytest.raises(ServerError):
            client.story_tray()
        client.current_user()
        assert client.requests == Counter(
            {"followers": 2, "following": 1, "inbox": 1, "story_tray": 1, "current_user": 1}
        )


# -- errors ----------------------------------------------------------------------------------------

PLEASE_WAIT = {
    "message": "Please wait a few minutes before you try again.",
    "require_login": True,
    "status": "fail",
}
TEXT = {"Content-Type": "text/plain"}
HTML = {"Content-Type": "text/html"}


def fail(message: str, **extra: Any) -> dict[str, Any]:
    return {"message": message, "status": "fail", **extra}


def case(name: str, scripted: Scripted, expected: type[InstagramError]) -> Any:
    return pytest.param(scripted, expected, id=name)


CHALLENGE = {"url": "https://i.instagram.com/challenge/1/abc/", "api_path": "/challenge/1/abc/", "lock": True}
FOLLOWERS_BYTES = fixture_bytes("friendships_followers_mobile__instagramkit.json")

ERROR_CASES = [
    case("please wait 401", Scripted(401, PLEASE_WAIT), RateLimitedError),
    case("please wait 400", Scripted(400, PLEASE_WAIT), RateLimitedError),
    case(
        "please wait text",
        Scripted(429, "Please wait a few minutes before you try again.", TEXT),
        RateLimitedError,
    ),
    case("429", Scripted(429, fail("rate limited")), RateLimitedError),
    case("rate_limit_error", Scripted(400, fail("x", error_type="rate_limit_error")), RateLimitedError),
    case(
        "login_required 403",
        Scripted(403, fixture_bytes("error_login_required__instagramkit.json")),
        AuthenticationError,
    ),
    case("user_has_logged_out", Scripted(400, fail("user_has_logged_out")), AuthenticationError),
    case("401 bare", Scripted(401, fail("")), AuthenticationError),
    case("403 html", Scripted(403, "<html><body>Forbidden</body></html>", HTML), AuthenticationError),
    case(
        "302 to login",
        Scripted(302, b"", {"Location": "https://www.instagram.com/accounts/login/?next=/api/v1/"}),
        AuthenticationError,
    ),
    case(
        "302 to challenge",
        Scripted(302, b"", {"Location": "https://www.instagram.com/challenge/?next=/"}),
        CheckpointRequiredError,
    ),
    case(
        "checkpoint_required",
        Scripted(400, fixture_bytes("error_checkpoint_required__pgrimaud.json")),
        CheckpointRequiredError,
    ),
    case(
        "challenge_required",
        Scripted(
            400, fail("challenge_required", challenge=CHALLENGE, error_type="checkpoint_challenge_required")
        ),
        CheckpointRequiredError,
    ),
    case("consent_required", Scripted(400, fail("consent_required")), CheckpointRequiredError),
    case("404 html", Scripted(404, "<html>Page Not Found</html>", HTML), NotFoundError),
    case("user not found", Scripted(400, fail("User not found")), NotFoundError),
    case(
        "200 data.user null",
        Scripted(200, fixture_bytes("graphql_user_not_found__pgrimaud.json")),
        NotFoundError,
    ),
    case("not authorized", Scripted(400, fail("Not authorized to view user")), PrivateAccountError),
    case(
        "feedback_required",
        Scripted(400, fail("feedback_required", spam=True, feedback_title="Action Blocked")),
        ActionBlockedError,
    ),
    case(
        "sentry_block",
        Scripted(400, fail("Sorry, there was a problem", error_type="sentry_block")),
        ActionBlockedError,
    ),
    case("500", Scripted(500, "Internal Server Error", TEXT), ServerError),
    case("502 json", Scripted(502, fail("bad gateway")), ServerError),
    case("503 empty", Scripted(503, b""), ServerError),
    case("truncated json", Scripted(200, FOLLOWERS_BYTES[:5000]), MalformedResponseError),
    case(
        "html 200",
        Scripted(200, "<!DOCTYPE html><html><title>Instagram</title></html>", HTML),
        MalformedResponseError,
    ),
    case("empty 200", Scripted(200, b""), MalformedResponseError),
    case("json list", Scripted(200, [1, 2, 3]), MalformedResponseError),
    case("no users key", Scripted(200, {"big_list": False, "status": "ok"}), MalformedResponseError),
    case("users not a list", Scripted(200, {"users": {"pk": 1}, "status": "ok"}), MalformedResponseError),
    case("invalid user", Scripted(200, {"users": [{"pk": 1}], "status": "ok"}), MalformedResponseError),
    case("200 status fail", Scripted(200, fail("something unheard of")), InstagramError),
    case("400 unknown", Scripted(400, fail("useragent mismatch")), InstagramError),
]


@pytest.mark.parametrize(("scripted", "expected"), ERROR_CASES)
def test_errors_are_typed(
    stub: StubServer, session: SessionCookies, scripted: Scripted, expected: type[InstagramError]
) -> None:
    stub.script(FOLLOWERS, scripted)
    with client_for(stub, session) as client:
        with pytest.raises(InstagramError) as caught:
            list(client.iter_followers(TARGET))
        assert client.requests == Counter({"followers": 1})
    error = caught.value
    assert type(error) is expected
    assert error.endpoint == "followers"
    assert error.message.startswith("followers: ")
    assert "followers" in str(error)
    assert "\n" not in str(error)
    assert error.status_code == scripted.status
    # No httpx exception (whose request carries the cookies) chained to it.
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
    assert_no_secret(error)
    assert len(str(error)) < 300  # never the body
    assert len(stub.requests) == 1  # redirects are not followed, nothing retried


def test_checkpoint_keeps_challenge_url_as_attribute(stub: StubServer, session: SessionCookies) -> None:
    stub.script(ME, Scripted(400, fixture_bytes("error_checkpoint_required__pgrimaud.json")))
    with client_for(stub, session) as client, pytest.raises(CheckpointRequiredError) as caught:
        client.current_user()
    assert caught.value.challenge_url == "/challenge/624247/lMZI350pJ1/"
    assert caught.value.endpoint == "current_user"


def test_private_account_is_a_not_found(stub: StubServer, session: SessionCookies) -> None:
    stub.script(FOLLOWERS, Scripted(400, {"message": "Not authorized to view user", "status": "fail"}))
    with client_for(stub, session) as client, pytest.raises(NotFoundError) as caught:
        list(client.iter_followers(TARGET))
    assert isinstance(caught.value, PrivateAccountError)


def test_429_retry_after_seconds(stub: StubServer, session: SessionCookies) -> None:
    stub.script(FOLLOWERS, Scripted(429, {"message": "", "status": "fail"}, {"Retry-After": "120"}))
    before = datetime.now(UTC)
    with client_for(stub, session) as client, pytest.raises(RateLimitedError) as caught:
        list(client.iter_followers(TARGET))
    after = datetime.now(UTC)
    retry_after = caught.value.retry_after
    assert retry_after is not None
    assert before + timedelta(seconds=120) <= retry_after <= after + timedelta(seconds=120)


def test_429_retry_after_http_date_and_absent(stub: StubServer, session: SessionCookies) -> None:
    when = (datetime.now(UTC) + timedelta(minutes=10)).replace(microsecond=0)
    stub.script(TRAY, Scripted(429, b"", {"Retry-After": format_datetime(when, usegmt=True)}))
    stub.script(TRAY, Scripted(429, b""))
    with client_for(stub, session) as client:
        with pytest.raises(RateLimitedError) as dated:
            client.story_tray()
        with pytest.raises(RateLimitedError) as bare:
            client.story_tray()
    assert dated.value.retry_after == when
    assert bare.value.retry_after is None


def test_missing_inbox_is_malformed(stub: StubServer, session: SessionCookies) -> None:
    stub.script(INBOX, Scripted(200, {"seq_id": 1, "status": "ok"}))
    with client_for(stub, session) as client, pytest.raises(MalformedResponseError, match="'inbox'"):
        list(client.iter_inbox_threads())


def test_missing_tray_and_user_are_malformed(stub: StubServer, session: SessionCookies) -> None:
    stub.script(TRAY, Scripted(200, {"broadcasts": [], "status": "ok"}))
    stub.script(ME, Scripted(200, {"status": "ok"}))
    with client_for(stub, session) as client:
        with pytest.raises(MalformedResponseError, match="'tray'"):
            client.story_tray()
        with pytest.raises(MalformedResponseError, match="'user'"):
            client.current_user()


def test_timeout_is_server_error(stub: StubServer, session: SessionCookies) -> None:
    # The page is a good one, only late: without the timeout the call would succeed.
    stub.script(FOLLOWERS, Scripted(body=follow_page([], None), delay=1.0))
    with client_for(stub, session, timeout_seconds=0.2) as client, pytest.raises(ServerError) as caught:
        list(client.iter_followers(TARGET))
    assert "no answer within 0.2 s" in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert_no_secret(caught.value)


def test_connection_refused_is_server_error(session: SessionCookies) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with WebApiClient(session, api_base_url=f"http://127.0.0.1:{port}") as client:
        with pytest.raises(ServerError, match="connection failed") as caught:
            client.current_user()
        assert client.requests == Counter({"current_user": 1})
    assert_no_secret(caught.value)


def test_connection_dropped_mid_body_is_server_error(stub: StubServer, session: SessionCookies) -> None:
    stub.script(
        FOLLOWERS,
        Scripted(body=fixture_bytes("friendships_followers_mobile__instagramkit.json"), cut_after=3000),
    )
    with client_for(stub, session) as client, pytest.raises(ServerError) as caught:
        list(client.iter_followers(TARGET))
    assert_no_secret(caught.value)


def test_echoed_cookie_values_are_redacted(stub: StubServer, session: SessionCookies) -> None:
    # Should Instagram ever quote a cookie back in `message`, the snippet must not carry it.
    for status in (400, 200, 500):
        stub.script(
            FOLLOWERS,
            Scripted(
                status,
                {
                    "message": f"bad session {SESSIONID} / {SESSION_SECRET} csrf {CSRF_SECRET}",
                    "status": "fail",
                },
            ),
        )
    with client_for(stub, session) as client:
        for _ in range(3):
            with pytest.raises(InstagramError) as caught:
                list(client.iter_followers(TARGET))
            assert_no_secret(caught.value)
            assert "bad session ***" in caught.value.message


def test_client_repr_has_no_secret(stub: StubServer, session: SessionCookies) -> None:
    with client_for(stub, session) as client:
        text = repr(client) + str(client)
    assert SESSION_SECRET not in text
    assert CSRF_SECRET not in text
