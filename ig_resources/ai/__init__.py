"""AI providers as one resource: OpenAI or any OpenAI-compatible server, and an offline heuristic
provider; a health gate, a cache, retries, fallback, budgets and accounting shared by all."""

from typing import Any

__all__ = ["AIResource", "AIRun", "AppIssueSignal"]


def __getattr__(name: str) -> Any:
    # Lazy: the providers should not pay for importing Dagster.
    if name in __all__:
        from . import resource

        return getattr(resource, name)
    raise AttributeError(name)
