"""Benchmark: `post_insights` over 1,000 posts (issue 7).

Prints:

- overhead: `post_insights` through the local OpenAI-compatible stand-in (the real `openai` client,
  cache lookups, accounting, projections, batched writes) against the same SDK call made directly
  for the same posts, per analysis (goal ≤ 1.2), at the stand-in's `--latency` values (0 ms is the
  worst case for the ratio: nothing but overhead; a local model answers in tens of milliseconds);
- re-run: calls made when nothing changed (goal 0);
- heuristic: the offline provider's throughput through the asset and called directly.

The asset's time is its step's own time from the run's event log (what a run spends analysing, not
Dagster's run start-up).

    .venv/bin/python bench/insights.py [--posts 1000] [--latency 0,0.02]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
USERNAME = "bench_account"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=1_000)
    parser.add_argument("--latency", default="0,0.02", help="stand-in seconds per answer, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="repetitions per latency (medians are printed)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ig-bench-insights-"))
    print(f"\ninsights benchmark: {args.posts:,} posts, medians of {args.rounds} rounds\n")

    table = [
        (
            "stand-in latency",
            "direct SDK s",
            "post_insights s",
            "per analysis ms (direct / asset)",
            "asset ÷ direct",
            "re-run calls",
            "re-run s",
        )
    ]
    for latency in (float(x) for x in args.latency.split(",")):
        r = measure_openai(work, args.posts, latency, args.rounds)
        table.append(
            (
                f"{latency * 1000:.0f} ms",
                f"{r['direct']:.2f}",
                f"{r['asset']:.2f}",
                f"{r['direct'] / r['n'] * 1000:.2f} / {r['asset'] / r['n'] * 1000:.2f}",
                f"{r['asset'] / r['direct']:.3f}",
                str(r["again_calls"]),
                f"{r['again']:.2f}",
            )
        )
    _print_table(table)
    h = measure_heuristic(work, args.posts)
    print(
        f"\nheuristic provider: {h['n']:,} posts, called directly {h['direct']:.2f} s = "
        f"{h['n'] / h['direct']:,.0f} "
        f"posts/s; through post_insights {h['asset']:.2f} s = {h['n'] / h['asset']:,.0f} posts/s "
        f"(ratio {h['asset'] / h['direct']:.2f})"
    )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB\n")


def _print_table(table: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))


def make_world(work: Path, posts: int) -> tuple[Any, Any]:
    """A SQLite database with one account, 100 profiles and `posts` posts with sandbox captions (several
    languages, hashtags, emoji) and three comments each, and the account's Dagster partition."""
    import uuid

    import dagster as dg
    from sqlalchemy import insert, select

    from ig_resources.database import DatabaseResource
    from ig_resources.database.models import (
        InstagramAccount,
        InstagramProfile,
        InstagramProfilePost,
        InstagramProfilePostComment,
    )
    from ig_sandbox.instagram._words import CAPTIONS, COMMENTS, EMOJI

    database = DatabaseResource(url=f"sqlite:///{work / f'insights-{uuid.uuid4().hex[:6]}.sqlite3'}")
    database.migrate()
    languages = sorted(CAPTIONS)
    now = datetime.now(UTC)
    with database.session() as s:
        account = InstagramAccount(username=USERNAME)
        s.add(account)
        s.flush()
        s.execute(
            insert(InstagramProfile),
            [
                {
                    "instagram_account_id": account.id,
                    "ig_user_id": str(10**9 + i),
                    "username": f"person{i}",
                    "follower_count": 500 + 37 * i,
                    "following": True,
                    "follows_you": i % 2 == 0,
                }
                for i in range(100)
            ],
        )
        profiles = list(s.scalars(select(InstagramProfile.id).order_by(InstagramProfile.id)))
        rows = []
        for k in range(posts):
            lang = languages[k % len(languages)]
            caption = f"{CAPTIONS[lang][k % len(CAPTIONS[lang])]} {EMOJI[k % len(EMOJI)]} #day{k % 40}"
            rows.append(
                {
                    "instagram_account_id": account.id,
                    "instagram_profile_id": profiles[k % len(profiles)],
                    "shortcode": f"B{k:07d}",
                    "media_type": 1 if k % 5 else 2,
                    "caption": caption,
                    "caption_lang": lang,
                    "likes_count": 20 + k % 300,
                    "comments_count": 3,
                    "taken_at": now - timedelta(hours=k),
                }
            )
        s.execute(insert(InstagramProfilePost), rows)
        post_ids = list(s.scalars(select(InstagramProfilePost.id)))
        s.execute(
            insert(InstagramProfilePostComment),
            [
                {
                    "instagram_account_id": account.id,
                    "instagram_profile_post_id": pid,
                    "comment_pk": f"{pid}-{j}",
                    "body": COMMENTS[(pid + j) % len(COMMENTS)],
                    "author_username": f"fan{j}",
                    "commented_at": now - timedelta(minutes=j),
                }
                for pid in post_ids
                for j in range(3)
            ],
        )
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("instagram_accounts", [USERNAME])
    return database, instance


