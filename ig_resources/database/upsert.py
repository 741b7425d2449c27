"""Batched INSERT .. ON CONFLICT that runs unchanged on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

BATCH_ROWS = 5_000


def batches(rows: Iterable[dict[str, Any]], size: int = BATCH_ROWS) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def upsert(
    session: Session,
    table: Table,
    rows: Iterable[dict[str, Any]],
    *,
    conflict: Sequence[str],
    update: Sequence[str] = (),
) -> int:
    """Insert rows; on a clash of the `conflict` key update the `update` columns (or skip the row).

    Executed as executemany, which SQLAlchemy turns into multi-row VALUES statements
    ("insertmanyvalues") on PostgreSQL and a C-level loop on SQLite: one compiled statement,
    few round trips. Rows must all have the same keys. Returns the number of rows sent.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table)
    if update:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(conflict), set_={c: stmt.excluded[c] for c in update}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(conflict))
    sent = 0
    for chunk in batches(rows):
        session.execute(stmt, chunk)
        sent += len(chunk)
    return sent
