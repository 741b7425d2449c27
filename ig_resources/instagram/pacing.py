"""Pacing of requests to Instagram: budgets per account and kind, pauses, and backoff.

The numbers default to instaloader's measured limits (shared/reference/instagram-api.md §10):
the mobile host (`i.instagram.com`, which the client uses) allows about 199 requests per 30
minutes per account; before each request a person-like pause of min(expovariate(0.6), 15) s.
Budgets live in a `BudgetStore` so that separate run processes share them (the database one is
`DatabaseResource.reserve_request`).

Nothing here does I/O: time and randomness are passed in, so the rules are tested on their own.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

DEFAULT_BUCKET = "api"


@dataclass(frozen=True)
class Budget:
    """At most `limit` requests in any `window_seconds`."""

    limit: int
    window_seconds: float


@dataclass(frozen=True)
class PacingPolicy:
    """How a careful session paces itself. `buckets` maps a request kind to its budget bucket;
    kinds not listed share `DEFAULT_BUCKET`."""

    budgets: Mapping[str, Budget] = field(default_factory=lambda: {DEFAULT_BUCKET: Budget(199, 30 * 60)})
    buckets: Mapping[str, str] = field(default_factory=dict)
    pause_rate: float = 0.6  # expovariate rate: mean pause 1/0.6 ≈ 1.7 s
    pause_max_seconds: float = 15.0
    max_retries: int = 3
    backoff_base_seconds: float = 30.0
    backoff_max_seconds: float = 15 * 60.0

    def bucket(self, kind: str) -> str:
        return self.buckets.get(kind, DEFAULT_BUCKET)

    def budget(self, kind: str) -> Budget:
        return self.budgets.get(self.bucket(kind)) or self.budgets[DEFAULT_BUCKET]


def window_wait(sent_at: list[float], budget: Budget, now: float) -> float:
    """Seconds to wait before one more request fits the budget, given the send times in the window."""
    recent = sorted(t for t in sent_at if t > now - budget.window_seconds)
    if len(recent) < budget.limit:
        return 0.0
    # The request that frees a slot is the one `limit` places back from the end.
    return max(0.0, recent[len(recent) - budget.limit] + budget.window_seconds - now)


def pause_seconds(policy: PacingPolicy, rng: random.Random) -> float:
    """A person-like pause before a request (instaloader's distribution)."""
    if policy.pause_rate <= 0:
        return 0.0
    return min(rng.expovariate(policy.pause_rate), policy.pause_max_seconds)


def backoff_seconds(
    policy: PacingPolicy, attempt: int, rng: random.Random, *, retry_after: datetime | None, now: datetime
) -> float:
    """Wait before retry number `attempt` (1-based) after a 429 or 5xx.

    `Retry-After` wins when Instagram sends it; otherwise exponential growth with full jitter,
    capped, so that many accounts backing off at once do not retry in lockstep.
    """
    if retry_after is not None:
        return max(0.0, (retry_after - now).total_seconds())
    ceiling = min(policy.backoff_max_seconds, policy.backoff_base_seconds * 2 ** (attempt - 1))
    return rng.uniform(ceiling / 2, ceiling)


class BudgetStore(Protocol):
    def reserve(self, bucket: str, budget: Budget) -> float:
        """Record one request now if the budget allows (return 0), else return the seconds to wait."""
        ...


@dataclass
class PacingStats:
    waited_seconds: float = 0.0
    paused_seconds: float = 0.0
    retries: dict[str, int] = field(default_factory=dict)

    def as_metadata(self) -> dict[str, object]:
        return {
            "waited_seconds": round(self.waited_seconds, 1),
            "paused_seconds": round(self.paused_seconds, 1),
            "retries": dict(self.retries),
        }


class Pacer:
    """Applies a `PacingPolicy` around each request: budget, pause, and backoff between retries."""

    def __init__(
        self,
        policy: PacingPolicy,
        store: BudgetStore,
        *,
        sleep: Callable[[float], None],
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy
        self.store = store
        self.stats = PacingStats()
        self._sleep = sleep
        self._rng = rng or random.Random()

    def before_request(self, kind: str) -> None:
        """Block until the kind's budget has room, then take a short pause."""
        bucket, budget = self.policy.bucket(kind), self.policy.budget(kind)
        while (wait := self.store.reserve(bucket, budget)) > 0:
            self.stats.waited_seconds += wait
            self._sleep(wait)
        pause = pause_seconds(self.policy, self._rng)
        if pause:
            self.stats.paused_seconds += pause
            self._sleep(pause)

    def retry_delay(
        self, kind: str, attempt: int, *, retry_after: datetime | None, now: datetime
    ) -> float | None:
        """Seconds to wait before retrying, or None when the retries are spent."""
        if attempt > self.policy.max_retries:
            return None
        self.stats.retries[kind] = self.stats.retries.get(kind, 0) + 1
        delay = backoff_seconds(self.policy, attempt, self._rng, retry_after=retry_after, now=now)
        self.stats.waited_seconds += delay
        return delay

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)
