"""The app database as a Dagster resource: the engine, migrations and transactions, and one store per domain.

It holds no domain rules: the stores write what the rules in `ig_assets` decided, one transaction each.
Callers read as `database.content.posts_to_scan(...)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster import ConfigurableResource
from pydantic import Field, PrivateAttr
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from .accounts import AccountStore
from .ai import AIStore
from .content import ContentStore
from .crypto import CookieCipher
from .discovery import DiscoveryStore
from .engine import default_database_url, engine_for, redact
from .faces import FaceStore
from .graph import GraphStore
from .history import HistoryStore
from .insights import InsightStore
from .people import PeopleStore
from .profiles import ProfileStore
from .runs import RunStore
from .stories import StoryStore


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be reached or opened; the message never shows a password."""


class DatabaseResource(ConfigurableResource):
    """SQLAlchemy access to the app database named by `IG_DATABASE_URL` (SQLite or PostgreSQL).

    `secret_key` (`IG_SECRET_KEY`) is the Fernet key that encrypts session cookies and API keys at
    rest; it is needed only to store or read them.
    """

    url: str = Field(default_factory=default_database_url, description="SQLAlchemy URL (IG_DATABASE_URL)")
    secret_key: str | None = Field(default=None, description="Fernet key for secrets (IG_SECRET_KEY)")

    _migrated: bool = PrivateAttr(default=False)

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except OperationalError as exc:
            raise DatabaseUnavailableError(
                f"cannot use the database at {redact(self.url)}: {_first_line(exc.orig)}"
            ) from None

    def cipher(self) -> CookieCipher:
        return CookieCipher(self.secret_key)

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (idempotent, cheap when already there)."""
        if self._migrated:
            return
        from .migrations import upgrade_to_head

        try:
            upgrade_to_head(self.engine)
        except (OperationalError, DBAPIError) as exc:
            raise DatabaseUnavailableError(
                f"cannot use the database at {redact(self.url)}: {_first_line(exc.orig)}"
            ) from None
        self._migrated = True

    def setup_for_execution(self, context: Any) -> None:
        self.migrate()

    # One store per domain; each is a thin view over this resource's transactions.

    @property
    def accounts(self) -> AccountStore:
        return AccountStore(self)

    @property
    def runs(self) -> RunStore:
        return RunStore(self)

    @property
    def graph(self) -> GraphStore:
        return GraphStore(self)

    @property
    def profiles(self) -> ProfileStore:
        return ProfileStore(self)

    @property
    def content(self) -> ContentStore:
        return ContentStore(self)

    @property
    def discovery(self) -> DiscoveryStore:
        return DiscoveryStore(self)

    @property
    def stories(self) -> StoryStore:
        return StoryStore(self)

    @property
    def faces(self) -> FaceStore:
        return FaceStore(self)

    @property
    def people(self) -> PeopleStore:
        return PeopleStore(self)

    @property
    def ai(self) -> AIStore:
        return AIStore(self)

    @property
    def insights(self) -> InsightStore:
        return InsightStore(self)

    @property
    def history(self) -> HistoryStore:
        return HistoryStore(self)


def _first_line(exc: BaseException | None) -> str:
    return (str(exc) or type(exc).__name__).strip().splitlines()[0] if exc else "unknown error"
