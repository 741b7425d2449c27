"""AI analyses (with their provider settings and HTTP calls) and the insight tables projected from them.

A mixin of `DatabaseResource` (it uses `self.session()`, and `self._cipher()` for provider API keys).
A batch of analyses is written in one transaction with everything it projects, so a failed write
leaves the previous insights as they were. Reads are a handful of set-based queries per account,
never one per post or profile.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from .ai_records import (
    AnalysisWrite,
    ApiCallWrite,
    BehaviorWrite,
    CachedAnalysis,
    ChunkWrite,
    DemographicsWrite,
    HistoryEntry,
    MessageStrategyWrite,
    PostForInsight,
    PostInsightSummary,
    PostInsightWrite,
    ProfileForInsight,
    ProfileInsightWrite,
    ProviderSettingRecord,
    StoredProfileInsight,
    StoryActivity,
)
from .crypto import CookieCipher
from .models import (
    AIAnalysis,
    AIApiCall,
    AIProviderSetting,
    InstagramPostEntity,
    InstagramPostFace,
    InstagramPostInsight,
    InstagramProfile,
    InstagramProfileBehaviorProfile,
    InstagramProfileHistoryChunk,
    InstagramProfileInsight,
    InstagramProfileMessageStrategy,
    InstagramProfilePost,
    InstagramProfilePostComment,
    InstagramProfileSignalEvidence,
    InstagramStory,
    InstagramStoryFace,
    InstagramStoryPerson,
    MediaBlob,
    utcnow,
)
from .types import JSONType
from .upsert import batches, in_chunks, upsert

#: `ai_analyses.analyzable_type` of a post and of a profile
POST_TYPE = "instagram_profile_post"
PROFILE_TYPE = "instagram_profile"
#: the profile purposes whose current cache key `current_fingerprints` reads
PROFILE_PURPOSES = frozenset({"profile_insight", "message_strategy", "profile_demographics"})
COMMENTS_PER_POST = 20
RECENT_CAPTIONS = 5
#: a cache hit points at its original; this many hops is more than a healthy table ever has
MAX_CACHE_HOPS = 8
_MEDIA_KINDS = {1: "photo", 2: "video", 8: "carousel"}


class InsightStore:
    def session(self) -> AbstractContextManager[Session]:  # provided by DatabaseResource
        raise NotImplementedError

    def _cipher(self) -> CookieCipher:  # provided by DatabaseResource
        raise NotImplementedError

    # -- provider settings -------------------------------------------------------------------------

    def ai_provider_settings(self) -> list[ProviderSettingRecord]:
        """Every configured provider, in the order they are tried (priority, then name)."""
        ps = AIProviderSetting
        with self.session() as s:
            rows = s.execute(
                select(ps.provider, ps.enabled, ps.priority, ps.config, ps.api_key.is_not(None)).order_by(
                    ps.priority, ps.provider
                )
            ).all()
        return [ProviderSettingRecord(r[0], r[1], r[2], r[3] or {}, bool(r[4])) for r in rows]

    def ai_provider_api_key(self, provider: str) -> str | None:
        """The provider's API key, decrypted; None when none is stored."""
        with self.session() as s:
            token = s.scalar(select(AIProviderSetting.api_key).where(AIProviderSetting.provider == provider))
        if not token:
            return None
        return self._cipher().decrypt(token, what=f"the API key of AI provider '{provider}'")

    def set_ai_provider(
        self,
        provider: str,
        *,
        enabled: bool | None = None,
        priority: int | None = None,
        config: dict[str, Any] | None = None,
        api_key: str | None = None,
        clear_api_key: bool = False,
    ) -> None:
        """Create or change a provider's settings; an argument left None keeps what is stored (a new
        provider is enabled, priority 100). The API key is stored encrypted, never in plaintext."""
        provider = provider.strip()
        if not provider:
            raise ValueError("a provider needs a name")
        if api_key is not None and clear_api_key:
            raise ValueError("give an API key or clear it, not both")
        if api_key is not None and not api_key.strip():
            raise ValueError("the API key is empty (use clear_api_key to remove it)")
        now = utcnow()
        values: dict[str, Any] = {"provider": provider, "created_at": now, "updated_at": now}
        for name, value in (("enabled", enabled), ("priority", priority), ("config", config)):
            if value is not None:
                values[name] = value
        if api_key is not None:
            values["api_key"] = self._cipher().encrypt(api_key.strip())  # fails before anything is written
        elif clear_api_key:
            values["api_key"] = None
        with self.session() as s:
            # One statement: two processes configuring the same provider cannot both insert it.
            upsert(
                s,
                AIProviderSetting.__table__,
                [values],
                conflict=("provider",),
                update=[k for k in values if k not in ("provider", "created_at")],
            )

    def remove_ai_provider(self, provider: str) -> bool:
        with self.session() as s:
            return bool(
                s.execute(delete(AIProviderSetting).where(AIProviderSetting.provider == provider)).rowcount
            )

    # -- analyses and calls ------------------------------------------------------------------------

    def cached_analysis(self, input_fingerprint: str) -> CachedAnalysis | None:
        """The newest completed analysis with this cache key, as its original (a cache hit is followed
        to the analysis it reused, so chains of hits never form)."""
        a = AIAnalysis
        cols = (a.id, a.cached_from_ai_analysis_id, a.provider, a.model, a.analysis, a.response_text)
        with self.session() as s:
            row = s.execute(
                select(*cols)
                .where(a.input_fingerprint == input_fingerprint, a.status == "completed")
                .order_by(a.id.desc())
                .limit(1)
            ).first()
            for _ in range(MAX_CACHE_HOPS):
                if row is None or row.cached_from_ai_analysis_id is None:
                    break
                original = s.execute(select(*cols).where(a.id == row.cached_from_ai_analysis_id)).first()
                if original is None:
                    break
                row = original
        if row is None or row.analysis is None:
            return None
        return CachedAnalysis(row.id, row.provider, row.model, row.analysis, row.response_text)

    def cached_fingerprints(self, fingerprints: Collection[str]) -> set[str]:
        """Which of these cache keys have a completed analysis: one query per thousand keys, so a run
        looks up each analysis only when there is something to find."""
        a = AIAnalysis
        found: set[str] = set()
        with self.session() as s:
            for chunk in in_chunks(sorted(set(fingerprints))):
                found.update(
                    s.scalars(
                        select(a.input_fingerprint)
                        .distinct()
                        .where(
                            a.input_fingerprint.in_(chunk), a.status == "completed", a.analysis.is_not(None)
                        )
                    )
                )
        return found

    def save_analyses(self, items: Sequence[AnalysisWrite]) -> list[int]:
        """Insert the analyses with their calls and write what the completed ones project, all in one
        transaction. Returns the new analysis ids, in the order of `items`."""
        if not items:
            return []
        now = utcnow()
        # Core INSERT .. RETURNING in parameter order (one statement per batch; rows without an answer
        # are inserted apart, so that their `analysis` stays SQL NULL rather than JSON null).
        ids: list[int] = [0] * len(items)
        with self.session() as s:
            for answered in (True, False):
                positions = [i for i, w in enumerate(items) if (w.analysis is not None) == answered]
                for chunk in batches(positions):
                    returned = s.scalars(
                        insert(AIAnalysis).returning(AIAnalysis.id, sort_by_parameter_order=True),
                        [_analysis_values(items[i], now) for i in chunk],
                    ).all()
                    for i, aid in zip(chunk, returned, strict=True):
                        ids[i] = aid
            calls = [
                _call_values(w.account_id, aid, c) for w, aid in zip(items, ids, strict=True) for c in w.calls
            ]
            for chunk in batches(calls):
                s.execute(AIApiCall.__table__.insert(), chunk)
            _project(s, list(zip(items, ids, strict=True)), now)
        return ids

    def run_spend(self, dagster_run_id: str) -> tuple[int, int]:
        """(calls, tokens) a Dagster run has spent so far, over all its steps."""
        c = AIApiCall
        with self.session() as s:
            calls, tokens = s.execute(
                select(func.count(), func.coalesce(func.sum(c.total_tokens), 0)).where(
                    c.dagster_run_id == dagster_run_id
                )
            ).one()
        return int(calls), int(tokens)

    def set_engagement_scores(self, scores: Mapping[int, float | None]) -> None:
        """Each post's current engagement on its insight (counts move daily; no analysis needed)."""
        table = InstagramPostInsight.__table__
        with self.session() as s:
            for chunk in batches({"b_post": pid, "b_score": score} for pid, score in scores.items()):
                s.execute(
                    update(table)
                    .where(table.c.instagram_profile_post_id == bindparam("b_post"))
                    .values(engagement_score=bindparam("b_score")),
                    chunk,
                )

    def record_api_calls(self, account_id: int | None, calls: Sequence[ApiCallWrite]) -> None:
        """Calls that produced no analysis (a run stopped by its budget mid-item): they cost all the same."""
        if calls:
            with self.session() as s:
                for chunk in batches(_call_values(account_id, None, c) for c in calls):
                    s.execute(AIApiCall.__table__.insert(), chunk)

    # -- what the insight assets read --------------------------------------------------------------

    def posts_for_insights(self, account_id: int) -> list[PostForInsight]:
        """Every post of the account's profiles, newest first (undated last), with what its analysis
        reads and the cache key behind its current insight."""
        post, p, ins, an = InstagramProfilePost, InstagramProfile, InstagramPostInsight, AIAnalysis
        face, c = InstagramPostFace, InstagramProfilePostComment
        with self.session() as s:
            rows = s.execute(
                select(
                    post.id,
                    post.instagram_profile_id,
                    p.username,
                    post.shortcode,
                    post.media_type,
                    post.product_type,
                    post.taken_at,
                    post.caption,
                    post.caption_lang,
                    post.likes_count,
                    post.comments_count,
                    p.follower_count,
                    post.faces_count,
                    post.media_sha256,
                    MediaBlob.content_type,
                    an.input_fingerprint,
                    ins.id,
                    ins.engagement_score,
                )
                .join(p, p.id == post.instagram_profile_id)
                .outerjoin(MediaBlob, MediaBlob.sha256 == post.media_sha256)
                .outerjoin(ins, ins.instagram_profile_post_id == post.id)
                .outerjoin(an, an.id == ins.ai_analysis_id)
                .where(post.instagram_account_id == account_id)
                .order_by(post.taken_at.is_(None), post.taken_at.desc(), post.id.desc())
            ).all()
            prominent: dict[int, int] = dict(
                s.execute(  # type: ignore[arg-type]
                    select(face.instagram_profile_post_id, func.count())
                    .where(face.instagram_account_id == account_id, face.prominent.is_(True))
                    .group_by(face.instagram_profile_post_id)
                ).all()
            )
            # The first comments of every post in one query: numbered per post, oldest first.
            rank = (
                func.row_number()
                .over(
                    partition_by=c.instagram_profile_post_id,
                    order_by=(c.commented_at.is_(None), c.commented_at, c.id),
                )
                .label("rank")
            )
            ranked = (
                select(c.instagram_profile_post_id.label("post_id"), c.body, rank)
                .where(c.instagram_account_id == account_id, c.body.is_not(None), c.body != "")
                .subquery()
            )
            comments: dict[int, list[str]] = defaultdict(list)
            for post_id, body in s.execute(
                select(ranked.c.post_id, ranked.c.body)
                .where(ranked.c.rank <= COMMENTS_PER_POST)
                .order_by(ranked.c.post_id, ranked.c.rank)
            ):
                comments[post_id].append(body)
        return [
            PostForInsight(
                id=r[0],
                profile_id=r[1],
                owner_username=r[2],
                shortcode=r[3],
                media_type=r[4],
                product_type=r[5],
                taken_at=r[6],
                caption=r[7],
                caption_lang=r[8],
                likes_count=r[9],
                comments_count=r[10],
                owner_follower_count=r[11],
                faces_count=r[12],
                prominent_faces=prominent.get(r[0], 0),
                media_sha256=r[13],
                media_content_type=r[14],
                comments=comments.get(r[0], []),
                current_fingerprint=r[15],
                has_insight=r[16] is not None,
                engagement_score=r[17],
            )
            for r in rows
        ]

    def profiles_for_insights(
        self, account_id: int, profile_ids: Collection[int] | None = None
    ) -> list[ProfileForInsight]:
        """The account's profiles (or those of `profile_ids`), by id."""
        p = InstagramProfile
        query = select(
            p.id,
            p.username,
            p.display_name,
            p.bio,
            p.category,
            p.is_business,
            p.is_verified,
            p.is_private,
            p.external_url,
            p.follower_count,
            p.following_count,
            p.media_count,
            p.primary_language,
        ).where(p.instagram_account_id == account_id)
        with self.session() as s:
            if profile_ids is None:
                rows = s.execute(query.order_by(p.id)).all()
            else:
                rows = [
                    r
                    for chunk in in_chunks(sorted(set(profile_ids)))
                    for r in s.execute(query.where(p.id.in_(chunk)))
                ]
        rows.sort(key=lambda r: r[0])
        return [ProfileForInsight(*r) for r in rows]

    def current_fingerprints(self, table: str, profile_ids: Collection[int]) -> dict[int, str]:
        """profile id -> cache key of its newest completed analysis for `table` (a profile purpose)."""
        if table not in PROFILE_PURPOSES:
            raise ValueError(
                f"unknown profile purpose '{table}' (one of {', '.join(sorted(PROFILE_PURPOSES))})"
            )
        a = AIAnalysis
        out: dict[int, str] = {}
        with self.session() as s:
            for chunk in in_chunks(sorted(set(profile_ids))):
                newest = (
                    select(func.max(a.id))
                    .where(
                        a.analyzable_type == PROFILE_TYPE,
                        a.purpose == table,
                        a.status == "completed",
                        a.analyzable_id.in_(chunk),
                    )
                    .group_by(a.analyzable_id)
                )
                out.update(
                    s.execute(select(a.analyzable_id, a.input_fingerprint).where(a.id.in_(newest))).all()
                )  # type: ignore[arg-type]
        return out

    def post_insight_summaries(self, profile_ids: Collection[int]) -> dict[int, PostInsightSummary]:
        """Per profile with posts: the topics and sentiments its post insights found, the topics of its
        negative posts, and its newest captions."""
        post, ins = InstagramProfilePost, InstagramPostInsight
        topics: dict[int, Counter[str]] = defaultdict(Counter)
        sentiments: dict[int, Counter[str]] = defaultdict(Counter)
        negative: dict[int, Counter[str]] = defaultdict(Counter)
        captions: dict[int, list[str]] = defaultdict(list)
        with self.session() as s:
            for chunk in in_chunks(sorted(set(profile_ids))):
                for pid, post_topics, sentiment in s.execute(
                    select(post.instagram_profile_id, ins.topics, ins.sentiment)
                    .join(post, post.id == ins.instagram_profile_post_id)
                    .where(post.instagram_profile_id.in_(chunk))
                ):
                    topics[pid].update(post_topics or [])
                    if sentiment:
                        sentiments[pid][sentiment] += 1
                    if sentiment == "negative":
                        negative[pid].update(post_topics or [])
                rank = (
                    func.row_number()
                    .over(
                        partition_by=post.instagram_profile_id,
                        order_by=(post.taken_at.is_(None), post.taken_at.desc(), post.id.desc()),
                    )
                    .label("rank")
                )
                ranked = (
                    select(post.instagram_profile_id.label("pid"), post.caption, rank)
                    .where(
                        post.instagram_profile_id.in_(chunk),
                        post.caption.is_not(None),
                        func.trim(post.caption) != "",
                    )
                    .subquery()
                )
                for pid, caption in s.execute(
                    select(ranked.c.pid, ranked.c.caption)
                    .where(ranked.c.rank <= RECENT_CAPTIONS)
                    .order_by(ranked.c.pid, ranked.c.rank)
                ):
                    captions[pid].append(caption)
        return {
            pid: PostInsightSummary(
                topics=_by_count(topics.get(pid, Counter())),
                sentiments=_by_count(sentiments.get(pid, Counter())),
                negative_topics=list(_by_count(negative.get(pid, Counter()))),
                recent_captions=captions.get(pid, []),
            )
            for pid in sorted(set(topics) | set(sentiments) | set(captions))
        }

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
                text = f"{media_kind(media_type, product_type)} post: {(caption or '').strip() or '(no caption)'}"
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
            by_pk: dict[str, int] = {}
            by_name: dict[str, int] = {}
            for pid, pk, username in s.execute(
                select(p.id, p.ig_user_id, p.username).where(p.instagram_account_id == account_id)
            ):
                if pk:
                    by_pk[pk] = pid
                by_name[username.lower()] = pid
            owner = p.__table__.alias("owner")
            for author_pk, author_name, at, body, owner_name in s.execute(
                select(c.author_ig_user_id, c.author_username, c.commented_at, c.body, owner.c.username)
                .join(post, post.id == c.instagram_profile_post_id)
                .join(owner, owner.c.id == post.instagram_profile_id)
                .where(c.instagram_account_id == account_id, c.commented_at.is_not(None), c.body.is_not(None))
            ):
                pid = by_pk.get(author_pk or "") or by_name.get((author_name or "").lower())
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

    def story_activity(self, account_id: int) -> dict[int, StoryActivity]:
        """Per profile with stories or dated posts: when it posted what, and who is in its stories."""
        st, post, sp = InstagramStory, InstagramProfilePost, InstagramStoryPerson
        story_times: dict[int, list[datetime]] = defaultdict(list)
        story_media: dict[int, list[str]] = defaultdict(list)
        story_people: dict[int, list[list[str]]] = defaultdict(list)
        post_times: dict[int, list[datetime]] = defaultdict(list)
        roles: dict[int, dict[str, str]] = defaultdict(dict)
        with self.session() as s:
            people = _story_people(s, account_id)
            for story_id, pid, at, media_type in s.execute(
                select(st.id, st.instagram_profile_id, st.taken_at, st.media_type)
                .where(st.instagram_account_id == account_id)
                .order_by(st.taken_at, st.id)
            ):
                story_times[pid].append(at)
                story_media[pid].append(media_kind(media_type))
                story_people[pid].append(people.get(story_id, []))
            for pid, at in s.execute(
                select(post.instagram_profile_id, post.taken_at)
                .where(post.instagram_account_id == account_id, post.taken_at.is_not(None))
                .order_by(post.taken_at, post.id)
            ):
                post_times[pid].append(at)
            for pid, label, role in s.execute(
                select(sp.instagram_profile_id, sp.label, sp.role).where(
                    sp.instagram_account_id == account_id, sp.do_not_track.is_(False)
                )
            ):
                roles[pid][label] = role
        return {
            pid: StoryActivity(
                story_times=story_times.get(pid, []),
                story_media=story_media.get(pid, []),
                story_people=story_people.get(pid, []),
                people_roles=roles.get(pid, {}),
                post_times=post_times.get(pid, []),
            )
            for pid in sorted(set(story_times) | set(post_times))
        }

    def save_behavior_profiles(self, account_id: int, rows: Sequence[BehaviorWrite]) -> int:
        """Upsert each profile's behaviour summary; one whose summary and score are unchanged is not
        rewritten (its `computed_at` stays). Returns the rows written."""
        latest = {r.profile_id: (_json_normal(r.behavioral_summary), r.activity_score) for r in rows}
        bp = InstagramProfileBehaviorProfile
        with self.session() as s:
            stored: dict[int, tuple[Any, float | None]] = {}
            for chunk in in_chunks(sorted(latest)):
                stored.update(
                    {
                        pid: (summary, score)
                        for pid, summary, score in s.execute(
                            select(bp.instagram_profile_id, bp.behavioral_summary, bp.activity_score).where(
                                bp.instagram_profile_id.in_(chunk)
                            )
                        )
                    }
                )
            changed = [pid for pid, value in latest.items() if stored.get(pid) != value]
            now = utcnow()
            upsert(
                s,
                bp.__table__,
                [
                    {
                        "instagram_account_id": account_id,
                        "instagram_profile_id": pid,
                        "behavioral_summary": latest[pid][0],
                        "activity_score": latest[pid][1],
                        "computed_at": now,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for pid in changed
                ],
                conflict=("instagram_profile_id",),
                update=("behavioral_summary", "activity_score", "computed_at", "updated_at"),
            )
        return len(changed)

    def behavior_summaries(self, profile_ids: Collection[int]) -> dict[int, dict[str, Any]]:
        bp = InstagramProfileBehaviorProfile
        out: dict[int, dict[str, Any]] = {}
        with self.session() as s:
            for chunk in in_chunks(sorted(set(profile_ids))):
                out.update(
                    {
                        pid: summary
                        for pid, summary in s.execute(
                            select(bp.instagram_profile_id, bp.behavioral_summary).where(
                                bp.instagram_profile_id.in_(chunk)
                            )
                        )
                        if summary is not None
                    }
                )
        return out

    def profile_insights_of(self, profile_ids: Collection[int]) -> dict[int, StoredProfileInsight]:
        pi, a = InstagramProfileInsight, AIAnalysis
        out: dict[int, StoredProfileInsight] = {}
        with self.session() as s:
            for chunk in in_chunks(sorted(set(profile_ids))):
                for r in s.execute(
                    select(
                        pi.instagram_profile_id,
                        pi.profile_type,
                        pi.tone,
                        pi.engagement_style,
                        pi.messageability_score,
                        pi.primary_language,
                        pi.persona_summary,
                        pi.interests,
                        a.input_fingerprint,
                    )
                    .outerjoin(a, a.id == pi.ai_analysis_id)
                    .where(pi.instagram_profile_id.in_(chunk))
                ):
                    out[r[0]] = StoredProfileInsight(
                        profile_id=r[0],
                        profile_type=r[1] or "",
                        tone=r[2] or "",
                        engagement_style=r[3] or "",
                        messageability_score=r[4] if r[4] is not None else 0.0,
                        primary_language=r[5],
                        persona_summary=r[6] or "",
                        interests=list(r[7] or []),
                        fingerprint=r[8],
                    )
        return out

    def insights_summary(self, account_id: int) -> dict[str, int]:
        """Row counts of the account's analyses, calls and insight tables (one query)."""
        a, p = AIAnalysis, InstagramProfile

        def count(model: Any, *where: Any) -> Any:
            return (
                select(func.count())
                .select_from(model)
                .where(model.instagram_account_id == account_id, *where)
                .scalar_subquery()
            )

        counts = {
            "post_insights": count(InstagramPostInsight),
            "post_entities": count(InstagramPostEntity),
            "profile_insights": count(InstagramProfileInsight),
            "signal_evidences": count(InstagramProfileSignalEvidence),
            "message_strategies": count(InstagramProfileMessageStrategy),
            "demographics": count(
                p,
                or_(
                    p.ai_estimated_age.is_not(None),
                    p.ai_estimated_gender.is_not(None),
                    p.ai_estimated_location.is_not(None),
                ),
            ),
            "behavior_profiles": count(InstagramProfileBehaviorProfile),
            "history_chunks": count(InstagramProfileHistoryChunk),
            "ai_analyses": count(a),
            "ai_api_calls": count(AIApiCall),
            "cache_hits": count(a, a.cache_hit.is_(True)),
            "fallbacks": count(a, a.used_fallback.is_(True)),
            "failed_analyses": count(a, a.status == "failed"),
        }
        with self.session() as s:
            row = s.execute(select(*(q.label(k) for k, q in counts.items()))).one()
        return {k: int(v or 0) for k, v in row._mapping.items()}

    def insight_examples(self, account_id: int, *, limit: int) -> dict[str, Any]:
        """For a summary: sentiments and top topics of the account's posts, its `limit` most engaging
        analysed posts, and the most confident profile insight with its strategy and newest chunk."""
        pi, pp, pr = InstagramPostInsight, InstagramProfilePost, InstagramProfile
        out: dict[str, Any] = {
            "sentiments": {},
            "top_topics": [],
            "posts": [],
            "profile": None,
            "strategy": None,
            "history": None,
        }
        with self.session() as s:
            out["sentiments"] = dict(
                s.execute(
                    select(pi.sentiment, func.count())
                    .where(pi.instagram_account_id == account_id)
                    .group_by(pi.sentiment)
                ).all()
            )
            topics: Counter[str] = Counter()
            for (row,) in s.execute(select(pi.topics).where(pi.instagram_account_id == account_id)):
                topics.update(row or [])
            out["top_topics"] = list(_by_count(topics))
            if limit:
                out["posts"] = [
                    dict(r._mapping)
                    for r in s.execute(
                        select(
                            pr.username,
                            pp.shortcode,
                            pi.sentiment,
                            pi.sentiment_score,
                            pi.topics,
                            pi.image_description,
                            pi.comment_suggestions,
                        )
                        .join(pp, pp.id == pi.instagram_profile_post_id)
                        .join(pr, pr.id == pp.instagram_profile_id)
                        .where(pi.instagram_account_id == account_id, pp.caption.is_not(None))
                        .order_by(pi.engagement_score.desc().nulls_last(), pi.id)
                        .limit(limit)
                    )
                ]
            ins = InstagramProfileInsight
            best = s.execute(
                select(ins, pr.username)
                .join(pr, pr.id == ins.instagram_profile_id)
                .where(ins.instagram_account_id == account_id)
                .order_by(ins.confidence.desc().nulls_last(), ins.id)
                .limit(1)
            ).first()
            if best is None:
                return out
            insight, username = best
            out["profile"] = {
                "username": username,
                **{
                    c: getattr(insight, c)
                    for c in (
                        "profile_type",
                        "tone",
                        "engagement_style",
                        "messageability_score",
                        "primary_language",
                        "persona_summary",
                    )
                },
                "interests": list(insight.interests or []),
            }
            ms = s.scalar(
                select(InstagramProfileMessageStrategy).where(
                    InstagramProfileMessageStrategy.instagram_profile_id == insight.instagram_profile_id
                )
            )
            if ms is not None:
                out["strategy"] = {
                    c: list(getattr(ms, c) or [])
                    for c in (
                        "best_topics",
                        "avoid_topics",
                        "dos",
                        "donts",
                        "opener_templates",
                        "comment_templates",
                    )
                }
            hc = InstagramProfileHistoryChunk
            chunks = s.scalars(
                select(hc)
                .where(hc.instagram_profile_id == insight.instagram_profile_id)
                .order_by(hc.sequence)
            ).all()
            if chunks:
                out["history"] = {
                    "chunks": len(chunks),
                    "words": sum(c.word_count for c in chunks),
                    "starts_at": chunks[0].starts_at,
                    "ends_at": chunks[-1].ends_at,
                    "content": chunks[-1].content,
                }
        return out


# -- helpers ---------------------------------------------------------------------------------------


def _analysis_values(w: AnalysisWrite, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {
        "instagram_account_id": w.account_id,
        "analyzable_type": w.analyzable_type,
        "analyzable_id": w.analyzable_id,
        "purpose": w.purpose,
        "provider": w.provider,
        "model": w.model,
        "prompt": w.prompt,
        "response_text": w.response_text,
        "status": w.status,
        "error_message": w.error_message,
        "input_fingerprint": w.input_fingerprint,
        "media_fingerprint": w.media_fingerprint,
        "cache_hit": w.cache_hit,
        "cached_from_ai_analysis_id": w.cached_from_ai_analysis_id,
        "confidence_score": w.confidence_score,
        "evidence_count": w.evidence_count,
        "signals_detected_count": w.signals_detected_count,
        "input_completeness_score": w.input_completeness_score,
        "prompt_version": w.prompt_version,
        "schema_version": w.schema_version,
        "used_fallback": w.used_fallback,
        "fallback_reason": w.fallback_reason,
        "attempts": w.attempts,
        "started_at": w.started_at,
        "finished_at": w.finished_at,
        "created_at": now,
    }
    if w.analysis is not None:  # left unset, the column is SQL NULL (set to None it would be JSON null)
        values["analysis"] = w.analysis
    return values


def _call_values(account_id: int | None, analysis_id: int | None, c: ApiCallWrite) -> dict[str, Any]:
    return {
        "instagram_account_id": account_id,
        "ai_analysis_id": analysis_id,
        "provider": c.provider,
        "model": c.model,
        "operation": c.operation,
        "category": c.category,
        "input_tokens": c.input_tokens,
        "output_tokens": c.output_tokens,
        "total_tokens": c.total_tokens,
        "request_units": c.request_units,
        "latency_ms": c.latency_ms,
        "http_status": c.http_status,
        "status": c.status,
        "error_message": c.error_message,
        "occurred_at": c.occurred_at,
        "dagster_run_id": c.dagster_run_id,
    }


def _project(s: Session, saved: list[tuple[AnalysisWrite, int]], now: datetime) -> None:
    """Write what the completed analyses project; per target the last one of the batch wins (one
    upsert statement cannot touch a row twice)."""
    posts: dict[int, tuple[AnalysisWrite, int, PostInsightWrite]] = {}
    profiles: dict[int, tuple[AnalysisWrite, int, ProfileInsightWrite]] = {}
    strategies: dict[int, tuple[AnalysisWrite, int, MessageStrategyWrite]] = {}
    demographics: dict[int, tuple[AnalysisWrite, DemographicsWrite]] = {}
    post_outcome: dict[int, str] = {}
    for w, aid in saved:
        if w.status == "failed" and w.analyzable_type == POST_TYPE:
            post_outcome[w.analyzable_id] = "failed"
        if w.status != "completed" or w.projection is None:
            continue
        proj = w.projection
        if isinstance(proj, PostInsightWrite):
            posts[proj.post_id] = (w, aid, proj)
            post_outcome[proj.post_id] = "analyzed"
        elif isinstance(proj, ProfileInsightWrite):
            profiles[proj.profile_id] = (w, aid, proj)
        elif isinstance(proj, MessageStrategyWrite):
            strategies[proj.profile_id] = (w, aid, proj)
        elif isinstance(proj, DemographicsWrite):
            demographics[proj.profile_id] = (w, proj)
    _write_posts(s, posts, [pid for pid, outcome in post_outcome.items() if outcome == "failed"], now)
    _write_profiles(s, profiles, now)
    if strategies:
        upsert(
            s,
            InstagramProfileMessageStrategy.__table__,
            [
                {
                    "instagram_account_id": w.account_id,
                    "instagram_profile_id": pid,
                    "ai_analysis_id": aid,
                    "best_topics": m.best_topics,
                    "avoid_topics": m.avoid_topics,
                    "dos": m.dos,
                    "donts": m.donts,
                    "opener_templates": m.opener_templates,
                    "comment_templates": m.comment_templates,
                    "confidence": m.confidence,
                    "provider": w.provider,
                    "model": w.model,
                    "analyzed_at": w.finished_at,
                    "created_at": now,
                    "updated_at": now,
                }
                for pid, (w, aid, m) in strategies.items()
            ],
            conflict=("instagram_profile_id",),
            update=_UPDATE_STRATEGY,
        )
    if demographics:
        table = InstagramProfile.__table__
        for chunk in batches(
            {
                "b_id": pid,
                "b_age": d.age,
                "b_gender": d.gender,
                "b_location": d.location,
                "b_persona": d.persona_summary,
                "b_estimates": d.estimates,
                "b_at": w.finished_at,
            }
            for pid, (w, d) in demographics.items()
        ):
            s.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    ai_estimated_age=bindparam("b_age"),
                    ai_estimated_gender=bindparam("b_gender"),
                    ai_estimated_location=bindparam("b_location"),
                    ai_persona_summary=bindparam("b_persona"),
                    ai_estimates=bindparam("b_estimates", type_=JSONType),
                    ai_last_analyzed_at=bindparam("b_at"),
                    updated_at=now,
                ),
                chunk,
            )


