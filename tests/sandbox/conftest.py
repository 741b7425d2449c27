"""Fixtures for the sandbox tests: small networks, a live loopback server, logged-in httpx
clients, the real captured fixtures, and `assert_same_shape` (fixture-vs-sandbox comparison)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ig_sandbox.instagram import WEB_APP_ID, AccountSpec, NetworkSpec, SandboxNetwork, SandboxServer

EPOCH = 1_717_200_000  # fixed "now" so every test run produces identical bytes

SMALL_SPEC = NetworkSpec(
    seed=11,
    epoch=EPOCH,
    accounts=[
        AccountSpec(
            username="alpha_shop",
            followers=450,
            following=300,
            mutual_fraction=0.5,
            inbox_threads=45,
            tray_reels=9,
        ),
        AccountSpec(
            username="beta.studio",
            followers=1_234,
            following=210,
            mutual_fraction=0.3,
            inbox_threads=7,
            tray_reels=4,
        ),
    ],
)


def _fixtures_dir() -> Path | None:
    root = Path(__file__).resolve().parents[2]
    candidates = [
        os.environ.get("IG_FIXTURES_DIR"),
        root / "tests" / "fixtures" / "instagram",
        root.parent / "shared" / "fixtures" / "instagram",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "friendships_followers_mobile__instagramkit.json").is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def load_fixture() -> Callable[[str], Any]:
    """Read one real captured body (shared/fixtures/instagram); skip when the captures are absent."""
    directory = _fixtures_dir()
    if directory is None:
        pytest.skip("real Instagram captures not found (set IG_FIXTURES_DIR)")

    def load(name: str) -> Any:
        return json.loads((directory / name).read_text())

    return load


@pytest.fixture
def network() -> SandboxNetwork:
    return SandboxNetwork(SMALL_SPEC)


@pytest.fixture
def server(network: SandboxNetwork) -> Iterator[SandboxServer]:
    with SandboxServer(network) as srv:
        yield srv


@pytest.fixture
def client_for(server: SandboxServer) -> Iterator[Callable[..., httpx.Client]]:
    """`client_for("alpha_shop")`: an httpx client logged in as that account (web app id)."""
    clients: list[httpx.Client] = []

    def make(
        account: str | None = None, *, app_id: str | None = WEB_APP_ID, cookies: dict[str, str] | None = None
    ) -> httpx.Client:
        headers = {"X-IG-App-ID": app_id} if app_id else {}
        jar = cookies if cookies is not None else (server.network.session_cookies(account) if account else {})
        client = httpx.Client(base_url=server.url, headers=headers, cookies=jar, timeout=10)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return type(value).__name__


def _compatible(fixture: Any, actual: Any) -> bool:
    f, a = _type_name(fixture), _type_name(actual)
    if f == a:
        return True
    return f == "float" and a == "int"  # 0.0 in a capture may legitimately be 0 elsewhere


def _list_template(items: list[Any]) -> Any:
    """The shape every element of a fixture list shares: keys present in all of them, each with
    the first non-null example value (so optional keys such as profile_pic_id are not required)."""
    dicts = [i for i in items if isinstance(i, dict)]
    if not dicts or len(dicts) != len(items):
        return items[0]
    common = set(dicts[0]).intersection(*dicts[1:])
    template: dict[str, Any] = {}
    for key in dicts[0]:
        if key in common:
            values = [d[key] for d in dicts if d[key] is not None]  # null: an optional object left out
            if values and all(isinstance(v, dict) for v in values):  # nested objects: what all share
                template[key] = _list_template(values)
            else:
                template[key] = next((v for v in values if v is not None), None)
    return template


def assert_same_shape_impl(
    fixture: Any, actual: Any, path: str = "$", ignore: frozenset[str] | set[str] = frozenset()
) -> None:
    """Fail if `actual` lacks a key the real capture has, or a value has an incompatible type.

    Tolerated: extra keys in `actual`; null on either side (Instagram nulls optional fields);
    int where the capture has a float. `ignore` holds paths (`$.tray[].items[].video_versions`)
    the sandbox deliberately does not emulate. Lists: every actual element is compared with the
    shape common to all fixture elements.
    """
    if path in ignore or fixture is None or actual is None:
        return
    if isinstance(fixture, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {_type_name(actual)}"
        for key, value in fixture.items():
            sub = f"{path}.{key}"
            if sub in ignore:
                continue
            assert key in actual, f"{path}: missing key {key!r} (present in the real capture)"
            assert_same_shape_impl(value, actual[key], sub, ignore)
    elif isinstance(fixture, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {_type_name(actual)}"
        if fixture and actual:
            template = _list_template(fixture)
            for element in actual:
                assert_same_shape_impl(template, element, f"{path}[]", ignore)
    else:
        assert _compatible(fixture, actual), (
            f"{path}: type {_type_name(actual)} where the capture has {_type_name(fixture)}"
        )


@pytest.fixture(scope="session")
def assert_same_shape() -> Callable[..., None]:
    return assert_same_shape_impl
