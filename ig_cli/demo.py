"""`ig-pipeline demo` and `ig-pipeline ui`: the embedded default, end to end, on one machine.

The demo keeps everything under the state folder (`IG_STATE_DIR`, default `./.ig-pipeline`): the
SQLite app database, the Dagster home of its runs, the Fernet key (mode 0600), and the sandbox
network's state, so `ig-pipeline ui` later shows the same runs, and each further demo run advances
the sandbox network one generation to show what changed. Its runs are launched in the `ig_pipeline`
code location (`ig_cli.launch`), so the UI shows them as it shows the runs it launched itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ig_resources.database import generate_key, state_dir

from .common import add_account, format_table, user_errors

if TYPE_CHECKING:
    from .launch import Launcher, Outcome

PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: profiles refreshed per account per demo run (the schedule's batches walk the rest over time)
DEMO_PROFILE_BATCH = 300
#: profiles whose posts are read per account per demo run
DEMO_POSTS_BATCH = 60
#: analyses per AI asset per demo run: every post and profile the demo read
DEMO_INSIGHTS_BATCH = 5_000
#: most-followed profiles whose counts the sandbox moves before a second refresh (the follower-history chart)
DEMO_HISTORY_PROFILES = 6
#: the account `ig-pipeline demo --faults` lets the sandbox throttle
FAULTY_ACCOUNT = "demo_medium"
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
            "IG_TRUSTED_MEDIA_HOSTS": "127.0.0.1",  # the sandbox's picture CDN
        }


def _ig_pipeline(*args: str) -> list[str]:
    return [sys.executable, "-m", "ig_cli.main", *args]


@contextmanager
def running_sandbox(paths: DemoPaths) -> Iterator[str]:
    """The sandbox server in a child process on a free loopback port; yields its base URL."""
    paths.sandbox_url.unlink(missing_ok=True)
    process = subprocess.Popen(
        _ig_pipeline(
            "sandbox",
            "serve",
            "--demo",
            "--port",
            "0",
            "--state-file",
            str(paths.sandbox_state),
            "--url-file",
            str(paths.sandbox_url),
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
@click.option(
    "--faults",
    is_flag=True,
    help=f"Let the sandbox throttle '{FAULTY_ACCOUNT}' (HTTP 429 on every request): it is marked and "
    "cools down, the other accounts complete.",
)
@user_errors
def demo(fresh: bool, faults: bool) -> None:
    """Sync the follow graph of three sandbox accounts, refresh a batch of their profiles and avatars,
    read their network's posts, comments and post media, discover accounts around them and compute
    their metrics; then let the new-stories sensor run the stories jobs (the sandbox posts a story
    between two ticks), find the people in stories and posts, and analyse posts and profiles (the
    offline heuristic provider, or the OpenAI-compatible server at OPENAI_BASE_URL), all as real
    Dagster runs; print a summary."""
    paths = DemoPaths(state_dir())
    if fresh and paths.root.exists():
        import shutil

        shutil.rmtree(paths.root)
    paths.prepare()
    progress = json.loads(paths.progress.read_text()) if paths.progress.exists() else {"generation": 0}

    with running_sandbox(paths) as url:
        os.environ.update(paths.environment(url))
        from ig_sandbox.instagram import DEMO_SPEC, SandboxNetwork

        network = SandboxNetwork.open(DEMO_SPEC, paths.sandbox_state)  # the server wrote it at start
        usernames = [a.username for a in DEMO_SPEC.accounts]
        for username in usernames:
            if progress["generation"]:  # the network moves on between demo runs
                _admin(
                    url,
                    "mutate",
                    {"op": "advance", "account": username, "generation": progress["generation"]},
                )
            click.echo(add_account(username, network.cookie_file(username)))
        _reset_throttling(usernames)
        if faults:
            _admin(url, "faults", {"kind": "rate_limit_429", "endpoint": "*", "account": FAULTY_ACCOUNT})
            click.echo(f"sandbox: every request of {FAULTY_ACCOUNT} now answers HTTP 429")
        rows, failed = _materialize_all(usernames, url)
    progress["generation"] += 1
    paths.progress.write_text(json.dumps(progress))

    click.echo("")
    click.echo(_summary_table(rows))
    click.echo("")
    click.echo(_profiles_table(rows))
    click.echo("")
    click.echo(_content_table(rows))
    click.echo("")
    click.echo(_stories_table(rows))
    click.echo("")
    click.echo(_people_table(rows))
    click.echo("")
    click.echo(_insights_table(rows))
    click.echo("")
    click.echo(_insight_examples(rows))
    media = Path(os.environ.get("IG_MEDIA_ROOT") or paths.root / "media")
    sheets = sorted((media / "contact-sheets").glob("*.*"))
    click.echo(
        f"\nAvatars: {sum(1 for p in media.rglob('*.png'))} stored in {media}; contact sheets: "
        + (", ".join(str(p) for p in sheets) or "none")
    )
    if faults or failed:
        click.echo("")
        click.echo(_accounts_table(usernames))
    click.echo("")
    click.echo(
        f"Dagster home: {paths.dagster_home}   app database: "
        f"{os.environ.get('IG_DATABASE_URL') or paths.root / 'ig_pipeline.sqlite3'}"
    )
    click.echo(
        "See the runs, partitions, metadata (a posts preview with languages, discovered accounts by source, "
        "top profiles and the follower-history chart of account_metrics, the people contact sheet of "
        "story_people), the new_stories_sensor's ticks and checks in the UI: make ui"
    )
    unexpected = [name for name in failed if not (faults and name == FAULTY_ACCOUNT)]
    if unexpected:
        raise click.ClickException(f"runs failed for: {', '.join(unexpected)}")


def _reset_throttling(usernames: list[str]) -> None:
    """A new sandbox process has no faults: a cool-down left by an earlier `--faults` demo is over."""
    from .common import database_from_env

    db = database_from_env()
    for username in usernames:
        db.accounts.clear_cooldown(db.accounts.get(username).id)


def _accounts_table(usernames: list[str]) -> str:
    from datetime import UTC, datetime

    from .common import database_from_env

    now = datetime.now(UTC)
    table: list[tuple[Any, ...]] = [("ACCOUNT", "LOGIN", "COOLING DOWN UNTIL", "REASON")]
    for a in database_from_env().accounts.all():
        if a.username in usernames:
            cooling = a.cooldown_until is not None and a.cooldown_until > now
            until = f"{a.cooldown_until:%Y-%m-%d %H:%M} UTC" if cooling and a.cooldown_until else "-"
            table.append(
                (a.username, a.login_state, until, ((a.cooldown_reason if cooling else None) or "-")[:90])
            )
    return format_table(table)


def _admin(url: str, action: str, payload: dict[str, Any]) -> None:
    import httpx

    response = httpx.post(f"{url}/__sandbox__/{action}", json=payload, timeout=60)
    if response.status_code != 200:
        raise click.ClickException(f"sandbox {action} failed: {response.text[:200]}")


def _materialize_all(usernames: list[str], sandbox_url: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Add the partitions as the sensor decides, then per account real runs in the demo instance,
    launched in the `ig_pipeline` code location as the UI or a daemon launches them: the follow
    graph, a profile refresh, a second refresh of the most-followed profiles after the sandbox moved
    their follower counts (so the follower history has two points), and the content job."""
    import dagster as dg

    from definitions import defs
    from sensors import apply_partition_requests

    from .launch import code_location

    instance = dg.DagsterInstance.get()
    database = defs.resources["database"]
    sensor = defs.resolve_sensor_def("account_partitions_sensor")
    with dg.build_sensor_context(instance=instance, resources={"database": database}) as context:
        result = sensor(context)
    apply_partition_requests(instance, result)

    rows = []
    with code_location(instance) as launcher:
        for username in usernames:
            row: dict[str, Any] = {"account": username, "status": "ok", "seconds": 0.0}
            for job_name, ops in (
                ("follow_graph_job", {}),
                ("profile_refresh_job", {"profile_details": {"config": {"batch_size": DEMO_PROFILE_BATCH}}}),
                ("profile_refresh_job", "history"),
                (
                    "content_job",
                    {"profile_posts": {"config": {"batch_size": DEMO_POSTS_BATCH, "first_scan_pages": 2}}},
                ),
            ):
                if ops == "history":
                    if row["status"] != "ok":
                        continue
                    ops = {
                        "profile_details": {
                            "config": {"usernames": _move_counts(database, username, sandbox_url)}
                        }
                    }
                outcome = _execute(
                    launcher, job_name, row, {"ig_pipeline/trigger": "demo"}, ops, first_wins=True
                )
                if job_name == "follow_graph_job":
                    row["checks"] = f"{sum(passed for _, passed in outcome.checks)}/{len(outcome.checks)}"
            rows.append(row)
        _stories_by_sensor(launcher, defs, rows, sandbox_url)
    return rows, [row["account"] for row in rows if row["status"] != "ok"]


