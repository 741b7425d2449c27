"""Rules every AI provider shares, pure: the cache key of an analysis, when to retry (seed 003: three
attempts, 500 ms between them, 1 s after an error), which provider the health gate picks (seed 000
§3), and the per-run budget."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

#: always last in the chain: it runs offline and cannot be unhealthy
HEURISTIC = "heuristic"


def analysis_fingerprint(
    *,
    purpose: str,
    model: str,
    prompt_version: str,
    schema_version: str,
    text: str,
    media_fingerprints: Iterable[str] = (),
) -> str:
    """The cache key of an analysis: the same input (text and media), prompt, schema and model give the
    same key, so an unchanged re-run reuses the earlier answer; any change gives a new one."""
    canonical = json.dumps(
        {
            "purpose": purpose,
            "model": model,
            "prompt": prompt_version,
            "schema": schema_version,
            "text": text,
            "media": sorted(media_fingerprints),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def retryable(status: int | None) -> bool:
    """Whether a failed call may succeed when repeated: no answer (timeout, connection, unreadable
    output: `None`), a timeout or conflict, throttling, a server error. A refused request (bad input,
    bad key, unknown model) fails the same way again."""
    return status is None or status in (408, 409, 429) or status >= 500


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    pause_seconds: float = 0.5
    error_pause_seconds: float = 1.0
    #: a Retry-After longer than this is not waited for: the fallback answers instead
    max_retry_after_seconds: float = 30.0

    def delay(
        self,
        attempt: int,
        *,
        status: int | None,
        invalid_output: bool = False,
        retry_after: float | None = None,
    ) -> float | None:
        """Seconds to wait before attempt `attempt + 1` (attempts count from 1), or None: give up and
        fall back. Output that did not match the schema is asked again after the short pause."""
        if attempt >= self.attempts or not (invalid_output or retryable(status)):
            return None
        if status == 429 and retry_after is not None:
            return None if retry_after > self.max_retry_after_seconds else max(0.0, retry_after)
        return self.pause_seconds if invalid_output else self.error_pause_seconds


@dataclass(frozen=True)
class ProviderSetting:
    """One row of `ai_provider_settings`."""

    provider: str
    enabled: bool = True
    priority: int = 100


def provider_chain(settings: Sequence[ProviderSetting]) -> list[str]:
    """Enabled providers by priority (lower first, then name), the heuristic one always last."""
    chain = [
        s.provider
        for s in sorted(settings, key=lambda s: (s.priority, s.provider))
        if s.enabled and s.provider != HEURISTIC
    ]
    return [*chain, HEURISTIC]


@dataclass(frozen=True)
class Health:
    healthy: bool
    checked_at: float
    reason: str | None = None


@dataclass
class HealthGate:
    """Remembers each provider's last health check for `ttl_seconds`, so a run (and the runs after it
    within the window) checks a provider once, not before every call."""

    ttl_seconds: float = 60.0
    known: dict[str, Health] = field(default_factory=dict)

    def health(self, provider: str, now: float, check: Callable[[str], tuple[bool, str | None]]) -> Health:
        cached = self.known.get(provider)
        if cached is not None and now - cached.checked_at < self.ttl_seconds:
            return cached
        healthy, reason = check(provider)
        self.known[provider] = Health(healthy, now, reason)
        return self.known[provider]

    def choose(
        self, chain: Sequence[str], now: float, check: Callable[[str], tuple[bool, str | None]]
    ) -> tuple[str, dict[str, str]]:
        """The first healthy provider of the chain, and why each one before it was passed over."""
        passed: dict[str, str] = {}
        for provider in chain:
            if provider == HEURISTIC:
                return provider, passed
            health = self.health(provider, now, check)
            if health.healthy:
                return provider, passed
            passed[provider] = health.reason or "unhealthy"
        return HEURISTIC, passed


class BudgetExceeded(RuntimeError):
    """A run spent its calls or tokens: it stops cleanly and says which limit."""


@dataclass
class RunBudget:
    """Calls and tokens one run may spend (None: no limit)."""

    max_calls: int | None = None
    max_tokens: int | None = None
    calls: int = 0
    tokens: int = 0

    def before_call(self) -> None:
        if self.max_calls is not None and self.calls >= self.max_calls:
            raise BudgetExceeded(f"the run's budget of {self.max_calls} AI calls is spent")
        if self.max_tokens is not None and self.tokens >= self.max_tokens:
            raise BudgetExceeded(f"the run's budget of {self.max_tokens:,} AI tokens is spent")
        self.calls += 1

    def after_call(self, usage: Mapping[str, int | None]) -> None:
        self.tokens += int(usage.get("total_tokens") or 0)
