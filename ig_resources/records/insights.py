"""Records that cross between the AI/insight store and the insights assets and AI resource."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# -- provider settings, analyses, calls ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProviderSettingRecord:
    """A row of `ai_provider_settings`; the key itself is read on its own (`ai_provider_api_key`)."""

    provider: str
    enabled: bool
    priority: int
    config: dict[str, Any]
    has_api_key: bool


@dataclass(frozen=True, slots=True)
class CachedAnalysis:
    """A completed analysis with the same cache key: `id` is the original (never itself a cache hit)."""

    id: int
    provider: str
    model: str
    analysis: dict[str, Any]
    response_text: str | None


@dataclass(frozen=True, slots=True)
class ApiCallWrite:
    """One HTTP call to a provider (`ai_api_calls`)."""

    provider: str
    model: str
    operation: str
    category: str
    input_tokens: int
    output_tokens: int
    total_tokens: int
    latency_ms: int
    http_status: int | None
    #: succeeded | failed | invalid_output | timeout
    status: str
    occurred_at: datetime
    error_message: str | None = None
    request_units: int = 1
    dagster_run_id: str | None = None


@dataclass(frozen=True, slots=True)
class PostInsightWrite:
    post_id: int
    image_description: str
    comment_suggestions: list[str]
    sentiment: str
    sentiment_score: float
    topics: list[str]
    engagement_score: float | None
    language: str | None
    #: (entity_type, value, confidence, evidence_text)
    entities: list[tuple[str, str, float, str]]


@dataclass(frozen=True, slots=True)
class ProfileInsightWrite:
    profile_id: int
    profile_type: str
    tone: str
    engagement_style: str
    messageability_score: float
    primary_language: str | None
    persona_summary: str
    interests: list[str]
    confidence: float
    #: (signal_type, value, confidence, evidence_text, source_type)
    signals: list[tuple[str, str, float, str, str]]


@dataclass(frozen=True, slots=True)
class MessageStrategyWrite:
    profile_id: int
    best_topics: list[str]
    avoid_topics: list[str]
    dos: list[str]
    donts: list[str]
    opener_templates: list[str]
    comment_templates: list[str]
    confidence: float


@dataclass(frozen=True, slots=True)
class DemographicsWrite:
    """What passed the evidence threshold (None: not estimated) and every estimate as it came."""

    profile_id: int
    age: str | None
    gender: str | None
    location: str | None
    persona_summary: str | None
    #: {"age": {"value", "confidence", "evidence", "accepted"}, ...}
    estimates: dict[str, Any]


Projection = PostInsightWrite | ProfileInsightWrite | MessageStrategyWrite | DemographicsWrite


@dataclass(slots=True)
class AnalysisWrite:
    """One inference (`ai_analyses`) with its HTTP calls and, when completed, what it projects."""

    account_id: int
    analyzable_type: str
    analyzable_id: int
    purpose: str
    provider: str
    model: str
    prompt: str
    prompt_version: str
    schema_version: str
    input_fingerprint: str
    #: completed | failed
    status: str
    started_at: datetime
    finished_at: datetime
    response_text: str | None = None
    analysis: dict[str, Any] | None = None
    error_message: str | None = None
    media_fingerprint: str | None = None
    cache_hit: bool = False
    cached_from_ai_analysis_id: int | None = None
    used_fallback: bool = False
    fallback_reason: str | None = None
    attempts: int = 0
    confidence_score: float | None = None
    evidence_count: int | None = None
    signals_detected_count: int | None = None
    input_completeness_score: float | None = None
    calls: list[ApiCallWrite] = field(default_factory=list)
    projection: Projection | None = None


# -- what the insights assets read -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostForInsight:
    id: int
    profile_id: int
    owner_username: str
    shortcode: str
    media_type: int | None
    product_type: str | None
    taken_at: datetime | None
    caption: str | None
    caption_lang: str | None
    likes_count: int | None
    comments_count: int | None
    owner_follower_count: int | None
    faces_count: int | None
    prominent_faces: int
    #: the stored file, when there is one
    media_sha256: str | None
    media_content_type: str | None
    #: the first comments' bodies (up to 20, oldest first)
    comments: list[str]
    #: the cache key of the analysis behind its current insight (None: never analysed)
    current_fingerprint: str | None
    #: whether it has an insight, and the engagement score stored on it
    has_insight: bool = False
    engagement_score: float | None = None


@dataclass(frozen=True, slots=True)
class ProfileForInsight:
    id: int
    username: str
    display_name: str | None
    bio: str | None
    category: str | None
    is_business: bool | None
    is_verified: bool | None
    is_private: bool | None
    external_url: str | None
    follower_count: int | None
    following_count: int | None
    media_count: int | None
    primary_language: str | None


@dataclass(frozen=True, slots=True)
class PostInsightSummary:
    """What a profile's posts were found to be about (for its profile insight and strategy)."""

    topics: dict[str, int]
    sentiments: dict[str, int]
    #: topics of its negative posts, most frequent first
    negative_topics: list[str]
    #: captions of its newest posts, newest first (up to 5)
    recent_captions: list[str]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One dated thing a profile did, for its narrative history."""

    at: datetime
    #: post | story | comment
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class ChunkWrite:
    sequence: int
    content: str
    word_count: int
    entry_count: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class StoryActivity:
    """A profile's stories and posts over time, and who appears in its stories."""

    story_times: list[datetime]
    #: "photo" | "video" per story, aligned with story_times
    story_media: list[str]
    #: the person labels seen in each story, aligned with story_times
    story_people: list[list[str]]
    #: label -> role of the profile's people
    people_roles: dict[str, str]
    post_times: list[datetime]


@dataclass(frozen=True, slots=True)
class BehaviorWrite:
    profile_id: int
    behavioral_summary: dict[str, Any]
    activity_score: float


@dataclass(frozen=True, slots=True)
class StoredProfileInsight:
    profile_id: int
    profile_type: str
    tone: str
    engagement_style: str
    messageability_score: float
    primary_language: str | None
    persona_summary: str
    interests: list[str]
    #: the cache key of the analysis behind it
    fingerprint: str | None
