"""A partition backfill started the way the UI starts one: the `launchPartitionBackfill` GraphQL
mutation against a running `dagster-webserver`, executed by a running `dagster-daemon`, over the
network and content assets of two accounts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import pytest
from sqlalchemy import func, select

from ig_resources.database import DatabaseResource, generate_key
from ig_resources.database.models import InstagramAccountMetric, InstagramProfilePost
from ig_resources.instagram.session import parse_cookie_file
from ig_sandbox.instagram import AccountSpec, NetworkSpec, SandboxNetwork, SandboxServer, render_cookie_file

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SPEC = NetworkSpec(
    seed=8,
    accounts=[
        AccountSpec(
            username="hana", followers=40, following=25, mutual_fraction=0.4, inbox_threads=3, tray_reels=2
        ),
        AccountSpec(
            username="kai", followers=30, following=20, mutual_fraction=0.3, inbox_threads=2, tray_reels=1
        ),
    ],
)
#: a chain through both groups; the other assets are covered by their own tests, and every step of a
#: backfill run is a process of its own (seconds each), so the path is tested without repeating them
ASSETS = ["follow_graph", "profile_details", "profile_posts", "account_metrics"]
LAUNCH = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on PartitionKeysNotFoundError { message }
  }
}"""
STATUS = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill { status numPartitions }
  }
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[tuple[str, DatabaseResource, Path]]:
    """The sandbox, an app database with two accounts, and a webserver and daemon on one instance."""
    network = SandboxNetwork(SPEC)
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    key = generate_key()
    database = DatabaseResource(url=f"sqlite:///{tmp_path / 'app.sqlite3'}", secret_key=key)
    database.migrate()
    for account in SPEC.accounts:
        database.accounts.register(
            account.username, parse_cookie_file(render_cookie_file(network.session_cookies(account.username)))
        )
    with SandboxServer(network) as server:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("IG_", "DAGSTER_"))}
        env = {
            **base,
            "DAGSTER_HOME": str(home),
            "IG_DATABASE_URL": database.url,
            "IG_SECRET_KEY": key,
            "IG_API_BASE_URL": server.url,
            "IG_WEB_BASE_URL": server.url,
            "IG_PACING": "off",
            "IG_MEDIA_ROOT": str(tmp_path / "media"),
            "IG_TRUSTED_MEDIA_HOSTS": "127.0.0.1",
        }
        with dg.DagsterInstance.from_config(str(home)) as instance:
            instance.add_dynamic_partitions("instagram_accounts", [a.username for a in SPEC.accounts])
        port = _free_port()
        logs = tmp_path / "logs"
        logs.mkdir()
        processes = [
            subprocess.Popen(
                [str(BIN / command[0]), *command[1:]],
                cwd=ROOT,
                env=env,
                stdout=(logs / f"{command[0]}.log").open("w"),
                stderr=subprocess.STDOUT,
            )
            for command in (
                ["dagster-webserver", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
                ["dagster-daemon", "run", "-w", "workspace.yaml"],
            )
        ]
        try:
            yield f"http://127.0.0.1:{port}", database, logs
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def _graphql(url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables}, timeout=60)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


@pytest.mark.slow(seconds=300)
@pytest.mark.timeout(1800)  # a safety net for a busy machine, not a speed check
def test_a_backfill_launched_like_the_ui_materializes_both_partitions(
    deployment: tuple[str, DatabaseResource, Path],
) -> None:
    url, database, logs = deployment
    # Polls are counted, not timed: the test's own timeout is the safety net on a busy machine.
    for _ in range(600):  # the webserver loads the code location
        try:
            if httpx.get(f"{url}/server_info", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(1)
    else:
        pytest.fail((logs / "dagster-webserver.log").read_text()[-3000:])

    launched = _graphql(
        url,
        LAUNCH,
        {
            "params": {
                "partitionNames": ["hana", "kai"],
                "assetSelection": [{"path": [name]} for name in ASSETS],
            }
        },
    )["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched

    status = None
    for _ in range(500):
        backfill = _graphql(url, STATUS, {"id": launched["backfillId"]})["partitionBackfillOrError"]
        status = backfill["status"]
        if status not in ("REQUESTED", "CANCELING", "FAILING"):
            break
        time.sleep(3)
    assert status == "COMPLETED_SUCCESS", (logs / "dagster-daemon.log").read_text()[-4000:]

    with database.session() as s:
        for account in database.accounts.all():
            posts = s.scalar(
                select(func.count())
                .select_from(InstagramProfilePost)
                .where(InstagramProfilePost.instagram_account_id == account.id)
            )
            metrics = s.scalar(
                select(func.count())
                .select_from(InstagramAccountMetric)
                .where(InstagramAccountMetric.instagram_account_id == account.id)
            )
            assert posts, account.username
            assert posts > 0, account.username
            assert metrics == 1, account.username
    with dg.DagsterInstance.from_config(str(logs.parent / "dagster_home")) as instance:
        for name in ASSETS:
            done = instance.get_materialized_partitions(dg.AssetKey(name))
            assert done == {"hana", "kai"}, name
