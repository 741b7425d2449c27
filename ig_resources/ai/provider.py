"""The provider protocol: one attempt at one analysis. Retries, fallback, cache, budgets and
accounting live in the resource, the same for every provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from .schemas import Purpose


@dataclass(frozen=True)
class ImageInput:
    """A stored picture sent with the analysis (vision-capable models only)."""

    path: Path
    content_type: str
    sha256: str


@dataclass(frozen=True)
class Task:
    """One analysis to make: what it is about, its purpose and input, and any pictures."""

    purpose: Purpose
    analyzable_type: str
    analyzable_id: int
    data: BaseModel
    images: tuple[ImageInput, ...] = ()

    @cached_property
    def text(self) -> str:
        """The input as the provider reads it (and the cache key hashes), rendered once."""
        return self.purpose.render(self.data)


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class Answer:
    """A validated answer: the parsed model, the raw text, what the call cost."""

    parsed: BaseModel
    response_text: str
    usage: Usage = Usage()
    http_status: int | None = None


@dataclass
class ProviderCallError(Exception):
    """One attempt failed. `status` is the HTTP status (None: no answer: timeout, connection);
    `invalid_output` means an answer came but did not match the schema. The message never holds a
    secret."""

    message: str
    status: int | None = None
    retry_after: float | None = None
    invalid_output: bool = False
    usage: Usage = field(default_factory=Usage)
    response_text: str | None = None

    def __str__(self) -> str:
        return self.message


class Provider(Protocol):
    #: the name in `ai_provider_settings` ("openai", "local", "heuristic", ...)
    name: str
    model: str
    #: whether answers come over HTTP (each attempt is an `ai_api_calls` row)
    remote: bool

    def check_health(self) -> tuple[bool, str | None]:
        """A cheap check (no tokens spent): healthy, or why not."""
        ...

    def analyze(self, task: Task) -> Answer:
        """One attempt; raises ProviderCallError."""
        ...
