"""InstagramClientResource: Dagster config in, a working WebApiClient out."""

from __future__ import annotations

import dagster as dg
import pytest

from ig_resources.instagram import (
    DEFAULT_API_BASE_URL,
    DEFAULT_WEB_BASE_URL,
    InstagramClientResource,
    SessionCookies,
    WebApiClient,
)
from tests.instagram.ig_stub_server import Scripted, StubServer
from tests.instagram.ig_test_support import VIEWER_IG_USER_ID, fixture_bytes, make_session

ME = f"/api/v1/users/{VIEWER_IG_USER_ID}/info/"


def test_defaults() -> None:
    resource = InstagramClientResource()
    assert resource.api_base_url == DEFAULT_API_BASE_URL == "https://i.instagram.com"
    assert resource.web_base_url == DEFAULT_WEB_BASE_URL == "https://www.instagram.com"
    assert (resource.page_size, resource.timeout_seconds) == (200, 30.0)


def test_open_yields_a_working_client(stub: StubServer, session: SessionCookies) -> None:
    stub.script(ME, Scripted(body=fixture_bytes("users_info_self__instagramkit.json")))
    resource = InstagramClientResource(
        api_base_url=stub.url, web_base_url="http://web.example", page_size=100, timeout_seconds=5.0
    )
    with resource.open(session, user_agent="Mozilla/5.0 StoredAgent") as client:
        assert isinstance(client, WebApiClient)
        assert (client.page_size, client.timeout_seconds) == (100, 5.0)
        assert client.current_user().username == "riedayme"
    [request] = stub.requests
    assert request.headers["user-agent"] == "Mozilla/5.0 StoredAgent"
    assert request.headers["referer"] == "http://web.example/"


def test_urls_from_environment_through_dagster(
    stub: StubServer, session: SessionCookies, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IG_API_BASE_URL", stub.url)
    monkeypatch.setenv("IG_WEB_BASE_URL", "http://sandbox.web")
    stub.script(ME, Scripted(body=fixture_bytes("users_info_self__instagramkit.json")))
    resource = InstagramClientResource(
        api_base_url=dg.EnvVar("IG_API_BASE_URL"), web_base_url=dg.EnvVar("IG_WEB_BASE_URL")
    )
    with (
        dg.build_resources({"instagram": resource}) as resources,
        resources.instagram.open(session) as client,
    ):
        assert client.api_base_url == stub.url
        assert client.current_user().ig_user_id == VIEWER_IG_USER_ID
    assert stub.requests[0].headers["referer"] == "http://sandbox.web/"


def test_asset_uses_the_resource(stub: StubServer) -> None:
    stub.script(ME, Scripted(body=fixture_bytes("users_info_self__instagramkit.json")))

    @dg.asset
    def viewer(instagram: InstagramClientResource) -> str:
        with instagram.open(make_session()) as client:
            return client.current_user().username

    result = dg.materialize([viewer], resources={"instagram": InstagramClientResource(api_base_url=stub.url)})
    assert result.success
    assert result.output_for_node("viewer") == "riedayme"
