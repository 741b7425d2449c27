"""The app database as a Dagster resource: sessions, accounts, sync runs and the follow-graph write.

It holds no domain rules: it stores what the rules in `ig_assets` decided, in one transaction each.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from dagster import ConfigurableResource
from pydantic import Field, PrivateAttr
from sqlalchemy import Engine, bindparam, delete, func, select, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from ig_resources.instagram.pacing import Budget, BudgetStore, window_wait
from ig_resources.instagram.session import SessionCookies

from .content import ContentStore
from .crypto import CookieCipher
from .engine import DatabaseConfigError, default_database_url, engine_for, redact
from .insights import InsightStore
from .metrics import MetricsStore
from .models import (
    ConversationPeer,
    InstagramAccount,
    InstagramProfile,
    InstagramProfileEvent,
    InstagramRequestLog,
    SyncRun,
    utcnow,
)
from .profiles import ProfileStore
from .records import AccountRecord, FollowGraphWrite, NetworkCounts, ProfileWrite, StoredProfile
from .stories import StoryStore
from .upsert import batches, bulk_insert, in_chunks, upsert

#: the request log is kept this long (an audit of what was sent), then pruned
REQUEST_LOG_RETENTION = timedelta(days=1)
PROFILE_INSERT_COLUMNS = (
    "instagram_account_id",
    "ig_user_id",
    "username",
    "display_name",
    "is_private",
    "is_verified",
    "profile_pic_url",
    "following",
    "follows_you",
    "follow_graph_sync_run_id",
    "dm_interaction_state",
    "story_interaction_state",
    "created_at",
    "updated_at",
)


def profile_insert_rows(
    account_id: int, sync_run_id: int, profiles: Iterable[ProfileWrite], now: datetime
) -> Iterator[tuple[Any, ...]]:
    """The new profiles of a rebuild as rows of `PROFILE_INSERT_COLUMNS`."""
    for w in profiles:
        if w.id is None:
            yield (
                account_id,
                w.ig_user_id,
                w.username,
                w.display_name,
                w.is_private,
                w.is_verified,
                w.profile_pic_url,
                w.following,
                w.follows_you,
                sync_run_id,
                "unknown",
                "unknown",
                now,
                now,
            )


class UnknownAccountError(LookupError):
    """No managed account by that username."""


class ConcurrentSyncError(RuntimeError):
    """Another sync committed this account's graph while this one was fetching."""


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be reached or opened; the message never shows a password."""


class DatabaseResource(
    ProfileStore, ContentStore, MetricsStore, StoryStore, InsightStore, ConfigurableResource
):
    """SQLAlchemy access to the app database named by `IG_DATABASE_URL` (SQLite or PostgreSQL).

    `secret_key` (`IG_SECRET_KEY`) is the Fernet key that encrypts session cookies at rest; it is
    needed only to store or read cookies.
    """

    url: str = Field(default_factory=default_database_url, description="SQLAlchemy URL (IG_DATABASE_URL)")
    secret_key: str | None = Field(default=None, description="Fernet key for cookies (IG_SECRET_KEY)")

    _migrated: bool = PrivateAttr(default=False)

    # -- plumbing -------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        return engine_for(self.url)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

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

    def _cipher(self) -> CookieCipher:
        return CookieCipher(self.secret_key)

    # -- accounts -------------------------------------------------------------------------------

    def register_account(
        self, username: str, cookies: SessionCookies, user_agent: str | None = None
    ) -> AccountRecord:
        """Add a managed account, or re-add a removed one, with its session stored encrypted."""
        token = self._cipher().encrypt(cookies.to_json())
        with self.session() as s:
            row = s.scalar(select(InstagramAccount).where(InstagramAccount.username == username))
            if row is None:
                row = InstagramAccount(username=username)
                s.add(row)
            elif row.ig_user_id and row.ig_user_id != cookies.user_pk:
                raise ValueError(
                    f"account '{username}' is Instagram user {row.ig_user_id}, but the cookies log in "
                    f"user {cookies.user_pk}"
                )
            row.cookies_json = token
            row.ig_user_id = cookies.user_pk
            row.login_state = "logged_in"
            row.login_state_reason = None
            row.removed_at = None
            if user_agent:
                row.user_agent = user_agent
            s.flush()
            return _account_record(row)

    def accounts(self, *, include_removed: bool = False) -> list[AccountRecord]:
        query = select(InstagramAccount).order_by(InstagramAccount.username)
        if not include_removed:
            query = query.where(InstagramAccount.removed_at.is_(None))
        with self.session() as s:
            return [_account_record(row) for row in s.scalars(query)]

    def account(self, username: str) -> AccountRecord:
        with self.session() as s:
            row = s.scalar(
                select(InstagramAccount).where(
                    InstagramAccount.username == username, InstagramAccount.removed_at.is_(None)
                )
            )
            if row is None:
                raise UnknownAccountError(f"no managed account '{username}' (see: ig-pipeline accounts list)")
            return _account_record(row)

    def check_secret_key(self) -> None:
        """Fail unless `secret_key` is set, well-formed, and decrypts the cookies already stored."""
        cipher = self._cipher()
        with self.session() as s:
            row = s.execute(
                select(InstagramAccount.username, InstagramAccount.cookies_json)
                .where(InstagramAccount.cookies_json.is_not(None))
                .limit(1)
            ).first()
        if row is not None:
            cipher.decrypt(row.cookies_json, what=f"the cookies of account '{row.username}'")

    def session_cookies(self, account: AccountRecord) -> SessionCookies:
        with self.session() as s:
            token = s.scalar(select(InstagramAccount.cookies_json).where(InstagramAccount.id == account.id))
        if not token:
            raise UnknownAccountError(f"account '{account.username}' has no stored session; log in again")
        plaintext = self._cipher().decrypt(token, what=f"the cookies of account '{account.username}'")
        return SessionCookies.from_json(plaintext)

    def remove_account(self, username: str, *, purge: bool = False) -> None:
        """Stop managing an account. Its data stays unless `purge`, which deletes every row of it."""
        with self.session() as s:
            row = s.scalar(select(InstagramAccount).where(InstagramAccount.username == username))
            if row is None or (row.removed_at is not None and not purge):
                raise UnknownAccountError(f"no managed account '{username}' (see: ig-pipeline accounts list)")
            if purge:
                s.delete(row)
            else:
                row.removed_at = utcnow()
                row.cookies_json = None  # a removed account keeps no live session

    def record_health(
        self,
        account_id: int,
        *,
        login_state: str | None = None,
        cooldown_until: datetime | None = None,
        reason: str | None = None,
    ) -> None:
        """Store what an Instagram answer meant for the account (decided by the account-health rules)."""
        with self.session() as s:
            row = s.get_one(InstagramAccount, account_id)
            if login_state is not None:
                row.login_state = login_state
                row.login_state_reason = reason
            if cooldown_until is not None:
                row.cooldown_until = cooldown_until
                row.cooldown_reason = reason

    def clear_cooldown(self, account_id: int) -> None:
        """Let a cooling-down account run again now (an operator's decision, or a sandbox reset)."""
        with self.session() as s:
            row = s.get_one(InstagramAccount, account_id)
            row.cooldown_until = None
            row.cooldown_reason = None

    def set_content_source(self, account_id: int, source: str) -> None:
        with self.session() as s:
            s.get_one(InstagramAccount, account_id).content_source = source

    def record_identity(self, account_id: int, ig_user_id: str, current_username: str) -> None:
        """Remember Instagram's id and current handle (a rename keeps the partition key)."""
        with self.session() as s:
            row = s.get_one(InstagramAccount, account_id)
            row.ig_user_id = ig_user_id
            row.current_username = None if current_username == row.username else current_username

    # -- sync runs ------------------------------------------------------------------------------

    def open_sync_run(self, account_id: int, kind: str, dagster_run_id: str | None) -> int:
        with self.session() as s:
            run = SyncRun(
                instagram_account_id=account_id, kind=kind, status="queued", dagster_run_id=dagster_run_id
            )
            s.add(run)
            s.flush()
            return run.id

    def mark_sync_running(self, sync_run_id: int) -> None:
        with self.session() as s:
            s.execute(
                update(SyncRun).where(SyncRun.id == sync_run_id).values(status="running", started_at=utcnow())
            )

    def complete_sync_run(self, sync_run_id: int, stats: dict[str, Any]) -> None:
        with self.session() as s:
            _finish(s, sync_run_id, "succeeded", stats, None)

    def fail_sync_run(self, sync_run_id: int, error: str, stats: dict[str, Any]) -> None:
        with self.session() as s:
            _finish(s, sync_run_id, "failed", stats, error)

    def sync_run(self, sync_run_id: int) -> SyncRun:
        with self.session() as s:
            return s.get_one(SyncRun, sync_run_id)

    def last_sync_run(self, account_id: int, kind: str, status: str | None = None) -> SyncRun | None:
        query = select(SyncRun).where(SyncRun.instagram_account_id == account_id, SyncRun.kind == kind)
        if status:
            query = query.where(SyncRun.status == status)
        with self.session() as s:
            return s.scalar(query.order_by(SyncRun.id.desc()).limit(1))

    # -- follow graph ---------------------------------------------------------------------------

    def follow_state(self, account_id: int) -> tuple[int | None, list[StoredProfile]]:
        """The account's profiles as the last committed sync left them, and that sync's id."""
        p = InstagramProfile
        with self.session() as s:
            version = s.scalar(
                select(InstagramAccount.follow_graph_sync_run_id).where(InstagramAccount.id == account_id)
            )
            rows = s.execute(
                select(
                    p.id,
                    p.ig_user_id,
                    p.username,
                    p.display_name,
                    p.is_private,
                    p.is_verified,
                    p.following,
                    p.follows_you,
                ).where(p.instagram_account_id == account_id)
            )
            return version, [StoredProfile(*row) for row in rows]

    def apply_follow_graph(
        self,
        account_id: int,
        sync_run_id: int,
        write: FollowGraphWrite,
        *,
        expected_version: int | None,
        stats: dict[str, Any],
    ) -> None:
        """Commit one rebuild and mark its sync run succeeded, atomically.

        Refuses (ConcurrentSyncError) if another sync committed since `expected_version` was read:
        the plan was computed against that state. The account row lock serialises writers.
        """
        profiles = InstagramProfile.__table__
        now = utcnow()
        with self.session() as s:
            locked = select(InstagramAccount).where(InstagramAccount.id == account_id).with_for_update()
            account = s.scalar(locked)
            if account is None:
                raise UnknownAccountError(f"account id {account_id} was removed during the sync")
            if account.follow_graph_sync_run_id != expected_version:
                raise ConcurrentSyncError(
                    f"account '{account.username}': another sync (run {account.follow_graph_sync_run_id}) "
                    "committed while this one was fetching; nothing was written"
                )
            if write.releases:
                s.execute(
                    update(profiles)
                    .where(profiles.c.id == bindparam("pid"))
                    .values(username=bindparam("uname")),
                    [{"pid": pid, "uname": name} for pid, name in write.releases],
                )
            updates = [w for w in write.profiles if w.id is not None]
            if updates:
                s.execute(
                    update(profiles)
                    .where(profiles.c.id == bindparam("pid"))
                    .values(
                        ig_user_id=bindparam("ig_user_id"),
                        username=bindparam("username"),
                        display_name=bindparam("display_name"),
                        is_private=bindparam("is_private"),
                        is_verified=bindparam("is_verified"),
                        following=bindparam("following"),
                        follows_you=bindparam("follows_you"),
                        follow_graph_sync_run_id=sync_run_id,
                        updated_at=now,
                    ),
                    [
                        {
                            "pid": w.id,
                            "ig_user_id": w.ig_user_id,
                            "username": w.username,
                            "display_name": w.display_name,
                            "is_private": w.is_private,
                            "is_verified": w.is_verified,
                            "following": w.following,
                            "follows_you": w.follows_you,
                        }
                        for w in updates
                    ],
                )
            bulk_insert(
                s,
                profiles,
                PROFILE_INSERT_COLUMNS,
                profile_insert_rows(account_id, sync_run_id, write.profiles, now),
            )
            for chunk in batches({"pid": pid} for pid in write.reset_ids):
                s.execute(
                    update(profiles)
                    .where(profiles.c.id == bindparam("pid"))
                    .values(following=False, follows_you=False, updated_at=now),
                    chunk,
                )
            self._write_inbox_and_stories(s, account_id, write, now)
            account.follow_graph_sync_run_id = sync_run_id
            account.follow_graph_synced_at = now
            _finish(s, sync_run_id, "succeeded", stats, None)

    def _write_inbox_and_stories(
        self, s: Session, account_id: int, write: FollowGraphWrite, now: datetime
    ) -> None:
        profiles = InstagramProfile.__table__
        wanted = {
            *(d.ig_user_id for d in write.dm_states),
            *(p.ig_user_id for p in write.peers),
            *(e.ig_user_id for e in write.events),
        }
        ids = self._profile_ids(s, account_id, wanted)
        states = (
            {"pid": ids[d.ig_user_id], "state": d.state, "reason": d.reason, "retry": d.retry_after}
            for d in write.dm_states
            if d.ig_user_id in ids
        )
        for chunk in batches(states):
            s.execute(
                update(profiles)
                .where(profiles.c.id == bindparam("pid"))
                .values(
                    dm_interaction_state=bindparam("state"),
                    dm_interaction_reason=bindparam("reason"),
                    dm_interaction_retry_after_at=bindparam("retry"),
                    updated_at=now,
                ),
                chunk,
            )
        if write.stories:
            s.execute(
                update(profiles)
                .where(profiles.c.id == bindparam("pid"))
                .values(last_story_seen_at=bindparam("seen_at"), updated_at=now),
                [
                    {"pid": ids[st.ig_user_id], "seen_at": st.seen_at}
                    for st in write.stories
                    if st.ig_user_id in ids
                ],
            )
        upsert(
            s,
            ConversationPeer.__table__,
            (
                {
                    "instagram_account_id": account_id,
                    "instagram_profile_id": ids.get(p.ig_user_id),
                    "ig_user_id": p.ig_user_id,
                    "username": p.username,
                    "display_name": p.display_name,
                    "thread_id": p.thread_id,
                    "thread_title": p.thread_title,
                    "is_group": p.is_group,
                    "last_message_at": p.last_message_at,
                    "created_at": now,
                    "updated_at": now,
                }
                for p in write.peers
            ),
            conflict=("instagram_account_id", "ig_user_id"),
            update=(
                "instagram_profile_id",
                "username",
                "display_name",
                "thread_id",
                "thread_title",
                "is_group",
                "last_message_at",
                "updated_at",
            ),
        )
        upsert(
            s,
            InstagramProfileEvent.__table__,
            (
                {
                    "instagram_profile_id": ids[e.ig_user_id],
                    "kind": e.kind,
                    "external_id": e.external_id,
                    "occurred_at": e.occurred_at,
                    "detected_at": now,
                    "metadata": e.metadata,
                }
                for e in write.events
                if e.ig_user_id in ids
            ),
            conflict=("instagram_profile_id", "kind", "external_id"),
        )

    def profile_ids(self, account_id: int, ig_user_ids: Iterable[str]) -> dict[str, int]:
        """Network profile ids by Instagram user id, for those of `ig_user_ids` in the network."""
        with self.session() as s:
            return self._profile_ids(s, account_id, set(ig_user_ids))

    @staticmethod
    def _profile_ids(s: Session, account_id: int, ig_user_ids: set[str]) -> dict[str, int]:
        p = InstagramProfile
        found: dict[str, int] = {}
        for chunk in in_chunks(sorted(ig_user_ids)):
            rows = s.execute(
                select(p.ig_user_id, p.id).where(
                    p.instagram_account_id == account_id, p.ig_user_id.in_(chunk)
                )
            )
            found.update(dict(rows.all()))
        return found

    # -- pacing ---------------------------------------------------------------------------------

    def reserve_request(self, account_id: int, bucket: str, budget: Budget) -> float:
        """Record one request to Instagram now if the account's budget allows it (returns 0), or
        return the seconds until it will. Serialised per account by the account row lock, so run
        processes that share the database share the budget."""
        log = InstagramRequestLog
        with self.session() as s:
            s.execute(select(InstagramAccount.id).where(InstagramAccount.id == account_id).with_for_update())
            now = utcnow()
            since = now - timedelta(seconds=budget.window_seconds)
            sent = s.scalars(
                select(log.requested_at).where(
                    log.instagram_account_id == account_id, log.bucket == bucket, log.requested_at > since
                )
            ).all()
            wait = window_wait([t.timestamp() for t in sent], budget, now.timestamp())
            if wait == 0:
                s.add(log(instagram_account_id=account_id, bucket=bucket, requested_at=now))
                if len(sent) == 0:  # a quiet moment: forget what is older than any window and a day
                    horizon = now - max(timedelta(seconds=budget.window_seconds), REQUEST_LOG_RETENTION)
                    s.execute(
                        delete(log).where(
                            log.instagram_account_id == account_id,
                            log.bucket == bucket,
                            log.requested_at <= horizon,
                        )
                    )
            return wait

    def budget_store(self, account_id: int) -> BudgetStore:
        """The account's shared request budgets, for `Pacer`."""
        database = self

        class AccountBudgets:
            def reserve(self, bucket: str, budget: Budget) -> float:
                return database.reserve_request(account_id, bucket, budget)

        return AccountBudgets()

    # -- reads for checks and metadata ----------------------------------------------------------

    def network_counts(self, account_id: int) -> NetworkCounts:
        p = InstagramProfile
        with self.session() as s:
            row = s.execute(
                select(
                    func.count(),
                    func.count().filter(p.follows_you.is_(True)),
                    func.count().filter(p.following.is_(True)),
                    func.count().filter(p.following.is_(True), p.follows_you.is_(True)),
                ).where(p.instagram_account_id == account_id)
            ).one()
            return NetworkCounts(*row)

    def most_followed(self, account_id: int, limit: int) -> list[tuple[str, int]]:
        """(username, followers) of the account's `limit` most-followed profiles with a known count."""
        p = InstagramProfile
        with self.session() as s:
            rows = s.execute(
                select(p.username, p.follower_count)
                .where(p.instagram_account_id == account_id, p.follower_count.is_not(None))
                .order_by(p.follower_count.desc(), p.id)
                .limit(limit)
            ).all()
        return [(name, followers) for name, followers in rows]

    def profiles_with_email(self, account_id: int) -> int:
        p = InstagramProfile
        with self.session() as s:
            return (
                s.scalar(
                    select(func.count()).where(p.instagram_account_id == account_id, p.ig_email.is_not(None))
                )
                or 0
            )

    def duplicate_keys(self, account_id: int) -> dict[str, int]:
        """How many keys that seed 004 declares unique appear more than once for this account."""
        p, e = InstagramProfile, InstagramProfileEvent

        def dupes(s: Session, *cols: Any, where: Sequence[Any]) -> int:
            grouped = select(*cols).where(*where).group_by(*cols).having(func.count() > 1).subquery()
            return s.scalar(select(func.count()).select_from(grouped)) or 0

        with self.session() as s:
            mine = p.instagram_account_id == account_id
            return {
                "profiles (account, username)": dupes(s, p.username, where=[mine]),
                "profiles (account, ig_user_id)": dupes(
                    s, p.ig_user_id, where=[mine, p.ig_user_id.is_not(None)]
                ),
                "events (profile, kind, external_id)": dupes(
                    s,
                    e.instagram_profile_id,
                    e.kind,
                    e.external_id,
                    where=[e.instagram_profile_id.in_(select(p.id).where(mine))],
                ),
                "conversation_peers (account, ig_user_id)": dupes(
                    s,
                    ConversationPeer.ig_user_id,
                    where=[ConversationPeer.instagram_account_id == account_id],
                ),
            }

    def events(self, account_id: int, kind: str | None = None) -> list[tuple[str, str, str]]:
        """(username, kind, external_id) of the account's profile events, oldest first."""
        p, e = InstagramProfile, InstagramProfileEvent
        query = (
            select(p.username, e.kind, e.external_id)
            .join(p, p.id == e.instagram_profile_id)
            .where(p.instagram_account_id == account_id)
        )
        if kind:
            query = query.where(e.kind == kind)
        with self.session() as s:
            return [tuple(r) for r in s.execute(query.order_by(e.id))]  # type: ignore[misc]


def _finish(s: Session, sync_run_id: int, status: str, stats: dict[str, Any], error: str | None) -> None:
    s.execute(
        update(SyncRun)
        .where(SyncRun.id == sync_run_id)
        .values(status=status, finished_at=utcnow(), stats_json=stats, error_message=error)
    )


def _account_record(row: InstagramAccount) -> AccountRecord:
    return AccountRecord(
        id=row.id,
        username=row.username,
        ig_user_id=row.ig_user_id,
        current_username=row.current_username,
        login_state=row.login_state,
        login_state_reason=row.login_state_reason,
        user_agent=row.user_agent,
        has_cookies=bool(row.cookies_json),
        removed_at=row.removed_at,
        created_at=row.created_at,
        follow_graph_synced_at=row.follow_graph_synced_at,
        cooldown_until=row.cooldown_until,
        cooldown_reason=row.cooldown_reason,
        content_source=row.content_source,
    )


def _first_line(exc: BaseException | None) -> str:
    return (str(exc) or type(exc).__name__).strip().splitlines()[0] if exc else "unknown error"


__all__ = [
    "ConcurrentSyncError",
    "DatabaseConfigError",
    "DatabaseResource",
    "DatabaseUnavailableError",
    "UnknownAccountError",
]
