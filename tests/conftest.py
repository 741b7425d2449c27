"""Shared fixtures: real SQLite files and a real PostgreSQL database made and dropped per test session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import create_engine, text

from ig_resources.database import DatabaseResource, generate_key
from ig_resources.database.engine import engine_for
from ig_resources.database.models import Base
from tests.world import DagsterTemplate, Snapshots

PG_ADMIN_URL = os.environ.get(
    "IG_TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = Path(os.environ.get("IG_FIXTURES_DIR", SHARED / "fixtures" / "instagram"))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database on the local server for this test session, dropped afterwards."""
    name = f"igp_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        engine_for.cache_clear()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def dagster_template(tmp_path_factory: pytest.TempPathFactory) -> DagsterTemplate:
    """A Dagster instance migrated once per session (per xdist worker), copied for each test."""
    return DagsterTemplate(tmp_path_factory.mktemp("dagster_template") / "home")


@pytest.fixture
def instance(dagster_template: DagsterTemplate, tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    """A fresh Dagster instance of the test's own (a copy of the session's template)."""
    with dagster_template.open(tmp_path / "dagster") as inst:
        yield inst


@pytest.fixture(scope="session")
def world_snapshots(tmp_path_factory: pytest.TempPathFactory) -> Snapshots:
    """Worlds prepared this session, by name and backend (see tests/world.py)."""
    return Snapshots(tmp_path_factory.mktemp("worlds"))


@pytest.fixture
def secret_key() -> str:
    return generate_key()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty app database on the chosen backend, migrated to head."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
        yield url
        return
    url = request.getfixturevalue("pg_url")
    db = DatabaseResource(url=url)
    db.migrate()
    _truncate(url)
    yield url
    _truncate(url)


@pytest.fixture
def database(database_url: str, secret_key: str) -> DatabaseResource:
    db = DatabaseResource(url=database_url, secret_key=secret_key)
    db.migrate()
    return db


def _truncate(url: str) -> None:
    engine = engine_for(url)
    tables = ", ".join(
        t.name for t in Base.metadata.sorted_tables
    )  # every table, shared ones like media_blobs too
    with engine.begin() as c:
        c.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow end-to-end tests first, longest first (`slow(seconds=...)`): on several workers they
    then run beside the rest instead of alone at the end (the suite's wall time is the longest
    worker's)."""

    def expected(item: pytest.Item) -> float:
        marker = item.get_closest_marker("slow")
        return marker.kwargs.get("seconds", 60) if marker else 0

    items.sort(key=expected, reverse=True)
