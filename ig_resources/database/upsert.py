"""Batched INSERT .. ON CONFLICT that runs unchanged on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

BATCH_ROWS = 5_000
#: values per IN (...) list: under SQLite's limit of bound parameters per statement
IN_BATCH = 900


def batches(rows: Iterable[dict[str, Any]], size: int = BATCH_ROWS) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def in_chunks(values: Sequence[Any], size: int = IN_BATCH) -> Iterator[Sequence[Any]]:
    """Slices of `values` for IN (...) lists."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


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


def bulk_insert(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """The fastest plain insert each driver offers, inside the session's transaction.

    COPY on PostgreSQL, `executemany` on SQLite: no per-value processing by SQLAlchemy, which costs
    more than the database itself for hundreds of thousands of rows. Values must already be in
    the database's form: text, numbers, booleans, None, and timestamps as `datetime`.
    """
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    names = ", ".join(columns)
    try:
        if session.get_bind().dialect.name == "postgresql":
            source = _CopySource(rows)
            cursor.copy_expert(f"COPY {table.name} ({names}) FROM STDIN", source)
            return source.rows
        converted = _sqlite_rows(rows)
        cursor.executemany(
            f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})", converted
        )
        return len(converted)
    finally:
        cursor.close()


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class _CopySource:
    """A file-like COPY source in PostgreSQL's text format, produced as psycopg2 reads it, so the
    whole table never sits in memory as one string."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self._rows = iter(rows)
        self._pending = ""
        self._moments: dict[datetime, str] = {}  # a sync stamps every row with the same few timestamps
        self.rows = 0

    def _text(self, value: Any) -> str:
        if value is None:
            return "\\N"
        kind = type(value)
        if kind is str:
            return value.translate(_COPY_ESCAPES)
        if kind is bool:
            return "t" if value else "f"
        if kind is datetime:
            if value not in self._moments:
                self._moments[value] = value.astimezone(UTC).isoformat()
            return self._moments[value]
        return str(value)

    def read(self, size: int = -1) -> str:
        size = size if size and size > 0 else 1 << 20
        parts = [self._pending]
        length = len(self._pending)
        for row in self._rows:
            line = "\t".join([self._text(v) for v in row]) + "\n"
            parts.append(line)
            length += len(line)
            self.rows += 1
            if length >= size:
                break
        data = "".join(parts)
        self._pending = data[size:]
        return data[:size]


def _sqlite_rows(rows: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
    """Timestamps (the columns holding a datetime in the first row) in the text form SQLAlchemy's
    SQLite DateTime writes and reads back; the rest as is."""
    moments: dict[datetime, str] = {}
    out: list[Sequence[Any]] = []
    stamp_columns: list[int] | None = None
    for row in rows:
        if stamp_columns is None:
            stamp_columns = [i for i, v in enumerate(row) if isinstance(v, datetime)]
        if stamp_columns:
            row = list(row)
            for i in stamp_columns:
                value = row[i]
                if value is not None:
                    if value not in moments:
                        moments[value] = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
                    row[i] = moments[value]
        out.append(row)
    return out
