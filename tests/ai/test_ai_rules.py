"""The AI layer's pure rules: cache keys, retries, the health gate and run budgets."""

from __future__ import annotations

import pytest

from ig_resources.ai.rules import (
    HEURISTIC,
    BudgetExceeded,
    HealthGate,
    ProviderSetting,
    RetryPolicy,
    RunBudget,
    analysis_fingerprint,
    provider_chain,
    retryable,
)

BASE = {
    "purpose": "post_insight",
    "model": "gpt-4o-mini",
    "prompt_version": "p3",
    "schema_version": "s2",
    "text": "Sunset in Lisbon #travel",
}


def test_the_fingerprint_changes_with_any_input_and_only_then() -> None:
    key = analysis_fingerprint(**BASE, media_fingerprints=["b", "a"])
    assert key == analysis_fingerprint(**BASE, media_fingerprints=["a", "b"])  # order of files is not input
    for field_name, other in (
        ("model", "llama3"),
        ("prompt_version", "p4"),
        ("schema_version", "s3"),
        ("text", "Sunset in Porto #travel"),
        ("purpose", "profile_insight"),
    ):
        assert analysis_fingerprint(**{**BASE, field_name: other}, media_fingerprints=["a", "b"]) != key
    assert analysis_fingerprint(**BASE, media_fingerprints=["a"]) != key


def test_retries_follow_seed_003_and_stop_on_refusals() -> None:
    policy = RetryPolicy()
    assert [policy.delay(n, status=500) for n in (1, 2, 3)] == [1.0, 1.0, None]  # three attempts in all
    assert policy.delay(1, status=200, invalid_output=True) == 0.5
    assert policy.delay(1, status=None) == 1.0  # timeout, connection refused
    assert policy.delay(1, status=429, retry_after=4) == 4
    assert policy.delay(1, status=429, retry_after=600) is None  # too long: the fallback answers now
    assert all(policy.delay(1, status=s) is None for s in (400, 401, 403, 404, 422))
    assert retryable(503)
    assert retryable(408)
    assert not retryable(401)


def test_the_chain_orders_by_priority_and_ends_with_the_heuristic() -> None:
    settings = [
        ProviderSetting("openai", priority=20),
        ProviderSetting("local", priority=10),
        ProviderSetting("backup", enabled=False, priority=1),
        ProviderSetting(HEURISTIC, priority=0),
    ]
    assert provider_chain(settings) == ["local", "openai", HEURISTIC]
    assert provider_chain([]) == [HEURISTIC]


def test_the_health_gate_checks_once_per_window_and_falls_through() -> None:
    checks: list[str] = []
    state = {"local": (False, "connection refused"), "openai": (True, None)}

    def check(provider: str) -> tuple[bool, str | None]:
        checks.append(provider)
        return state[provider]

    gate = HealthGate(ttl_seconds=60)
    assert gate.choose(["local", "openai", HEURISTIC], 0, check) == (
        "openai",
        {"local": "connection refused"},
    )
    assert gate.choose(["local", "openai", HEURISTIC], 30, check)[0] == "openai"
    assert checks == ["local", "openai"]  # cached within the window
    state["local"] = (True, None)
    assert gate.choose(["local", "openai", HEURISTIC], 61, check) == ("local", {})
    state["local"] = state["openai"] = (False, "HTTP 500")
    assert gate.choose(["local", "openai", HEURISTIC], 200, check) == (
        HEURISTIC,
        {"local": "HTTP 500", "openai": "HTTP 500"},
    )


def test_a_budget_stops_the_run_at_its_limit() -> None:
    calls = RunBudget(max_calls=2)
    calls.before_call()
    calls.before_call()
    with pytest.raises(BudgetExceeded, match="2 AI calls"):
        calls.before_call()
    tokens = RunBudget(max_tokens=1_000)
    tokens.before_call()
    tokens.after_call({"prompt_tokens": 700, "completion_tokens": 400, "total_tokens": 1_100})
    with pytest.raises(BudgetExceeded, match="1,000 AI tokens"):
        tokens.before_call()
    free = RunBudget()
    for _ in range(100):
        free.before_call()
    assert free.calls == 100
