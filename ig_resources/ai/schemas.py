"""What each kind of analysis reads and answers: pydantic models at the provider boundary.

Every purpose has an input model (what the assets gather from the database), an output model (what
a provider must answer; OpenAI's structured output is validated against it), a prompt and their
versions. The cache key of an analysis includes both versions, so a changed prompt or schema makes
the next run (or a backfill) analyse again, and an unchanged one costs nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Sentiment = Literal["positive", "neutral", "negative"]
EntityType = Literal["person", "mention", "hashtag", "brand", "place", "product", "event", "other"]
SourceType = Literal["bio", "caption", "comment", "story", "profile", "history", "post_insight", "behavior"]
ProfileType = Literal["personal", "creator", "business", "brand", "community", "unknown"]


class _Answer(BaseModel):
    # OpenAI's strict structured output wants every property required and no extra ones.
    model_config = ConfigDict(extra="forbid")


# -- inputs ----------------------------------------------------------------------------------------


class PostInput(BaseModel):
    """One post as the assets know it: caption, counts, faces found in its file, some comments."""

    shortcode: str
    owner_username: str
    media_type: Literal["photo", "video", "carousel", "unknown"] = "unknown"
    taken_at: datetime | None = None
    caption: str | None = None
    caption_lang: str | None = None
    #: (no like, comment or follower counts: they change daily and each change would cost an analysis;
    #: `engagement_score` is computed from them apart)
    #: faces `post_faces` found in the stored file (None: not read yet), and how many fill the frame
    faces_count: int | None = None
    prominent_faces: int = 0
    #: the first comments under it (text only), newest last
    comments: list[str] = Field(default_factory=list)


class ProfileInput(BaseModel):
    """A profile's own words, numbers and history, with what its posts were found to be about."""

    username: str
    display_name: str | None = None
    bio: str | None = None
    category: str | None = None
    is_business: bool | None = None
    is_verified: bool | None = None
    is_private: bool | None = None
    external_url: str | None = None
    follower_count: int | None = None
    following_count: int | None = None
    media_count: int | None = None
    primary_language: str | None = None
    #: topic -> posts about it, and sentiment -> posts, from `post_insights`
    post_topics: dict[str, int] = Field(default_factory=dict)
    post_sentiments: dict[str, int] = Field(default_factory=dict)
    #: how it uses stories and posts, in bands (`behavior_profiles`; None: nothing seen)
    behavior: dict[str, object] | None = None
    #: the newest `history_chunks`, oldest first, cut to a word budget
    history: list[str] = Field(default_factory=list)


class StrategyInput(BaseModel):
    """What the profile insight found, and the latest posts to open a conversation about."""

    username: str
    display_name: str | None = None
    profile_type: str
    tone: str
    engagement_style: str
    primary_language: str | None = None
    interests: list[str] = Field(default_factory=list)
    post_topics: dict[str, int] = Field(default_factory=dict)
    negative_topics: list[str] = Field(default_factory=list)
    recent_captions: list[str] = Field(default_factory=list)


class DemographicsInput(BaseModel):
    """Only what the person published about themselves: estimates come from evidence, not looks."""

    username: str
    display_name: str | None = None
    bio: str | None = None
    category: str | None = None
    primary_language: str | None = None
    captions: list[str] = Field(default_factory=list)
    history: list[str] = Field(default_factory=list)


# -- outputs ---------------------------------------------------------------------------------------


class Entity(_Answer):
    entity_type: EntityType
    value: str
    confidence: float = Field(ge=0, le=1)
    evidence_text: str


class PostInsight(_Answer):
    image_description: str
    sentiment: Sentiment
    #: -1 (negative) .. 1 (positive)
    sentiment_score: float = Field(ge=-1, le=1)
    topics: list[str] = Field(max_length=8)
    entities: list[Entity]
    comment_suggestions: list[str] = Field(max_length=3)
    language: str | None
    confidence: float = Field(ge=0, le=1)


class Signal(_Answer):
    signal_type: str
    value: str
    confidence: float = Field(ge=0, le=1)
    evidence_text: str
    source_type: SourceType


