"""OpenAI, or any OpenAI-compatible server (Ollama, vLLM, llama.cpp) by its base URL, through the
official `openai` SDK: one attempt at one analysis with structured output.

The request is `chat.completions.create` with a strict `json_schema` response format made from the
purpose's output model, validated here rather than by the SDK's `parse()`: that way every answer
that came back (broken JSON, a wrong shape, a refusal, a cut-off) still yields its HTTP status and
token usage for accounting, and JSON wrapped in ```json fences (some local servers do that) is
accepted.
"""

from __future__ import annotations

import base64
import email.utils
import functools
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import openai
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from .provider import Answer, ImageInput, ProviderCallError, Task, Usage

#: pictures per request, and the largest file sent (bigger ones are left out, not resized)
MAX_IMAGES = 4
MAX_IMAGE_BYTES = 5 * 1024 * 1024
#: how much of an unusable answer is kept for the record, and of a server's error message
RESPONSE_TEXT_LIMIT = 2_000
REASON_LIMIT = 200

_FENCED = re.compile(r"```[A-Za-z0-9_+-]*[ \t]*\n?(.*?)\n?[ \t]*```", re.S)
_BEARER = re.compile(r"(?i)(bearer\s+)\S+")
_SK = re.compile(r"\bsk-[A-Za-z0-9_-]{8,}")


def _uses_max_completion_tokens(base_url: str | None) -> bool:
    """OpenAI itself wants `max_completion_tokens` (its reasoning models refuse `max_tokens`); the
    OpenAI-compatible servers (Ollama, LM Studio, older llama.cpp) know only `max_tokens` and would
    silently ignore the newer name."""
    if base_url is None:
        return True
    host = (urlsplit(base_url).hostname or "").lower()
    return host == "api.openai.com"


def _endpoint(url: Any) -> str:
    """host:port of the server, nothing else (no credentials, path or query)."""
    parts = urlsplit(str(url))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname or 'unknown host'}:{port}"


@functools.lru_cache(maxsize=64)
def _response_format(output_model: type[BaseModel]) -> dict[str, Any]:
    """The strict `json_schema` response format the SDK's `parse()` would send for this model."""
    try:
        from openai.lib._pydantic import to_strict_json_schema

        schema = to_strict_json_schema(output_model)
    except ImportError:  # a private helper: should it move, pydantic's own schema serves
        schema = output_model.model_json_schema()
    return {
        "type": "json_schema",
        "json_schema": {"name": output_model.__name__, "schema": schema, "strict": True},
    }


