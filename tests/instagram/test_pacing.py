"""Pacing rules on their own, and the client's retries through them over real loopback HTTP."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from ig_resources.instagram import RateLimitedError, ServerError, WebApiClient
from ig_resources.instagram.pacing import (
    DEFAULT_BUCKET,
    Budget,
    Pacer,
    PacingPolicy,
    backoff_seconds,
    pause_seconds,
    window_wait,
)
from ig_resources.instagram.session import SessionCookies
from tests.instagram.ig_stub_server import Scripted, StubServer
from tests.instagram.ig_test_support import VIEWER_IG_USER_ID, fixture_bytes

NOW = datetime(2026, 11, 23, tzinfo=UTC)
ME = f"/api/v1/users/{VIEWER_IG_USER_ID}/info/"
NO_PAUSE = PacingPolicy(pause_rate=0, backoff_base_seconds=1, backoff_max_seconds=4)


def test_window_wait_frees_a_slot_when_the_oldest_request_leaves() -> None:
    budget = Budget(limit=3, window_seconds=10)
    assert window_wait([], budget, 100) == 0
    assert window_wait([95, 96], budget, 100) == 0
    assert window_wait([95, 96, 97], budget, 100) == pytest.approx(5)
    assert window_wait([80, 95, 96, 97], budget, 100) == pytest.approx(5)  # 80 is out of the window
    assert window_wait([91, 92, 93, 94], budget, 100) == pytest.approx(2)  # over budget: until 92 leaves


def test_defaults_are_instaloaders_measured_limits() -> None:
    policy = PacingPolicy()
    assert policy.budget("followers") == Budget(199, 1800)
    assert policy.bucket("inbox") == DEFAULT_BUCKET
    pauses = [pause_seconds(policy, random.Random(i)) for i in range(2000)]
    assert max(pauses) <= 15
    assert 1.3 < sum(pauses) / len(pauses) < 2.1


def test_backoff_grows_with_jitter_and_honours_retry_after() -> None:
    policy = PacingPolicy()
    rng = random.Random(7)
    first = [backoff_seconds(policy, 1, rng, retry_after=None, now=NOW) for _ in range(200)]
    third = [backoff_seconds(policy, 3, rng, retry_after=None, now=NOW) for _ in range(200)]
    assert min(first) >= 15
    assert max(first) <= 30
    assert len(set(first)) > 100
    assert min(third) >= 60
    assert max(third) <= 120
    assert backoff_seconds(policy, 9, rng, retry_after=None, now=NOW) <= policy.backoff_max_seconds
    told = NOW + timedelta(seconds=120)
    assert backoff_seconds(policy, 1, rng, retry_after=told, now=NOW) == 120


class Budgets:
    def __init__(self, waits: list[float]) -> None:
        self.waits = waits
        self.reserved = 0

    def reserve(self, bucket: str, budget: Budget) -> float:
        if self.waits:
            return self.waits.pop(0)
        self.reserved += 1
        return 0.0


def test_pacer_waits_for_the_budget_then_pauses() -> None:
    slept: list[float] = []
    pacer = Pacer(PacingPolicy(), Budgets([4.0, 2.5]), sleep=slept.append, rng=random.Random(1))
    pacer.before_request("followers")
    assert slept[:2] == [4.0, 2.5]
    assert len(slept) == 3
    assert 0 < slept[2] <= 15
    assert pacer.stats.waited_seconds == 6.5
    assert pacer.stats.paused_seconds == slept[2]


def test_client_retries_429_after_retry_after_then_succeeds(
    stub: StubServer, session: SessionCookies
) -> None:
    slept: list[float] = []
    store = Budgets([])
    pacer = Pacer(NO_PAUSE, store, sleep=slept.append, rng=random.Random(3))
    stub.script(
        ME,
        Scripted(
            status=429,
            body={"message": "Please wait a few minutes before you try again.", "status": "fail"},
            headers={"Retry-After": "3"},
        ),
        Scripted(status=503, body="upstream down"),
        Scripted(body=fixture_bytes("users_info_self__instagramkit.json")),
    )
    with WebApiClient(session, api_base_url=stub.url, pacer=pacer) as client:
        assert client.current_user().username == "riedayme"
        assert client.requests["current_user"] == 3
    assert 2 <= slept[0] <= 3.01  # Retry-After, measured against our clock
    assert 0.5 <= slept[1] <= 2  # backoff attempt 2: base 1 s doubled, full jitter in [1, 2]
    assert pacer.stats.retries == {"current_user": 2}
    assert store.reserved == 3


def test_client_gives_up_when_retries_are_spent(stub: StubServer, session: SessionCookies) -> None:
    pacer = Pacer(
        PacingPolicy(pause_rate=0, max_retries=2, backoff_base_seconds=0.01),
        Budgets([]),
        sleep=lambda _: None,
    )
    stub.script(ME, *[Scripted(status=500, body="boom")] * 3)
    with WebApiClient(session, api_base_url=stub.url, pacer=pacer) as client, pytest.raises(ServerError):
        client.current_user()
    assert len(stub.requests_to(ME)) == 3


def test_without_a_pacer_nothing_is_retried(stub: StubServer, session: SessionCookies) -> None:
    stub.script(ME, Scripted(status=429, body={"message": "rate limited", "status": "fail"}))
    with WebApiClient(session, api_base_url=stub.url) as client, pytest.raises(RateLimitedError):
        client.current_user()
    assert len(stub.requests_to(ME)) == 1
