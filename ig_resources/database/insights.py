"""The insights store: the inputs of the insight assets and the summaries they report."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update

from ig_resources.records import (
    BehaviorWrite,
    PostForInsight,
    PostInsightSummary,
    ProfileForInsight,
    StoredProfileInsight,
    StoryActivity,
    media_kind,
)

from .base import Store
from .history import _story_people
from .models import (
    AIAnalysis,
    AIApiCall,
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
    InstagramStoryPerson,
    MediaBlob,
    utcnow,
)
from .projections import PROFILE_TYPE, _json_normal
from .upsert import batches, in_chunks, upsert

#: the profile purposes whose current cache key `current_fingerprints` reads
PROFILE_PURPOSES = frozenset({"profile_insight", "message_strategy", "profile_demographics"})


COMMENTS_PER_POST = 20


RECENT_CAPTIONS = 5


def _by_count(counter: Counter[str]) -> dict[str, int]:
    """Most frequent first, ties by name: the same data always gives the same (hashed) prompt input."""
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


class InsightStore(Store):
    """What the insight assets read (posts, profiles, stories) and the projections they write."""

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

    def summary(self, account_id: int) -> dict[str, int]:
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
