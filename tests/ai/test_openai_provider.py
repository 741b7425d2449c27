"""The OpenAI provider with the real `openai` client against the OpenAI-compatible stand-in on
loopback: answers for every purpose, broken output, HTTP errors, timeouts, health, pictures, and
the API key never showing."""

from __future__ import annotations

import base64
import json
import logging
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import cv2
import httpx
import pytest
from pydantic import BaseModel
from skimage import data as skdata

from ig_resources.ai.openai_provider import OpenAIProvider, retry_after_seconds
from ig_resources.ai.provider import ImageInput, ProviderCallError, Task
from ig_resources.ai.schemas import (
    DEMOGRAPHICS,
    MESSAGE_STRATEGY,
    POST_INSIGHT,
    PROFILE_INSIGHT,
    PURPOSES,
    DemographicsInput,
    PostInput,
    ProfileInput,
    Purpose,
    StrategyInput,
)
from ig_sandbox.openai import IMAGE_TOKENS, OpenAIStandIn, generate

SECRET = "sk-test-SECRET-123"

INPUTS: dict[str, BaseModel] = {
    POST_INSIGHT.name: PostInput(
        shortcode="C0ffee", owner_username="hana", caption="Sunset in Lisbon #travel"
    ),
    PROFILE_INSIGHT.name: ProfileInput(username="hana", bio="Photographer in Lisbon"),
    MESSAGE_STRATEGY.name: StrategyInput(
        username="hana", profile_type="creator", tone="warm", engagement_style="answers comments"
    ),
    DEMOGRAPHICS.name: DemographicsInput(username="hana", bio="she/her, based in Lisbon"),
}


def task_for(purpose: Purpose = POST_INSIGHT, images: tuple[ImageInput, ...] = ()) -> Task:
    return Task(purpose, "post", 7, INPUTS[purpose.name], images)


@pytest.fixture
def standin() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn(api_key=SECRET) as server:
        yield server


def provider_for(standin: OpenAIStandIn, **kwargs: Any) -> OpenAIProvider:
    kwargs.setdefault("api_key", SECRET)
    return OpenAIProvider(model="standin-1", base_url=standin.url, **kwargs)


def failure(provider: OpenAIProvider, task: Task | None = None) -> ProviderCallError:
    with pytest.raises(ProviderCallError) as caught:
        provider.analyze(task or task_for())
    return caught.value


@pytest.fixture
def jpeg(tmp_path: Path) -> Path:
    path = tmp_path / "astronaut.jpg"
    picture = cv2.resize(cv2.cvtColor(skdata.astronaut(), cv2.COLOR_RGB2BGR), (128, 128))
    assert cv2.imwrite(str(path), picture)
    return path


def image_parts(request: dict[str, Any]) -> list[dict[str, Any]]:
    content = request["messages"][1]["content"]
    return [p for p in content if p["type"] == "image_url"] if isinstance(content, list) else []


# -- answers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PURPOSES))
def test_each_purpose_is_answered_parsed_and_accounted(standin: OpenAIStandIn, name: str) -> None:
    purpose = PURPOSES[name]
    answer = provider_for(standin).analyze(task_for(purpose))
    assert isinstance(answer.parsed, purpose.output_model)
    assert answer.http_status == 200
    assert answer.parsed == purpose.output_model.model_validate_json(answer.response_text)
    assert (answer.usage.input_tokens, answer.usage.output_tokens) == standin.usage_reported[-1]
    assert answer.usage.input_tokens > 0
    assert answer.usage.output_tokens > 0

    request = standin.requests[-1]
    assert request["model"] == "standin-1"
    assert request["messages"][0] == {"role": "system", "content": purpose.instructions}
    assert request["messages"][1] == {"role": "user", "content": task_for(purpose).text}
    fmt = request["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"] == purpose.output_model.__name__
    # an OpenAI-compatible server gets the widely understood name of the output limit
    assert request["max_tokens"] == 1024
    assert "max_completion_tokens" not in request
    assert standin.auth_headers[-1] == f"Bearer {SECRET}"


