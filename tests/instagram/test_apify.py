"""The Apify source against the local stand-in of Apify's API, beside the web client on the same
sandbox network: same records either way, retries, pacing, errors that keep the token secret."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from ig_resources.instagram import (
    InstagramClientResource,
    NotFoundError,
    PrivateAccountError,
    ServerError,
    UserSummary,
    WebApiClient,
)
from ig_resources.instagram.apify import ApifyError, ApifyInstagramClient, ApifySession
from ig_resources.instagram.session import parse_cookie_file
from ig_sandbox.apify import ApifyStandIn
from ig_sandbox.instagram import AccountSpec, NetworkSpec, SandboxNetwork, SandboxServer, render_cookie_file

SPEC = NetworkSpec(
    seed=31, accounts=[AccountSpec(username="hana", followers=45, following=30, mutual_fraction=0.3)]
)
TOKEN = "apify_api_Zx9SecretTokenValue"


@dataclass
class Sources:
    network: SandboxNetwork
    stand_in: ApifyStandIn
    web: WebApiClient
    people: list[UserSummary]

    def config(self, **config: object) -> ApifyInstagramClient:
        settings = {
            "api_token": TOKEN,
            "base_url": self.stand_in.url,
            "requests_per_second": 1000,
            "backoff_base_seconds": 0,
            **config,
        }
        return ApifyInstagramClient(**settings)

    def apify(self, **config: object) -> ApifySession:
        return self.config(**config).open()

    def public(self) -> UserSummary:
        return next(p for p in self.people if not p.is_private)


class FakeClock:
    """A monotonic clock that moves only when slept on: the waits pacing and retries ask for are
    checked exactly, however busy the machine is."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def sources() -> Iterator[Sources]:
    network = SandboxNetwork(SPEC)
    with SandboxServer(network) as server, ApifyStandIn(network, token=TOKEN, cdn_url=server.url) as stand_in:
        cookies = parse_cookie_file(render_cookie_file(network.session_cookies("hana")))
        with InstagramClientResource(api_base_url=server.url, web_base_url=server.url, pacing=False).open(
            cookies
        ) as web:
            me = web.current_user()
            people = [u for page in web.iter_following(me.ig_user_id) for u in page.users]
            yield Sources(network, stand_in, web, people)


def test_profiles_read_through_apify_equal_the_web_api(sources: Sources) -> None:
    with sources.apify() as apify:
        for person in sources.people[:6]:
            via_apify = apify.profile_details(person.username, person.ig_user_id)
            via_web = sources.web.profile_details(person.username, person.ig_user_id)
            fields = (
                "ig_user_id",
                "username",
                "full_name",
                "biography",
                "follower_count",
                "following_count",
                "media_count",
                "is_private",
                "is_verified",
                "is_business",
                "profile_pic_url",
            )
            assert {f: getattr(via_apify, f) for f in fields} == {f: getattr(via_web, f) for f in fields}
            assert via_apify.last_post_at == via_web.last_post_at
            assert via_apify.raw["source"] == "apify"
            assert "followersCount" in via_apify.raw
        # one actor run (start + dataset) per profile
        assert apify.requests["profile"] == 2 * 6


def test_feed_through_apify_gives_the_same_posts_in_pages(sources: Sources) -> None:
    person = max(
        (p for p in sources.people if not p.is_private),
        key=lambda p: sources.web.profile_details(p.username, p.ig_user_id).media_count or 0,
    )
    web_posts = [post for page in sources.web.iter_user_feed(person.ig_user_id) for post in page.items][:30]
    with sources.apify(posts_per_read=30) as apify:
        pages = list(apify.iter_user_feed(person.ig_user_id, person.username))
    apify_posts = [post for page in pages for post in page.items]
    assert [len(p.items) for p in pages][:2] == [12, 12]
    assert not pages[-1].more_available
    assert [p.code for p in apify_posts] == [p.code for p in web_posts]
    for a, w in zip(apify_posts, web_posts, strict=True):
        assert (
            a.media_type,
            a.taken_at,
            a.caption_text,
            a.like_count,
            a.comment_count,
            a.owner_ig_user_id,
        ) == (
            w.media_type,
            w.taken_at,
            w.caption_text,
            w.like_count,
            w.comment_count,
            w.owner_ig_user_id,
        )
        assert a.image_url == (w.image_url or w.carousel[0].image_url)
        assert len(a.carousel) == len(w.carousel)
        if w.media_type == 2:
            assert a.video_url == w.video_url
            assert a.play_count == w.play_count
    assert {p.media_type for p in apify_posts} >= {1}


