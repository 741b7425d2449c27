"""`sandbox` click group: cookie files, account listing, a real `serve` process and the admin
commands against it, and one-line errors."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from ig_cli.sandbox_commands import sandbox
from ig_resources.instagram.session import CookieFileError, parse_cookie_file
from ig_sandbox.instagram import DEMO_SPEC, WEB_APP_ID, SandboxNetwork

from .conftest import SMALL_SPEC


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(SMALL_SPEC.model_dump_json())
    return path


def _one_line_error(result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_cookies_command_writes_parseable_files(tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in ("json", "netscape"):
        target = tmp_path / f"cookies.{fmt}"
        result = runner.invoke(sandbox, ["cookies", "demo_medium", "--format", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.output
        session = parse_cookie_file(target.read_text())
        assert session.ig_user_id == str(SandboxNetwork(DEMO_SPEC).account("demo_medium").pk)
    expired = runner.invoke(sandbox, ["cookies", "demo_small", "--expired"])
    assert expired.exit_code == 0
    with pytest.raises(CookieFileError, match="expired"):
        parse_cookie_file(expired.stdout)


def test_cookies_for_an_unknown_account_is_a_one_line_error() -> None:
    line = _one_line_error(CliRunner().invoke(sandbox, ["cookies", "nobody_at_all"]))
    assert "nobody_at_all" in line
    assert "demo_small" in line


def test_accounts_lists_the_demo_network() -> None:
    result = CliRunner().invoke(sandbox, ["accounts"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["account"], r["follower_count"], r["following_count"]) for r in rows] == [
        ("demo_small", 350, 280),
        ("demo_medium", 4200, 1100),
        ("demo_large", 120_000, 2500),
    ]


def test_bad_spec_and_busy_port_are_one_line_errors(tmp_path: Path, spec_file: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"seed": 1, "accounts": [{"username": "Bad Name!", "followers": 1, "following": 1}]})
    )
    assert "invalid spec" in _one_line_error(CliRunner().invoke(sandbox, ["accounts", "--spec", str(bad)]))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = _one_line_error(
            CliRunner().invoke(sandbox, ["serve", "--spec", str(spec_file), "--port", str(port)])
        )
    assert "cannot listen" in line
    assert "loopback" in _one_line_error(CliRunner().invoke(sandbox, ["serve", "--host", "0.0.0.0"]))
    assert "cannot reach" in _one_line_error(
        CliRunner().invoke(sandbox, ["stats", "--url", "http://127.0.0.1:9"])
    )


def test_serve_process_mutate_faults_stats_and_sigterm(tmp_path: Path, spec_file: Path) -> None:
    state, url_file = tmp_path / "state.json", tmp_path / "run" / "url.txt"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ig_cli.sandbox_commands",
            "serve",
            "--spec",
            str(spec_file),
            "--state-file",
            str(state),
            "--url-file",
            str(url_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline().strip()  # type: ignore[union-attr]
        assert line.startswith("SANDBOX_URL=http://127.0.0.1:"), line
        url = line.split("=", 1)[1]
        assert url_file.read_text().strip() == url
        runner = CliRunner()
        mutated = runner.invoke(
            sandbox, ["mutate", "--url", url, "--op", "advance", "--account", "alpha_shop"]
        )
        assert mutated.exit_code == 0, mutated.output
        assert json.loads(mutated.stdout)["generation"] == 1
        added = runner.invoke(
            sandbox,
            ["faults", "--url", url, "--kind", "rate_limit_429", "--endpoint", "followers", "--times", "1"],
        )
        assert added.exit_code == 0
        assert json.loads(added.stdout)[0]["kind"] == "rate_limit_429"
        network = SandboxNetwork(SMALL_SPEC)
        pk = network.account("alpha_shop").pk
        with httpx.Client(
            base_url=url, cookies=network.session_cookies("alpha_shop"), headers={"X-IG-App-ID": WEB_APP_ID}
        ) as client:
            assert client.get(f"/api/v1/friendships/{pk}/followers/").status_code == 429
            info = client.get(f"/api/v1/users/{pk}/info/").json()["user"]
        assert info["follower_count"] == 450 - round(450 * 0.01) + round(
            450 * 0.015
        )  # the advance is visible
        stats = runner.invoke(sandbox, ["stats", "--url", url, "--reset"])
        assert json.loads(stats.stdout)["request_counts"] == {"current_user": 1, "followers": 1}
        cleared = runner.invoke(sandbox, ["faults", "--url", url, "--clear"])
        assert json.loads(cleared.stdout) == []
        refused = runner.invoke(
            sandbox,
            [
                "mutate",
                "--url",
                url,
                "--op",
                "follower_leaves",
                "--account",
                "alpha_shop",
                "--user",
                "ghost.person",
            ],
        )
        assert "ghost.person" in _one_line_error(refused)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    assert not url_file.exists()
    assert SandboxNetwork.open(SMALL_SPEC, state).account("alpha_shop").generation == 1


def test_serve_exits_cleanly_on_sigint(spec_file: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ig_cli.sandbox_commands", "serve", "--spec", str(spec_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().startswith("SANDBOX_URL=")  # type: ignore[union-attr]
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert "Traceback" not in proc.stderr.read()  # type: ignore[union-attr]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
