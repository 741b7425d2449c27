"""Benchmark: one account with 200,000 followers and 200,000 following, on SQLite and PostgreSQL.

Prints requests made against the minimum for the page size, the time to fetch with the client
alone, the time of the whole `follow_graph` materialization (first sync, then an unchanged
re-sync), the time to write the rows against a plain bulk insert of the same rows with the same
driver, and peak memory (max RSS of the measuring process). Judged by two ratios:
materialization ÷ fetch alone (goal ≤ 1.3) and write ÷ plain bulk insert (goal ≤ 1.5).

Each measurement runs in its own child process so its peak memory is its own; the sandbox server
runs in another process, as Instagram would.

    .venv/bin/python bench/follow_graph.py [--followers N] [--following N] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
USERNAME = "bench_account"
PG_ADMIN = os.environ.get("IG_BENCH_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--followers", type=int, default=200_000)
    parser.add_argument("--following", type=int, default=200_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return
    orchestrate(args)


# -- orchestration ------------------------------------------------------------------------------


def orchestrate(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="ig-bench-"))
    spec = {
        "seed": 2026,
        "accounts": [
            {
                "username": USERNAME,
                "followers": args.followers,
                "following": args.following,
                "mutual_fraction": 0.3,
                "inbox_threads": 40,
                "tray_reels": 30,
            }
        ],
    }
    with sandbox(spec, work, USERNAME) as url:
        minimum = (
            1 + 1 + math.ceil(40 / 20) + math.ceil(args.followers / 200) + math.ceil(args.following / 200)
        )
        fetch = child("fetch", work, url)
        print(
            f"\nfollow_graph benchmark: {args.followers:,} followers, {args.following:,} following "
            f"(page size 200), sandbox on loopback in its own process\n"
        )
        print(
            f"requests made: {fetch['requests']:,} (minimum for page size 200: {minimum:,})"
            f"{'  OK' if fetch['requests'] == minimum else '  ABOVE MINIMUM'}"
        )
        print(
            f"fetch alone with the client: {fetch['seconds']:.2f} s, peak RSS {fetch['max_rss_mb']:.0f} MB\n"
        )
        rows = []
        for backend in args.backends.split(","):
            measured = []
            for kind in ("materialize", "write"):  # each on an empty database of its own
                db_url, drop = make_database(backend, work)
                try:
                    measured.append(child(kind, work, url, db_url))
                finally:
                    drop()
            rows.append((backend, *measured))
        header = (
            "backend",
            "materialize s",
            "÷ fetch",
            "re-sync s",
            "÷ fetch",
            "write s",
            "bulk insert s",
            "÷ bulk",
            "SQLAlchemy executemany s",
            "peak RSS MB",
            "requests",
        )
        table = [header]
        for backend, mat, write in rows:
            table.append(
                (
                    backend,
                    f"{mat['first_seconds']:.2f}",
                    f"{mat['first_seconds'] / fetch['seconds']:.2f}",
                    f"{mat['second_seconds']:.2f}",
                    f"{mat['second_seconds'] / fetch['seconds']:.2f}",
                    f"{write['write_seconds']:.2f}",
                    f"{write['bulk_seconds']:.2f}",
                    f"{write['write_seconds'] / write['bulk_seconds']:.2f}",
                    f"{write['core_seconds']:.2f}",
                    f"{mat['max_rss_mb']:.0f}",
                    f"{mat['requests']:,}",
                )
            )
        widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]
        for row in table:
            print("  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))
        print(
            "\nbulk insert = the driver's own bulk path for the same rows "
            "(COPY on PostgreSQL, executemany on SQLite)"
        )
        print(
            "ratios judged: materialization ÷ fetch alone (goal ≤ 1.3), "
            "write ÷ plain bulk insert (goal ≤ 1.5)"
        )
        for backend, mat, write in rows:
            print(
                f"  {backend}: materialization ÷ fetch = {mat['first_seconds'] / fetch['seconds']:.2f}, "
                f"write ÷ bulk insert = {write['write_seconds'] / write['bulk_seconds']:.2f}, "
                f"rows written {write['rows']:,}"
            )


@contextmanager
def sandbox(spec: dict[str, Any], work: Path, username: str) -> Iterator[str]:
    """The sandbox server of `spec` in its own process, and `username`'s cookies in
    `work/cookies.json`; yields the server's URL."""
    (work / "spec.json").write_text(json.dumps(spec))
    url_file = work / "sandbox.url"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ig_cli.main",
            "sandbox",
            "serve",
            "--spec",
            str(work / "spec.json"),
            "--port",
            "0",
            "--url-file",
            str(url_file),
        ],
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while not (url_file.exists() and url_file.read_text().strip()):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("sandbox server did not start")
            time.sleep(0.05)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ig_cli.main",
                "sandbox",
                "cookies",
                username,
                "--spec",
                str(work / "spec.json"),
                "-o",
                str(work / "cookies.json"),
            ],
            check=True,
            cwd=ROOT,
        )
        yield url_file.read_text().strip()
    finally:
        server.terminate()
        server.wait(timeout=10)