def _execute(
    launcher: Launcher,
    job_name: str,
    row: dict[str, Any],
    tags: dict[str, str],
    ops: dict[str, Any] | None = None,
    *,
    first_wins: bool = False,
    **sensor: Any,
) -> Outcome:
    """One real run of `job_name` for the row's account (a sensor's with `sensor_name`, `run_key`),
    launched and waited for: its time, its materializations' metadata (the first of an asset's runs
    with `first_wins`, else the latest) and any failure into the row. Its steps run one after the
    other in its run worker, as the demo always ran them."""
    from .launch import IN_PROCESS

    outcome = launcher.run(
        job_name,
        partition_key=row["account"],
        tags=tags,
        run_config={
            **IN_PROCESS,
            "loggers": {"console": {"config": {"log_level": "INFO"}}},
            "ops": ops or {},
        },
        **sensor,
    )
    row["seconds"] += outcome.seconds
    for asset, metadata in outcome.materializations:
        row[asset] = row.get(asset, metadata) if first_wins else metadata
    if not outcome.success:
        row["status"] = "FAILED"
        if outcome.step_failure:
            row["failure"] = outcome.step_failure
        for error in outcome.run_errors:  # no step says why: the run's own error, on stderr
            click.echo(f"{job_name} {row['account']}: {error}", err=True)
    return outcome


