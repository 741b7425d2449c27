"""`ig-pipeline sandbox ...`: run the offline sandbox Instagram and steer it.

    sandbox serve [--demo | --spec FILE] [--seed N] [--port 0] [--state-file F] [--url-file F]
    sandbox cookies USERNAME [--format json|netscape] [--expired] [-o FILE]
    sandbox accounts
    sandbox mutate --url URL --op advance --account demo_small
    sandbox faults --url URL --kind rate_limit_429 --endpoint followers --times 2
    sandbox stats --url URL [--reset]

Errors are one line on stderr and a non-zero exit (click's `Error: ...`), never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import httpx
from pydantic import ValidationError

from ig_sandbox.instagram import (
    DEMO_SPEC,
    FAULT_KINDS,
    NetworkSpec,
    SandboxError,
    SandboxNetwork,
    SandboxServer,
)
from ig_sandbox.instagram.faults import ENDPOINT_KINDS

from .common import USERNAME

F = TypeVar("F", bound=Callable[..., Any])


def _spec_options(func: F) -> F:
    """--spec/--demo/--seed/--epoch/--state-file: which network (shared by serve, cookies, accounts)."""
    options = [
        click.option(
            "--spec",
            "spec_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Network spec JSON (NetworkSpec).",
        ),
        click.option(
            "--demo", is_flag=True, help="Use the built-in demo network (the default without --spec)."
        ),
        click.option("--seed", type=int, default=None, help="Override the spec's seed."),
        click.option("--epoch", type=int, default=None, help="Override the network's 'now' (unix seconds)."),
        click.option(
            "--state-file",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="JSON overlay of mutations; loaded if present, created otherwise, saved after each change.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _load_spec(spec_path: Path | None, demo: bool, seed: int | None, epoch: int | None) -> NetworkSpec:
    if spec_path is not None and demo:
        raise click.UsageError("use either --spec or --demo, not both")
    if spec_path is None:
        spec = DEMO_SPEC
    else:
        try:
            spec = NetworkSpec.model_validate_json(spec_path.read_text())
        except OSError as exc:
            raise click.ClickException(f"cannot read spec {spec_path}: {exc.strerror}") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "spec"
            raise click.ClickException(f"invalid spec {spec_path}: {where}: {first['msg']}") from None
    updates: dict[str, Any] = {}
    if seed is not None:
        updates["seed"] = seed
    if epoch is not None:
        updates["epoch"] = epoch
    return NetworkSpec.model_validate({**spec.model_dump(), **updates}) if updates else spec


def _open_network(
    spec_path: Path | None, demo: bool, seed: int | None, epoch: int | None, state_file: Path | None
) -> SandboxNetwork:
    spec = _load_spec(spec_path, demo, seed, epoch)
    try:
        return SandboxNetwork.open(spec, state_file)
    except (SandboxError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None


@click.group(name="sandbox")
def sandbox() -> None:
    """Offline sandbox Instagram: a generated network served on loopback, for tests and demos."""


@sandbox.command()
@_spec_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option("--port", type=int, default=0, show_default=True, help="0 picks a free port.")
@click.option(
    "--url-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the base URL here once listening.",
)
@click.option("--verbose", is_flag=True, help="Log method, path and status of each request (never cookies).")
def serve(
    spec_path: Path | None,
    demo: bool,
    seed: int | None,
    epoch: int | None,
    state_file: Path | None,
    host: str,
    port: int,
    url_file: Path | None,
    verbose: bool,
) -> None:
    """Serve the network until SIGTERM/SIGINT; prints SANDBOX_URL=http://... when ready."""
    network = _open_network(spec_path, demo, seed, epoch, state_file)
    try:
        server = SandboxServer(network, host, port, state_file=state_file, verbose=verbose)
        server.start()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    stop = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if url_file is not None:
            url_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = url_file.with_name(f".{url_file.name}.tmp")
            tmp.write_text(server.url + "\n")
            os.replace(tmp, url_file)
        click.echo(f"SANDBOX_URL={server.url}")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if url_file is not None:
            with contextlib.suppress(OSError):
                url_file.unlink()  # a stale URL must not outlive the server


