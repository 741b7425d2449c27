"""A profile's insight: language, type, interests, tone, engagement, location and messageability."""

from __future__ import annotations

import re

from ..schemas import ProfileInput, ProfileInsight, Signal, SourceType
from .demographics import _stated_location
from .history import _history
from .profile_type import _profile_type
from .style import _engagement, _tone
from .text import _join, _language_name, _language_of, _read
from .topics import _Topics, _topics_of

_DM_OPEN = re.compile(
    r"\b(?:dms?\s+(?:me|open|are open|welcome|for)|dm\b|message me|inbox|send me a message|contact|"
    r"contacto|contato|kontakt|e-?mail|escr[ií]beme|m[aá]ndame|chama (?:no|na) dm|me chama|mande mensagem|"
    r"schreib mir|écris-moi|envoie-moi|scrivimi|whatsapp|booking)\b|📩|📧|✉|[\w.+-]+@[\w-]+\.[\w.]+",
    re.IGNORECASE,
)
_DM_CLOSED = re.compile(
    r"\b(?:no dms?|don'?t dm|do not dm|dms? (?:are )?closed|not (?:reading|checking|answering) dms?|"
    r"no (?:solicitations?|promos?|spam)|no respondo|não respondo|keine dms?|pas de dm|niente dm)\b",
    re.IGNORECASE,
)


def profile_insight(p: ProfileInput) -> ProfileInsight:
    bio = p.bio or ""
    history = _history(p.history)
    bio_read = _read(bio)
    own_words = _read("\n".join([bio, *history.texts[-40:]]))
    signals: list[Signal] = []

    lang, detected = _language_of(p.primary_language, "\n".join([bio, *history.texts[-20:]]))
    if lang:
        source: SourceType = ("bio" if bio else "history") if detected else "profile"
        evidence = f"detected in the {source}" if detected else f"primary_language: {lang}"
        signals.append(
            Signal(
                signal_type="language",
                value=lang,
                confidence=0.6 if detected else 0.9,
                evidence_text=evidence,
                source_type=source,
            )
        )

    profile_type, type_confidence, type_signals = _profile_type(p, bio)
    signals += type_signals

    # interests: what the posts were found to be about, then what the bio and history name
    interests: list[str] = []
    total_posts = sum(p.post_topics.values()) or 1
    for topic, n in sorted(p.post_topics.items(), key=lambda kv: (-kv[1], kv[0])):
        if n > 0 and (topic := topic.strip().lower()) and topic not in interests:
            interests.append(topic)
            signals.append(
                Signal(
                    signal_type="interest",
                    value=topic,
                    confidence=round(min(0.9, 0.4 + n / total_posts), 3),
                    evidence_text=f"{n} post{'s' if n != 1 else ''} about {topic}",
                    source_type="post_insight",
                )
            )
    bio_topics = _topics_of(bio_read, lang)
    for topic in bio_topics.top(4, minimum=1.0):
        if topic not in interests:
            interests.append(topic)
        signals.append(_topic_signal(bio_topics, topic, 0.6, "bio"))
    if history.texts:
        history_topics = _topics_of(_read("\n".join(history.texts[-40:])), lang)
        for topic in history_topics.top(3, minimum=2.0):
            if topic not in interests:
                interests.append(topic)
                signals.append(_topic_signal(history_topics, topic, 0.45, "history"))
    interests = interests[:10]

    tone, tone_evidence, tone_confidence = _tone(p, profile_type, own_words)
    signals.append(
        Signal(
            signal_type="tone",
            value=tone,
            confidence=tone_confidence,
            evidence_text=tone_evidence,
            source_type="post_insight" if p.post_sentiments else "bio",
        )
    )
    style, style_evidence, style_confidence = _engagement(p, history)
    signals.append(
        Signal(
            signal_type="activity",
            value=style,
            confidence=style_confidence,
            evidence_text=style_evidence,
            source_type="behavior" if p.behavior is not None else "history",
        )
    )

    location = _stated_location(bio)
    if location.value:
        signals.append(
            Signal(
                signal_type="location",
                value=location.value,
                confidence=location.confidence,
                evidence_text=location.evidence[0],
                source_type="bio",
            )
        )

    score = 0.45
    if m := _DM_CLOSED.search(bio):
        score -= 0.35
        signals.append(
            Signal(
                signal_type="messageability",
                value="closed to messages",
                confidence=0.8,
                evidence_text=f'"{m.group(0)}"',
                source_type="bio",
            )
        )
    elif m := _DM_OPEN.search(bio):
        score += 0.2
        signals.append(
            Signal(
                signal_type="messageability",
                value="open to messages",
                confidence=0.7,
                evidence_text=f'"{m.group(0)}"',
                source_type="bio",
            )
        )
    score += {"business": 0.15, "brand": 0.1, "creator": 0.05, "community": 0.1}.get(profile_type, 0.0)
    if p.is_private:
        score -= 0.15
    if p.is_verified and (p.follower_count or 0) >= 100_000:
        score -= 0.2  # a crowded inbox
    score += {"storyteller": 0.1, "conversational": 0.15, "regular": 0.05, "inactive": -0.15}.get(style, 0.0)

    kind = {
        "personal": "A personal account",
        "creator": "A creator",
        "business": "A business",
        "brand": "A brand",
        "community": "A community account",
        "unknown": "An account",
    }[profile_type]
    about = f"posting mostly about {_join(interests[:3])}" if interests else "with no clear topics yet"
    language = f" in {_language_name(lang)}" if lang else ""
    category = f" ({p.category})" if p.category else ""
    article = "an" if style[:1] in "aeiou" else "a"
    summary = (
        f"{kind}{category} {about}{language}, with a {tone} tone and {article} {style} engagement style."
    )

    evidence_kinds = sum(bool(x) for x in (bio.strip(), p.post_topics, p.behavior, history.texts, p.category))
    confidence = min(0.8, 0.2 + 0.1 * evidence_kinds + 0.2 * type_confidence)
    return ProfileInsight(
        profile_type=profile_type,
        tone=tone,
        engagement_style=style,
        messageability_score=round(max(0.02, min(0.98, score)), 3),
        primary_language=lang,
        persona_summary=summary,
        interests=interests,
        signals=signals,
        confidence=round(confidence, 3),
    )


def _topic_signal(topics: _Topics, topic: str, confidence: float, source: SourceType) -> Signal:
    """An interest signal for `topic` with up to three of the words that gave it away."""
    return Signal(
        signal_type="interest",
        value=topic,
        confidence=confidence,
        evidence_text=", ".join(topics.evidence[topic][:3]),
        source_type=source,
    )
