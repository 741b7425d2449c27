"""`ig-pipeline`: manage accounts, the database, the sandbox network, and the demo."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from ig_resources.database.engine import redact
from ig_resources.records import CONTENT_SOURCES

from .common import (
    USERNAME,
    add_account,
    database_from_env,
    format_table,
    instagram_from_env,
    login_account,
    user_errors,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """ig-pipeline: the network around managed Instagram accounts, as Dagster assets.

    Configuration comes from the environment: IG_DATABASE_URL, IG_SECRET_KEY, IG_API_BASE_URL,
    IG_WEB_BASE_URL, DAGSTER_HOME.
    """


# -- accounts -----------------------------------------------------------------------------------


@cli.group()
def accounts() -> None:
    """Register, list and remove managed Instagram accounts."""


@accounts.command("add")
@click.argument("username", type=USERNAME)
@click.option(
    "--cookies-file",
    "cookies_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Browser-exported cookies: a JSON cookie list or a Netscape cookies.txt.",
)
@click.option("--login", "login", is_flag=True, help="Log in through Chromium instead (as `accounts login`).")
@click.option("--user-agent", help="The browser's user agent, reused for API calls.")
@click.option(
    "--verify/--no-verify",
    default=True,
    show_default=True,
    help="Ask Instagram who the cookies log in as before storing them.",
)
@user_errors
def accounts_add(
    username: str, cookies_file: Path | None, login: bool, user_agent: str | None, verify: bool
) -> None:
    """Register USERNAME with its session cookies (stored encrypted under IG_SECRET_KEY)."""
    if login == (cookies_file is not None):
        raise click.UsageError("give either --cookies-file FILE or --login")
    if login:
        click.echo(login_account(username, click.prompt("Instagram password", hide_input=True)))
        return
    try:
        text = cookies_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise click.ClickException(f"cannot read cookies file {cookies_file}: {reason}") from None
    click.echo(add_account(username, text, user_agent=user_agent, verify=verify))


@accounts.command("login")
@click.argument("username", type=USERNAME)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input instead of a prompt."
)
@click.option("--headed", is_flag=True, help="Show the browser window (needs a display).")
@user_errors
def accounts_login(username: str, password_stdin: bool, headed: bool) -> None:
    """Log USERNAME in through Instagram's web page in Chromium, answering two-factor and checkpoint
    pages with the codes you type; store the session encrypted with the browser's user agent. This
    also ends a `login_required` or `checkpoint_required` stop."""
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else click.prompt("Instagram password", hide_input=True)
    )
    click.echo(login_account(username, password, headed=headed))


@accounts.command("list")
@click.option("--all", "include_removed", is_flag=True, help="Include removed accounts.")
@user_errors
def accounts_list(include_removed: bool) -> None:
    """List managed accounts, their login state and last follow-graph sync."""
    rows = database_from_env().accounts.all(include_removed=include_removed)
    if not rows:
        click.echo("no accounts (add one: ig-pipeline accounts add USERNAME --cookies-file FILE)")
        return
    now = datetime.now(UTC)
    table = [
        (
            "USERNAME",
            "IG USER ID",
            "LOGIN",
            "COOLING DOWN UNTIL",
            "LAST FOLLOW GRAPH SYNC",
            "SOURCE",
            "STATUS",
            "REASON",
        )
    ]
    for a in rows:
        synced = (
            a.follow_graph_synced_at.strftime("%Y-%m-%d %H:%M UTC") if a.follow_graph_synced_at else "never"
        )
        cooling_now = a.cooldown_until is not None and a.cooldown_until > now
        cooling = a.cooldown_until.strftime("%Y-%m-%d %H:%M UTC") if cooling_now and a.cooldown_until else "-"
        status = (
            "removed"
            if a.removed_at
            else ("renamed to " + a.current_username if a.current_username else "active")
        )
        reason = (a.cooldown_reason if cooling_now else None) or (
            a.login_state_reason if a.login_state != "logged_in" else None
        )
        table.append(
            (
                a.username,
                a.ig_user_id or "?",
                a.login_state,
                cooling,
                synced,
                a.content_source,
                status,
                _clip(reason or "-", 70),
            )
        )
    click.echo(format_table(table))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@accounts.command("resume")
@click.argument("username", type=USERNAME)
@user_errors
def accounts_resume(username: str) -> None:
    """End an account's cool-down now (after checking that Instagram no longer throttles it)."""
    db = database_from_env()
    account = db.accounts.get(username)
    db.accounts.clear_cooldown(account.id)
    click.echo(f"{account.username} may run again")


@accounts.command("source")
@click.argument("username", type=USERNAME)
@click.argument("source", type=click.Choice(CONTENT_SOURCES))
@user_errors
def accounts_source(username: str, source: str) -> None:
    """Read USERNAME's profiles and posts from Instagram's web API or from Apify (seed 002; needs
    APIFY_TOKEN). The follow graph, inbox, comments and stories always come from Instagram."""
    db = database_from_env()
    account = db.accounts.get(username)
    db.accounts.set_content_source(account.id, source)
    click.echo(f"{account.username} reads profiles and posts from {source}")


