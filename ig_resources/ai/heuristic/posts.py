"""A post's insight: its description, sentiment, topics, entities and comment suggestions."""

from __future__ import annotations

import hashlib

from ..schemas import PostInput, PostInsight
from .entities import _entities, _places_in
from .lexicons import _phrases
from .sentiment import SENTIMENT_THRESHOLD, _combine, _label, _sentiment_parts
from .text import _gist, _join, _language_of, _phrase_lang, _Read, _read
from .topics import _topics_of


def _stable_index(seed: str, n: int) -> int:
    """A deterministic choice among n (Python's hash() changes per process)."""
    return int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) % n if n else 0


def _describe(post: PostInput, read: _Read, topics: list[str], places: list[tuple[str, float, str]]) -> str:
    kind = {"photo": "photo", "video": "video", "carousel": "carousel post"}.get(post.media_type, "post")
    article = "An" if kind[0] in "aeiou" else "A"
    faces = post.faces_count
    if faces is None:
        head = f"{article} {kind}"
    elif faces == 0:
        head = f"{article} {kind} with no visible faces"
    elif faces == 1 and post.prominent_faces >= 1:
        head = f"A selfie-style {kind} of one person"
    elif faces == 1:
        head = f"{article} {kind} with one person in it"
    else:
        close = f", {post.prominent_faces} of them up close" if 0 < post.prominent_faces < faces else ""
        head = f"{article} {kind} with {faces} people{close}"
    if topics:
        head += f", about {_join(topics[:3])}"
    if places and places[0][1] >= 0.6:
        head += f", in {places[0][0]}"
    gist = _gist(read)
    if gist:
        return f'{head}. The caption reads "{gist}".'
    if not post.caption:
        return f"{head}; it has no caption."
    return f"{head}."


def _comments_for(
    post: PostInput, lang: str | None, score: float, topics: list[str], places: list[tuple[str, float, str]]
) -> list[str]:
    phrases, code = _phrases(), _phrase_lang(lang)

    def pick(section: str, offset: int = 0) -> list[str]:
        options = phrases.get(section, {})
        choices = options.get(code) or options.get("en") or []
        if not choices:
            return []
        start = (_stable_index(post.shortcode + section, len(choices)) + offset) % len(choices)
        return choices[start:] + choices[:start]

    if score <= -SENTIMENT_THRESHOLD:
        return pick("comment.support")[:2]
    out: list[str] = []
    usable = [t for t in topics if t not in ("religion", "politics") and f"comment.{t}" in phrases]
    if places and places[0][1] >= 0.6 and (not usable or usable[0] in ("travel", "nature")):
        out.append(pick("comment.place")[0].replace("{place}", places[0][0]))
    for round_ in range(3):
        for topic in usable[:2]:
            options = pick(f"comment.{topic}")
            if round_ < len(options) and options[round_] not in out:
                out.append(options[round_])
    if not out:
        out = pick("comment.people" if post.faces_count else "comment.generic")
    return out[:3]


def post_insight(post: PostInput) -> PostInsight:
    read = _read(post.caption)
    lang, detected = _language_of(post.caption_lang, post.caption or "")
    topics_found = _topics_of(read, lang)
    comment_reads = [_read(c) for c in post.comments[:20]]
    for c in comment_reads:
        _topics_of(c, lang, topics_found, weight=0.3)
    places = _places_in(read, lang)
    if places and places[0][1] >= 0.85:
        topics_found.add(("travel",), 0.5, places[0][2])
    topics = topics_found.top(5)

    parts = _sentiment_parts(read, lang)
    comment_scores = [_combine(p) for c in comment_reads if (p := _sentiment_parts(c, lang))]
    if comment_scores:
        parts.append((sum(comment_scores) / len(comment_scores), 0.2))
    score = round(_combine(parts), 3)

    words = len(read.words)
    confidence = 0.2 + 0.3 * min(1.0, words / 15) + 0.1 * bool(read.emoji or read.hashtags)
    confidence += 0.1 * bool(topics) + 0.1 * (post.faces_count is not None) + 0.05 * bool(comment_reads)
    if detected and lang is None and words:
        confidence -= 0.05
    return PostInsight(
        image_description=_describe(post, read, topics, places),
        sentiment=_label(score),
        sentiment_score=score,
        topics=topics,
        entities=_entities(read, places),
        comment_suggestions=_comments_for(post, lang, score, topics, places),
        language=lang,
        confidence=round(max(0.1, min(0.75, confidence)), 3),
    )
