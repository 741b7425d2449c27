"""The accounts store: `instagram_accounts`, their encrypted sessions, and the request log that paces them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from ig_resources.instagram.pacing import Budget, BudgetStore, window_wait
from ig_resources.instagram.session import SessionCookies
from ig_resources.records import AccountRecord
from ig_resources.records.accounts import LOGGED_IN

from .base import Store
from .models import InstagramAccount, InstagramRequestLog, utcnow

#: the request log is kept this long (an audit of what was sent), then pruned
REQUEST_LOG_RETENTION = timedelta(days=1)


class UnknownAccountError(LookupError):
    """No managed account by that username."""


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


class AccountStore(Store):
    """Managed accounts: registration, encrypted sessions, health, identity and request budgets."""

    def register(
        self, username: str, cookies: SessionCookies, user_agent: str | None = None
    ) -> AccountRecord:
        """Add a managed account, or re-add a removed one, with its session stored encrypted."""
        token = self._cipher().encrypt(cookies.to_json())
        with self.session() as s:
            row = s.scalar(select(InstagramAccount).where(InstagramAccount.username == username))
            if row is None:
                row = InstagramAccount(username=username)
                s.add(row)
            elif row.ig_user_id and row.ig_user_id != cookies.ig_user_id:
                raise ValueError(
                    f"account '{username}' is Instagram user {row.ig_user_id}, but the cookies log in "
                    f"user {cookies.ig_user_id}"
                )
            row.cookies_json = token
            row.ig_user_id = cookies.ig_user_id
            row.login_state = LOGGED_IN
            row.login_state_reason = None
            row.removed_at = None
            if user_agent:
                row.user_agent = user_agent
            s.flush()
            return _account_record(row)

    def all(self, *, include_removed: bool = False) -> list[AccountRecord]:
        query = select(InstagramAccount).order_by(InstagramAccount.username)
        if not include_removed:
            query = query.where(InstagramAccount.removed_at.is_(None))
        with self.session() as s:
            return [_account_record(row) for row in s.scalars(query)]

    def get(self, username: str) -> AccountRecord:
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

    def remove(self, username: str, *, purge: bool = False) -> None:
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

    def beat(self, account_id: int) -> None:
        """The account's work is alive now (`continuous_processing_heartbeat_at`): a run that stops
        beating was lost, not slow."""
        with self.session() as s:
            s.execute(
                update(InstagramAccount)
                .where(InstagramAccount.id == account_id)
                .values(continuous_processing_heartbeat_at=utcnow())
            )

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