def _stories_by_sensor(launcher: Launcher, defs: Any, rows: list[dict[str, Any]], sandbox_url: str) -> None:
    """Stories as the daemon runs them: a tick of `new_stories_sensor` (a run per changed tray, the
    sensor's run, listed in its Runs tab), then someone the first account follows posts a story in the
    sandbox and the next tick runs that account alone; then `faces_job` finds the people in the stored
    post pictures too."""
    import dagster as dg

    sensor = defs.resolve_sensor_def("new_stories_sensor")
    resources = {"database": defs.resources["database"], "instagram": defs.resources["instagram"]}
    by_account = {row["account"]: row for row in rows if row["status"] == "ok"}
    cursor = None
    for tick in (1, 2):
        if tick == 2 and by_account:
            first = next(iter(by_account))
            _admin(sandbox_url, "mutate", {"op": "post_story", "account": first})
        with dg.build_sensor_context(
            instance=launcher.instance, cursor=cursor, resources=resources
        ) as context:
            result = sensor(context)
        cursor = result.cursor
        for request in result.run_requests or []:
            row = by_account.get(request.partition_key)
            if row is None:
                continue
            row.setdefault("story_runs", []).append(tick)
            _execute(
                launcher,
                "stories_job",
                row,
                dict(request.tags),
                sensor_name=sensor.name,
                run_key=request.run_key,
            )
    for row in by_account.values():
        if row["status"] == "ok":
            _execute(launcher, "faces_job", row, {"ig_pipeline/trigger": "demo"})
            _execute(
                launcher,
                "insights_job",
                row,
                {"ig_pipeline/trigger": "demo"},
                {
                    name: {"config": {"batch_size": DEMO_INSIGHTS_BATCH}}
                    for name in (
                        "post_insights",
                        "profile_insights",
                        "message_strategies",
                        "profile_demographics",
                    )
                },
            )


