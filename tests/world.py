"""The test `World`, defined once: registered accounts on a sandbox network served on loopback, an app
database on the test's backend, a Dagster instance, and a media folder.

Building a world is cheap; what is slow is what tests do before they start (a Dagster instance's
storage migrations, syncing the network into the database). So:

- `DagsterTemplate` migrates one instance per session (per xdist worker); each test gets a copy of its
  folder, which opens without migrating.
- `open_world(..., prepare=..., snapshots=..., key=...)` runs `prepare` (e.g. materialize the follow
  graph) once per session per backend, keeps the app database's rows, and gives later tests a fresh
  database holding those rows (and a copy of the media written), a new sandbox server on a new network
  from the same spec, and a new instance. Tests that mutate their world mutate only their own copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import dagster as dg
from sqlalchemy import Integer, func, select, text

from ig_resources.database import DatabaseResource
from ig_resources.database.engine import engine_for
from ig_resources.database.models import Base, InstagramAccount
from ig_resources.instagram import InstagramClientResource
from ig_resources.instagram.apify import ApifyInstagramClient
from ig_resources.instagram.session import parse_cookie_file
from ig_resources.media import DEFAULT_TRUSTED_HOSTS, MediaStore
from ig_sandbox.instagram import NetworkSpec, SandboxNetwork, SandboxServer, render_cookie_file

PARTITIONS = "instagram_accounts"


class DagsterTemplate:
    """One migrated Dagster instance folder; `open(dest)` copies it and opens the copy."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        with dg.instance_for_test(temp_dir=str(root)):
            pass

    @contextmanager
    def open(self, dest: Path) -> Iterator[dg.DagsterInstance]:
        shutil.copytree(self.root, dest)
        with dg.instance_for_test(temp_dir=str(dest)) as instance:
            yield instance


@dataclass
class World:
    server: SandboxServer
    network: SandboxNetwork
    database: DatabaseResource
    instance: dg.DagsterInstance
    media_root: Path

    def resources(self, **overrides: Any) -> dict[str, Any]:
        return {
            "database": self.database,
            "instagram": InstagramClientResource(
                api_base_url=self.server.url, web_base_url=self.server.url, pacing=False
            ),
            "media": MediaStore(
                root=str(self.media_root), trusted_hosts=[*DEFAULT_TRUSTED_HOSTS, "127.0.0.1"]
            ),
            "apify": ApifyInstagramClient(),
            **overrides,
        }

    def materialize(
        self,
        assets: Sequence[Any],
        partition: str,
        config: dict[str, dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> dg.ExecuteInProcessResult:
        """`assets` for one account; `config` by op name."""
        run_config = {"ops": {op: {"config": c} for op, c in config.items()}} if config else None
        return dg.materialize(
            list(assets),
            partition_key=partition,
            instance=self.instance,
            resources=kwargs.pop("resources", None) or self.resources(),
            run_config=run_config,
            **kwargs,
        )

    def account_id(self, username: str) -> int:
        with self.database.session() as s:
            found = s.scalar(select(InstagramAccount.id).where(InstagramAccount.username == username))
        assert found is not None, username
        return found

    def count(self, model: Any, *where: Any) -> int:
        with self.database.session() as s:
            return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


@dataclass
class Snapshot:
    """An app database's rows (by table), the key its secrets are encrypted under, and the media."""

    secret_key: str
    rows: dict[str, list[dict[str, Any]]]
    media: Path | None = None


@dataclass
class Snapshots:
    """Prepared worlds of this session, by (name, backend)."""

    root: Path
    taken: dict[tuple[str, str], Snapshot] = field(default_factory=dict)


W = TypeVar("W", bound=World)


def register(database: DatabaseResource, network: SandboxNetwork, usernames: Sequence[str]) -> None:
    for username in usernames:
        cookies = parse_cookie_file(render_cookie_file(network.session_cookies(username)))
        database.accounts.register(username, cookies)


@contextmanager
def open_world(
    spec: NetworkSpec,
    database: DatabaseResource,
    workdir: Path,
    template: DagsterTemplate,
    *,
    cls: type[W] = World,  # type: ignore[assignment]
    accounts: Sequence[str] | None = None,
    prepare: Callable[[W], None] | None = None,
    snapshots: Snapshots | None = None,
    key: str | None = None,
) -> Iterator[W]:
    """A world on `spec` whose `accounts` (all of the spec's by default) are registered and are the
    instance's partitions, after `prepare` ran on it: once per session per backend when `snapshots` and
    `key` are given (later worlds start from its rows), else every time."""
    names = list(accounts if accounts is not None else [a.username for a in spec.accounts])
    network = SandboxNetwork(spec)
    media_root = workdir / "media"
    backend = database.url.split(":", 1)[0].split("+", 1)[0]
    cached = snapshots.taken.get((key, backend)) if snapshots is not None and key else None
    with SandboxServer(network) as server, template.open(workdir / "dagster") as instance:
        instance.add_dynamic_partitions(PARTITIONS, names)
        if cached is not None:
            db = DatabaseResource(url=database.url, secret_key=cached.secret_key)
            _restore(db.url, cached.rows)
            if cached.media is not None:
                shutil.copytree(cached.media, media_root)
            yield cls(server, network, db, instance, media_root)
            return
        register(database, network, names)
        world = cls(server, network, database, instance, media_root)
        if prepare is not None:
            prepare(world)
        if snapshots is not None and key:
            media = None
            if media_root.exists():
                media = snapshots.root / f"{key}-{backend}-media"
                shutil.copytree(media_root, media)
            assert database.secret_key is not None
            snapshots.taken[(key, backend)] = Snapshot(database.secret_key, _dump(database.url), media)
        yield world


def _dump(url: str) -> dict[str, list[dict[str, Any]]]:
    with engine_for(url).connect() as c:
        return {
            t.name: [dict(r) for r in c.execute(select(t)).mappings()] for t in Base.metadata.sorted_tables
        }


def _restore(url: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Replace every app table's rows with `rows` (identity sequences moved past them)."""
    engine = engine_for(url)
    tables = Base.metadata.sorted_tables
    with engine.begin() as c:
        if engine.dialect.name == "postgresql":
            c.execute(text(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY CASCADE"))
        else:
            for t in reversed(tables):
                c.execute(t.delete())
        for t in tables:
            if rows.get(t.name):
                c.execute(t.insert(), rows[t.name])
        if engine.dialect.name == "postgresql":
            for t in tables:
                pk = list(t.primary_key.columns)
                if rows.get(t.name) and len(pk) == 1 and isinstance(pk[0].type, Integer):
                    c.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{t.name}', '{pk[0].name}'), "
                            f"(SELECT max({pk[0].name}) FROM {t.name}))"
                        )
                    )