class ProfileInsight(_Answer):
    profile_type: ProfileType
    tone: str
    engagement_style: str
    #: how open the profile looks to a friendly message, 0..1
    messageability_score: float = Field(ge=0, le=1)
    primary_language: str | None
    persona_summary: str
    interests: list[str] = Field(max_length=10)
    signals: list[Signal]
    confidence: float = Field(ge=0, le=1)


class MessageStrategy(_Answer):
    best_topics: list[str]
    avoid_topics: list[str]
    dos: list[str]
    donts: list[str]
    opener_templates: list[str]
    comment_templates: list[str]
    confidence: float = Field(ge=0, le=1)


class Estimate(_Answer):
    """One estimated attribute: None unless the evidence says it; the evidence quoted."""

    value: str | None
    confidence: float = Field(ge=0, le=1)
    evidence: list[str]


class Demographics(_Answer):
    age: Estimate
    gender: Estimate
    location: Estimate
    persona_summary: str | None


# -- purposes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Purpose:
    name: str
    input_model: type[BaseModel]
    output_model: type[_Answer]
    instructions: str
    #: bump when the instructions change in meaning (the text's hash is part of the version anyway)
    revision: int = 1

    # cached: a run asks them for every analysis, and the schema takes pydantic a few milliseconds
    @cached_property
    def prompt_version(self) -> str:
        return f"{self.revision}-{hashlib.sha256(self.instructions.encode()).hexdigest()[:8]}"

    @cached_property
    def schema_version(self) -> str:
        schema = json.dumps(self.output_model.model_json_schema(), sort_keys=True)
        return hashlib.sha256(schema.encode()).hexdigest()[:12]

    def render(self, data: BaseModel) -> str:
        """The user message: the input as JSON (what the cache key hashes, too)."""
        return data.model_dump_json(exclude_none=True)


_COMMON = (
    "You analyse public Instagram content for a person who manages their own account. Answer only "
    "from the evidence given; when something is not stated or shown, say so (null, empty list, low "
    "confidence) instead of guessing. Write in English; keep the original language's words in quotes."
)

POST_INSIGHT = Purpose(
    "post_insight",
    PostInput,
    PostInsight,
    f"{_COMMON} Given one post (and its picture when attached), describe what it shows in one or two "
    "sentences, its sentiment (-1..1), up to 8 short lowercase topics, the entities it names (people, "
    "@mentions, #hashtags, brands, places, products, events) with the text that shows each, and up to "
    "3 short, specific, friendly comments a person could leave (no spam, no links, no flattery formulas).",
)
PROFILE_INSIGHT = Purpose(
    "profile_insight",
    ProfileInput,
    ProfileInsight,
    f"{_COMMON} Given a profile's bio, numbers, what its posts are about, its story habits and its "
    "history, classify the profile, its tone and engagement style, estimate how open it is to a "
    "friendly message (0..1), name its primary language (ISO 639-1), summarise the persona in one "
    "sentence, list up to 10 interests, and list each signal you used with its evidence and source.",
)
MESSAGE_STRATEGY = Purpose(
    "message_strategy",
    StrategyInput,
    MessageStrategy,
    f"{_COMMON} Given what is known about a profile, say which topics to talk about and which to "
    "avoid, what to do and not do in a first message, and give short opener and comment templates "
    "that refer to their real interests, written in the profile's primary language. "
    "Never suggest pretending to be someone else, pressure, or "
    "mass messages.",
)
DEMOGRAPHICS = Purpose(
    "profile_demographics",
    DemographicsInput,
    Demographics,
    f"{_COMMON} Estimate age (a range such as 25-34), gender and location only when the person states "
    "them or the text makes them explicit (pronouns, a stated age or birthday, 'based in ...'); quote "
    "that evidence. Never infer them from looks, names or interests: then the value is null.",
)

PURPOSES: dict[str, Purpose] = {
    p.name: p for p in (POST_INSIGHT, PROFILE_INSIGHT, MESSAGE_STRATEGY, DEMOGRAPHICS)
}