def _move_counts(database: Any, username: str, sandbox_url: str) -> list[str]:
    """The sandbox gives the account's most-followed refreshed profiles a few more (or fewer)
    followers, as days would; returns their usernames for a second refresh."""
    top = database.graph.most_followed(database.accounts.get(username).id, DEMO_HISTORY_PROFILES)
    for rank, (name, followers) in enumerate(top):
        change = round(followers * (0.01 * (rank + 1))) * (-1 if rank == 3 else 1)
        _admin(sandbox_url, "mutate", {"op": "gain_followers", "user": name, "count": change})
    return [name for name, _ in top]


def _n(values: dict[str, Any], key: str) -> str:
    value = values.get(key)
    return f"{value:,}" if isinstance(value, int) and value is not True else "-"


def _summary_table(rows: list[dict[str, Any]]) -> str:
    table: list[tuple[Any, ...]] = [
        (
            "ACCOUNT",
            "FOLLOWERS",
            "FOLLOWING",
            "MUTUALS",
            "+FOLLOWERS",
            "-FOLLOWERS",
            "INBOX",
            "TRAY",
            "REQUESTS",
            "SECONDS",
            "CHECKS",
            "RUN",
        )
    ]
    for row in rows:
        g = row.get("follow_graph", {})

        def change(key: str, g: dict[str, Any] = g) -> str:
            return "-" if g.get("first_sync") else _n(g, key)

        table.append(
            (
                row["account"],
                _n(g, "followers"),
                _n(g, "following"),
                _n(g, "mutuals"),
                change("followers_added"),
                change("followers_removed"),
                _n(g, "inbox_users"),
                _n(g, "tray_users"),
                _n(g, "requests_total"),
                f"{row['seconds']:.1f}",
                row.get("checks", "-"),
                row["status"],
            )
        )
    return format_table(table)


def _profiles_table(rows: list[dict[str, Any]]) -> str:
    table: list[tuple[Any, ...]] = [
        (
            "ACCOUNT",
            "PROFILES REFRESHED",
            "NOT FOUND",
            "MALFORMED",
            "SCAN-EXCLUDED",
            "AVATARS STORED",
            "REQUESTS/PROFILE",
            "NOTE",
        )
    ]
    for row in rows:
        d, a = row.get("profile_details", {}), row.get("avatars", {})
        note = row.get("failure", "")
        table.append(
            (
                row["account"],
                _n(d, "refreshed"),
                _n(d, "not_found"),
                _n(d, "malformed"),
                _n(d, "scan_excluded"),
                _n(a, "stored"),
                d.get("requests_per_profile", "-"),
                note[:100],
            )
        )
    return format_table(table)


def _content_table(rows: list[dict[str, Any]]) -> str:
    """Posts, comments, post media, discovered people by source, caption languages, published e-mails
    and the network's metrics of each account."""
    from .common import database_from_env

    db = database_from_env()
    table: list[tuple[Any, ...]] = [
        (
            "ACCOUNT",
            "POSTS NEW",
            "REFRESHED",
            "COMMENTS",
            "MEDIA STORED",
            "RELATED",
            "COMMENTERS",
            "CAPTION LANGUAGES",
            "E-MAILS",
            "ENGAGEMENT",
            "GROWTH/30D",
            "SCORE",
        )
    ]
    for row in rows:
        p, c, m, k = (
            row.get(a, {}) for a in ("profile_posts", "post_comments", "post_media", "account_metrics")
        )
        account = db.accounts.get(row["account"])
        found = db.discovery.summary(account.id)
        emails = db.graph.profiles_with_email(account.id)
        languages = {lang: n for lang, n in (p.get("caption_languages") or {}).items() if lang != "unknown"}
        total = sum(languages.values()) or 1
        # most first (ties by name): a run's JSON metadata comes back from the event log with sorted keys
        most = sorted(languages.items(), key=lambda item: (-item[1], item[0]))[:3]
        top = " ".join(f"{lang} {n / total:.0%}" for lang, n in most) or "-"
        table.append(
            (
                row["account"],
                _n(p, "posts_new"),
                _n(p, "posts_refreshed"),
                _n(c, "comments"),
                _n(m.get("outcomes") or {}, "stored"),
                f"{found.get('RELATED', {}).get('found', 0):,}",
                f"{found.get('COMMENTS', {}).get('found', 0):,}",
                top,
                f"{emails:,}",
                _pct(k.get("engagement_rate")),
                _pct(k.get("growth_rate_30d")),
                f"{k['score']:.1f}" if isinstance(k.get("score"), float) else "-",
            )
        )
    return format_table(table)


