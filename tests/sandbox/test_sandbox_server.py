"""The sandbox over real HTTP (loopback, httpx): paging, auth, faults, admin API, keep-alive."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable

import httpx
import pytest

from ig_sandbox.instagram import (
    WEB_APP_ID,
    AccountSpec,
    Fault,
    FaultError,
    NetworkSpec,
    SandboxNetwork,
    SandboxServer,
)

from .conftest import EPOCH

ClientFactory = Callable[..., httpx.Client]
PLEASE_WAIT = {"message": "Please wait a few minutes before you try again.", "status": "fail"}


def _page_through(
    client: httpx.Client, pk: int, which: str, count: int | None = 200
) -> tuple[list[dict], int]:
    users, cursor, requests = [], None, 0
    while True:
        params: dict[str, object] = {"search_surface": "follow_list_page", "rank_token": f"{pk}_0f2b"}
        if count is not None:
            params["count"] = count
        if cursor:
            params["max_id"] = cursor
        response = client.get(f"/api/v1/friendships/{pk}/{which}/", params=params)
        requests += 1
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["has_more"] is False
        assert body["status"] == "ok"
        users += body["users"]
        cursor = body.get("next_max_id")
        if not cursor:
            return users, requests


# -- paging at scale ---------------------------------------------------------------------------


def test_200k_followers_and_following_page_exactly_over_keep_alive() -> None:
    n = 200_000
    spec = NetworkSpec(
        seed=21,
        epoch=EPOCH,
        accounts=[AccountSpec(username="big.brand", followers=n, following=n, mutual_fraction=0.25)],
    )
    network = SandboxNetwork(spec)
    with SandboxServer(network) as server:
        pk = network.account("big.brand").pk
        with httpx.Client(
            base_url=server.url,
            cookies=network.session_cookies("big.brand"),
            headers={"X-IG-App-ID": WEB_APP_ID},
        ) as client:
            followers, r1 = _page_through(client, pk, "followers")
            following, r2 = _page_through(client, pk, "following")
        assert r1 == r2 == math.ceil(n / 200)
        assert len({u["pk"] for u in followers}) == len(followers) == n
        assert len({u["pk"] for u in following}) == len(following) == n
        assert len({u["pk"] for u in followers} & {u["pk"] for u in following}) == n // 4
        assert server.request_counts["followers"] == r1
        assert server.request_counts["following"] == r2
        assert server.connections_opened == 1  # keep-alive: one TCP connection for 2,000 requests


def test_default_and_capped_page_sizes(client_for: ClientFactory, server: SandboxServer) -> None:
    client = client_for("beta.studio")
    pk = server.network.account("beta.studio").pk
    small = client.get(f"/api/v1/friendships/{pk}/followers/").json()
    assert len(small["users"]) == 12
    assert small["page_size"] == 12
    big = client.get(f"/api/v1/friendships/{pk}/followers/", params={"count": 999}).json()
    assert len(big["users"]) == 200
    assert big["page_size"] == 200
    users, requests = _page_through(client, pk, "followers", count=None)
    assert len(users) == 1234
    assert requests == math.ceil(1234 / 12)
    bad = client.get(f"/api/v1/friendships/{pk}/followers/", params={"max_id": "garbage=="})
    assert bad.status_code == 400
    assert bad.json()["status"] == "fail"


def test_other_users_lists(client_for: ClientFactory, server: SandboxServer) -> None:
    client = client_for("alpha_shop")
    network = server.network
    other_managed = network.account("beta.studio").pk
    assert (
        client.get(f"/api/v1/friendships/{other_managed}/followers/", params={"count": 5}).status_code == 200
    )
    stranger = network.universe.pk(network.strangers_start)
    refused = client.get(f"/api/v1/friendships/{stranger}/followers/")
    assert refused.status_code == 400
    assert refused.json() == {
        "message": "Not authorized to view user",
        "status": "fail",
    }
    missing = client.get("/api/v1/friendships/999/followers/")
    assert missing.status_code == 404
    assert missing.json() == {"message": "User not found", "status": "fail"}


# -- profiles, inbox, tray ---------------------------------------------------------------------


def test_user_info_counts_follow_mutations(client_for: ClientFactory, server: SandboxServer) -> None:
    client = client_for("alpha_shop")
    pk = server.network.account("alpha_shop").pk
    user = client.get(f"/api/v1/users/{pk}/info/").json()["user"]
    assert (user["pk"], user["follower_count"], user["following_count"]) == (pk, 450, 300)
    admin = httpx.post(
        f"{server.url}/__sandbox__/mutate", json={"op": "follower_joins", "account": "alpha_shop"}
    )
    assert admin.status_code == 200, admin.text
    newcomer = admin.json()["result"]["user"]
    user = client.get(f"/api/v1/users/{pk}/info/").json()["user"]
    assert user["follower_count"] == 451
    first = client.get(f"/api/v1/friendships/{pk}/followers/", params={"count": 1}).json()["users"][0]
    assert first["pk"] == newcomer["pk"]
    other = client.get(f"/api/v1/users/{newcomer['pk']}/info/").json()["user"]
    assert other["username"] == newcomer["username"]
    missing = client.get("/api/v1/users/12/info/")
    assert missing.status_code == 404
    assert missing.json() == {"message": "User not found", "status": "fail"}
    assert server.request_counts["current_user"] == 2
    assert server.request_counts["user_info"] == 2
    me = client.get("/api/v1/accounts/current_user/", params={"edit": "true"}).json()["user"]
    web = client.get("/api/v1/users/web_profile_info/", params={"username": "alpha_shop"}).json()["data"][
        "user"
    ]
    assert me["pk"] == pk
    assert web["id"] == str(pk)
    assert web["edge_followed_by"]["count"] == 451


def test_inbox_paging_over_http(client_for: ClientFactory) -> None:
    client = client_for("alpha_shop")
    params: dict[str, object] = {
        "visual_message_return_type": "unseen",
        "thread_message_limit": 10,
        "persistentBadging": "true",
        "limit": 20,
    }
    first = client.get("/api/v1/direct_v2/inbox/", params=params).json()
    threads, body, requests = list(first["inbox"]["threads"]), first, 1
    while body["inbox"]["has_older"]:
        body = client.get(
            "/api/v1/direct_v2/inbox/",
            params={
                **params,
                "cursor": body["inbox"]["oldest_cursor"],
                "direction": "older",
                "seq_id": first["seq_id"],
            },
        ).json()
        threads += body["inbox"]["threads"]
        requests += 1
    assert requests == 3
    assert len({t["thread_id"] for t in threads}) == 45
    assert client.get("/api/v1/direct_v2/pending_inbox/").json()["inbox"]["threads"] == []


def test_reels_tray_get_and_post_with_csrf(client_for: ClientFactory, server: SandboxServer) -> None:
    client = client_for("alpha_shop")
    got = client.get("/api/v1/feed/reels_tray/").json()
    assert len(got["tray"]) == 9
    assert got["broadcasts"] == []
    assert got["status"] == "ok"
    refused = client.post("/api/v1/feed/reels_tray/", data={"reason": "cold_start"})
    assert refused.status_code == 403  # cookie-authenticated POST without X-CSRFToken
    csrf = server.network.session_cookies("alpha_shop")["csrftoken"]
    posted = client.post(
        "/api/v1/feed/reels_tray/", data={"reason": "pull_to_refresh"}, headers={"X-CSRFToken": csrf}
    )
    assert posted.status_code == 200
    assert posted.json() == got
    assert server.request_counts["story_tray"] == 3


# -- auth --------------------------------------------------------------------------------------


def test_requests_without_a_valid_session_are_logged_out(
    client_for: ClientFactory, server: SandboxServer, load_fixture
) -> None:
    expected = load_fixture("error_login_required__instagramkit.json")
    anonymous = client_for(None)
    for path in (
        "/api/v1/direct_v2/inbox/",
        f"/api/v1/friendships/{server.network.account('alpha_shop').pk}/followers/",
    ):
        response = anonymous.get(path)
        assert response.status_code == 403
        assert response.json() == expected
    forged = dict(server.network.session_cookies("alpha_shop"), sessionid="1234567890%3AAAAAAAAAAAAAAA%3A1")
    assert client_for(cookies=forged).get("/api/v1/feed/reels_tray/").status_code == 403


def test_app_id_header_is_required(client_for: ClientFactory) -> None:
    for app_id in (None, "123"):
        response = client_for("alpha_shop", app_id=app_id).get("/api/v1/direct_v2/inbox/")
        assert response.status_code == 400
        assert response.json() == {
            "message": "useragent mismatch",
            "status": "fail",
        }
    assert (
        client_for("alpha_shop", app_id="567067343352427").get("/api/v1/direct_v2/inbox/").status_code == 200
    )


def test_mobile_bearer_token_identifies_the_viewer(server: SandboxServer) -> None:
    cookies = server.network.session_cookies("beta.studio")
    token = base64.b64encode(
        json.dumps({"ds_user_id": cookies["ds_user_id"], "sessionid": cookies["sessionid"]}).encode()
    ).decode()
    headers = {"X-IG-App-ID": "567067343352427", "Authorization": f"Bearer IGT:2:{token}"}
    response = httpx.get(f"{server.url}/api/v1/accounts/current_user/", headers=headers)
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "beta.studio"


# -- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "check"),
    [
        ("rate_limit_429", 429, lambda b: b == PLEASE_WAIT),
        ("please_wait_401", 401, lambda b: b == PLEASE_WAIT),
        ("login_required", 403, lambda b: b["message"] == "login_required" and b["logout_reason"] == 2),
        (
            "checkpoint_required",
            400,
            lambda b: (
                b["message"] == "checkpoint_required"
                and b["checkpoint_url"].startswith("/challenge/")
                and b["lock"] is False
            ),
        ),
        (
            "challenge_required",
            400,
            lambda b: (
                b["message"] == "challenge_required"
                and b["error_type"] == "checkpoint_challenge_required"
                and {"url", "api_path", "lock", "logout", "native_flow"} <= set(b["challenge"])
            ),
        ),
        ("server_error_500", 500, lambda b: b["status"] == "fail"),
        ("malformed", 200, lambda b: b == {"status": "ok"}),
    ],
)
def test_fault_kinds_answer_like_instagram(
    client_for: ClientFactory, server: SandboxServer, kind: str, status: int, check
) -> None:
    client = client_for("alpha_shop")
    pk = server.network.account("alpha_shop").pk
    server.faults.add(Fault(kind, endpoint="followers"))
    response = client.get(f"/api/v1/friendships/{pk}/followers/", params={"count": 200})
    assert response.status_code == status
    assert check(response.json())
    assert client.get(f"/api/v1/friendships/{pk}/following/").status_code == 200  # other endpoints unaffected
    assert client.get(f"/api/v1/friendships/{pk}/followers/").status_code == status  # forever until cleared
    server.faults.clear()
    assert client.get(f"/api/v1/friendships/{pk}/followers/").status_code == 200


def test_retry_after_header(client_for: ClientFactory, server: SandboxServer) -> None:
    server.faults.add(Fault("rate_limit_429", endpoint="inbox", retry_after=90))
    response = client_for("alpha_shop").get("/api/v1/direct_v2/inbox/")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "90"


def test_truncated_body_is_half_of_the_real_one(client_for: ClientFactory, server: SandboxServer) -> None:
    client = client_for("alpha_shop")
    full = client.get("/api/v1/feed/reels_tray/").content
    server.faults.add(Fault("truncated_body", endpoint="story_tray", times=1))
    cut = client.get("/api/v1/feed/reels_tray/")
    assert cut.status_code == 200
    assert cut.content == full[: len(full) // 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)
    assert client.get("/api/v1/feed/reels_tray/").content == full  # times=1: cleared itself


def test_malformed_html_variant(client_for: ClientFactory, server: SandboxServer) -> None:
    server.faults.add(Fault("malformed", endpoint="current_user", variant="html"))
    response = client_for("alpha_shop").get(f"/api/v1/users/{server.network.account('alpha_shop').pk}/info/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.lstrip().startswith("<!DOCTYPE html>")


def test_truncated_list_silently_ends_early(client_for: ClientFactory, server: SandboxServer) -> None:
    client = client_for("beta.studio")
    pk = server.network.account("beta.studio").pk
    server.faults.add(Fault("truncated_list", endpoint="followers", after_pages=2, times=1))
    users, requests = _page_through(client, pk, "followers")
    assert requests == 3
    assert len(users) == 200 + 200 + 100
    users, requests = _page_through(client, pk, "followers")
    assert len(users) == 1234  # fault cleared after firing once


def test_after_pages_and_times(client_for: ClientFactory, server: SandboxServer) -> None:
    client = client_for("beta.studio")
    pk = server.network.account("beta.studio").pk
    fault = server.faults.add(Fault("rate_limit_429", endpoint="followers", after_pages=3, times=2))
    statuses = []
    cursor = None
    for _ in range(7):
        params = {"count": 100, **({"max_id": cursor} if cursor else {})}
        response = client.get(f"/api/v1/friendships/{pk}/followers/", params=params)
        statuses.append(response.status_code)
        if response.status_code == 200:
            cursor = response.json().get("next_max_id")
    assert statuses == [200, 200, 200, 429, 429, 200, 200]
    assert fault.fired == 2
    assert len(server.faults) == 0
    assert server.stats()["faults_fired"] == {"rate_limit_429": 2}


def test_faults_can_target_one_account_and_any_endpoint(
    client_for: ClientFactory, server: SandboxServer
) -> None:
    server.faults.add(Fault("checkpoint_required", endpoint="*", account="beta.studio"))
    alpha, beta = client_for("alpha_shop"), client_for("beta.studio")
    assert alpha.get("/api/v1/direct_v2/inbox/").status_code == 200
    assert beta.get("/api/v1/direct_v2/inbox/").status_code == 400
    assert beta.get("/api/v1/feed/reels_tray/").json()["message"] == "checkpoint_required"


def test_a_fault_delays_its_answer_through_the_servers_sleep(
    client_for: ClientFactory, server: SandboxServer
) -> None:
    slept: list[float] = []
    server.sleep = slept.append  # the wall clock never enters the test
    client = client_for("alpha_shop")
    normal = client.get("/api/v1/feed/reels_tray/").json()
    assert slept == []
    server.faults.add(Fault("slow", endpoint="story_tray", delay_seconds=0.3, times=1))
    late = client.get("/api/v1/feed/reels_tray/")
    assert slept == [0.3]
    assert late.status_code == 200
    assert late.json() == normal  # "slow" is the normal answer, late
    client.get("/api/v1/feed/reels_tray/")
    assert slept == [0.3]  # times=1: the next answer is not delayed
    server.faults.add(Fault("rate_limit_429", endpoint="inbox", delay_seconds=1.5, times=1))
    assert client.get("/api/v1/direct_v2/inbox/").status_code == 429
    assert slept == [0.3, 1.5]  # any kind of fault can be late


def test_fault_validation() -> None:
    with pytest.raises(FaultError):
        Fault("teapot")
    with pytest.raises(FaultError):
        Fault("rate_limit_429", endpoint="comments")
    with pytest.raises(FaultError):
        Fault.from_dict({"kind": "rate_limit_429", "colour": "red"})
    assert Fault("html").variant == "html"


# -- admin API ---------------------------------------------------------------------------------


def test_admin_api(client_for: ClientFactory, server: SandboxServer, tmp_path) -> None:
    base = f"{server.url}/__sandbox__"
    added = httpx.post(f"{base}/faults", json={"kind": "please_wait_401", "endpoint": "inbox", "times": 1})
    assert added.status_code == 200
    assert added.json()["added"][0]["kind"] == "please_wait_401"
    assert httpx.post(f"{base}/faults", json={"kind": "nope"}).status_code == 400
    assert len(httpx.get(f"{base}/faults").json()["faults"]) == 1
    client = client_for("alpha_shop")
    assert client.get("/api/v1/direct_v2/inbox/").status_code == 401
    httpx.post(
        f"{base}/faults",
        json=[{"kind": "server_error_500"}, {"kind": "login_required", "endpoint": "following"}],
    )
    assert httpx.delete(f"{base}/faults").json()["cleared"] == 2
    stats = httpx.get(f"{base}/stats").json()
    assert stats["request_counts"] == {"inbox": 1}
    assert stats["by_account"] == {"alpha_shop": {"inbox": 1}}
    assert httpx.post(f"{base}/reset-stats").status_code == 200
    assert httpx.get(f"{base}/stats").json()["request_counts"] == {}
    renamed = httpx.post(
        f"{base}/mutate",
        json={
            "op": "rename",
            "user": server.network.account("beta.studio").pk,
            "new_username": "beta.renamed",
        },
    )
    assert renamed.status_code == 200
    assert renamed.json()["result"]["user"]["previous_username"] == "beta.studio"
    advanced = httpx.post(
        f"{base}/mutate", json={"op": "advance", "account": "beta.studio", "generation": 2}
    ).json()["result"]
    assert advanced["applied"] == [1, 2]
    accounts = {a["account"]: a for a in httpx.get(f"{base}/accounts").json()["accounts"]}
    assert accounts["beta.studio"]["username"] == "beta.renamed"
    assert accounts["beta.studio"]["generation"] == 2
    for bad in (
        {"op": "explode"},
        {"op": "follower_leaves", "account": "alpha_shop", "user": "ghost.person"},
        {},
    ):
        response = httpx.post(f"{base}/mutate", json=bad)
        assert response.status_code == 400
        assert response.json()["status"] == "fail"
    assert httpx.get(f"{base}/nothing").status_code == 404
    assert server.request_counts == {}  # admin calls are not Instagram requests


def test_admin_mutations_are_saved_to_the_state_file(network: SandboxNetwork, tmp_path) -> None:
    path = tmp_path / "state.json"
    with SandboxServer(network, state_file=path) as server:
        httpx.post(
            f"{server.url}/__sandbox__/mutate", json={"op": "advance", "account": "alpha_shop"}
        ).raise_for_status()
    reloaded = SandboxNetwork.open(network.spec, path)
    assert reloaded.account("alpha_shop").generation == 1
    assert reloaded.state() == network.state()


def test_server_refuses_non_loopback_hosts(network: SandboxNetwork) -> None:
    with pytest.raises(ValueError, match="loopback"):
        SandboxServer(network, host="0.0.0.0")


def test_stop_closes_idle_keep_alive_connections(network: SandboxNetwork) -> None:
    server = SandboxServer(network).start()
    client = httpx.Client(
        base_url=server.url,
        cookies=network.session_cookies("alpha_shop"),
        headers={"X-IG-App-ID": WEB_APP_ID},
    )
    assert client.get("/api/v1/feed/reels_tray/").status_code == 200
    server.stop()
    with pytest.raises(httpx.TransportError):
        client.get("/api/v1/feed/reels_tray/")
    client.close()