def test_an_incremental_stop_costs_one_run_and_one_page(sources: Sources) -> None:
    person = sources.public()
    with sources.apify() as apify:
        next(
            iter(apify.iter_user_feed(person.ig_user_id, person.username))
        )  # the caller stops after page one
        assert apify.requests["feed"] == 2


def test_missing_and_private_people(sources: Sources) -> None:
    private = next((p for p in sources.people if p.is_private), None)
    with sources.apify() as apify:
        with pytest.raises(NotFoundError, match="no profile @nobody_here_at_all"):
            apify.profile_details("nobody_here_at_all", "1")
        if private is not None:
            with pytest.raises(PrivateAccountError):
                list(apify.iter_user_feed(private.ig_user_id, private.username))
        with pytest.raises(ApifyError, match="not related accounts"):
            apify.related_accounts("1")
        with pytest.raises(ApifyError, match="not stories"):
            apify.reels_media(["1"])
        with pytest.raises(ApifyError, match="not highlights"):
            apify.highlight_reels("1")


def test_polls_a_running_actor_until_it_succeeds(sources: Sources) -> None:
    sources.stand_in.polls = 3
    person = sources.public()
    with sources.apify() as apify:
        assert apify.profile_details(person.username, person.ig_user_id).username == person.username
    paths = [path for _, path, _ in sources.stand_in.log]
    assert sum(p.startswith("/v2/actor-runs/") for p in paths) == 3


def test_429_and_500_are_retried_then_given_up(sources: Sources) -> None:
    person = sources.public()
    sources.stand_in.faults = [429, 500]
    clock = FakeClock()
    # unpaced (0 requests per second), so every sleep is a retry's backoff: 2 s, doubling
    config = sources.config(requests_per_second=0, backoff_base_seconds=2, max_retries=3)
    with ApifySession(config, sleep=clock.sleep, clock=clock) as apify:
        assert apify.profile_details(person.username, person.ig_user_id).ig_user_id == person.ig_user_id
        assert apify.pacing.retries == {"apify_error": 1, "server_error": 1}
        assert clock.sleeps == [2, 4]
        sources.stand_in.faults = [500] * 4
        with pytest.raises(ServerError):
            apify.profile_details(person.username, person.ig_user_id)
        assert clock.sleeps == [2, 4, 2, 4, 8]


def test_requests_are_spaced_to_the_configured_rate(sources: Sources) -> None:
    person = sources.public()
    clock = FakeClock()
    sent_at: list[float] = []  # the clock's time when each request reached the stand-in

    def sent_so_far() -> None:
        sent_at.extend([clock()] * (len(sources.stand_in.log) - len(sent_at)))

    def sleep(seconds: float) -> None:
        sent_so_far()  # the requests logged since the last pause went out before it
        clock.sleep(seconds)

    with ApifySession(sources.config(requests_per_second=20), sleep=sleep, clock=clock) as apify:
        for _ in range(5):
            apify.profile_details(person.username, person.ig_user_id)
    sent_so_far()
    assert len(sent_at) == 10
    assert [b - a for a, b in itertools.pairwise(sent_at)] == pytest.approx([0.05] * 9)


def test_a_bad_or_missing_token_is_a_clear_error_that_never_shows_the_token(sources: Sources) -> None:
    with pytest.raises(ApifyError, match="APIFY_TOKEN is not set"):
        ApifyInstagramClient(base_url=sources.stand_in.url).open()
    with sources.apify(api_token="apify_api_WrongTokenValue") as apify, pytest.raises(ApifyError) as caught:
        apify.profile_details("anyone", "1")
    assert caught.value.status_code == 401
    assert "authentication token is not valid" in str(caught.value)
    assert "WrongTokenValue" not in str(caught.value)
    assert TOKEN not in repr(caught.value)