@sandbox.command()
@click.argument("username", type=USERNAME)
@_spec_options
@click.option("--format", "fmt", type=click.Choice(["json", "netscape"]), default="json", show_default=True)
@click.option("--expired", is_flag=True, help="Write a session that expired yesterday.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
def cookies(
    username: str,
    spec_path: Path | None,
    demo: bool,
    seed: int | None,
    epoch: int | None,
    state_file: Path | None,
    fmt: str,
    expired: bool,
    output: Path | None,
) -> None:
    """Write a managed account's browser cookies (JSON export or Netscape cookies.txt)."""
    network = _open_network(spec_path, demo, seed, epoch, state_file)
    try:
        if output is None:
            click.echo(network.cookie_file(username, fmt, expired=expired), nl=False)  # type: ignore[arg-type]
        else:
            network.write_cookie_file(username, output, fmt, expired=expired)  # type: ignore[arg-type]
            click.echo(f"wrote {fmt} cookies of {username} to {output}", err=True)
    except SandboxError as exc:
        names = ", ".join(network.accounts)
        raise click.ClickException(f"{exc} (accounts: {names})") from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None


@sandbox.command()
@_spec_options
def accounts(
    spec_path: Path | None, demo: bool, seed: int | None, epoch: int | None, state_file: Path | None
) -> None:
    """List the managed accounts (JSON lines: account, pk, counts)."""
    network = _open_network(spec_path, demo, seed, epoch, state_file)
    for acct in network.accounts.values():
        row = {
            "account": acct.name,
            "username": network.universe.username(acct.index),
            "pk": acct.pk,
            "follower_count": acct.followers.count,
            "following_count": acct.following.count,
            "generation": acct.generation,
        }
        click.echo(json.dumps(row))


def _admin(
    url: str, method: str, path: str, payload: Any = None, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    target = url.rstrip("/") + path
    try:
        response = httpx.request(method, target, json=payload, params=params, timeout=30)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach the sandbox at {url}: {exc}") from None
    try:
        body = response.json()
    except ValueError:
        raise click.ClickException(
            f"{method} {path}: HTTP {response.status_code}, not a sandbox answer"
        ) from None
    if response.status_code != 200:
        raise click.ClickException(
            f"{method} {path}: {body.get('message', 'failed')} (HTTP {response.status_code})"
        )
    return dict(body)


_url_option = click.option(
    "--url", required=True, envvar="SANDBOX_URL", help="Base URL printed by `serve` (or $SANDBOX_URL)."
)


@sandbox.command()
@_url_option
@click.option(
    "--op",
    required=True,
    type=click.Choice(
        [
            "follower_leaves",
            "follower_joins",
            "account_unfollows",
            "account_follows",
            "rename",
            "advance",
            "post_story",
        ]
    ),
)
@click.option("--account", help="Managed account (username or pk).")
@click.option(
    "--user",
    help="The other person: pk or username (omit with *_joins/_follows to create a new person; "
    "with post_story for someone the account follows, picked by the sandbox).",
)
@click.option("--new-username", help="For --op rename.")
@click.option(
    "--generation", type=int, help="For --op advance: advance up to this generation (default: next)."
)
def mutate(
    url: str, op: str, account: str | None, user: str | None, new_username: str | None, generation: int | None
) -> None:
    """Change the running network (through its admin API); prints the result as JSON."""
    payload = {
        "op": op,
        "account": account,
        "user": user,
        "new_username": new_username,
        "generation": generation,
    }
    result = _admin(url, "POST", "/__sandbox__/mutate", {k: v for k, v in payload.items() if v is not None})
    click.echo(json.dumps(result["result"]))


@sandbox.command()
@_url_option
@click.option("--clear", is_flag=True, help="Remove all faults first.")
@click.option("--kind", type=click.Choice(sorted([*FAULT_KINDS, "html"])), help="Add a fault of this kind.")
@click.option("--endpoint", type=click.Choice(list(ENDPOINT_KINDS)), default="*", show_default=True)
@click.option("--account", help="Only requests logged in as this account.")
@click.option(
    "--after-pages", type=int, default=0, show_default=True, help="Let the first N matching requests succeed."
)
@click.option("--times", type=int, default=None, help="Fire K times, then clear (default: until cleared).")
@click.option("--retry-after", type=int, default=None, help="rate_limit_429: send Retry-After seconds.")
@click.option(
    "--variant", type=click.Choice(["missing_key", "html"]), default=None, help="malformed: body variant."
)
@click.option("--delay", "delay_seconds", type=float, default=0.0, help="Sleep this long before answering.")
def faults(
    url: str,
    clear: bool,
    kind: str | None,
    endpoint: str,
    account: str | None,
    after_pages: int,
    times: int | None,
    retry_after: int | None,
    variant: str | None,
    delay_seconds: float,
) -> None:
    """Inject failures into the running sandbox; prints the active faults as JSON."""
    if clear:
        _admin(url, "DELETE", "/__sandbox__/faults")
    if kind is not None:
        fault = {
            "kind": kind,
            "endpoint": endpoint,
            "account": account,
            "after_pages": after_pages,
            "times": times,
            "retry_after": retry_after,
            "variant": variant,
            "delay_seconds": delay_seconds,
        }
        _admin(url, "POST", "/__sandbox__/faults", fault)
    click.echo(json.dumps(_admin(url, "GET", "/__sandbox__/faults")["faults"]))


@sandbox.command()
@_url_option
@click.option("--reset", is_flag=True, help="Zero the counters after printing them.")
def stats(url: str, reset: bool) -> None:
    """Print request counts by endpoint kind and account (JSON)."""
    data = _admin(url, "GET", "/__sandbox__/stats")
    data.pop("status", None)
    click.echo(json.dumps(data))
    if reset:
        _admin(url, "POST", "/__sandbox__/reset-stats")


if __name__ == "__main__":  # `python -m ig_cli.sandbox_commands serve --demo` before the main CLI mounts it
    sandbox()