_UPDATE_POST_INSIGHT = (
    "ai_analysis_id",
    "image_description",
    "comment_suggestions",
    "sentiment",
    "sentiment_score",
    "topics",
    "engagement_score",
    "language",
    "provider",
    "model",
    "analyzed_at",
    "updated_at",
)
_UPDATE_PROFILE_INSIGHT = (
    "ai_analysis_id",
    "profile_type",
    "tone",
    "engagement_style",
    "messageability_score",
    "primary_language",
    "persona_summary",
    "interests",
    "confidence",
    "provider",
    "model",
    "analyzed_at",
    "updated_at",
)
_UPDATE_STRATEGY = (
    "ai_analysis_id",
    "best_topics",
    "avoid_topics",
    "dos",
    "donts",
    "opener_templates",
    "comment_templates",
    "confidence",
    "provider",
    "model",
    "analyzed_at",
    "updated_at",
)


def _write_posts(
    s: Session,
    posts: dict[int, tuple[AnalysisWrite, int, PostInsightWrite]],
    failed: list[int],
    now: datetime,
) -> None:
    if posts:
        upsert(
            s,
            InstagramPostInsight.__table__,
            [
                {
                    "instagram_account_id": w.account_id,
                    "instagram_profile_post_id": pid,
                    "ai_analysis_id": aid,
                    "image_description": x.image_description,
                    "comment_suggestions": x.comment_suggestions,
                    "sentiment": x.sentiment,
                    "sentiment_score": x.sentiment_score,
                    "topics": x.topics,
                    "engagement_score": x.engagement_score,
                    "language": x.language,
                    "provider": w.provider,
                    "model": w.model,
                    "analyzed_at": w.finished_at,
                    "created_at": now,
                    "updated_at": now,
                }
                for pid, (w, aid, x) in posts.items()
            ],
            conflict=("instagram_profile_post_id",),
            update=_UPDATE_POST_INSIGHT,
        )
        _replace(
            s,
            InstagramPostEntity.__table__,
            "instagram_profile_post_id",
            list(posts),
            [
                {
                    "instagram_account_id": w.account_id,
                    "instagram_profile_post_id": pid,
                    "ai_analysis_id": aid,
                    "entity_type": kind,
                    "value": value,
                    "confidence": confidence,
                    "evidence_text": evidence,
                }
                for pid, (w, aid, x) in posts.items()
                for kind, value, confidence, evidence in x.entities
            ],
        )
        table = InstagramProfilePost.__table__
        for chunk in batches(
            {
                "b_id": pid,
                "b_provider": w.provider,
                "b_model": w.model,
                "b_analysis": w.analysis,
                "b_at": w.finished_at,
            }
            for pid, (w, _, _) in posts.items()
        ):
            s.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    ai_status="analyzed",
                    ai_provider=bindparam("b_provider"),
                    ai_model=bindparam("b_model"),
                    analysis=bindparam("b_analysis", type_=JSONType),
                    analyzed_at=bindparam("b_at"),
                    updated_at=now,
                ),
                chunk,
            )
    if failed:  # the post keeps its previous insight; only its pipeline state says the last try failed
        table = InstagramProfilePost.__table__
        for chunk in in_chunks(failed):
            s.execute(update(table).where(table.c.id.in_(chunk)).values(ai_status="failed", updated_at=now))


