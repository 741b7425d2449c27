"""The AI store: `ai_provider_settings`, `ai_analyses` (the cache) and `ai_api_calls`."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select

from ig_resources.records import AnalysisWrite, ApiCallWrite, CachedAnalysis, ProviderSettingRecord

from .base import Store
from .models import AIAnalysis, AIApiCall, AIProviderSetting, utcnow
from .projections import _project
from .upsert import batches, in_chunks, upsert

#: a cache hit points at its original; this many hops is more than a healthy table ever has
MAX_CACHE_HOPS = 8


def _analysis_values(w: AnalysisWrite, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {
        "instagram_account_id": w.account_id,
        "analyzable_type": w.analyzable_type,
        "analyzable_id": w.analyzable_id,
        "purpose": w.purpose,
        "provider": w.provider,
        "model": w.model,
        "prompt": w.prompt,
        "response_text": w.response_text,
        "status": w.status,
        "error_message": w.error_message,
        "input_fingerprint": w.input_fingerprint,
        "media_fingerprint": w.media_fingerprint,
        "cache_hit": w.cache_hit,
        "cached_from_ai_analysis_id": w.cached_from_ai_analysis_id,
        "confidence_score": w.confidence_score,
        "evidence_count": w.evidence_count,
        "signals_detected_count": w.signals_detected_count,
        "input_completeness_score": w.input_completeness_score,
        "prompt_version": w.prompt_version,
        "schema_version": w.schema_version,
        "used_fallback": w.used_fallback,
        "fallback_reason": w.fallback_reason,
        "attempts": w.attempts,
        "started_at": w.started_at,
        "finished_at": w.finished_at,
        "created_at": now,
    }
    if w.analysis is not None:  # left unset, the column is SQL NULL (set to None it would be JSON null)
        values["analysis"] = w.analysis
    return values


def _call_values(account_id: int | None, analysis_id: int | None, c: ApiCallWrite) -> dict[str, Any]:
    return {
        "instagram_account_id": account_id,
        "ai_analysis_id": analysis_id,
        "provider": c.provider,
        "model": c.model,
        "operation": c.operation,
        "category": c.category,
        "input_tokens": c.input_tokens,
        "output_tokens": c.output_tokens,
        "total_tokens": c.total_tokens,
        "request_units": c.request_units,
        "latency_ms": c.latency_ms,
        "http_status": c.http_status,
        "status": c.status,
        "error_message": c.error_message,
        "occurred_at": c.occurred_at,
        "dagster_run_id": c.dagster_run_id,
    }


class AIStore(Store):
    """AI providers' settings (keys encrypted), the analysis cache and every call's accounting."""

    def settings(self) -> list[ProviderSettingRecord]:
        """Every configured provider, in the order they are tried (priority, then name)."""
        ps = AIProviderSetting
        with self.session() as s:
            rows = s.execute(
                select(ps.provider, ps.enabled, ps.priority, ps.config, ps.api_key.is_not(None)).order_by(
                    ps.priority, ps.provider
                )
            ).all()
        return [ProviderSettingRecord(r[0], r[1], r[2], r[3] or {}, bool(r[4])) for r in rows]

    def api_key(self, provider: str) -> str | None:
        """The provider's API key, decrypted; None when none is stored."""
        with self.session() as s:
            token = s.scalar(select(AIProviderSetting.api_key).where(AIProviderSetting.provider == provider))
        if not token:
            return None
        return self._cipher().decrypt(token, what=f"the API key of AI provider '{provider}'")

    def set_provider(
        self,
        provider: str,
        *,
        enabled: bool | None = None,
        priority: int | None = None,
        config: dict[str, Any] | None = None,
        api_key: str | None = None,
        clear_api_key: bool = False,
    ) -> None:
        """Create or change a provider's settings; an argument left None keeps what is stored (a new
        provider is enabled, priority 100). The API key is stored encrypted, never in plaintext."""
        provider = provider.strip()
        if not provider:
            raise ValueError("a provider needs a name")
        if api_key is not None and clear_api_key:
            raise ValueError("give an API key or clear it, not both")
        if api_key is not None and not api_key.strip():
            raise ValueError("the API key is empty (use clear_api_key to remove it)")
        now = utcnow()
        values: dict[str, Any] = {"provider": provider, "created_at": now, "updated_at": now}
        for name, value in (("enabled", enabled), ("priority", priority), ("config", config)):
            if value is not None:
                values[name] = value
        if api_key is not None:
            values["api_key"] = self._cipher().encrypt(api_key.strip())  # fails before anything is written
        elif clear_api_key:
            values["api_key"] = None
        with self.session() as s:
            # One statement: two processes configuring the same provider cannot both insert it.
            upsert(
                s,
                AIProviderSetting.__table__,
                [values],
                conflict=("provider",),
                update=[k for k in values if k not in ("provider", "created_at")],
            )

    def remove_provider(self, provider: str) -> bool:
        with self.session() as s:
            return bool(
                s.execute(delete(AIProviderSetting).where(AIProviderSetting.provider == provider)).rowcount
            )

    def cached_analysis(self, input_fingerprint: str) -> CachedAnalysis | None:
        """The newest completed analysis with this cache key, as its original (a cache hit is followed
        to the analysis it reused, so chains of hits never form)."""
        a = AIAnalysis
        cols = (a.id, a.cached_from_ai_analysis_id, a.provider, a.model, a.analysis, a.response_text)
        with self.session() as s:
            row = s.execute(
                select(*cols)
                .where(a.input_fingerprint == input_fingerprint, a.status == "completed")
                .order_by(a.id.desc())
                .limit(1)
            ).first()
            for _ in range(MAX_CACHE_HOPS):
                if row is None or row.cached_from_ai_analysis_id is None:
                    break
                original = s.execute(select(*cols).where(a.id == row.cached_from_ai_analysis_id)).first()
                if original is None:
                    break
                row = original
        if row is None or row.analysis is None:
            return None
        return CachedAnalysis(row.id, row.provider, row.model, row.analysis, row.response_text)

    def cached_fingerprints(self, fingerprints: Collection[str]) -> set[str]:
        """Which of these cache keys have a completed analysis: one query per thousand keys, so a run
        looks up each analysis only when there is something to find."""
        a = AIAnalysis
        found: set[str] = set()
        with self.session() as s:
            for chunk in in_chunks(sorted(set(fingerprints))):
                found.update(
                    s.scalars(
                        select(a.input_fingerprint)
                        .distinct()
                        .where(
                            a.input_fingerprint.in_(chunk), a.status == "completed", a.analysis.is_not(None)
                        )
                    )
                )
        return found

    def save_analyses(self, items: Sequence[AnalysisWrite]) -> list[int]:
        """Insert the analyses with their calls and write what the completed ones project, all in one
        transaction. Returns the new analysis ids, in the order of `items`."""
        if not items:
            return []
        now = utcnow()
        # Core INSERT .. RETURNING in parameter order (one statement per batch; rows without an answer
        # are inserted apart, so that their `analysis` stays SQL NULL rather than JSON null).
        ids: list[int] = [0] * len(items)
        with self.session() as s:
            for answered in (True, False):
                positions = [i for i, w in enumerate(items) if (w.analysis is not None) == answered]
                for chunk in batches(positions):
                    returned = s.scalars(
                        insert(AIAnalysis).returning(AIAnalysis.id, sort_by_parameter_order=True),
                        [_analysis_values(items[i], now) for i in chunk],
                    ).all()
                    for i, aid in zip(chunk, returned, strict=True):
                        ids[i] = aid
            calls = [
                _call_values(w.account_id, aid, c) for w, aid in zip(items, ids, strict=True) for c in w.calls
            ]
            for chunk in batches(calls):
                s.execute(AIApiCall.__table__.insert(), chunk)
            _project(s, list(zip(items, ids, strict=True)), now)
        return ids

    def run_spend(self, dagster_run_id: str) -> tuple[int, int]:
        """(calls, tokens) a Dagster run has spent so far, over all its steps."""
        c = AIApiCall
        with self.session() as s:
            calls, tokens = s.execute(
                select(func.count(), func.coalesce(func.sum(c.total_tokens), 0)).where(
                    c.dagster_run_id == dagster_run_id
                )
            ).one()
        return int(calls), int(tokens)

    def record_api_calls(self, account_id: int | None, calls: Sequence[ApiCallWrite]) -> None:
        """Calls that produced no analysis (a run stopped by its budget mid-item): they cost all the same."""
        if calls:
            with self.session() as s:
                for chunk in batches(_call_values(account_id, None, c) for c in calls):
                    s.execute(AIApiCall.__table__.insert(), chunk)