def materialize(database: Any, instance: Any, work: Path, ai: Any) -> tuple[float, dict[str, Any]]:
    """`post_insights` once; the step's own seconds and its metadata."""
    import dagster as dg

    from ig_assets.insights.assets import post_insights
    from ig_resources.media import MediaStore

    result = dg.materialize(
        [post_insights],
        partition_key=USERNAME,
        instance=instance,
        resources={"database": database, "media": MediaStore(root=str(work / "media")), "ai": ai},
        run_config={"ops": {"post_insights": {"config": {"batch_size": 100_000}}}},
    )
    assert result.success
    events = {
        e.dagster_event_type.value: e.timestamp
        for e in instance.all_logs(result.run_id)
        if e.dagster_event_type is not None and e.dagster_event_type.value in ("STEP_START", "STEP_SUCCESS")
    }
    (event,) = result.get_asset_materialization_events()
    return events["STEP_SUCCESS"] - events["STEP_START"], {
        k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()
    }


def tasks_of(database: Any, work: Path) -> list[Any]:
    from ig_assets.insights.tasks import post_task
    from ig_resources.media import MediaStore

    media = MediaStore(root=str(work / "media"))
    account = database.accounts.get(USERNAME)
    tasks = (post_task(p, media.path_of) for p in database.insights.posts_for_insights(account.id))
    return [t for t in tasks if t is not None]


@contextmanager
def standin(latency: float) -> Iterator[str]:
    """The OpenAI-compatible stand-in in its own process (as a real server would be: its work does not
    compete with the pipeline's for this interpreter); yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ig_sandbox.openai", "--port", "0", "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def chat_requests(url: str) -> int:
    import httpx

    return int(httpx.get(url.removesuffix("/v1") + "/__standin__/stats").json()["chat_requests"])


def measure_openai(work: Path, posts: int, latency: float, rounds: int) -> dict[str, Any]:
    """`rounds` times, each on new posts: the direct loop, then the asset; the median of each (a shared
    machine's noise is ±15 % on a single round)."""
    import openai

    import ig_resources.ai.heuristic  # noqa: F401  (a run's one-time imports, not per-analysis work)
    from ig_resources.ai import AIResource
    from ig_resources.ai.openai_provider import OpenAIProvider, _response_format

    directs, assets = [], []
    with standin(latency) as url:
        client = openai.OpenAI(api_key="bench", base_url=url, max_retries=0)
        messages = OpenAIProvider(model="standin-1", api_key="bench", base_url=url).messages
        ai = AIResource(base_url=url, api_key="bench", model="standin-1")
        for _ in range(rounds):
            database, instance = make_world(work, posts)
            tasks = tasks_of(database, work)
            started = time.perf_counter()
            for task in tasks:  # the request the provider makes, read and validated, nothing around it
                model = task.purpose.output_model
                completion = client.chat.completions.create(
                    model="standin-1",
                    messages=messages(task),
                    response_format=_response_format(model),
                    max_tokens=1024,
                )
                model.model_validate_json(completion.choices[0].message.content or "")
            directs.append(time.perf_counter() - started)
            seconds, meta = materialize(database, instance, work, ai)
            assert meta["ai.calls"] == meta["analysed"] == len(tasks), meta
            assets.append(seconds)
        before = chat_requests(url)
        again, again_meta = materialize(database, instance, work, ai)
        assert chat_requests(url) == before + again_meta["ai.calls"]
    return {
        "n": len(tasks),
        "direct": statistics.median(directs),
        "asset": statistics.median(assets),
        "again": again,
        "again_calls": again_meta["ai.calls"],
    }


def measure_heuristic(work: Path, posts: int) -> dict[str, Any]:
    from ig_resources.ai import AIResource
    from ig_resources.ai.heuristic import HeuristicProvider

    database, instance = make_world(work, posts)
    tasks = tasks_of(database, work)
    provider = HeuristicProvider()
    provider.analyze(tasks[0])  # data loaded once, as in a run
    started = time.perf_counter()
    for task in tasks:
        provider.analyze(task)
    direct = time.perf_counter() - started
    asset, meta = materialize(database, instance, work, AIResource())
    assert meta["ai.provider"] == "heuristic", meta
    assert meta["analysed"] == len(tasks), meta
    return {"n": len(tasks), "direct": direct, "asset": asset}


if __name__ == "__main__":
    main()