def test_openai_itself_gets_max_completion_tokens_and_no_limit_sends_none(standin: OpenAIStandIn) -> None:
    assert OpenAIProvider(model="gpt-4o-mini", api_key="k")._max_tokens_param == "max_completion_tokens"
    assert (
        OpenAIProvider(
            model="gpt-4o-mini", api_key="k", base_url="https://api.openai.com/v1"
        )._max_tokens_param
        == "max_completion_tokens"
    )
    provider_for(standin, max_output_tokens=None).analyze(task_for())
    assert "max_tokens" not in standin.requests[-1]
    assert "max_completion_tokens" not in standin.requests[-1]


def test_json_in_markdown_fences_is_accepted(standin: OpenAIStandIn) -> None:
    standin.script("fenced")
    answer = provider_for(standin).analyze(task_for())
    assert answer.response_text.startswith("```json")
    assert answer.parsed.model_dump() == generate(
        standin.requests[-1]["response_format"]["json_schema"]["schema"]
    )


def test_a_responder_answers_instead_of_the_schema_generator() -> None:
    wanted = generate(POST_INSIGHT.output_model.model_json_schema()) | {"topics": ["lisbon", "sunset"]}
    seen: list[dict[str, Any]] = []

    def responder(body: dict[str, Any]) -> dict[str, Any]:
        seen.append(body)
        return wanted

    with OpenAIStandIn(responder=responder) as server:
        answer = OpenAIProvider(model="m", api_key=None, base_url=server.url).analyze(task_for())
    assert answer.parsed.topics == ["lisbon", "sunset"]
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("behaviour", "fragment"),
    [
        ("invalid_json", "Invalid JSON"),
        ("wrong_schema", "Field required"),
        ("length", "cut off"),
        ("refusal", "refused"),
    ],
)
def test_unusable_output_is_invalid_with_its_usage_and_text(
    standin: OpenAIStandIn, behaviour: str, fragment: str
) -> None:
    standin.script(behaviour)
    error = failure(provider_for(standin))
    assert error.invalid_output
    assert error.status == 200
    assert error.retry_after is None
    assert fragment in error.message
    assert (error.usage.input_tokens, error.usage.output_tokens) == standin.usage_reported[-1]
    assert error.usage.output_tokens > 0
    assert error.response_text
    if behaviour == "invalid_json":
        assert error.response_text == "{not json"
    # the script is spent: the next call is answered
    assert provider_for(standin).analyze(task_for()).http_status == 200


def test_a_long_unusable_answer_is_kept_only_in_part() -> None:
    with OpenAIStandIn(responder=lambda body: {"unexpected": "x" * 5000}) as server:
        error = failure(OpenAIProvider(model="m", api_key=None, base_url=server.url))
    assert error.invalid_output
    assert error.response_text is not None
    assert len(error.response_text) == 2000


# -- HTTP failures ------------------------------------------------------------------------------------


def test_a_slow_server_times_out_at_the_provider_timeout_without_a_status(standin: OpenAIStandIn) -> None:
    # No clock is read: the server answers after 4 s, so only a timeout well under that fails the call;
    # the SDK's default (600 s), the provider's (60 s) and the health timeout (5 s) would get the answer.
    standin.script("slow:4")
    error = failure(provider_for(standin, timeout_seconds=0.5))
    assert error.status is None
    assert not error.invalid_output
    assert error.message == "timed out after 0.5s"
    assert standin.calls == 1  # the SDK's own retries are off: the resource counts attempts


def test_throttling_carries_retry_after(standin: OpenAIStandIn) -> None:
    standin.script("status:429:2")
    error = failure(provider_for(standin))
    assert error.status == 429
    assert error.retry_after == 2.0
    assert not error.invalid_output
    assert error.message.startswith("HTTP 429 from openai: ")
    assert "scripted" in error.message
    assert standin.calls == 1


