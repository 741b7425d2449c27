"""What every store shares: the transactions, and the tag and action-log writes of several domains."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from ig_resources.records import ActionLogWrite, MediaCandidate, MediaResult

from .crypto import CookieCipher
from .models import InstagramProfileActionLog, InstagramProfileTagging, MediaBlob, ProfileTag, utcnow
from .upsert import upsert


class Transactions(Protocol):
    """What a store needs of `DatabaseResource`: one transaction per call, and the secret key."""

    def session(self) -> AbstractContextManager[Session]: ...

    def cipher(self) -> CookieCipher: ...


class Store:
    """One domain's reads and writes over the resource's engine; each method is one transaction."""

    def __init__(self, db: Transactions) -> None:
        self._db = db

    def session(self) -> AbstractContextManager[Session]:
        return self._db.session()

    def _cipher(self) -> CookieCipher:
        return self._db.cipher()


def tags_of(s: Session, profile_ids: list[int]) -> dict[int, dict[str, str]]:
    if not profile_ids:
        return {}
    t = InstagramProfileTagging
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for pid, name, source in s.execute(
        select(t.instagram_profile_id, ProfileTag.name, t.source)
        .join(ProfileTag, ProfileTag.id == t.profile_tag_id)
        .where(t.instagram_profile_id.in_(profile_ids))
    ):
        found[pid][name] = source
    return found


def tag_id(s: Session, name: str) -> int:
    upsert(s, ProfileTag.__table__, [{"name": name, "created_at": utcnow()}], conflict=("name",))
    return s.scalar(select(ProfileTag.id).where(ProfileTag.name == name))  # type: ignore[return-value]


def insert_actions(s: Session, account_id: int, actions: list[ActionLogWrite], now: datetime) -> None:
    if actions:
        s.execute(
            InstagramProfileActionLog.__table__.insert(),
            [
                {
                    "instagram_account_id": account_id,
                    "instagram_profile_id": a.profile_id,
                    "action": a.action,
                    "status": a.status,
                    "trigger_source": a.trigger_source,
                    "metadata": a.metadata,
                    "created_at": now,
                }
                for a in actions
            ],
        )


def insert_media_blobs(s: Session, stored: Iterable[MediaResult], now: datetime) -> None:
    """One `media_blobs` row per distinct sha256 of `stored` (the last result wins); existing rows stay."""
    blobs = {r.sha256: r for r in stored}
    if blobs:
        upsert(
            s,
            MediaBlob.__table__,
            [
                {
                    "sha256": r.sha256,
                    "content_type": r.content_type,
                    "byte_size": r.byte_size,
                    "created_at": now,
                }
                for r in blobs.values()
            ],
            conflict=("sha256",),
        )


def media_candidates(s: Session, rows: Sequence[Row[Any]]) -> list[MediaCandidate]:
    """Rows of (id, profile id, url, following, follows_you[, stored_sha256]) with their profiles' tags."""
    tags = tags_of(s, list({r[1] for r in rows}))
    return [MediaCandidate(*r[:5], frozenset(tags.get(r[1], {})), *r[5:]) for r in rows]
