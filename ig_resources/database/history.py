"""The history store: `instagram_profile_history_chunks`, built from posts, comments and stories."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ig_resources.records import ChunkWrite, HistoryEntry, media_kind

from .base import Store
from .models import (
    InstagramPostInsight,
    InstagramProfile,
    InstagramProfileHistoryChunk,
    InstagramProfilePost,
    InstagramProfilePostComment,
    InstagramStory,
    InstagramStoryFace,
    InstagramStoryPerson,
    utcnow,
)
from .upsert import batches, in_chunks


def _story_people(s: Session, account_id: int) -> dict[int, list[str]]:
    """story id -> labels of the people whose faces are in it (not those marked "do not track")."""
    sf, sp = InstagramStoryFace, InstagramStoryPerson
    found: dict[int, set[str]] = defaultdict(set)
    for story_id, label in s.execute(
        select(sf.instagram_story_id, sp.label)
        .join(sp, sp.id == sf.instagram_story_person_id)
        .where(sf.instagram_account_id == account_id, sp.do_not_track.is_(False))
    ):
        found[story_id].add(label)
    return {sid: sorted(labels, key=_natural) for sid, labels in found.items()}


def _natural(label: str) -> tuple[Any, ...]:
    """person-2 before person-10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label))


class HistoryStore(Store):
    """A profile's history as text chunks for the analyses that read it."""

    def history_entries(self, account_id: int) -> dict[int, list[HistoryEntry]]:
        """Per profile, oldest first: its dated posts (with what their insight found), its stories (with
        the people in them, except those not to be tracked) and the comments it wrote under the
        account's stored posts."""
        post, ins, st, c = (
            InstagramProfilePost,
            InstagramPostInsight,
            InstagramStory,
            InstagramProfilePostComment,
        )
        p = InstagramProfile
        out: dict[int, list[HistoryEntry]] = defaultdict(list)
        with self.session() as s:
            for pid, at, media_type, product_type, caption, topics, sentiment, insight_id in s.execute(
                select(
                    post.instagram_profile_id,
                    post.taken_at,
                    post.media_type,
                    post.product_type,
                    post.caption,
                    ins.topics,
                    ins.sentiment,
                    ins.id,
                )
                .outerjoin(ins, ins.instagram_profile_post_id == post.id)
                .where(post.instagram_account_id == account_id, post.taken_at.is_not(None))
            ):
                # No like or comment counts: they change every day, and the chunks are analysis input.
                said = (caption or "").strip() or "(no caption)"
                text = f"{media_kind(media_type, product_type)} post: {said}"
                if insight_id is not None:
                    text += (
                        f" — topics: {', '.join(topics or []) or 'none'}; sentiment: {sentiment or 'unknown'}"
                    )
                out[pid].append(HistoryEntry(at, "post", text))

            people = _story_people(s, account_id)
            for story_id, pid, at, media_type in s.execute(
                select(st.id, st.instagram_profile_id, st.taken_at, st.media_type).where(
                    st.instagram_account_id == account_id
                )
            ):
                text = f"{media_kind(media_type, None)} story"
                if labels := people.get(story_id):
                    text += f", with {', '.join(labels)}"
                out[pid].append(HistoryEntry(at, "story", text))

            # Authors are matched to the network in Python: one pass over the comments, no OR-join.
            by_ig_user_id: dict[str, int] = {}
            by_name: dict[str, int] = {}
            for pid, ig_user_id, username in s.execute(
                select(p.id, p.ig_user_id, p.username).where(p.instagram_account_id == account_id)
            ):
                if ig_user_id:
                    by_ig_user_id[ig_user_id] = pid
                by_name[username.lower()] = pid
            owner = p.__table__.alias("owner")
            for author_ig_user_id, author_name, at, body, owner_name in s.execute(
                select(c.author_ig_user_id, c.author_username, c.commented_at, c.body, owner.c.username)
                .join(post, post.id == c.instagram_profile_post_id)
                .join(owner, owner.c.id == post.instagram_profile_id)
                .where(c.instagram_account_id == account_id, c.commented_at.is_not(None), c.body.is_not(None))
            ):
                pid = by_ig_user_id.get(author_ig_user_id or "") or by_name.get((author_name or "").lower())
                if pid is not None and body.strip():
                    out[pid].append(
                        HistoryEntry(at, "comment", f"commented on @{owner_name}'s post: {body.strip()}")
                    )
        for entries in out.values():
            entries.sort(key=lambda e: (e.at, e.kind, e.text))
        return dict(out)

    def replace_history_chunks(self, account_id: int, chunks: Mapping[int, Sequence[ChunkWrite]]) -> int:
        """Per profile of `chunks`: its chunks become these (an empty list removes them), unless they
        are identical to what is stored, which is left untouched. Returns the profiles changed."""
        hc = InstagramProfileHistoryChunk
        pids = sorted(chunks)
        with self.session() as s:
            stored: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
            for chunk in in_chunks(pids):
                for row in s.execute(
                    select(
                        hc.instagram_profile_id,
                        hc.sequence,
                        hc.content,
                        hc.word_count,
                        hc.entry_count,
                        hc.starts_at,
                        hc.ends_at,
                    )
                    .where(hc.instagram_profile_id.in_(chunk))
                    .order_by(hc.instagram_profile_id, hc.sequence)
                ):
                    stored[row[0]].append(tuple(row[1:]))
            changed = [
                pid
                for pid in pids
                if stored.get(pid, [])
                != [
                    (w.sequence, w.content, w.word_count, w.entry_count, w.starts_at, w.ends_at)
                    for w in sorted(chunks[pid], key=lambda w: w.sequence)
                ]
            ]
            for chunk in in_chunks(changed):
                s.execute(delete(hc).where(hc.instagram_profile_id.in_(chunk)))
            now = utcnow()
            rows = [
                {
                    "instagram_account_id": account_id,
                    "instagram_profile_id": pid,
                    "sequence": w.sequence,
                    "content": w.content,
                    "word_count": w.word_count,
                    "entry_count": w.entry_count,
                    "starts_at": w.starts_at,
                    "ends_at": w.ends_at,
                    "created_at": now,
                }
                for pid in changed
                for w in chunks[pid]
            ]
            for batch in batches(rows):
                s.execute(hc.__table__.insert(), batch)
        return len(changed)

    def history_chunks(self, profile_ids: Collection[int], *, max_words: int) -> dict[int, list[str]]:
        """Per profile: its newest chunks that fit `max_words` together (at least the newest one),
        oldest first."""
        hc = InstagramProfileHistoryChunk
        out: dict[int, list[str]] = {}
        with self.session() as s:
            for chunk in in_chunks(sorted(set(profile_ids))):
                taken: dict[int, list[str]] = defaultdict(list)
                words: dict[int, int] = defaultdict(int)
                full: set[int] = set()
                for pid, content, count in s.execute(
                    select(hc.instagram_profile_id, hc.content, hc.word_count)
                    .where(hc.instagram_profile_id.in_(chunk))
                    .order_by(hc.instagram_profile_id, hc.sequence.desc())
                ):
                    if pid in full:
                        continue
                    if taken[pid] and words[pid] + count > max_words:
                        full.add(pid)  # the history stays contiguous: nothing older after a gap
                        continue
                    taken[pid].append(content)
                    words[pid] += count
                out.update({pid: texts[::-1] for pid, texts in taken.items()})
        return out