@accounts.command("remove")
@click.argument("username", type=USERNAME)
@click.option("--purge", is_flag=True, help="Also delete every row of the account's data.")
@user_errors
def accounts_remove(username: str, purge: bool) -> None:
    """Stop managing USERNAME (its partition goes on the next sensor tick; data stays unless --purge)."""
    database_from_env().accounts.remove(username, purge=purge)
    click.echo(
        f"removed {username}" + (" and purged its data" if purge else " (data kept; --purge deletes it)")
    )


@accounts.command("check")
@click.argument("username", type=USERNAME)
@user_errors
def accounts_check(username: str) -> None:
    """Decrypt USERNAME's stored session and ask Instagram who it logs in as."""
    db = database_from_env()
    account = db.accounts.get(username)
    with instagram_from_env().open(db.accounts.session_cookies(account), account.user_agent) as client:
        me = client.current_user()
    db.accounts.record_identity(account.id, me.ig_user_id, me.username)
    click.echo(
        f"{account.username}: logged in as {me.username} (user {me.ig_user_id}), "
        f"{me.follower_count or 0:,} followers, {me.following_count or 0:,} following"
    )


# -- people -------------------------------------------------------------------------------------


@cli.group()
def people() -> None:
    """The people found in the stories and posts of an account's profiles: list, rename, merge,
    split, or stop tracking someone (their face vectors are deleted)."""


@people.command("list")
@click.argument("account", type=USERNAME)
@click.option("--profile", type=USERNAME, help="Only the people of this profile (username).")
@user_errors
def people_list(account: str, profile: str | None) -> None:
    """List the people of ACCOUNT's profiles, most seen first within each profile."""
    db = database_from_env()
    rows = db.people.of_account(db.accounts.get(account).id, profile)
    if not rows:
        click.echo("no people yet (they come from the faces in stories and posts: stories_job, faces_job)")
        return
    table = [("ID", "PROFILE", "LABEL", "NAME", "ROLE", "APPEARANCES", "LAST SEEN", "WITH")]
    for r in rows:
        together = ", ".join(
            f"{k}×{v}" for k, v in ((r["metadata_json"] or {}).get("coappearance") or {}).items()
        )
        last = r["last_seen_at"].strftime("%Y-%m-%d %H:%M") if r["last_seen_at"] else "-"
        role = "do not track" if r["do_not_track"] else r["role"]
        table.append(
            (
                str(r["id"]),
                r["username"],
                r["label"],
                r["display_name"] or "-",
                role,
                str(r["appearance_count"]),
                last,
                _clip(together or "-", 40),
            )
        )
    click.echo(format_table(table))


@people.command("faces")
@click.argument("account", type=USERNAME)
@click.argument("person_id", type=int)
@user_errors
def people_faces(account: str, person_id: int) -> None:
    """List a person's faces (the KIND:ID that `people split` takes)."""
    db = database_from_env()
    faces = db.people.person_faces(db.accounts.get(account).id, person_id)
    table = [("FACE", "TAKEN", "SIZE PX", "SIMILARITY", "PLACED BY")]
    for f in faces:
        taken = f["taken_at"].strftime("%Y-%m-%d %H:%M") if f["taken_at"] else "-"
        sim = f"{f['similarity']:.2f}" if f["similarity"] is not None else "-"
        table.append((f["face"], taken, f"{f['size']:.0f}", sim, f["assigned_by"] or "-"))
    click.echo(format_table(table))


@people.command("rename")
@click.argument("account", type=USERNAME)
@click.argument("person_id", type=int)
@click.argument("name")
@user_errors
def people_rename(account: str, person_id: int, name: str) -> None:
    """Give a person a name (an empty NAME removes it); the label stays."""
    db = database_from_env()
    db.people.rename_person(db.accounts.get(account).id, person_id, name)
    click.echo(f"person {person_id} is now {name or 'unnamed'}")


@people.command("merge")
@click.argument("account", type=USERNAME)
@click.argument("keep_id", type=int)
@click.argument("other_id", type=int)
@user_errors
def people_merge(account: str, keep_id: int, other_id: int) -> None:
    """Make OTHER_ID the same person as KEEP_ID, for good: later clustering keeps them together."""
    db = database_from_env()
    moved = db.people.merge_people(db.accounts.get(account).id, keep_id, other_id)
    click.echo(f"merged person {other_id} into {keep_id} ({moved} faces)")