def _stories_table(rows: list[dict[str, Any]]) -> str:
    """What the new-stories sensor ran: tray owners, items read, files, faces, people and roles."""
    from .common import database_from_env

    db = database_from_env()
    table: list[tuple[Any, ...]] = [
        (
            "ACCOUNT",
            "SENSOR RUNS",
            "TRAY OWNERS",
            "ITEMS",
            "NEW IN TICK 2",
            "FACES (STORY/POST)",
            "PEOPLE",
            "OWNERS",
            "PRIMARY",
            "CONTACT SHEET",
        )
    ]
    for row in rows:
        s, p = row.get("stories", {}), row.get("story_people", {})
        account = db.accounts.get(row["account"])
        faces = db.faces.summary(account.id)
        roles = p.get("roles") or {}
        people = db.people.of_account(account.id)
        ticks = row.get("story_runs", [])
        table.append(
            (
                row["account"],
                f"{len(ticks)} (ticks {', '.join(map(str, ticks)) or '-'})",
                _n(s, "tray_owners"),
                f"{sum(db.stories.summary(account.id).values()):,}",
                _n(s, "items_new") if 2 in ticks else "0",
                f"{faces['story_faces']:,}/{faces['post_faces']:,}",
                f"{len(people):,}",
                f"{sum(1 for x in people if x['role'] == 'profile_owner'):,}",
                f"{sum(1 for x in people if x['role'] == 'primary_person'):,}",
                "yes" if p.get("contact_sheet") else ("-" if not roles else "no"),
            )
        )
    return format_table(table)


def _people_table(rows: list[dict[str, Any]], limit: int = 8) -> str:
    """The most-seen people of the first account's profiles, with who they appear with."""
    from .common import database_from_env

    db = database_from_env()
    account = db.accounts.get(rows[0]["account"])
    people = sorted(db.people.of_account(account.id), key=lambda r: -r["appearance_count"])[:limit]
    table: list[tuple[Any, ...]] = [("PROFILE", "PERSON", "ROLE", "APPEARANCES", "APPEARS WITH")]
    for r in people:
        together = ", ".join(
            f"{k} ×{v}" for k, v in ((r["metadata_json"] or {}).get("coappearance") or {}).items()
        )
        table.append(
            (
                r["username"],
                r["display_name"] or r["label"],
                r["role"],
                f"{r['appearance_count']:,}",
                together[:50] or "-",
            )
        )
    return f"People in the stories and posts around {account.username}:\n" + format_table(table)


