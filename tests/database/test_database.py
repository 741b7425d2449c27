"""The database resource on real SQLite and PostgreSQL: schema, accounts, secrets, the rebuild write."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import psycopg2
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from ig_resources.database import (
    ConcurrentSyncError,
    DatabaseConfigError,
    DatabaseResource,
    DatabaseUnavailableError,
    SecretKeyError,
    UnknownAccountError,
    generate_key,
)
from ig_resources.database.migrations import current_revision, head_revision
from ig_resources.database.models import InstagramAccount, InstagramProfile
from ig_resources.database.upsert import upsert
from ig_resources.instagram.session import SessionCookies
from ig_resources.records import (
    DmStateWrite,
    EventWrite,
    FollowGraphWrite,
    PeerWrite,
    ProfileWrite,
    StorySighting,
)

COOKIE_VALUE = "4242%3AsEcReTsEsSiOnVaLuE%3A27"


def cookies(pk: str = "4242") -> SessionCookies:
    return SessionCookies(
        cookies={
            "sessionid": SecretStr(COOKIE_VALUE.replace("4242", pk)),
            "ds_user_id": SecretStr(pk),
            "csrftoken": SecretStr("csrf123"),
        }
    )


def profile(
    pk: int,
    *,
    follows_you: bool = True,
    following: bool = False,
    pid: int | None = None,
    username: str | None = None,
) -> ProfileWrite:
    return ProfileWrite(
        pid, str(pk), username or f"user{pk}", f"User {pk}", False, False, None, following, follows_you
    )


def test_migrations_reach_head_and_are_idempotent(database: DatabaseResource) -> None:
    assert current_revision(database.engine) == head_revision() == "0013"
    DatabaseResource(url=database.url).migrate()  # second run is a no-op
    assert current_revision(database.engine) == "0013"


def test_migrations_build_exactly_the_models(database: DatabaseResource) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ig_resources.database.models import Base

    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_cookies_are_encrypted_at_rest_and_round_trip(database: DatabaseResource) -> None:
    account = database.accounts.register("alice", cookies(), "Mozilla/5.0 test")
    with database.engine.connect() as c:
        stored = c.execute(text("SELECT cookies_json FROM instagram_accounts")).scalar_one()
    assert "sEcReT" not in stored
    assert "4242" not in stored
    assert database.accounts.session_cookies(account).plain()["sessionid"] == COOKIE_VALUE
    assert account.ig_user_id == "4242"
    assert account.login_state == "logged_in"


def test_wrong_secret_key_names_the_account_not_the_cookie(database: DatabaseResource) -> None:
    account = database.accounts.register("alice", cookies())
    wrong = DatabaseResource(url=database.url, secret_key=generate_key())
    with pytest.raises(SecretKeyError, match="cannot decrypt the cookies of account 'alice'") as err:
        wrong.accounts.session_cookies(account)
    with pytest.raises(SecretKeyError):
        wrong.accounts.check_secret_key()
    assert COOKIE_VALUE not in str(err.value)
    with pytest.raises(SecretKeyError, match="not a valid Fernet key"):
        DatabaseResource(url=database.url, secret_key="short").accounts.register("bob", cookies("7"))


def test_remove_keeps_data_unless_purged(database: DatabaseResource) -> None:
    alice = database.accounts.register("alice", cookies())
    database.accounts.register("bob", cookies("7"))
    run = database.runs.open(alice.id, "follow_graph", None)
    database.graph.apply_follow_graph(
        alice.id, run, FollowGraphWrite(profiles=[profile(1)]), expected_version=None, stats={}
    )
    database.accounts.remove("alice")
    assert [a.username for a in database.accounts.all()] == ["bob"]
    assert [a.username for a in database.accounts.all(include_removed=True)] == ["alice", "bob"]
    assert database.graph.network_counts(alice.id).profiles == 1
    with pytest.raises(UnknownAccountError):
        database.accounts.get("alice")
    database.accounts.remove("alice", purge=True)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(InstagramProfile)) == 0
        assert s.scalar(select(func.count()).select_from(InstagramAccount)) == 1


def test_registering_cookies_of_another_instagram_user_is_refused(database: DatabaseResource) -> None:
    database.accounts.register("alice", cookies("4242"))
    with pytest.raises(ValueError, match="Instagram user 4242"):
        database.accounts.register("alice", cookies("5555"))


def test_apply_rebuild_is_atomic_and_guarded_by_version(database: DatabaseResource) -> None:
    alice = database.accounts.register("alice", cookies())
    first = database.runs.open(alice.id, "follow_graph", "run-1")
    write = FollowGraphWrite(
        profiles=[profile(1), profile(2, following=True), profile(3, follows_you=False, following=True)],
        dm_states=[DmStateWrite("2", "messageable", "inbox_thread", None)],
        peers=[PeerWrite("2", "user2", None, "340282366841710300949128", None, False, datetime.now(UTC))],
        stories=[StorySighting("3", datetime(2026, 11, 23, tzinfo=UTC))],
        events=[EventWrite("3", "story_seen", "1763856000", datetime(2026, 11, 23, tzinfo=UTC))],
    )
    database.graph.apply_follow_graph(alice.id, first, write, expected_version=None, stats={"followers": 2})
    counts = database.graph.network_counts(alice.id)
    assert (counts.followers, counts.following, counts.mutuals, counts.profiles) == (2, 2, 1, 3)
    assert database.runs.get(first).status == "succeeded"

    # A plan computed against the state before `first` must not be applied on top of it.
    stale = database.runs.open(alice.id, "follow_graph", "run-2")
    with pytest.raises(ConcurrentSyncError):
        database.graph.apply_follow_graph(
            alice.id, stale, FollowGraphWrite(reset_ids=[1]), expected_version=None, stats={}
        )
    assert database.graph.network_counts(alice.id) == counts

    # A failing statement in the middle rolls back everything before it.
    broken = database.runs.open(alice.id, "follow_graph", "run-3")
    bad = FollowGraphWrite(profiles=[profile(9), profile(10, username="user1")])  # username clash
    # Bulk paths use the driver directly, so the clash surfaces as the driver's own IntegrityError.
    with pytest.raises((IntegrityError, sqlite3.IntegrityError, psycopg2.IntegrityError)):
        database.graph.apply_follow_graph(alice.id, broken, bad, expected_version=first, stats={})
    assert database.graph.network_counts(alice.id) == counts
    assert database.runs.get(broken).status == "queued"

    # Re-applying the same events and peers duplicates nothing.
    again = database.runs.open(alice.id, "follow_graph", "run-4")
    database.graph.apply_follow_graph(
        alice.id,
        again,
        FollowGraphWrite(dm_states=write.dm_states, peers=write.peers, events=write.events),
        expected_version=first,
        stats={},
    )
    duplicate_keys = database.graph.duplicate_keys(alice.id)
    assert duplicate_keys == dict.fromkeys(duplicate_keys, 0)
    assert database.graph.events(alice.id) == [("user3", "story_seen", "1763856000")]
    with database.session() as s:
        states = dict(
            s.execute(select(InstagramProfile.username, InstagramProfile.dm_interaction_state)).all()
        )
    assert states == {"user1": "unknown", "user2": "messageable", "user3": "unknown"}


def test_upsert_updates_on_conflict(database: DatabaseResource) -> None:
    alice = database.accounts.register("alice", cookies())
    table = InstagramProfile.__table__
    now = datetime.now(UTC)
    base = {
        "instagram_account_id": alice.id,
        "following": False,
        "follows_you": False,
        "dm_interaction_state": "unknown",
        "story_interaction_state": "unknown",
        "created_at": now,
        "updated_at": now,
    }
    rows = [{**base, "ig_user_id": str(i), "username": f"u{i}"} for i in range(12_000)]
    with database.session() as s:
        assert upsert(s, table, rows, conflict=("instagram_account_id", "ig_user_id")) == 12_000
    renamed = [{**r, "username": r["username"] + "x"} for r in rows[:10]]
    with database.session() as s:
        upsert(s, table, renamed, conflict=("instagram_account_id", "ig_user_id"), update=("username",))
        assert s.scalar(select(func.count()).select_from(table)) == 12_000
        assert s.scalar(select(table.c.username).where(table.c.ig_user_id == "3")) == "u3x"


def test_bad_database_urls_give_one_clear_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseConfigError, match="not a SQLAlchemy URL"):
        DatabaseResource(url="not a url").migrate()
    with pytest.raises(DatabaseConfigError, match="only sqlite and postgresql"):
        DatabaseResource(url="mysql://root@127.0.0.1/x").migrate()
    with pytest.raises(
        DatabaseUnavailableError, match=r"postgresql://postgres:\*\*\*@127.0.0.1:1/nope: .*refused"
    ) as err:
        DatabaseResource(url="postgresql://postgres:hunter2@127.0.0.1:1/nope").migrate()
    assert "hunter2" not in str(err.value)
    (tmp_path / "a-file").write_text("")
    with pytest.raises(DatabaseConfigError, match="cannot create the folder"):
        DatabaseResource(url=f"sqlite:///{tmp_path}/a-file/db.sqlite3").migrate()


def test_bulk_insert_round_trips_awkward_text(database: DatabaseResource) -> None:
    alice = database.accounts.register("alice", cookies())
    nasty = "tab\there, new\nline, back\\slash, \\N, 'quote\", ✨ ünïcödé"
    run = database.runs.open(alice.id, "follow_graph", None)
    write = FollowGraphWrite(
        profiles=[
            ProfileWrite(None, "1", "user1", nasty, None, True, "https://x/y?a=1&b=\t2", True, False),
            ProfileWrite(None, "2", "user2", None, False, None, None, False, True),
        ]
    )
    database.graph.apply_follow_graph(alice.id, run, write, expected_version=None, stats={})
    with database.session() as s:
        rows = s.execute(
            select(
                InstagramProfile.display_name,
                InstagramProfile.is_private,
                InstagramProfile.is_verified,
                InstagramProfile.profile_pic_url,
                InstagramProfile.created_at,
            ).order_by(InstagramProfile.ig_user_id)
        ).all()
    assert [tuple(r[:4]) for r in rows] == [
        (nasty, None, True, "https://x/y?a=1&b=\t2"),
        (None, False, None, None),
    ]
    assert all(
        r.created_at.tzinfo is not None and abs((datetime.now(UTC) - r.created_at).total_seconds()) < 60
        for r in rows
    )