@people.command("split")
@click.argument("account", type=USERNAME)
@click.argument("person_id", type=int)
@click.argument("faces", nargs=-1, required=True)
@user_errors
def people_split(account: str, person_id: int, faces: tuple[str, ...]) -> None:
    """Move FACES (KIND:ID, from `people faces`) of a person to a new person, for good."""
    parsed = []
    for face in faces:
        kind, _, face_id = face.partition(":")
        if kind not in ("story", "post") or not face_id.isdigit():
            raise click.BadParameter(f"{face!r} is not KIND:ID (story:12, post:7)", param_hint="FACES")
        parsed.append((kind, int(face_id)))
    db = database_from_env()
    label = db.people.split_person(db.accounts.get(account).id, person_id, parsed)
    click.echo(f"{len(parsed)} faces are now {label}")


@people.command("forget")
@click.argument("account", type=USERNAME)
@click.argument("person_id", type=int)
@click.confirmation_option(prompt="Delete this person's face vectors and never track them again?")
@user_errors
def people_forget(account: str, person_id: int) -> None:
    """Do not track a person: their face vectors are deleted now and no clustering picks them up again."""
    db = database_from_env()
    emptied = db.people.forget_person(db.accounts.get(account).id, person_id)
    click.echo(f"person {person_id} is not tracked any more ({emptied} face vectors deleted)")


# -- AI providers -------------------------------------------------------------------------------


@cli.group()
def ai() -> None:
    """The AI providers the insights use, in order (the heuristic provider is always last)."""


@ai.command("list")
@user_errors
def ai_list() -> None:
    """The providers by priority: enabled, model, server, whether a key is stored (never the key)."""
    rows = database_from_env().ai.settings()
    table: list[tuple[object, ...]] = [("PROVIDER", "ENABLED", "PRIORITY", "MODEL", "BASE URL", "KEY")]
    for r in rows:
        if r.provider == "heuristic":
            key = "-"
        elif r.has_api_key:
            key = "stored (encrypted)"
        elif r.config.get("api_key_env"):
            key = f"${r.config['api_key_env']}"
        else:  # as AIResource does: OPENAI_API_KEY goes to OpenAI itself, not to another server
            key = "OPENAI_API_KEY" if r.provider == "openai" or not r.config.get("base_url") else "none"
        table.append(
            (
                r.provider,
                "yes" if r.enabled else "no",
                r.priority,
                r.config.get("model") or "IG_AI_MODEL",
                r.config.get("base_url") or "OPENAI_BASE_URL",
                key,
            )
        )
    click.echo(
        format_table(table)
        if rows
        else "no settings: OpenAI when OPENAI_API_KEY or OPENAI_BASE_URL is set, then the heuristic provider"
    )


@ai.command("set")
@click.argument("provider")
@click.option("--priority", type=int, help="Lower runs first.")
@click.option("--enable/--disable", "enabled", default=None, help="Use the provider or not.")
@click.option("--model", help="Model name for this provider (else IG_AI_MODEL).")
@click.option("--base-url", help="An OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 for Ollama.")
@click.option("--api-key-env", help="Read the key from this environment variable at run time.")
@click.option(
    "--api-key-stdin", is_flag=True, help="Read a key from stdin and store it encrypted (IG_SECRET_KEY)."
)
@user_errors
def ai_set(
    provider: str,
    priority: int | None,
    enabled: bool | None,
    model: str | None,
    base_url: str | None,
    api_key_env: str | None,
    api_key_stdin: bool,
) -> None:
    """Add or change PROVIDER in ai_provider_settings."""
    db = database_from_env()
    current = next((r.config for r in db.ai.settings() if r.provider == provider), {})
    config = {
        **current,
        **{k: v for k, v in (("model", model), ("base_url", base_url), ("api_key_env", api_key_env)) if v},
    }
    key = sys.stdin.readline().strip() if api_key_stdin else None
    if api_key_stdin and not key:
        raise click.ClickException("--api-key-stdin: no key on stdin")
    db.ai.set_provider(provider, enabled=enabled, priority=priority, config=config, api_key=key)
    click.echo(f"{provider}: saved" + (" (key stored encrypted)" if key else ""))


@ai.command("remove")
@click.argument("provider")
@user_errors
def ai_remove(provider: str) -> None:
    """Remove PROVIDER from ai_provider_settings (with its stored key)."""
    if not database_from_env().ai.remove_provider(provider):
        raise click.ClickException(f"no AI provider '{provider}' is configured")
    click.echo(f"{provider}: removed")


# -- database -----------------------------------------------------------------------------------


@cli.group()
def db() -> None:
    """The app database."""


@db.command("upgrade")
@user_errors
def db_upgrade() -> None:
    """Apply Alembic migrations up to the newest schema."""
    database = database_from_env()
    click.echo(f"schema is up to date at {redact(database.url)}")


def _mount_optional_groups() -> None:
    from ig_cli.demo import demo, ui
    from ig_cli.sandbox_commands import sandbox

    cli.add_command(sandbox)
    cli.add_command(demo)
    cli.add_command(ui)


_mount_optional_groups()


if __name__ == "__main__":
    sys.exit(cli())
