"""The discovery store: `discovered_accounts`, the related-profile chain and `instagram_account_metrics`."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ig_resources.records import ActionLogWrite, DiscoveryWrite

from .base import Store, insert_actions
from .models import (
    DiscoveredAccount,
    InstagramAccountMetric,
    InstagramProfile,
    InstagramProfileMetric,
    InstagramProfilePost,
    InstagramProfileSnapshot,
    utcnow,
)
from .upsert import batches


def _upsert_discovered(s: Session, account_id: int, found: list[DiscoveryWrite], now: datetime) -> None:
    """New people inserted, known ones seen again; then linked to their network profile if any."""
    table = DiscoveredAccount.__table__
    insert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["instagram_account_id", "ig_user_id", "source"],
        set_={
            "username": stmt.excluded.username,
            "last_seen_at": stmt.excluded.last_seen_at,
            "seen_count": table.c.seen_count + 1,
        },
    )
    rows = [
        {
            **asdict(d),
            "instagram_account_id": account_id,
            "seen_count": 1,
            "first_seen_at": now,
            "last_seen_at": now,
        }
        for d in found
    ]
    for chunk in batches(rows):
        s.execute(stmt, chunk)
    # A discovered person already in the network is linked to that profile, not duplicated.
    p = InstagramProfile.__table__
    s.execute(
        update(table)
        .where(table.c.instagram_account_id == account_id, table.c.instagram_profile_id.is_(None))
        .values(
            instagram_profile_id=select(p.c.id)
            .where(and_(p.c.instagram_account_id == account_id, p.c.ig_user_id == table.c.ig_user_id))
            .scalar_subquery()
        )
    )


class DiscoveryStore(Store):
    """Discovered accounts (related and commenters) and the account's metrics."""

    def profiles_to_chain(self, account_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, ig_user_id) of network profiles to ask related accounts for: never asked first, and on
        a new account's first run its mutuals, then whom it follows (no manual seeding)."""
        p = InstagramProfile
        with self.session() as s:
            rows = s.execute(
                select(p.id, p.ig_user_id)
                .where(
                    p.instagram_account_id == account_id,
                    p.ig_user_id.is_not(None),
                    or_(p.following.is_(True), p.follows_you.is_(True)),
                    # a private profile's suggestions are refused unless the account follows it
                    or_(p.is_private.is_not(True), p.following.is_(True)),
                )
                .order_by(
                    p.related_scanned_at.is_not(None),
                    p.related_scanned_at,
                    and_(p.following.is_(True), p.follows_you.is_(True)).desc(),
                    p.following.desc(),
                    p.id,
                )
                .limit(limit)
            ).all()
        return [(pid, pk) for pid, pk in rows]

    def apply_related_scan(
        self, account_id: int, scanned: list[int], found: list[DiscoveryWrite], actions: list[ActionLogWrite]
    ) -> None:
        now = utcnow()
        with self.session() as s:
            if found:
                _upsert_discovered(s, account_id, found, now)
            if scanned:
                table = InstagramProfile.__table__
                s.execute(update(table).where(table.c.id.in_(scanned)).values(related_scanned_at=now))
            insert_actions(s, account_id, actions, now)

    def summary(self, account_id: int) -> dict[str, dict[str, int]]:
        """Per source: people found, and how many of them are already in the network."""
        d = DiscoveredAccount
        with self.session() as s:
            rows = s.execute(
                select(d.source, func.count(), func.count(d.instagram_profile_id))
                .where(d.instagram_account_id == account_id)
                .group_by(d.source)
            ).all()
        return {source: {"found": n, "in_network": linked} for source, n, linked in rows}

    def metrics_inputs(self, account_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """The account's profiles (with username), posts and follower-count history, read in one
        transaction so the three frames agree."""
        p, post, snap = InstagramProfile, InstagramProfilePost, InstagramProfileSnapshot
        queries = (
            select(
                p.id.label("profile_id"),
                p.username,
                p.follower_count,
                p.posts_scanned_at.is_not(None).label("posts_scanned"),
            ).where(p.instagram_account_id == account_id),
            select(
                post.instagram_profile_id.label("profile_id"),
                post.taken_at,
                post.likes_count,
                post.comments_count,
            ).where(post.instagram_account_id == account_id),
            select(snap.instagram_profile_id.label("profile_id"), snap.captured_at, snap.follower_count)
            .join(p, p.id == snap.instagram_profile_id)
            .where(p.instagram_account_id == account_id),
        )
        with self.session() as s:
            frames = []
            for q in queries:
                result = s.execute(q)
                frames.append(pd.DataFrame(result.all(), columns=list(result.keys())))
        return frames[0], frames[1], frames[2]

    def apply_metrics(
        self,
        account_id: int,
        computed_at: datetime,
        profiles: list[dict[str, Any]],
        summary: dict[str, Any],
        metadata: dict[str, Any],
    ) -> None:
        """Replace the account's profile metrics (rows keyed by `profile_id`) and append its summary
        row (figures without a column of their own go to its metadata), in one transaction."""
        with self.session() as s:
            s.execute(
                delete(InstagramProfileMetric).where(
                    InstagramProfileMetric.instagram_account_id == account_id
                )
            )
            for chunk in batches(
                {
                    "instagram_account_id": account_id,
                    "instagram_profile_id": row["profile_id"],
                    "computed_at": computed_at,
                    **{k: v for k, v in row.items() if k != "profile_id"},
                }
                for row in profiles
            ):
                s.execute(insert(InstagramProfileMetric), chunk)
            columns = set(InstagramAccountMetric.__table__.columns.keys())
            s.add(
                InstagramAccountMetric(
                    instagram_account_id=account_id,
                    computed_at=computed_at,
                    metadata_json={**{k: v for k, v in summary.items() if k not in columns}, **metadata},
                    **{k: v for k, v in summary.items() if k in columns},
                )
            )
