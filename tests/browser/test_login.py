"""`ig-pipeline accounts login` end to end: Playwright driving Debian's Chromium through the sandbox's
login form, two-factor page and checkpoint challenge; the session lands encrypted in the real
database (SQLite and PostgreSQL) and then works with the real API client."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from ig_resources.database import DatabaseResource, generate_key
from ig_resources.instagram import CheckpointRequiredError, WebApiClient
from ig_resources.instagram.browser import BrowserLoginError, browser_login
from ig_sandbox.instagram import AccountSpec, NetworkSpec, SandboxNetwork, SandboxServer

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "correct horse 7"
SPEC = NetworkSpec(
    seed=9,
    accounts=[
        AccountSpec(username="erin", followers=30, following=12, password=SecretStr(PASSWORD)),
        AccountSpec(
            username="finn", followers=20, following=8, password=SecretStr(PASSWORD), two_factor=True
        ),
    ],
)


@pytest.fixture
def sandbox() -> Iterator[tuple[SandboxServer, SandboxNetwork]]:
    network = SandboxNetwork(SPEC)
    with SandboxServer(network) as server:
        yield server, network


@pytest.fixture
def cli_env(
    tmp_path: Path, database: DatabaseResource, sandbox: tuple[SandboxServer, SandboxNetwork]
) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("IG_", "DAGSTER_"))}
    return {
        **base,
        "IG_DATABASE_URL": database.url,
        "IG_SECRET_KEY": database.secret_key or "",
        "IG_API_BASE_URL": sandbox[0].url,
        "IG_WEB_BASE_URL": sandbox[0].url,
        "IG_STATE_DIR": str(tmp_path),
    }


@pytest.fixture
def database(database: DatabaseResource) -> DatabaseResource:  # the shared fixture, with a cookie key
    return DatabaseResource(url=database.url, secret_key=generate_key())


def login_cli(
    env: dict[str, str], network: SandboxNetwork, username: str, password: str, channel: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command as a person would: type the password, then the code once it arrives."""
    process = subprocess.Popen(
        [str(BIN / "ig-pipeline"), "accounts", "login", username, "--password-stdin"],
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(password + "\n")
    process.stdin.flush()
    if channel:
        # Until the login process sends the code or ends without one; the test's timeout bounds a hang.
        while (code := network.last_code(network.account(username), channel)) is None:
            assert process.poll() is None, "no code was sent"
            time.sleep(0.1)
        process.stdin.write(code + "\n")
        process.stdin.flush()
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_login_stores_the_session_and_the_browsers_user_agent(
    cli_env: dict[str, str], database: DatabaseResource, sandbox: tuple[SandboxServer, SandboxNetwork]
) -> None:
    server, network = sandbox
    done = login_cli(cli_env, network, "erin", PASSWORD)
    assert done.returncode == 0, done.stderr
    assert "registered erin" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    account = database.accounts.get("erin")
    assert account.login_state == "logged_in"
    assert account.ig_user_id == str(network.account("erin").pk)
    assert account.user_agent
    assert "Chrome/" in account.user_agent
    assert "Headless" not in account.user_agent
    cookies = database.accounts.session_cookies(account)
    assert cookies.plain()["sessionid"] == network.session_cookies("erin")["sessionid"]
    with database.session() as s:  # encrypted at rest
        from ig_resources.database.models import InstagramAccount

        stored = s.get_one(InstagramAccount, account.id).cookies_json or ""
    assert cookies.plain()["sessionid"] not in stored
    with WebApiClient(cookies, api_base_url=server.url, user_agent=account.user_agent) as client:
        assert client.current_user().username == "erin"


def test_a_wrong_password_is_one_clear_line_and_stores_nothing(
    cli_env: dict[str, str], database: DatabaseResource, sandbox: tuple[SandboxServer, SandboxNetwork]
) -> None:
    done = login_cli(cli_env, sandbox[1], "erin", "not the password")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "password was incorrect" in done.stderr
    assert "not the password" not in done.stderr
    assert database.accounts.all() == []


def test_checkpoint_stops_the_account_until_login_passes_the_challenge(
    cli_env: dict[str, str], database: DatabaseResource, sandbox: tuple[SandboxServer, SandboxNetwork]
) -> None:
    server, network = sandbox
    assert login_cli(cli_env, network, "erin", PASSWORD).returncode == 0
    account = database.accounts.get("erin")
    network.checkpoint("erin")
    with (
        WebApiClient(database.accounts.session_cookies(account), api_base_url=server.url) as client,
        pytest.raises(CheckpointRequiredError) as raised,
    ):
        client.current_user()
    database.accounts.record_health(account.id, login_state="checkpoint_required", reason=str(raised.value))
    assert database.accounts.get("erin").login_state == "checkpoint_required"

    done = login_cli(cli_env, network, "erin", PASSWORD, channel="email")
    assert done.returncode == 0, done.stderr
    assert "Security code" in done.stdout
    assert database.accounts.get("erin").login_state == "logged_in"
    assert not network.checkpoints
    with WebApiClient(database.accounts.session_cookies(account), api_base_url=server.url) as client:
        assert client.current_user().username == "erin"


def test_two_factor_asks_again_after_a_wrong_code(sandbox: tuple[SandboxServer, SandboxNetwork]) -> None:
    server, network = sandbox
    prompts: list[str] = []
    answers = iter(["000000"])

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers, None) or network.last_code(network.account("finn"), "sms") or ""

    login = browser_login("finn", PASSWORD, web_base_url=server.url, ask=ask, timeout_seconds=20)
    assert len(prompts) == 2
    assert "Please check the security code" in prompts[1]
    assert login.cookies.ig_user_id == str(network.account("finn").pk)

    with pytest.raises(BrowserLoginError, match="refused 3 times"):
        browser_login("finn", PASSWORD, web_base_url=server.url, ask=lambda _: "111111", timeout_seconds=20)
