"""`ig-pipeline demo` and `ig-pipeline ui`: the embedded default, end to end, on one machine.

The demo keeps everything under the state folder (`IG_STATE_DIR`, default `./.ig-pipeline`): the
SQLite app database, the Dagster home of its runs, the Fernet key (mode 0600), and the sandbox
network's state, so `ig-pipeline ui` later shows the same runs, and each further demo run advances
the sandbox network one generation to show what changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ig_resources.database import generate_key, state_dir

from .common import add_account, format_table, user_errors

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEMO_INSTANCE_YAML = """\
# Demo instance: SQLite storage in this folder, one run per account partition at a time.
concurrency:
  runs:
    max_concurrent_runs: 4
    tag_concurrency_limits:
      - key: dagster/partition
        limit: 1
        value:
          applyLimitPerUniqueValue: true
telemetry:
  enabled: false
"""


class DemoPaths:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.dagster_home = root / "dagster_home"
        self.secret_key = root / "secret.key"
        self.sandbox_state = root / "sandbox_state.json"
        self.sandbox_url = root / "sandbox.url"
        self.progress = root / "demo.json"

    def prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.dagster_home.mkdir(exist_ok=True)
        instance_yaml = self.dagster_home / "dagster.yaml"
        if not instance_yaml.exists():
            instance_yaml.write_text(DEMO_INSTANCE_YAML)
        if not self.secret_key.exists():
            fd = os.open(self.secret_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(generate_key())

    def environment(self, sandbox_url: str) -> dict[str, str]:
        return {
            "IG_STATE_DIR": str(self.root),
            "DAGSTER_HOME": str(self.dagster_home),
            "IG_SECRET_KEY": self.secret_key.read_text().strip(),
            "IG_API_BASE_URL": sandbox_url,
            "IG_WEB_BASE_URL": sandbox_url,
            "IG_PACING": "off",  # the sandbox is local and offline
        }


def _ig_pipeline(*args: str) -> list[str]:
    return [sys.executable, "-m", "ig_cli.main", *args]


@contextmanager
def running_sandbox(paths: DemoPaths) -> Iterator[str]:
    """The sandbox server in a child process on a free loopback port; yields its base URL."""
    paths.sandbox_url.unlink(missing_ok=True)
    process = subprocess.Popen(
        _ig_pipeline(
            "sandbox", "serve", "--demo", "--port", "0",
            "--state-file", str(paths.sandbox_state), "--url-file", str(paths.sandbox_url),
        ),
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not (paths.sandbox_url.exists() and paths.sandbox_url.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise click.ClickException("the sandbox server did not start (see the lines above)")
            time.sleep(0.05)
        yield paths.sandbox_url.read_text().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


@click.command()
@click.option("--fresh", is_flag=True, help="Forget the previous demo: new database, runs and network.")
@user_errors
def demo(fresh: bool) -> None:
    """Sync the follow graph of three sandbox accounts as real Dagster runs, then print a summary."""
    paths = DemoPaths(state_dir())
    if fresh and paths.root.exists():
        import shutil

        shutil.rmtree(paths.root)
    paths.prepare()
    progress = json.loads(paths.progress.read_text()) if paths.progress.exists() else {"generation": 0}

    with running_sandbox(paths) as url:
        os.environ.update(paths.environment(url))
        from ig_resources.instagram.sandbox import DEMO_SPEC, SandboxNetwork

        network = SandboxNetwork.open(DEMO_SPEC, paths.sandbox_state)  # the server wrote it at start
        usernames = [a.username for a in DEMO_SPEC.accounts]
        for username in usernames:
            if progress["generation"]:  # the network moves on between demo runs
                _admin(url, "mutate", {"op": "advance", "account": username, "generation": progress["generation"]})
            click.echo(add_account(username, network.cookie_file(username)))
        rows, failed = _materialize_all(usernames)
    progress["generation"] += 1
    paths.progress.write_text(json.dumps(progress))

    click.echo("")
    click.echo(_summary_table(rows))
    click.echo("")
    click.echo(f"Dagster home: {paths.dagster_home}   app database: {os.environ.get('IG_DATABASE_URL') or paths.root / 'ig_pipeline.sqlite3'}")
    click.echo("See the runs, partitions, metadata and checks in the UI: make ui")
    if failed:
        raise click.ClickException(f"follow_graph failed for: {', '.join(failed)}")


def _admin(url: str, action: str, payload: dict[str, Any]) -> None:
    import httpx

    response = httpx.post(f"{url}/__sandbox__/{action}", json=payload, timeout=60)
    if response.status_code != 200:
        raise click.ClickException(f"sandbox {action} failed: {response.text[:200]}")


def _materialize_all(usernames: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Add the partitions as the sensor decides, then one real run per account in the demo instance."""
    import dagster as dg

    from definitions import defs
    from sensors import apply_partition_requests

    instance = dg.DagsterInstance.get()
    database = defs.resources["database"]
    sensor = defs.resolve_sensor_def("account_partitions_sensor")
    with dg.build_sensor_context(instance=instance, resources={"database": database}) as context:
        result = sensor(context)
    apply_partition_requests(instance, result)

    job = defs.resolve_job_def("follow_graph_job")
    rows, failed = [], []
    for username in usernames:
        started = time.perf_counter()
        run = job.execute_in_process(
            instance=instance,
            partition_key=username,
            raise_on_error=False,
            tags={"ig_pipeline/trigger": "demo"},
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
        elapsed = time.perf_counter() - started
        meta: dict[str, Any] = {}
        for event in run.get_asset_materialization_events():
            meta = {k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()}
        checks = run.get_asset_check_evaluations()
        rows.append(
            {
                "account": username,
                "status": "ok" if run.success else "FAILED",
                "seconds": elapsed,
                "checks": f"{sum(c.passed for c in checks)}/{len(checks)}",
                **meta,
            }
        )
        if not run.success:
            failed.append(username)
    return rows, failed


def _summary_table(rows: list[dict[str, Any]]) -> str:
    def n(row: dict[str, Any], key: str) -> str:
        value = row.get(key)
        return f"{value:,}" if isinstance(value, int) and value is not True else "-"

    def change(row: dict[str, Any], key: str) -> str:
        return "-" if row.get("first_sync") else n(row, key)

    table: list[tuple[Any, ...]] = [
        ("ACCOUNT", "FOLLOWERS", "FOLLOWING", "MUTUALS", "+FOLLOWERS", "-FOLLOWERS", "INBOX", "TRAY",
         "REQUESTS", "SECONDS", "CHECKS", "RUN")
    ]
    for row in rows:
        table.append(
            (
                row["account"], n(row, "followers"), n(row, "following"), n(row, "mutuals"),
                change(row, "followers_added"), change(row, "followers_removed"), n(row, "inbox_users"),
                n(row, "tray_users"), n(row, "requests_total"), f"{row['seconds']:.1f}", row["checks"],
                row["status"],
            )
        )
    return format_table(table)


@click.command()
@click.option("--port", default=3000, show_default=True, help="Port of the Dagster UI on 127.0.0.1.")
def ui(port: int) -> None:
    """Open the Dagster UI (webserver and daemon) on the demo's instance, with the sandbox running."""
    paths = DemoPaths(state_dir())
    if not paths.secret_key.exists():
        raise click.ClickException("no demo yet: run `make demo` first")
    with running_sandbox(paths) as url:
        env = {**os.environ, **paths.environment(url)}
        dagster = Path(sys.executable).with_name("dagster")
        click.echo(f"Dagster UI on http://127.0.0.1:{port} (Ctrl-C stops it and the sandbox)")
        try:
            subprocess.run(
                [str(dagster), "dev", "-w", str(PROJECT_ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
                env=env,
                cwd=PROJECT_ROOT,
                check=False,
            )
        except KeyboardInterrupt:
            pass
