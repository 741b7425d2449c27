"""Metrics storage: the partition's inputs as frames, and the write of computed metrics.

A mixin of `DatabaseResource` (it uses only `self.session()`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from .models import (
    InstagramAccountMetric,
    InstagramProfile,
    InstagramProfileMetric,
    InstagramProfilePost,
    InstagramProfileSnapshot,
)
from .upsert import batches


class MetricsStore:
    def session(self) -> AbstractContextManager[Session]:  # provided by DatabaseResource
        raise NotImplementedError

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

    def account_metric_history(self, account_id: int) -> list[InstagramAccountMetric]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(InstagramAccountMetric)
                    .where(InstagramAccountMetric.instagram_account_id == account_id)
                    .order_by(InstagramAccountMetric.computed_at)
                )
            )
