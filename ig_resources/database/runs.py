"""The runs store: `sync_runs`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .base import Store
from .models import SyncRun, utcnow


def _finish(s: Session, sync_run_id: int, status: str, stats: dict[str, Any], error: str | None) -> None:
    s.execute(
        update(SyncRun)
        .where(SyncRun.id == sync_run_id)
        .values(status=status, finished_at=utcnow(), stats_json=stats, error_message=error)
    )


class RunStore(Store):
    """One row per asset run of an account: queued -> running -> succeeded, failed or cancelled."""

    def open(self, account_id: int, kind: str, dagster_run_id: str | None) -> int:
        with self.session() as s:
            run = SyncRun(
                instagram_account_id=account_id, kind=kind, status="queued", dagster_run_id=dagster_run_id
            )
            s.add(run)
            s.flush()
            return run.id

    def start(self, sync_run_id: int) -> None:
        with self.session() as s:
            s.execute(
                update(SyncRun).where(SyncRun.id == sync_run_id).values(status="running", started_at=utcnow())
            )

    def complete(self, sync_run_id: int, stats: dict[str, Any]) -> None:
        with self.session() as s:
            _finish(s, sync_run_id, "succeeded", stats, None)

    def fail(self, sync_run_id: int, error: str, stats: dict[str, Any]) -> None:
        with self.session() as s:
            _finish(s, sync_run_id, "failed", stats, error)

    def cancel(self, sync_run_id: int, stats: dict[str, Any]) -> None:
        """The Dagster run was terminated (from the UI or the CLI): not a failure of the account."""
        with self.session() as s:
            _finish(s, sync_run_id, "cancelled", stats, "the Dagster run was terminated")

    def get(self, sync_run_id: int) -> SyncRun:
        with self.session() as s:
            return s.get_one(SyncRun, sync_run_id)

    def last(self, account_id: int, kind: str, status: str | None = None) -> SyncRun | None:
        query = select(SyncRun).where(SyncRun.instagram_account_id == account_id, SyncRun.kind == kind)
        if status:
            query = query.where(SyncRun.status == status)
        with self.session() as s:
            return s.scalar(query.order_by(SyncRun.id.desc()).limit(1))
