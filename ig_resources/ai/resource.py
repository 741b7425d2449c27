"""`AIResource`: the AI providers as one Dagster resource.

A run asks `AIResource.run(...)` for an `AIRun`, which picks the provider once through the health gate
(seed 000 §3: the preferred provider if its cheap check passes, else the next, the heuristic one
last), reuses cached answers, retries as seed 003, falls back to the heuristic provider, holds the
run's budget, and writes every analysis and HTTP call to `ai_analyses` / `ai_api_calls`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from pydantic import BaseModel, Field, ValidationError

from ig_resources.database import DatabaseResource, SecretKeyError
from ig_resources.records import AnalysisWrite, ApiCallWrite, Projection

from .provider import Answer, Provider, ProviderCallError, Task
from .rules import (
    HEURISTIC,
    BudgetExceeded,
    Health,
    HealthGate,
    ProviderSetting,
    RetryPolicy,
    RunBudget,
    analysis_fingerprint,
    provider_chain,
)

#: a provider that failed this many analyses in a row (after their retries) is passed over for the
#: rest of its health window in this process: a dead server costs three items' attempts, not every item's
TRIP_AFTER = 3
#: one health gate per provider configuration and process, so runs within the window share it
_GATES: dict[tuple[str, ...], HealthGate] = {}
_GATES_LOCK = threading.Lock()


@dataclass(frozen=True)
class AppIssueSignal:
    """What the failure tracking (`app_issues`) will record: deduplicated by fingerprint."""

    fingerprint: str
    issue_type: str
    severity: str
    title: str
    details: str


class AIResource(dg.ConfigurableResource):
    """OpenAI (or any OpenAI-compatible server via `OPENAI_BASE_URL`), ordered and enabled by
    `ai_provider_settings`, with the offline heuristic provider always last.

    With no settings rows: `openai` when an API key or base URL is configured, then the heuristic
    provider; with neither, the heuristic provider alone (the offline default)."""

    model: str = Field(
        default="gpt-4o-mini", description="Model for OpenAI-compatible providers (IG_AI_MODEL)"
    )
    api_key: str | None = Field(
        default=None, description="API key (OPENAI_API_KEY); never logged", repr=False
    )
    base_url: str | None = Field(default=None, description="OpenAI-compatible server (OPENAI_BASE_URL)")
    timeout_seconds: float = Field(default=60.0, description="Seconds one call may take")
    health_ttl_seconds: float = Field(default=60.0, description="How long a health check is trusted")
    vision: bool = Field(default=True, description="Send stored pictures to the model")
    max_calls_per_run: int | None = Field(
        default=None, description="HTTP calls one Dagster run may make (all steps)"
    )
    max_tokens_per_run: int | None = Field(
        default=None, description="Tokens one Dagster run may spend (all steps)"
    )
    retry_pause_seconds: float = Field(
        default=0.5, description="Pause before asking again after invalid output"
    )
    retry_error_pause_seconds: float = Field(default=1.0, description="Pause before retrying an error")
    commit_every: int = Field(default=50, description="Analyses written per transaction")

    def run(
        self,
        database: DatabaseResource,
        account_id: int,
        log: logging.Logger | dg.DagsterLogManager | None = None,
        dagster_run_id: str | None = None,
    ) -> AIRun:
        return AIRun(self, database, account_id, log or logging.getLogger(__name__), dagster_run_id)

    def providers(self, database: DatabaseResource) -> tuple[list[str], dict[str, Provider], dict[str, str]]:
        """The chain (names, preferred first), each provider built from its settings row, and the
        providers that cannot be built, with why (a stored key IG_SECRET_KEY cannot decrypt)."""
        rows = database.ai.settings()
        if rows:
            settings = [ProviderSetting(r.provider, r.enabled, r.priority) for r in rows]
            configs = {r.provider: r.config for r in rows}
        else:
            configured = bool(self.api_key or self.base_url)
            settings = [ProviderSetting("openai", configured, 10)]
            configs = {}
        chain = provider_chain(settings)
        built: dict[str, Provider] = {}
        broken: dict[str, str] = {}
        for name in chain:
            try:
                built[name] = self._build(database, name, configs.get(name) or {})
            except SecretKeyError as exc:
                broken[name] = str(exc)
        return [name for name in chain if name in built], built, broken

    def _build(self, database: DatabaseResource, name: str, config: dict[str, Any]) -> Provider:
        if name == HEURISTIC:
            from .heuristic import HeuristicProvider

            return HeuristicProvider()
        from .openai_provider import OpenAIProvider

        # The key: stored encrypted in the settings row, else the variable the row names, else ours.
        key = database.ai.api_key(name)
        if key is None and (env := config.get("api_key_env")):
            key = os.environ.get(str(env))
        if key is None and (name == "openai" or not config.get("base_url")):
            key = self.api_key
        return OpenAIProvider(
            name=name,
            model=str(config.get("model") or self.model),
            api_key=key,
            base_url=config.get("base_url") or self.base_url,
            timeout_seconds=float(config.get("timeout_seconds") or self.timeout_seconds),
            vision=bool(config.get("vision", self.vision)),
        )

    def gate(self, chain: list[str], providers: dict[str, Provider]) -> HealthGate:
        key = (
            *chain,
            *(f"{p.model}@{getattr(p, 'base_url', '')}" for p in providers.values()),
            str(self.health_ttl_seconds),
        )
        with _GATES_LOCK:
            return _GATES.setdefault(key, HealthGate(ttl_seconds=self.health_ttl_seconds))


class AIRun:
    """One run's use of the AI providers: choice, cache, retries, fallback, budget and accounting."""

    def __init__(
        self,
        resource: AIResource,
        database: DatabaseResource,
        account_id: int,
        log: logging.Logger | dg.DagsterLogManager,
        dagster_run_id: str | None = None,
    ) -> None:
        self.database = database
        self.account_id = account_id
        self.log = log
        self.dagster_run_id = dagster_run_id
        self.chain, self.providers, broken = resource.providers(database)
        #: the provider answers are wanted from: an unchanged input it answered is never redone
        self.preferred = self.providers[self.chain[0]]
        self.gate = resource.gate(self.chain, self.providers)
        self.policy = RetryPolicy(
            pause_seconds=resource.retry_pause_seconds, error_pause_seconds=resource.retry_error_pause_seconds
        )
        self.budget = RunBudget(resource.max_calls_per_run, resource.max_tokens_per_run)
        if dagster_run_id and (
            resource.max_calls_per_run is not None or resource.max_tokens_per_run is not None
        ):
            self.budget.calls, self.budget.tokens = database.ai.run_spend(dagster_run_id)
        self.commit_every = resource.commit_every
        self.stats: Counter[str] = Counter()
        self.passed_over: dict[str, str] = {}
        self.issues: dict[str, AppIssueSignal] = {}
        self.budget_stop: str | None = None
        self._failures_in_a_row: Counter[str] = Counter()
        self._pending: list[AnalysisWrite] = []
        self._pending_keys: set[str] = set()
        #: cache keys looked up in bulk (`prefetch`), and those of them the cache holds
        self._prefetched: set[str] = set()
        self._cached_keys: set[str] = set()
        self._keys: dict[tuple[int, str], tuple[Task, str]] = {}
        for name, reason in broken.items():
            self._pass_over(name, reason, "heuristic")
        self.provider = self._choose()

    # -- provider choice -------------------------------------------------------------------------

    def _check(self, name: str) -> tuple[bool, str | None]:
        return self.providers[name].check_health()

    def _choose(self) -> Provider:
        name, passed = self.gate.choose(self.chain, time.monotonic(), self._check)
        for skipped, reason in passed.items():
            self._pass_over(skipped, reason, name)
        return self.providers[name]

    def _pass_over(self, skipped: str, reason: str, instead: str) -> None:
        if skipped in self.passed_over:
            return
        self.passed_over[skipped] = reason
        self.log.warning(f"AI provider '{skipped}' passed over: {reason}; using '{instead}'")
        self.issues[skipped] = AppIssueSignal(
            fingerprint=f"ai_provider_unhealthy:{skipped}",
            issue_type="ai_provider_unhealthy",
            severity="warning",
            title=f"AI provider '{skipped}' is unhealthy",
            details=reason,
        )

    def unchanged(self, task: Task, current: str | None) -> bool:
        """Whether the stored answer (cache key `current`) stands: the preferred provider's answer to
        this same input (kept while that provider is down), or this run's provider's own."""
        return current is not None and current in (
            self.fingerprint(task, self.preferred),
            self.fingerprint(task),
        )

    def fingerprint(self, task: Task, provider: Provider | None = None) -> str:
        """The cache key of `task` with the provider this run would use."""
        provider = provider or self.provider
        memo = (id(task), provider.name)  # a run asks for each task's key several times
        if (known := self._keys.get(memo)) is not None and known[0] is task:
            return known[1]
        key = analysis_fingerprint(
            purpose=task.purpose.name,
            model=f"{provider.name}:{provider.model}",
            prompt_version=task.purpose.prompt_version,
            schema_version=task.purpose.schema_version,
            text=task.text,
            media_fingerprints=[i.sha256 for i in task.images],
        )
        self._keys[memo] = (task, key)
        return key

    # -- analysis --------------------------------------------------------------------------------

    def prefetch(self, tasks: list[Task]) -> None:
        """Look up the cache for all of these tasks at once, instead of once per analysis."""
        keys = {self.fingerprint(task) for task in tasks}
        self._prefetched |= keys
        self._cached_keys |= self.database.ai.cached_fingerprints(keys)

    def analyze(self, task: Task, project: Callable[[Any], Projection]) -> AnalysisWrite:
        """Analyse `task` (or reuse a cached answer) and queue the row with its projection.
        Raises BudgetExceeded before a call the budget does not allow (nothing is half-written)."""
        provider = self.provider
        key = self.fingerprint(task, provider)
        if key in self._pending_keys:
            self.flush()  # an identical input earlier in this batch: let the cache find it
        started = datetime.now(UTC)
        write, parsed = self._cached(task, key, provider, started) or self._ask(task, key, provider, started)
        if parsed is not None:  # the answer as read once: by the provider, or when checking the cache
            write.projection = project(parsed)
            _quality(write, parsed, task.data)
        self._queue(write)
        return write

    def _cached(
        self, task: Task, key: str, provider: Provider, started: datetime
    ) -> tuple[AnalysisWrite, BaseModel] | None:
        if key in self._prefetched and key not in self._cached_keys:
            return None
        cached = self.database.ai.cached_analysis(key)
        if cached is None:
            return None
        try:
            parsed = task.purpose.output_model.model_validate(cached.analysis)
        except ValidationError:
            return None  # written under a schema this one does not read: analyse again
        self.stats["cache_hits"] += 1
        return self._write(
            task,
            key,
            provider,
            started,
            status="completed",
            analysis=cached.analysis,
            response_text=cached.response_text,
            cache_hit=True,
            cached_from_ai_analysis_id=cached.id,
        ), parsed

    def _ask(
        self, task: Task, key: str, provider: Provider, started: datetime
    ) -> tuple[AnalysisWrite, BaseModel | None]:
        calls: list[ApiCallWrite] = []
        attempts = 0
        error: str | None = None
        if provider.remote:
            answer, attempts, error = self._attempts(task, provider, calls)
            if answer is not None:
                self._failures_in_a_row[provider.name] = 0
                return self._completed(task, key, provider, started, answer, calls, attempts)
            self._failures_in_a_row[provider.name] += 1
            if self._failures_in_a_row[provider.name] >= TRIP_AFTER:
                self._trip(provider, error or "failed")
        else:
            try:
                attempts = 1
                return self._completed(task, key, provider, started, provider.analyze(task), calls, attempts)
            except Exception as exc:  # the last provider: its failure is the item's failure
                return self._failed(
                    task, key, provider, started, f"{type(exc).__name__}: {exc}", calls, attempts
                )
        return self._fallback(task, provider, started, calls, attempts, error or "failed")

    def _attempts(
        self, task: Task, provider: Provider, calls: list[ApiCallWrite]
    ) -> tuple[Answer | None, int, str | None]:
        attempt = 0
        while True:
            attempt += 1
            try:
                self.budget.before_call()
            except BudgetExceeded:
                if calls:  # the attempts this item already made are spent all the same
                    self.database.ai.record_api_calls(self.account_id, calls)
                raise
            self.stats["calls"] += 1
            t0 = time.perf_counter()
            occurred = datetime.now(UTC)
            try:
                answer = provider.analyze(task)
            except ProviderCallError as exc:
                error = (
                    f"{exc}; the answer began: {exc.response_text[:300]}" if exc.response_text else str(exc)
                )
                calls.append(
                    self._call(
                        provider,
                        task,
                        occurred,
                        t0,
                        exc.usage.input_tokens,
                        exc.usage.output_tokens,
                        exc.status,
                        _call_status(exc),
                        error,
                    )
                )
                self.budget.after_call({"total_tokens": exc.usage.total_tokens})
                delay = self.policy.delay(
                    attempt, status=exc.status, invalid_output=exc.invalid_output, retry_after=exc.retry_after
                )
                if delay is None:
                    return None, attempt, str(exc)
                time.sleep(delay)
                continue
            calls.append(
                self._call(
                    provider,
                    task,
                    occurred,
                    t0,
                    answer.usage.input_tokens,
                    answer.usage.output_tokens,
                    answer.http_status or 200,
                    "succeeded",
                    None,
                )
            )
            self.budget.after_call({"total_tokens": answer.usage.total_tokens})
            return answer, attempt, None

    def _fallback(
        self,
        task: Task,
        failed: Provider,
        started: datetime,
        calls: list[ApiCallWrite],
        attempts: int,
        reason: str,
    ) -> tuple[AnalysisWrite, BaseModel | None]:
        heuristic = self.providers[HEURISTIC]
        self.stats["fallbacks"] += 1
        self.log.warning(
            f"AI provider '{failed.name}' failed {task.purpose.name} of "
            f"{task.analyzable_type} {task.analyzable_id} ({reason}); the heuristic provider answers"
        )
        key = self.fingerprint(task, heuristic)
        try:
            write, parsed = self._completed(
                task, key, heuristic, started, heuristic.analyze(task), calls, attempts
            )
        except Exception as exc:
            return self._failed(
                task, key, heuristic, started, f"{type(exc).__name__}: {exc}", calls, attempts
            )
        write.used_fallback = True
        write.fallback_reason = f"{failed.name}: {reason}"
        return write, parsed

    def _trip(self, provider: Provider, reason: str) -> None:
        """Pass the provider over for the rest of its health window and choose again."""
        self.gate.known[provider.name] = Health(
            False, time.monotonic(), f"{TRIP_AFTER} analyses in a row failed: {reason}"
        )
        self.provider = self._choose()

    # -- rows --------------------------------------------------------------------------------------

    def _call(
        self,
        provider: Provider,
        task: Task,
        occurred: datetime,
        t0: float,
        input_tokens: int,
        output_tokens: int,
        status: int | None,
        outcome: str,
        error: str | None,
    ) -> ApiCallWrite:
        self.stats["input_tokens"] += input_tokens
        self.stats["output_tokens"] += output_tokens
        return ApiCallWrite(
            provider=provider.name,
            model=provider.model,
            operation="chat.completions",
            category=task.purpose.name,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            total_tokens=input_tokens + output_tokens,
            latency_ms=round((time.perf_counter() - t0) * 1000),
            http_status=status,
            status=outcome,
            occurred_at=occurred,
            error_message=error,
            dagster_run_id=self.dagster_run_id,
        )

    def _completed(
        self,
        task: Task,
        key: str,
        provider: Provider,
        started: datetime,
        answer: Answer,
        calls: list[ApiCallWrite],
        attempts: int,
    ) -> tuple[AnalysisWrite, BaseModel]:
        return self._write(
            task,
            key,
            provider,
            started,
            status="completed",
            analysis=answer.parsed.model_dump(mode="json"),
            response_text=answer.response_text,
            calls=calls,
            attempts=attempts,
        ), answer.parsed

    def _failed(
        self,
        task: Task,
        key: str,
        provider: Provider,
        started: datetime,
        error: str,
        calls: list[ApiCallWrite],
        attempts: int,
    ) -> tuple[AnalysisWrite, None]:
        self.stats["failed"] += 1
        self.log.error(f"{task.purpose.name} of {task.analyzable_type} {task.analyzable_id} failed: {error}")
        return self._write(
            task,
            key,
            provider,
            started,
            status="failed",
            error_message=error,
            calls=calls,
            attempts=attempts,
        ), None

    def _write(
        self, task: Task, key: str, provider: Provider, started: datetime, **fields: Any
    ) -> AnalysisWrite:
        self.stats["analyses"] += 1
        return AnalysisWrite(
            account_id=self.account_id,
            analyzable_type=task.analyzable_type,
            analyzable_id=task.analyzable_id,
            purpose=task.purpose.name,
            provider=provider.name,
            model=provider.model,
            prompt=f"{task.purpose.instructions}\n\n{task.text}",
            prompt_version=task.purpose.prompt_version,
            schema_version=task.purpose.schema_version,
            input_fingerprint=key,
            started_at=started,
            finished_at=datetime.now(UTC),
            media_fingerprint=task.images[0].sha256 if task.images else None,
            **fields,
        )

    def _queue(self, write: AnalysisWrite) -> None:
        self._pending.append(write)
        self._pending_keys.add(write.input_fingerprint)
        if len(self._pending) >= self.commit_every:
            self.flush()

    def flush(self) -> None:
        """Write the queued analyses, their calls and projections in one transaction."""
        if self._pending:
            self.database.ai.save_analyses(self._pending)
            self._cached_keys |= {w.input_fingerprint for w in self._pending if w.status == "completed"}
            self._pending, self._pending_keys = [], set()

    def stop_for_budget(self, exc: BudgetExceeded, left: int) -> None:
        self.budget_stop = f"{exc}; {left} left for the next run"
        self.log.warning(self.budget_stop)

    def metadata(self) -> dict[str, Any]:
        """Materialization metadata, named as dagster-openai names it."""
        s = self.stats
        meta: dict[str, Any] = {
            "ai.provider": self.provider.name,
            "ai.model": self.provider.model,
            "ai.calls": s["calls"],
            "ai.cache_hits": s["cache_hits"],
            "ai.fallbacks": s["fallbacks"],
            "ai.analyses": s["analyses"],
            "ai.failed": s["failed"],
            "ai.input_tokens": s["input_tokens"],
            "ai.output_tokens": s["output_tokens"],
            "ai.total_tokens": s["input_tokens"] + s["output_tokens"],
        }
        if self.passed_over:
            meta["ai.passed_over"] = dg.MetadataValue.json(self.passed_over)
            meta["ai.health_issues"] = dg.MetadataValue.json([i.__dict__ for i in self.issues.values()])
        if self.budget_stop:
            meta["ai.budget_stop"] = self.budget_stop
        return meta


def _call_status(exc: ProviderCallError) -> str:
    if exc.invalid_output:
        return "invalid_output"
    return "timeout" if exc.status is None else "failed"


def _quality(write: AnalysisWrite, parsed: BaseModel, data: BaseModel) -> None:
    """seed 004's quality fields: the answer's own confidence, how much evidence and how many signals
    it named, and how much of the input was there to read."""
    write.confidence_score = getattr(parsed, "confidence", None)
    evidence = [*getattr(parsed, "entities", []), *getattr(parsed, "signals", [])]
    for name in ("age", "gender", "location"):
        if (estimate := getattr(parsed, name, None)) is not None:
            evidence.extend(estimate.evidence)
            if write.confidence_score is None or estimate.confidence > write.confidence_score:
                write.confidence_score = estimate.confidence
    write.evidence_count = len(evidence)
    write.signals_detected_count = len(
        getattr(parsed, "signals", []) or getattr(parsed, "topics", []) or evidence
    )
    values = data.model_dump()
    write.input_completeness_score = round(
        sum(1 for v in values.values() if v not in (None, "", [], {})) / max(1, len(values)), 3
    )