def test_server_errors_and_refused_keys_carry_their_status(standin: OpenAIStandIn) -> None:
    standin.script("status:500")
    error = failure(provider_for(standin, name="local"))
    assert error.status == 500
    assert error.retry_after is None
    assert error.message.startswith("HTTP 500 from local")
    error = failure(provider_for(standin, api_key="sk-wrong-key-0000"))
    assert error.status == 401
    assert "Incorrect API key" in error.message
    assert standin.auth_headers[-1] == "Bearer sk-wrong-key-0000"
    assert standin.calls == 2


def test_no_server_or_a_dropped_connection_is_no_answer(standin: OpenAIStandIn) -> None:
    standin.script("disconnect")
    error = failure(provider_for(standin))
    port = standin.url.split(":")[2].split("/")[0]
    assert error.status is None
    assert error.message == f"no answer from 127.0.0.1:{port}"

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    closed = OpenAIProvider(model="m", api_key=SECRET, base_url=f"http://user:pw@127.0.0.1:{free}/v1?token=x")
    error = failure(closed)
    assert error.status is None
    assert error.message == f"no answer from 127.0.0.1:{free}"


def test_retry_after_reads_milliseconds_seconds_and_dates() -> None:
    assert retry_after_seconds({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after_seconds({"Retry-After": "2"}) == 2.0
    now = datetime(2026, 1, 1, tzinfo=UTC)
    date = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert retry_after_seconds({"retry-after": date}, now=now.timestamp()) == 30.0
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None


# -- health -----------------------------------------------------------------------------------------


def test_health_ok_down_refused_and_unreachable(standin: OpenAIStandIn) -> None:
    provider = provider_for(standin)
    assert provider.check_health() == (True, None)
    standin.down()
    assert provider.check_health() == (False, "HTTP 503")
    standin.up()
    assert provider_for(standin, api_key="sk-wrong-key-0000").check_health() == (
        False,
        "the server refused the API key",
    )
    assert not standin.requests
    assert not standin.usage_reported

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    gone = OpenAIProvider(
        model="m", api_key=None, base_url=f"http://127.0.0.1:{free}/v1", health_timeout_seconds=0.5
    )
    assert gone.check_health() == (False, f"no answer from 127.0.0.1:{free}")


# -- pictures ----------------------------------------------------------------------------------------


def test_a_picture_reaches_the_server_as_a_data_url(standin: OpenAIStandIn, jpeg: Path) -> None:
    image = ImageInput(jpeg, "image/jpeg", "abc")
    answer = provider_for(standin).analyze(task_for(images=(image,)))
    content = standin.requests[-1]["messages"][1]["content"]
    assert content[0] == {"type": "text", "text": task_for().text}
    [part] = image_parts(standin.requests[-1])
    prefix = "data:image/jpeg;base64,"
    assert part["image_url"]["url"].startswith(prefix)
    assert base64.b64decode(part["image_url"]["url"][len(prefix) :]) == jpeg.read_bytes()

    text_only = provider_for(standin).analyze(task_for())
    assert answer.usage.input_tokens >= text_only.usage.input_tokens + IMAGE_TOKENS


def test_pictures_are_skipped_without_vision_for_videos_big_files_and_past_the_cap(
    standin: OpenAIStandIn, jpeg: Path, tmp_path: Path
) -> None:
    image = ImageInput(jpeg, "image/jpeg", "abc")
    provider_for(standin, vision=False).analyze(task_for(images=(image,)))
    assert standin.requests[-1]["messages"][1]["content"] == task_for().text

    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff" * (5 * 1024 * 1024 + 1))
    video = ImageInput(tmp_path / "clip.mp4", "video/mp4", "v")
    video.path.write_bytes(b"\x00" * 100)
    missing = ImageInput(tmp_path / "gone.jpg", "image/jpeg", "g")
    images = (video, ImageInput(big, "image/jpeg", "b"), missing, *[image] * 6)
    provider_for(standin).analyze(task_for(images=images))
    assert len(image_parts(standin.requests[-1])) == 4  # the cap
    assert all(
        p["image_url"]["url"].startswith("data:image/jpeg;base64,/9j/")
        for p in image_parts(standin.requests[-1])
    )


# -- secrets ------------------------------------------------------------------------------------------


def test_the_api_key_never_shows(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    messages: list[str] = []
    with OpenAIStandIn(api_key="another-key") as server:
        provider = OpenAIProvider(model="standin-1", api_key=SECRET, base_url=server.url, timeout_seconds=0.5)
        messages.append(str(failure(provider).status))  # 401: the server refused the key
        messages.append(str(provider.check_health()))
        server.api_key = None
        for behaviour in (
            "status:500",
            "status:429:1",
            "invalid_json",
            "wrong_schema",
            "refusal",
            "slow:3",
            "disconnect",
        ):
            server.script(behaviour)
            error = failure(provider)
            messages += [str(error), repr(error), error.message, str(error.response_text)]
        # a server that echoes the key back in its error and in its answer
        echo = OpenAIStandIn(responder=lambda body: {"note": f"your key is {SECRET}"})
        with echo:
            leaky = OpenAIProvider(model="m", api_key=SECRET, base_url=echo.url)
            error = failure(leaky)
            messages += [str(error), repr(error), str(error.response_text), repr(leaky), str(leaky)]
    messages += [repr(provider), str(provider)]
    assert "***" in " ".join(messages)
    assert "Sending HTTP Request" in caplog.text  # the SDK's debug logs were captured, and checked
    out, err = capfd.readouterr()
    assert SECRET not in "\n".join([*messages, caplog.text, out, err])
    assert not any(
        name for name in vars(provider) if not name.startswith("_") and SECRET in str(getattr(provider, name))
    )


# -- the stand-in itself ---------------------------------------------------------------------------


def test_the_stand_in_answers_concurrent_calls_and_validates_every_schema() -> None:
    answers: list[Any] = []
    errors: list[ProviderCallError] = []
    answered = threading.Semaphore(0)

    def call(purpose: Purpose) -> None:
        try:
            answers.append(provider.analyze(task_for(purpose)))
        except ProviderCallError as exc:
            errors.append(exc)
        answered.release()

    with OpenAIStandIn() as server:
        provider = OpenAIProvider(model="m", api_key=None, base_url=server.url)
        # The first call is held until the stand-in stops: the other seven are answered meanwhile only
        # if calls are served side by side. No clock is compared; the timeout only guards against a hang.
        server.script("slow:600")
        threads = [threading.Thread(target=call, args=(p,)) for p in PURPOSES.values() for _ in range(2)]
        for t in threads:
            t.start()
        for _ in range(len(threads) - 1):
            assert answered.acquire(timeout=60)
        assert (len(answers), errors) == (7, [])
    for t in threads:  # stopping woke the held call, which got no answer
        t.join()
    assert len(errors) == 1
    assert server.calls == 8
    assert len(server.usage_reported) == 7
    for purpose in PURPOSES.values():
        purpose.output_model.model_validate(generate(purpose.output_model.model_json_schema()))
    with pytest.raises(ValueError, match="unknown stand-in behaviour"):
        server.script("status:abc")


def test_the_stand_in_runs_alone_from_the_command_line() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "ig_sandbox.openai", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/v1")
        models = httpx.get(f"{url}/models", timeout=5).json()
        assert models["object"] == "list"
        assert models["data"][0]["owned_by"] == "standin"
        chat = httpx.post(f"{url}/chat/completions", timeout=5, json={"model": "x", "messages": []}).json()
        assert chat["object"] == "chat.completion"
        assert chat["choices"][0]["finish_reason"] == "stop"
        assert json.loads(chat["choices"][0]["message"]["content"])
    finally:
        process.terminate()
        process.wait(timeout=5)
    assert process.stderr is not None
    assert process.stderr.read() == ""
