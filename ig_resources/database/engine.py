"""Engines for the app database: the same code on SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

STATE_DIR_ENV = "IG_STATE_DIR"


class DatabaseConfigError(ValueError):
    """IG_DATABASE_URL is not a usable SQLAlchemy URL; the message never repeats a password."""


def state_dir() -> Path:
    """Where the embedded default keeps its files (`IG_STATE_DIR`, else `./.ig-pipeline`)."""
    return Path(os.environ.get(STATE_DIR_ENV) or Path.cwd() / ".ig-pipeline").resolve()


def default_database_url() -> str:
    return f"sqlite:///{state_dir() / 'ig_pipeline.sqlite3'}"


def normalise_url(url: str) -> str:
    """Name the PostgreSQL driver explicitly: SQLAlchemy 2.1 maps bare `postgresql://` to psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseConfigError(
            "IG_DATABASE_URL is not a SQLAlchemy URL (expected e.g. sqlite:///path.db or "
            "postgresql+psycopg2://user@host/db)"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseConfigError(
            f"IG_DATABASE_URL uses '{parsed.drivername}'; only sqlite and postgresql are supported"
        )
    return parsed.render_as_string(hide_password=False)


def redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


@lru_cache(maxsize=16)
def engine_for(url: str) -> Engine:
    """One pooled engine per URL per process."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseConfigError(
                    f"cannot create the folder for the SQLite database {folder}: {exc.strerror}"
                ) from None
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    # values_plus_batch: executemany UPDATEs go out in pages (psycopg2's execute_batch), not one round
    # trip per row; a refreshed batch of profiles is thousands of them.
    return create_engine(
        url, pool_pre_ping=True, connect_args={"connect_timeout": 10}, executemany_mode="values_plus_batch"
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers (the UI, checks) run while a sync writes; foreign keys are off by default.
    dbapi_connection.isolation_level = None  # let the "begin" listener issue BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:  # type: ignore[no-untyped-def]
    # Take the write lock at BEGIN so two writers queue instead of failing mid-transaction.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