def _write_profiles(
    s: Session, profiles: dict[int, tuple[AnalysisWrite, int, ProfileInsightWrite]], now: datetime
) -> None:
    if not profiles:
        return
    upsert(
        s,
        InstagramProfileInsight.__table__,
        [
            {
                "instagram_account_id": w.account_id,
                "instagram_profile_id": pid,
                "ai_analysis_id": aid,
                "profile_type": x.profile_type,
                "tone": x.tone,
                "engagement_style": x.engagement_style,
                "messageability_score": x.messageability_score,
                "primary_language": x.primary_language,
                "persona_summary": x.persona_summary,
                "interests": x.interests,
                "confidence": x.confidence,
                "provider": w.provider,
                "model": w.model,
                "analyzed_at": w.finished_at,
                "created_at": now,
                "updated_at": now,
            }
            for pid, (w, aid, x) in profiles.items()
        ],
        conflict=("instagram_profile_id",),
        update=_UPDATE_PROFILE_INSIGHT,
    )
    _replace(
        s,
        InstagramProfileSignalEvidence.__table__,
        "instagram_profile_id",
        list(profiles),
        [
            {
                "instagram_account_id": w.account_id,
                "instagram_profile_id": pid,
                "ai_analysis_id": aid,
                "signal_type": kind,
                "value": value,
                "confidence": confidence,
                "evidence_text": evidence,
                "source_type": source,
                "created_at": now,
            }
            for pid, (w, aid, x) in profiles.items()
            for kind, value, confidence, evidence, source in x.signals
        ],
    )


def _replace(s: Session, table: Table, key: str, owners: list[int], rows: list[dict[str, Any]]) -> None:
    """The child rows of `owners` become `rows` (a re-analysis never duplicates them)."""
    for chunk in in_chunks(owners):
        s.execute(delete(table).where(table.c[key].in_(chunk)))
    for batch in batches(rows):
        s.execute(table.insert(), batch)


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


def media_kind(media_type: int | None, product_type: str | None = None) -> str:
    """Instagram's media_type (1 photo, 2 video, 8 carousel; reels and IGTV are videos) as a word."""
    if media_type == 2 or product_type in ("clips", "igtv"):
        return "video"
    return _MEDIA_KINDS.get(media_type or 0, "photo")


def _by_count(counter: Counter[str]) -> dict[str, int]:
    """Most frequent first, ties by name: the same data always gives the same (hashed) prompt input."""
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _json_normal(value: Any) -> Any:
    """As the JSON column gives it back (tuples as lists, keys as strings), to compare with stored rows."""
    return json.loads(json.dumps(value))
