"""Benchmark: refresh 5,000 profiles of one account against the sandbox, pacing disabled.

Prints requests per profile (goal 1), profiles per second of the whole `profile_details`
materialization against the client's raw fetch of the same profiles (judged: fetch rate ÷
materialization rate, goal ≤ 1.3), and peak memory (max RSS of the measuring process). The sandbox
runs in its own process; each measurement in a child process of its own, on SQLite and PostgreSQL.

    .venv/bin/python bench/profiles.py [--profiles N] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from follow_graph import ROOT, _max_rss_mb, make_database, sandbox  # bench/ is the script's own folder

sys.path.insert(0, str(ROOT))
USERNAME = "bench_account"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profiles", type=int, default=5_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps({"fetch": measure_fetch, "materialize": measure_materialize}[args.child](args)))
        return
    orchestrate(args)


def orchestrate(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="ig-bench-profiles-"))
    # network = followers + following - mutuals, and mutuals are 30 % of following (the sandbox's layout
    # rounds a little, hence the small margin)
    followers = round(args.profiles * 0.8)
    following = round((args.profiles - followers) / 0.7) + 80
    spec = {
        "seed": 2027,
        "accounts": [
            {
                "username": USERNAME,
                "followers": followers,
                "following": following,
                "mutual_fraction": 0.3,
                "inbox_threads": 10,
                "tray_reels": 5,
            }
        ],
    }
    with sandbox(spec, work, USERNAME) as url:
        fetch = child("fetch", work, url)
        print(
            f"\nprofile refresh benchmark: {fetch['profiles']:,} profiles of one account, pacing off, "
            "sandbox on loopback in its own process\n"
        )
        print(
            f"raw client fetch: {fetch['seconds']:.2f} s = {fetch['rate']:.0f} profiles/s, "
            f"{fetch['requests'] / fetch['profiles']:.2f} requests/profile, "
            f"peak RSS {fetch['max_rss_mb']:.0f} MB\n"
        )
        table = [
            (
                "backend",
                "profiles",
                "requests/profile",
                "materialize s",
                "profiles/s",
                "fetch rate ÷ this",
                "avatars s",
                "avatars stored",
                "peak RSS MB",
            )
        ]
        for backend in args.backends.split(","):
            db_url, drop = make_database(backend, work)
            try:
                m = child("materialize", work, url, db_url)
            finally:
                drop()
            table.append(
                (
                    backend,
                    f"{m['refreshed']:,}",
                    f"{m['requests_per_profile']:.2f}",
                    f"{m['seconds']:.2f}",
                    f"{m['rate']:.0f}",
                    f"{fetch['rate'] / m['rate']:.2f}",
                    f"{m['avatar_seconds']:.2f}",
                    f"{m['avatars']:,}",
                    f"{m['max_rss_mb']:.0f}",
                )
            )
        widths = [max(len(str(r[i])) for r in table) for i in range(len(table[0]))]
        for row in table:
            print("  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))
        print("\njudged: requests/profile (goal 1) and raw fetch rate ÷ materialization rate (goal ≤ 1.3)")


def child(kind: str, work: Path, url: str, db: str | None = None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--workdir", str(work), "--url", url]
    if db:
        command += ["--db", db]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DAGSTER_HOME": "", "IG_STATE_DIR": str(work)},
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _session(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ig_resources.instagram.session import parse_cookie_file

    return parse_cookie_file((Path(args.workdir) / "cookies.json").read_text())


def _network(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(username, pk) of every profile in the account's network, from its follow lists."""
    from ig_assets.network.rules import collect_users
    from ig_resources.instagram import WebApiClient

    with WebApiClient(_session(args), api_base_url=args.url, web_base_url=args.url) as client:
        me = client.current_user()
        followers = collect_users(client.iter_followers(me.ig_user_id))
        users = {**followers, **collect_users(client.iter_following(me.ig_user_id))}
    return [(u.username, ig_user_id) for ig_user_id, u in users.items()]


def measure_fetch(args: argparse.Namespace) -> dict[str, Any]:
    """The client alone: one `profile_details` call per profile, nothing stored."""
    from ig_resources.instagram import WebApiClient

    people = _network(args)
    started = time.perf_counter()
    with WebApiClient(_session(args), api_base_url=args.url, web_base_url=args.url) as client:
        for username, pk in people:
            client.profile_details(username, pk)
        requests = sum(client.requests.values())
    seconds = time.perf_counter() - started
    return {
        "profiles": len(people),
        "seconds": seconds,
        "rate": len(people) / seconds,
        "requests": requests,
        "max_rss_mb": _max_rss_mb(),
    }


def measure_materialize(args: argparse.Namespace) -> dict[str, Any]:
    import dagster as dg

    from ig_assets.network.assets import follow_graph
    from ig_assets.network.profiles import avatars, profile_details
    from ig_resources.database import DatabaseResource, generate_key
    from ig_resources.instagram import InstagramClientResource
    from ig_resources.instagram.apify import ApifyInstagramClient
    from ig_resources.media import DEFAULT_TRUSTED_HOSTS, MediaStore

    database = DatabaseResource(url=args.db, secret_key=generate_key())
    database.migrate()
    database.accounts.register(USERNAME, _session(args))
    resources = {
        "database": database,
        "instagram": InstagramClientResource(api_base_url=args.url, web_base_url=args.url, pacing=False),
        "media": MediaStore(
            root=str(Path(args.workdir) / f"media-{time.time_ns()}"),
            trusted_hosts=[*DEFAULT_TRUSTED_HOSTS, "127.0.0.1"],
        ),
        "apify": ApifyInstagramClient(),
    }
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("instagram_accounts", [USERNAME])
        assert dg.materialize(
            [follow_graph], partition_key=USERNAME, instance=instance, resources=resources
        ).success
        timings = {}
        for asset, config in ((profile_details, {"batch_size": 100_000}), (avatars, {"batch_size": 100_000})):
            started = time.perf_counter()
            result = dg.materialize(
                [asset],
                partition_key=USERNAME,
                instance=instance,
                resources=resources,
                run_config={"ops": {asset.op.name: {"config": config}}},
            )
            timings[asset.op.name] = time.perf_counter() - started
            assert result.success
            meta = {
                k: getattr(v, "value", v)
                for k, v in result.get_asset_materialization_events()[0].materialization.metadata.items()
            }
            timings[f"{asset.op.name}_meta"] = meta
    details, stored = timings["profile_details_meta"], timings["avatars_meta"]
    return {
        "refreshed": details["refreshed"],
        "requests_per_profile": details["requests_per_profile"],
        "seconds": timings["profile_details"],
        "rate": details["refreshed"] / timings["profile_details"],
        "avatar_seconds": timings["avatars"],
        "avatars": stored["stored"],
        "max_rss_mb": _max_rss_mb(),
    }


if __name__ == "__main__":
    main()