def child(kind: str, work: Path, url: str, db: str | None = None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--workdir", str(work), "--url", url]
    if db:
        command += ["--db", db]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "DAGSTER_HOME": ""})
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def make_database(backend: str, work: Path) -> tuple[str, Any]:
    if backend == "sqlite":
        path = work / f"bench-{uuid.uuid4().hex[:6]}.sqlite3"
        return f"sqlite:///{path}", lambda: None
    from sqlalchemy import create_engine, text

    name = f"igp_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


# -- measurements (child processes) -------------------------------------------------------------


def _session(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ig_resources.instagram.session import parse_cookie_file

    return parse_cookie_file((Path(args.workdir) / "cookies.json").read_text())


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_fetch(args: argparse.Namespace) -> dict[str, Any]:
    """The client alone: the asset's own fetch, without Dagster or the database."""
    from ig_assets.network.assets import fetch_graph
    from ig_resources.instagram import WebApiClient

    started = time.perf_counter()
    with WebApiClient(_session(args), api_base_url=args.url, web_base_url=args.url) as client:
        graph = fetch_graph(client)
        requests = sum(client.requests.values())
    seconds = time.perf_counter() - started
    assert graph.threads
    assert graph.tray
    assert graph.followers
    assert graph.following
    return {"seconds": seconds, "requests": requests, "max_rss_mb": _max_rss_mb()}


def _setup(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ig_resources.database import DatabaseResource, generate_key

    database = DatabaseResource(url=args.db, secret_key=generate_key())
    database.migrate()
    database.accounts.register(USERNAME, _session(args))
    return database


def measure_materialize(args: argparse.Namespace) -> dict[str, Any]:
    import dagster as dg

    from ig_assets.network.assets import follow_graph
    from ig_assets.network.checks import follow_graph_flags_consistent, follow_graph_unique_keys
    from ig_resources.instagram import InstagramClientResource

    database = _setup(args)
    resources = {
        "database": database,
        "instagram": InstagramClientResource(api_base_url=args.url, web_base_url=args.url, pacing=False),
    }
    timings = []
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("instagram_accounts", [USERNAME])
        for _ in range(2):
            started = time.perf_counter()
            result = dg.materialize(
                [follow_graph, follow_graph_unique_keys, follow_graph_flags_consistent],
                partition_key=USERNAME,
                instance=instance,
                resources=resources,
            )
            timings.append(time.perf_counter() - started)
            assert result.success
        meta = result.get_asset_materialization_events()[-1].materialization.metadata
    return {
        "first_seconds": timings[0],
        "second_seconds": timings[1],
        "requests": meta["requests_total"].value,
        "max_rss_mb": _max_rss_mb(),
    }


def measure_write(args: argparse.Namespace) -> dict[str, Any]:
    """The rebuild's write against an INSERT executemany of the same rows, same driver, same table."""
    from datetime import UTC, datetime

    from sqlalchemy import insert, text
    from sqlalchemy.orm import Session

    from ig_assets.network.assets import fetch_graph
    from ig_assets.network.rules import plan_rebuild
    from ig_resources.database.graph import PROFILE_INSERT_COLUMNS, profile_insert_rows
    from ig_resources.database.models import InstagramProfile
    from ig_resources.database.upsert import bulk_insert
    from ig_resources.instagram import WebApiClient

    database = _setup(args)
    account = database.accounts.get(USERNAME)
    with WebApiClient(_session(args), api_base_url=args.url, web_base_url=args.url) as client:
        graph = fetch_graph(client)
    baseline, stored = database.graph.follow_state(account.id)
    write, _ = plan_rebuild(graph, stored, baseline=baseline, now=datetime.now(UTC))
    run = database.runs.open(account.id, "follow_graph", None)
    started = time.perf_counter()
    database.graph.apply_follow_graph(account.id, run, write, expected_version=baseline, stats={})
    write_seconds = time.perf_counter() - started

    rows = list(profile_insert_rows(account.id, run, write.profiles, datetime.now(UTC)))
    table = InstagramProfile.__table__

    def empty() -> None:
        with database.engine.begin() as c:
            for name in ("instagram_profile_events", "conversation_peers", "instagram_profiles"):
                c.execute(text(f"DELETE FROM {name}"))

    # Baseline: the driver's own bulk path (COPY / executemany), one transaction, nothing else.
    empty()
    started = time.perf_counter()
    with Session(database.engine) as session, session.begin():
        bulk_insert(session, table, PROFILE_INSERT_COLUMNS, rows)
    bulk_seconds = time.perf_counter() - started
    # For context: the same rows as SQLAlchemy Core executemany (per-value Python processing).
    empty()
    started = time.perf_counter()
    with database.engine.begin() as c:
        c.execute(insert(table), [dict(zip(PROFILE_INSERT_COLUMNS, row, strict=True)) for row in rows])
    core_seconds = time.perf_counter() - started
    return {
        "write_seconds": write_seconds,
        "bulk_seconds": bulk_seconds,
        "core_seconds": core_seconds,
        "rows": len(rows),
    }


CHILDREN = {"fetch": measure_fetch, "materialize": measure_materialize, "write": measure_write}

if __name__ == "__main__":
    main()
