"""The `ig-pipeline` and `dagster` commands as a person drives them: one end-to-end path through the
installed commands in subprocesses, the rest of the CLI in-process through click's CliRunner (the same
`cli`, the same environment variables, the same exit codes and stderr)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner

from ig_cli.main import cli
from ig_resources.database import generate_key
from ig_sandbox.instagram import AccountSpec, NetworkSpec, SandboxNetwork, SandboxServer, render_cookie_file

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SPEC = NetworkSpec(
    seed=5,
    accounts=[AccountSpec(username="carol", followers=450, following=120, inbox_threads=5, tray_reels=3)],
)


@pytest.fixture
def sandbox() -> Iterator[tuple[SandboxServer, SandboxNetwork]]:
    network = SandboxNetwork(SPEC)
    with SandboxServer(network) as server:
        yield server, network


@pytest.fixture
def env(tmp_path: Path, database_url: str, sandbox: tuple[SandboxServer, SandboxNetwork]) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("IG_", "DAGSTER_"))}
    return {
        **base,
        "IG_DATABASE_URL": database_url,
        "IG_SECRET_KEY": generate_key(),
        "IG_API_BASE_URL": sandbox[0].url,
        "IG_WEB_BASE_URL": sandbox[0].url,
        "IG_STATE_DIR": str(tmp_path / "state"),
        "IG_PACING": "off",
        "DAGSTER_HOME": str(home),
    }


def run(
    env: dict[str, str], *args: str, tool: str = "ig-pipeline", stdin: str | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / tool), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
    )


def invoke(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`ig-pipeline ARGS` in-process, in `env` alone (IG_* and DAGSTER_* variables outside it unset), as
    the subprocess `run` would see it. An exception other than click's exit is re-raised: the command
    would have printed a traceback."""
    overrides: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith(("IG_", "DAGSTER_")) and k not in env
    }
    overrides.update({k: v for k, v in env.items() if k.startswith(("IG_", "DAGSTER_", "OPENAI_"))})
    result = CliRunner(env=overrides).invoke(cli, list(args), input=stdin, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(["ig-pipeline", *args], result.exit_code, result.stdout, result.stderr)


def one_line_error(done: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.slow
def test_accounts_and_a_materialization_end_to_end(
    env: dict[str, str], tmp_path: Path, sandbox: tuple[SandboxServer, SandboxNetwork]
) -> None:
    _, network = sandbox
    cookie_file = tmp_path / "cookies.txt"
    cookie_file.write_text(render_cookie_file(network.session_cookies("carol"), "netscape"))

    # The installed `ig-pipeline` command once; the other account commands in-process.
    added = run(env, "accounts", "add", "@Carol", "--cookies-file", str(cookie_file))
    assert added.returncode == 0, added.stderr
    assert "registered carol" in added.stdout

    listed = invoke(env, "accounts", "list")
    assert listed.returncode == 0
    assert "carol" in listed.stdout
    assert "never" in listed.stdout

    # The partition as the sensor makes it, then the asset through Dagster's own CLI.
    with dg.instance_for_test(temp_dir=env["DAGSTER_HOME"]) as instance:
        instance.add_dynamic_partitions("instagram_accounts", ["carol"])
    done = run(
        env,
        "asset",
        "materialize",
        "-m",
        "definitions",
        "--select",
        "follow_graph",
        "--partition",
        "carol",
        tool="dagster",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "RUN_SUCCESS" in done.stderr + done.stdout

    listed = invoke(env, "accounts", "list")
    assert "never" not in listed.stdout
    assert "UTC" in listed.stdout
    checked = invoke(env, "accounts", "check", "carol")
    assert checked.returncode == 0
    assert "450 followers" in checked.stdout

    assert "instagram" in listed.stdout
    chosen = invoke(env, "accounts", "source", "carol", "apify")
    assert chosen.returncode == 0
    assert "carol reads profiles and posts from apify" in chosen.stdout
    assert " apify " in invoke(env, "accounts", "list").stdout
    assert invoke(env, "accounts", "source", "carol", "ftp").returncode == 2  # click names the choices

    removed = invoke(env, "accounts", "remove", "carol")
    assert removed.returncode == 0
    assert "data kept" in removed.stdout
    assert "no accounts" in invoke(env, "accounts", "list").stdout


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # the mistakes are the same on both
def test_bad_input_gives_one_line_and_non_zero_exit(
    env: dict[str, str], tmp_path: Path, sandbox: tuple[SandboxServer, SandboxNetwork]
) -> None:
    _, network = sandbox
    one_line_error(invoke(env, "accounts", "remove", "nobody"), "no managed account 'nobody'")
    one_line_error(invoke(env, "accounts", "check", "nobody"), "no managed account 'nobody'")
    one_line_error(
        invoke(env, "accounts", "add", "carol", "--cookies-file", str(tmp_path / "missing.json")),
        "cannot read cookies file",
        "No such file",
    )
    garbage = tmp_path / "garbage.json"
    garbage.write_text("[{not json")
    one_line_error(invoke(env, "accounts", "add", "carol", "--cookies-file", str(garbage)), "not valid JSON")
    expired = tmp_path / "expired.json"
    expired.write_text(render_cookie_file(network.session_cookies("carol"), expired=True))
    one_line_error(invoke(env, "accounts", "add", "carol", "--cookies-file", str(expired)), "expired")

    good = tmp_path / "good.json"
    good.write_text(render_cookie_file(network.session_cookies("carol")))
    one_line_error(
        invoke(
            {**env, "IG_SECRET_KEY": "not-a-key"}, "accounts", "add", "carol", "--cookies-file", str(good)
        ),
        "IG_SECRET_KEY",
    )
    assert invoke(env, "accounts", "add", "carol", "--cookies-file", str(good)).returncode == 0
    wrong_key = {**env, "IG_SECRET_KEY": generate_key()}
    one_line_error(invoke(wrong_key, "accounts", "check", "carol"), "cannot decrypt", "carol")
    one_line_error(
        invoke(wrong_key, "accounts", "add", "carol", "--cookies-file", str(good)), "cannot decrypt"
    )

    one_line_error(invoke({**env, "IG_DATABASE_URL": "nonsense"}, "accounts", "list"), "IG_DATABASE_URL")
    refused = invoke(
        {**env, "IG_DATABASE_URL": "postgresql://postgres:pw-secret@127.0.0.1:1/x"}, "accounts", "list"
    )
    one_line_error(refused, "cannot use the database")
    assert "pw-secret" not in refused.stderr
    for secret in network.session_cookies("carol").values():
        if len(secret) > 12:
            assert secret not in refused.stderr


def _table_after(stdout: str, header: str) -> list[str]:
    """The rows of the table whose header line holds `header` (up to the blank line after it)."""
    return [
        line
        for line in stdout.split(header, 1)[1].split("\n\n", 1)[0].splitlines()
        if line.startswith("demo_")
    ]


def demo_runs_belong_to_the_code_location(dagster_home: Path) -> None:
    """Every run of the demo's instance was launched in the `ig_pipeline` code location, as the UI
    or a daemon launches one (so the timeline and the jobs' pages show it), and the stories runs
    are the new_stories_sensor's: its Runs tab (runs with its name in its repository) lists them."""
    from dagster._core.storage.tags import REPOSITORY_LABEL_TAG

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        runs = instance.get_runs()
        assert runs
        assert [r.run_id for r in runs if r.remote_job_origin is None] == []
        assert {r.remote_job_origin.location_name for r in runs if r.remote_job_origin} == {"ig_pipeline"}
        label = next(r for r in runs if r.remote_job_origin).remote_job_origin.repository_origin.get_label()
        assert len(instance.get_runs(dg.RunsFilter(tags={REPOSITORY_LABEL_TAG: label}))) == len(runs)
        by_sensor = instance.get_runs(
            dg.RunsFilter(tags={"dagster/sensor_name": "new_stories_sensor", REPOSITORY_LABEL_TAG: label})
        )
        assert {r.run_id for r in by_sensor} == {r.run_id for r in runs if r.job_name == "stories_job"}
        assert len(by_sensor) >= 2  # both ticks ran demo_small
        assert all(r.tags.get("dagster/run_key", "").startswith("stories:") for r in by_sensor)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_ai_providers_are_set_listed_and_removed_without_showing_a_key(env: dict[str, str]) -> None:
    secret = "sk-cli-SECRET-4242"
    assert invoke(env, "ai", "list").stdout.startswith("no settings")
    saved = invoke(
        env,
        "ai",
        "set",
        "local",
        "--base-url",
        "http://127.0.0.1:11434/v1",
        "--model",
        "llama3.2",
        "--priority",
        "5",
        "--api-key-stdin",
        stdin=secret + "\n",
    )
    assert saved.returncode == 0
    assert "key stored encrypted" in saved.stdout
    assert secret not in saved.stdout
    assert invoke(env, "ai", "set", "openai", "--disable").returncode == 0
    listed = invoke(env, "ai", "list").stdout
    rows = {line.split()[0]: line for line in listed.splitlines()[1:]}
    assert "llama3.2" in rows["local"]
    assert "stored (encrypted)" in rows["local"]
    assert " no " in rows["openai"]
    assert secret not in listed
    assert invoke(env, "ai", "remove", "local").returncode == 0
    one_line_error(invoke(env, "ai", "remove", "local"), "no AI provider 'local'")
    one_line_error(invoke(env, "ai", "set", "x", "--api-key-stdin", stdin=""), "no key on stdin")


def _demo_env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("IG_", "DAGSTER_"))}
    return {**base, "IG_STATE_DIR": str(tmp_path / "demo")}


# The two demos are two tests, so that two workers run them side by side.
@pytest.mark.slow(seconds=400)
@pytest.mark.timeout(1800)  # a safety net, not a speed check
def test_demo_with_faults_marks_the_throttled_account_and_completes_the_others(tmp_path: Path) -> None:
    env = _demo_env(tmp_path)
    faulty = run(env, "demo", "--faults", timeout=900)
    assert faulty.returncode == 0, faulty.stderr[-2000:]
    lines = {line.split()[0]: line for line in faulty.stdout.splitlines() if line.startswith("demo_")}
    assert "cooling down until" in faulty.stdout
    assert "rate_limited" in faulty.stdout
    listed = invoke(
        {**env, "IG_SECRET_KEY": (tmp_path / "demo" / "secret.key").read_text().strip()}, "accounts", "list"
    )
    rows = {line.split()[0]: line for line in listed.stdout.splitlines()[1:]}
    assert "rate_limited" in rows["demo_medium"]
    assert "rate_limited" not in rows["demo_small"]
    assert "FAILED" not in lines["demo_small"]
    assert "FAILED" not in lines["demo_large"]

    # The insights of the accounts that ran, from the offline heuristic provider.
    insights = {line.split()[0]: line for line in _table_after(faulty.stdout, "POSTS ANALYSED")}
    assert "heuristic:heuristic-1" in insights["demo_small"]
    assert "persona:" in faulty.stdout
    assert "opener:" in faulty.stdout
    assert "history:" in faulty.stdout


@pytest.mark.slow(seconds=400)
@pytest.mark.timeout(1800)  # a safety net, not a speed check
def test_demo_against_an_openai_compatible_server_completes_every_account(tmp_path: Path) -> None:
    """Without faults every account completes, avatars shown; the same pipeline runs against an
    OpenAI-compatible server (the stand-in on loopback) named by OPENAI_BASE_URL."""
    from ig_sandbox.openai import OpenAIStandIn

    env = _demo_env(tmp_path)

    with OpenAIStandIn(api_key="sk-demo-SECRET-77") as standin:
        again = run(
            {
                **env,
                "OPENAI_BASE_URL": standin.url,
                "OPENAI_API_KEY": "sk-demo-SECRET-77",
                "IG_AI_MODEL": "standin-1",
            },
            "demo",
            timeout=900,
        )
    assert again.returncode == 0, again.stderr[-2000:]
    assert "FAILED" not in again.stdout
    assert "Avatars: " in again.stdout
    insights = {line.split()[0]: line.split() for line in _table_after(again.stdout, "POSTS ANALYSED")}
    assert all(
        row[1] == "openai:standin-1" and int(row[-4].replace(",", "")) > 0 for row in insights.values()
    )
    assert len(standin.requests) > 0
    assert "sk-demo-SECRET-77" not in again.stdout + again.stderr
    demo_runs_belong_to_the_code_location(tmp_path / "demo" / "dagster_home")
    # The new-stories sensor ran every account in its first tick and demo_small again after the sandbox
    # posted a story; the people found are listed, and one can be forgotten from the command line.
    stories = {line.split()[0]: line for line in _table_after(again.stdout, "SENSOR RUNS")}
    assert "(ticks 1, 2)" in stories["demo_small"]
    assert all(line.rstrip().endswith("yes") for line in stories.values())
    keyed = {**env, "IG_SECRET_KEY": (tmp_path / "demo" / "secret.key").read_text().strip()}
    people = invoke(keyed, "people", "list", "demo_small")
    assert people.returncode == 0
    assert "profile_owner" in people.stdout
    person_id = people.stdout.splitlines()[1].split()[0]
    faces = invoke(keyed, "people", "faces", "demo_small", person_id)
    assert faces.returncode == 0
    assert "story:" in faces.stdout or "post:" in faces.stdout
    forgot = invoke(keyed, "people", "forget", "demo_small", person_id, "--yes")
    assert forgot.returncode == 0
    assert "face vectors deleted" in forgot.stdout
    assert "do not track" in invoke(keyed, "people", "list", "demo_small").stdout
    unknown = invoke(keyed, "people", "rename", "demo_small", "999999", "x")
    assert unknown.returncode == 1
    assert "no person 999999" in unknown.stderr
