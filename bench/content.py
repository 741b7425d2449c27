"""Benchmark: content at the size of issue 5: 2,000 profiles × 50 posts × 20 comments.

Prints, each from a child process of its own (peak memory = its max RSS):

- scan: `profile_posts` over a 2,000-profile network served by the sandbox (own process, pacing off),
  a first scan then an unchanged re-run: requests per re-scanned profile (goal 1);
- writes: the store's post and comment writes (`apply_post_scan`, `apply_comment_scan`: upserts
  with their bookkeeping) against a plain bulk INSERT of the same rows into an empty database, on
  SQLite and PostgreSQL: rows per second and the ratio (goal ≤ 1.5);
- languages: `caption_languages` over sandbox captions against lingua called directly on the same
  captions (goal ≤ 1.2).

    .venv/bin/python bench/content.py [--profiles 2000] [--posts 50] [--comments 20] [--captions 20000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from follow_graph import ROOT, _max_rss_mb, make_database, sandbox  # bench/ is the script's own folder

sys.path.insert(0, str(ROOT))
USERNAME = "bench_account"
SPEC_SEED = 2029


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profiles", type=int, default=2_000)
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--comments", type=int, default=20)
    parser.add_argument("--captions", type=int, default=20_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        children = {"scan": measure_scan, "writes": measure_writes, "languages": measure_languages}
        print(json.dumps(children[args.child](args)))
        return
    orchestrate(args)


def orchestrate(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="ig-bench-content-"))
    print(
        f"\ncontent benchmark: {args.profiles:,} profiles × {args.posts} posts × {args.comments} comments\n"
    )

    scan = _with_sandbox(args, work)
    print(
        f"scan (SQLite, sandbox on loopback, pacing off): first scan {scan['first_posts']:,} posts of "
        f"{scan['first_scanned']:,} profiles in {scan['first_seconds']:.1f} s "
        f"({scan['first_requests']:,} requests); "
        f"unchanged re-run {scan['again_scanned']:,} profiles, {scan['again_requests']:,} requests = "
        f"{scan['again_requests_per_profile']:.2f} requests/profile (goal 1), {scan['again_new']} new; "
        f"peak RSS {scan['max_rss_mb']:.0f} MB\n"
    )

    table = [
        (
            "backend",
            "rows",
            "store s",
            "store rows/s",
            "bulk INSERT s",
            "bulk rows/s",
            "store ÷ bulk",
            "peak RSS MB",
        )
    ]
    for backend in args.backends.split(","):
        runs = {}
        for baseline in (False, True):
            db_url, drop = make_database(backend, work)
            try:
                runs[baseline] = child(args, "writes", work, db=db_url, baseline=baseline)
            finally:
                drop()
        store, bulk = runs[False], runs[True]
        table.append(
            (
                backend,
                f"{store['rows']:,}",
                f"{store['seconds']:.1f}",
                f"{store['rows'] / store['seconds']:,.0f}",
                f"{bulk['seconds']:.1f}",
                f"{bulk['rows'] / bulk['seconds']:,.0f}",
                f"{store['seconds'] / bulk['seconds']:.2f}",
                f"{max(store['max_rss_mb'], bulk['max_rss_mb']):.0f}",
            )
        )
    _print_table(table)

    lang = child(args, "languages", work)
    n = lang["captions"]
    print(f"\nlanguages ({n:,} sandbox captions, lingua with all its languages):")
    for mode in ("high", "low"):
        m = lang[mode]
        print(
            f"  {mode} accuracy: caption_languages {m['ours_seconds']:.2f} s "
            f"({n / m['ours_seconds']:,.0f}/s), "
            f"lingua directly {m['lingua_seconds']:.2f} s ({n / m['lingua_seconds']:,.0f}/s): ratio "
            f"{m['ours_seconds'] / m['lingua_seconds']:.2f} (goal ≤ 1.2); same answer where both give one "
            f"{m['agreement']:.1%}; peak RSS {m['max_rss_mb']:.0f} MB"
        )
    print(f"  low and high accuracy agree on {lang['low_vs_high']:.1%} of the captions")
    print(
        "\njudged: requests per unchanged profile (goal 1), store ÷ bulk INSERT time (goal ≤ 1.5), "
        "caption_languages ÷ lingua time (goal ≤ 1.2)"
    )


def _print_table(table: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(r[i])) for r in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))


def _with_sandbox(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    # network = followers + following - mutuals; mutuals are 30 % of following
    followers = round(args.profiles * 0.8)
    following = round((args.profiles - followers) / 0.7) + 80
    spec = {
        "seed": SPEC_SEED,
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
        db_url, drop = make_database("sqlite", work)
        try:
            return child(args, "scan", work, url=url, db=db_url)
        finally:
            drop()


def child(
    args: argparse.Namespace,
    kind: str,
    work: Path,
    *,
    url: str | None = None,
    db: str | None = None,
    baseline: bool = False,
) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--workdir",
        str(work),
        "--profiles",
        str(args.profiles),
        "--posts",
        str(args.posts),
        "--comments",
        str(args.comments),
        "--captions",
        str(args.captions),
    ]
    command += ["--url", url] if url else []
    command += ["--db", db] if db else []
    command += ["--baseline"] if baseline else []
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


# -- children ---------------------------------------------------------------------------------------


def measure_scan(args: argparse.Namespace) -> dict[str, Any]:
    """follow_graph, then profile_posts twice over the whole network (first scans up to the pages that
    hold `--posts` posts), through `materialize` as the schedule runs them."""
    import dagster as dg

    from ig_assets.content.assets import profile_posts
    from ig_assets.network.assets import follow_graph
    from ig_resources.database import DatabaseResource, generate_key
    from ig_resources.instagram import InstagramClientResource
    from ig_resources.instagram.apify import ApifyInstagramClient
    from ig_resources.instagram.session import parse_cookie_file

    database = DatabaseResource(url=args.db, secret_key=generate_key())
    database.migrate()
    database.accounts.register(USERNAME, parse_cookie_file((Path(args.workdir) / "cookies.json").read_text()))
    resources = {
        "database": database,
        "apify": ApifyInstagramClient(),
        "instagram": InstagramClientResource(api_base_url=args.url, web_base_url=args.url, pacing=False),
    }
    pages = -(-args.posts // 12)
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("instagram_accounts", [USERNAME])

        def run(asset: dg.AssetsDefinition, config: dict[str, Any] | None = None) -> dict[str, Any]:
            result = dg.materialize(
                [asset],
                partition_key=USERNAME,
                instance=instance,
                resources=resources,
                run_config={"ops": {asset.op.name: {"config": config}}} if config else None,
            )
            (event,) = result.get_asset_materialization_events()
            return {k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()}

        run(follow_graph)
        config = {"batch_size": args.profiles + 1_000, "first_scan_pages": pages}
        started = time.perf_counter()
        first = run(profile_posts, config)
        first_seconds = time.perf_counter() - started
        again = run(profile_posts, config)
    return {
        "first_scanned": first["scanned"],
        "first_posts": first["posts_new"],
        "first_seconds": first_seconds,
        "first_requests": first["requests_total"],
        "again_scanned": again["scanned"],
        "again_new": again["posts_new"],
        "again_requests": again["requests_total"],
        "again_requests_per_profile": again["requests_per_scanned_profile"],
        "max_rss_mb": _max_rss_mb(),
    }


def measure_writes(args: argparse.Namespace) -> dict[str, Any]:
    """Posts, then comments, written in the chunks the assets write them: through the store, or (the
    baseline) as a plain executemany INSERT of the same rows."""
    from dataclasses import asdict

    from sqlalchemy import insert, select

    from ig_resources.database import DatabaseResource
    from ig_resources.database.models import (
        InstagramAccount,
        InstagramProfile,
        InstagramProfilePost,
        InstagramProfilePostComment,
    )
    from ig_resources.records import CommentScanWrite, CommentWrite, PostScanWrite, PostWrite

    database = DatabaseResource(url=args.db)
    database.migrate()
    with database.session() as s:
        account = InstagramAccount(username=USERNAME)
        s.add(account)
        s.flush()
        account_id = account.id
        s.execute(
            insert(InstagramProfile),
            [
                {
                    "instagram_account_id": account_id,
                    "ig_user_id": str(10**9 + i),
                    "username": f"person{i}",
                    "following": True,
                    "follows_you": True,
                }
                for i in range(args.profiles)
            ],
        )
        profile_ids = list(s.scalars(select(InstagramProfile.id).order_by(InstagramProfile.id)))
    now = datetime.now(UTC)

    def posts_of(pid: int) -> list[PostWrite]:
        return [
            PostWrite(
                shortcode=f"C{pid:06d}{k:04d}",
                media_pk=str(3 * 10**18 + pid * 10**4 + k),
                media_type=1,
                product_type="feed",
                permalink=f"https://www.instagram.com/p/C{pid:06d}{k:04d}/",
                source_media_url=f"https://scontent.cdninstagram.com/v/t51/{pid}_{k}_n.jpg?oh=ab&oe=CD",
                media_url_fingerprint=f"{pid:032x}{k:032x}",
                caption=f"a day by the sea #{k} with friends",
                caption_lang="en",
                likes_count=k * 7,
                comments_count=args.comments,
                play_count=None,
                taken_at=now - timedelta(days=k),
                metadata={"instagram": {"code": f"C{pid:06d}{k:04d}", "pk": k}},
            )
            for k in range(args.posts)
        ]

    def comments_of(post_id: int) -> list[CommentWrite]:
        return [
            CommentWrite(
                comment_pk=str(18 * 10**15 + post_id * 100 + j),
                body="so lovely, where is this?",
                author_username=f"fan{j}",
                author_ig_user_id=str(5 * 10**9 + j),
                commented_at=now - timedelta(hours=j),
                like_count=j,
            )
            for j in range(args.comments)
        ]

    post_chunk, seconds, rows = 200, 0.0, 0
    for start in range(0, len(profile_ids), post_chunk):
        chunk = profile_ids[start : start + post_chunk]
        write = PostScanWrite(
            posts={pid: posts_of(pid) for pid in chunk}, outcomes=dict.fromkeys(chunk, "ok"), scanned_at=now
        )
        began = time.perf_counter()
        if args.baseline:
            with database.session() as s:
                s.execute(
                    insert(InstagramProfilePost),
                    [
                        {
                            **asdict(p),
                            "instagram_account_id": account_id,
                            "instagram_profile_id": pid,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for pid, posts in write.posts.items()
                        for p in posts
                    ],
                )
        else:
            database.content.apply_post_scan(account_id, write)
        seconds += time.perf_counter() - began
        rows += sum(len(p) for p in write.posts.values())
    with database.session() as s:
        post_ids = list(s.scalars(select(InstagramProfilePost.id).order_by(InstagramProfilePost.id)))
    comment_chunk = 2_000  # posts per comments run
    for start in range(0, len(post_ids), comment_chunk):
        chunk = post_ids[start : start + comment_chunk]
        cwrite = CommentScanWrite(
            comments={pid: comments_of(pid) for pid in chunk},
            searched=dict.fromkeys(chunk, args.comments),
            scanned_at=now,
        )
        began = time.perf_counter()
        if args.baseline:
            with database.session() as s:
                s.execute(
                    insert(InstagramProfilePostComment),
                    [
                        {
                            "instagram_account_id": account_id,
                            "instagram_profile_post_id": pid,
                            **asdict(c),
                            "created_at": now,
                        }
                        for pid, comments in cwrite.comments.items()
                        for c in comments
                    ],
                )
        else:
            database.content.apply_comment_scan(account_id, cwrite)
        seconds += time.perf_counter() - began
        rows += sum(len(c) for c in cwrite.comments.values())
    return {"rows": rows, "seconds": seconds, "max_rss_mb": _max_rss_mb()}


def measure_languages(args: argparse.Namespace) -> dict[str, Any]:
    """Sandbox captions (several languages and scripts, with hashtags and emoji) through
    `caption_languages`, and the same captions straight into lingua's batch call."""
    from ig_resources.languages import caption_languages, detector
    from ig_sandbox.instagram import AccountSpec, NetworkSpec, SandboxNetwork

    network = SandboxNetwork(
        NetworkSpec(seed=SPEC_SEED, accounts=[AccountSpec(username=USERNAME, followers=10, following=10)])
    )
    captions: list[str] = []
    person = 0
    while len(captions) < args.captions:
        captions += [(p.get("caption") or {}).get("text") or "" for p in network._posts(person, range(50))]
        person += 1
    captions = captions[: args.captions]
    result: dict[str, Any] = {"captions": len(captions)}
    for mode, low in (("low", True), ("high", False)):  # low first: the peak RSS after it is its own
        lingua = detector(low)
        caption_languages(captions[:500], low_accuracy=low)  # both load their models before timing
        lingua.detect_languages_in_parallel_of(captions[:500])
        began = time.perf_counter()
        ours = caption_languages(captions, low_accuracy=low)
        ours_seconds = time.perf_counter() - began
        began = time.perf_counter()
        direct = lingua.detect_languages_in_parallel_of(captions)
        lingua_seconds = time.perf_counter() - began
        both = [(a, b.iso_code_639_1.name.lower()) for a, b in zip(ours, direct, strict=True) if a and b]
        result[mode] = {
            "ours_seconds": ours_seconds,
            "lingua_seconds": lingua_seconds,
            "max_rss_mb": _max_rss_mb(),
            "agreement": sum(a == b for a, b in both) / max(1, len(both)),
            "languages": ours,
        }
    low, high = result["low"].pop("languages"), result["high"].pop("languages")
    result["low_vs_high"] = sum(a == b for a, b in zip(low, high, strict=True)) / len(captions)
    return result


if __name__ == "__main__":
    main()