def _unfenced(content: str) -> str:
    text = content.strip()
    if text.startswith(("{", "[")):
        return text
    match = _FENCED.search(text)
    return match.group(1).strip() if match else text


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks to wait: `retry-after-ms`, else `retry-after` (seconds or an HTTP date)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if (ms := lowered.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _usage(completion: Any) -> Usage:
    usage = getattr(completion, "usage", None)
    if usage is None:
        return Usage()
    return Usage(
        int(getattr(usage, "prompt_tokens", 0) or 0), int(getattr(usage, "completion_tokens", 0) or 0)
    )


def _validation_summary(error: ValidationError) -> str:
    """What was wrong, without echoing the answer's values."""
    problems = []
    for item in error.errors(include_url=False, include_input=False, include_context=False)[:3]:
        where = ".".join(str(p) for p in item.get("loc", ())) or "answer"
        problems.append(f"{where}: {item.get('msg', 'invalid')}")
    more = error.error_count() - len(problems)
    return "; ".join(problems) + (f" (+{more} more)" if more > 0 else "")


class OpenAIProvider:
    """One attempt at one analysis against OpenAI or an OpenAI-compatible server. Retries are the
    resource's (the SDK's own are off), so each attempt is accounted once."""

    remote = True

    def __init__(
        self,
        *,
        name: str = "openai",
        model: str,
        api_key: str | None,
        base_url: str | None = None,
        timeout_seconds: float = 60.0,
        health_timeout_seconds: float = 5.0,
        vision: bool = True,
        max_output_tokens: int | None = 1024,
    ) -> None:
        self.name = name
        self.model = model
        self.base_url = base_url
        self.timeout_seconds = timeout_seconds
        self.health_timeout_seconds = health_timeout_seconds
        self.vision = vision
        self.max_output_tokens = max_output_tokens
        self._api_key = api_key
        self._client = openai.OpenAI(
            api_key=api_key or "not-needed", base_url=base_url, timeout=timeout_seconds, max_retries=0
        )
        self._endpoint = _endpoint(self._client.base_url)
        self._max_tokens_param = (
            "max_completion_tokens" if _uses_max_completion_tokens(base_url) else "max_tokens"
        )

    def __repr__(self) -> str:
        return f"OpenAIProvider(name={self.name!r}, model={self.model!r}, endpoint={self._endpoint!r})"

    # -- health ------------------------------------------------------------------------------------

    def check_health(self) -> tuple[bool, str | None]:
        """`GET /models` with the short health timeout: reachable and the key accepted, no tokens spent."""
        try:
            self._client.models.list(timeout=self.health_timeout_seconds)
        except (openai.AuthenticationError, openai.PermissionDeniedError):
            return False, "the server refused the API key"
        except openai.APIConnectionError:  # timeouts included
            return False, f"no answer from {self._endpoint}"
        except openai.APIStatusError as exc:
            return False, f"HTTP {exc.status_code}"
        except (openai.OpenAIError, ValueError) as exc:
            return False, self._scrub(f"unexpected answer to GET /models ({type(exc).__name__})")
        return True, None

    # -- analysis ----------------------------------------------------------------------------------

    def messages(self, task: Task) -> list[dict[str, Any]]:
        """The chat messages of a task: the purpose's instructions, then its input and pictures."""
        images = self._image_parts(task.images) if self.vision and task.images else []
        user: str | list[dict[str, Any]] = task.text
        if images:
            user = [{"type": "text", "text": task.text}, *images]
        return [{"role": "system", "content": task.purpose.instructions}, {"role": "user", "content": user}]

    def analyze(self, task: Task) -> Answer:
        output_model = task.purpose.output_model
        limit = {self._max_tokens_param: self.max_output_tokens} if self.max_output_tokens else {}
        try:
            completion = self._client.chat.completions.create(
                model=self.model,
                messages=self.messages(task),  # type: ignore[arg-type]
                response_format=_response_format(output_model),  # type: ignore[arg-type]
                **limit,
            )
            status = 200  # any other status raised APIStatusError
        except openai.APITimeoutError:
            raise ProviderCallError(f"timed out after {self.timeout_seconds:g}s") from None
        except openai.APIConnectionError:
            raise ProviderCallError(f"no answer from {self._endpoint}") from None
        except openai.APIStatusError as exc:
            raise self._status_error(exc) from None
        except openai.APIResponseValidationError as exc:  # strict response validation only
            raise self._invalid(
                f"the answer of {self.name} is not a chat completion", exc.response.status_code, Usage(), None
            ) from None
        except (ValueError, openai.OpenAIError) as exc:  # a 200 whose body is not JSON, and the like
            raise self._invalid(
                f"the answer of {self.name} is unreadable ({type(exc).__name__})", 200, Usage(), None
            ) from None
        return self._read(completion, status, output_model)

    def _read(self, completion: Any, status: int, output_model: type[BaseModel]) -> Answer:
        if not isinstance(completion, ChatCompletion) or not getattr(completion, "choices", None):
            text = completion if isinstance(completion, str) else None
            raise self._invalid(f"the answer of {self.name} is not a chat completion", status, Usage(), text)
        usage = _usage(completion)
        choice = completion.choices[0]
        message = choice.message
        content = getattr(message, "content", None)
        refusal = getattr(message, "refusal", None)
        if choice.finish_reason == "length":
            raise self._invalid("the answer was cut off at the output token limit", status, usage, content)
        if choice.finish_reason == "content_filter":
            raise self._invalid("the answer was stopped by the content filter", status, usage, content)
        if refusal:
            raise self._invalid(
                f"the model refused: {self._scrub(str(refusal))[:REASON_LIMIT]}", status, usage, refusal
            )
        if not content:
            raise self._invalid("the answer was empty", status, usage, content)
        try:
            parsed = output_model.model_validate_json(_unfenced(content))
        except ValidationError as exc:
            raise self._invalid(
                f"the answer does not match {output_model.__name__}: {_validation_summary(exc)}",
                status,
                usage,
                content,
            ) from None
        return Answer(parsed=parsed, response_text=content, usage=usage, http_status=status)

    # -- errors --------------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        """No secret in any message: the key itself, any bearer token, anything shaped like a key."""
        if self._api_key and len(self._api_key) >= 4:
            text = text.replace(self._api_key, "***")
        text = _BEARER.sub(r"\1***", text)
        return _SK.sub("sk-***", text)

    def _status_error(self, exc: openai.APIStatusError) -> ProviderCallError:
        status = exc.status_code
        reason = None
        body = exc.body
        if isinstance(body, Mapping):
            error = body.get("error", body)
            message = error.get("message") if isinstance(error, Mapping) else None
            if isinstance(message, str) and message.strip():
                reason = self._scrub(" ".join(message.split()))[:REASON_LIMIT]  # scrubbed before cut
        text = f"HTTP {status} from {self.name}" + (f": {reason}" if reason else "")
        return ProviderCallError(
            self._scrub(text), status=status, retry_after=retry_after_seconds(exc.response.headers)
        )

    def _invalid(self, message: str, status: int, usage: Usage, text: str | None) -> ProviderCallError:
        kept = self._scrub(text)[:RESPONSE_TEXT_LIMIT] if isinstance(text, str) else None
        return ProviderCallError(
            self._scrub(message), status=status, invalid_output=True, usage=usage, response_text=kept
        )

    def _image_parts(self, images: tuple[ImageInput, ...]) -> list[dict[str, Any]]:
        parts: list[dict[str, Any]] = []
        for image in images:
            if len(parts) >= MAX_IMAGES:
                break
            content_type = image.content_type.split(";")[0].strip().lower()
            if not content_type.startswith("image/"):
                continue  # videos and anything else a chat model cannot look at
            try:
                if image.path.stat().st_size > MAX_IMAGE_BYTES:
                    continue
                data = image.path.read_bytes()
            except OSError:
                continue  # a file gone since it was stored: analyse the text without it
            encoded = base64.b64encode(data).decode("ascii")
            parts.append({"type": "image_url", "image_url": {"url": f"data:{content_type};base64,{encoded}"}})
        return parts


__all__ = ["MAX_IMAGES", "MAX_IMAGE_BYTES", "OpenAIProvider", "retry_after_seconds"]