def _insights_table(rows: list[dict[str, Any]]) -> str:
    """What insights_job made per account, the provider that answered and what it cost."""
    from .common import database_from_env

    db = database_from_env()
    table: list[tuple[Any, ...]] = [
        (
            "ACCOUNT",
            "PROVIDER",
            "POSTS ANALYSED",
            "SENTIMENT +/=/-",
            "TOP TOPICS",
            "PROFILES",
            "STRATEGIES",
            "DEMOGRAPHICS",
            "HISTORY CHUNKS",
            "AI CALLS",
            "TOKENS",
            "CACHE HITS",
            "FALLBACKS",
        )
    ]
    for row in rows:
        p = row.get("post_insights", {})
        account = db.accounts.get(row["account"])
        counts = db.insights.summary(account.id)
        ex = db.insights.insight_examples(account.id, limit=0)
        sentiment = ex["sentiments"]
        ai = [
            row.get(a, {})
            for a in ("post_insights", "profile_insights", "message_strategies", "profile_demographics")
        ]
        table.append(
            (
                row["account"],
                f"{p.get('ai.provider', '-')}:{p.get('ai.model', '-')}",
                f"{counts['post_insights']:,}",
                "/".join(str(sentiment.get(k, 0)) for k in ("positive", "neutral", "negative")),
                ", ".join(ex["top_topics"][:4]) or "-",
                f"{counts['profile_insights']:,}",
                f"{counts['message_strategies']:,}",
                f"{counts['demographics']:,}",
                f"{counts['history_chunks']:,}",
                f"{sum(m.get('ai.calls', 0) for m in ai):,}",
                f"{sum(m.get('ai.total_tokens', 0) for m in ai):,}",
                f"{sum(m.get('ai.cache_hits', 0) for m in ai):,}",
                f"{sum(m.get('ai.fallbacks', 0) for m in ai):,}",
            )
        )
    return format_table(table)


def _insight_examples(rows: list[dict[str, Any]], limit: int = 4) -> str:
    """A few post insights, and one profile's insight, strategy and history, of the first account."""
    from .common import database_from_env

    db = database_from_env()
    account = db.accounts.get(rows[0]["account"])
    ex = db.insights.insight_examples(account.id, limit=limit)
    table: list[tuple[Any, ...]] = [("POST", "SENTIMENT", "TOPICS", "WHAT IT SHOWS", "A COMMENT IDEA")]
    for post in ex["posts"]:
        table.append(
            (
                f"{post['username']}/{post['shortcode']}",
                f"{post['sentiment']} {post['sentiment_score']:+.2f}",
                ", ".join(post["topics"][:3]) or "-",
                post["image_description"][:60],
                (post["comment_suggestions"] or ["-"])[0][:45],
            )
        )
    lines = [f"Insights around {account.username}:", format_table(table)]
    if profile := ex["profile"]:
        lines += [
            "",
            f"@{profile['username']}: {profile['profile_type']}, {profile['tone']} tone, "
            f"{profile['engagement_style']}, messageability {profile['messageability_score']:.2f}, "
            f"language {profile['primary_language'] or '-'}",
            f"  persona: {profile['persona_summary']}",
            f"  interests: {', '.join(profile['interests'][:6]) or '-'}",
        ]
        if strategy := ex["strategy"]:
            lines += [
                f"  talk about: {', '.join(strategy['best_topics'][:4]) or '-'}; avoid: "
                f"{', '.join(strategy['avoid_topics'][:3]) or '-'}",
                f"  opener: {(strategy['opener_templates'] or ['-'])[0]}",
                f"  do: {'; '.join(strategy['dos'][:2]) or '-'}   "
                f"don't: {'; '.join(strategy['donts'][:2]) or '-'}",
            ]
        if chunk := ex["history"]:
            first = chunk["content"].splitlines()[:2]
            lines += [
                f"  history: {chunk['chunks']} chunks, {chunk['words']:,} words, "
                f"{chunk['starts_at']:%Y-%m-%d} .. {chunk['ends_at']:%Y-%m-%d}; newest begins:"
            ]
            lines += [f"    {line[:110]}" for line in first]
    return "\n".join(lines)


def _pct(value: Any) -> str:
    return f"{value:.2%}" if isinstance(value, float) else "-"


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
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the UI is stopped
            subprocess.run(
                [
                    str(dagster),
                    "dev",
                    "-w",
                    str(PROJECT_ROOT / "workspace.yaml"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                ],
                env=env,
                cwd=PROJECT_ROOT,
                check=False,
            )
