"""How a person writes and takes part: tone and engagement style."""

from __future__ import annotations

from ..schemas import ProfileInput
from .history import _History
from .lexicons import _emoji_valence
from .text import _Read


def _tone(p: ProfileInput, profile_type: str, text: _Read) -> tuple[str, str, float]:
    """(tone, evidence, confidence) from the posts' sentiment mix and how the person writes."""
    sentiments = {k.lower(): v for k, v in p.post_sentiments.items()}
    total = sum(sentiments.values())
    positive = sentiments.get("positive", 0) / total if total else 0.0
    negative = sentiments.get("negative", 0) / total if total else 0.0
    words = max(1, len(text.words))
    # 📍 and 📞 in a bio are signposts, not tone: only emoji that carry feeling count
    table = _emoji_valence()
    expressive = [e for e in text.emoji if abs(table.get(e, table.get(e[:1], 0.0))) >= 0.3]
    emoji_density = len(expressive) / words
    exclaim_density = text.text.count("!") / words
    mix = (
        f"{sentiments.get('positive', 0)} of {total} posts positive, {sentiments.get('negative', 0)} negative"
        if total
        else "no analysed posts"
    )
    style = (
        f"{len(expressive)} expressive emoji and {text.text.count('!')} exclamation marks "
        f"in {len(text.words)} words"
    )
    evidence = f"{mix}; {style}"
    confidence = round(min(0.8, 0.3 + 0.04 * min(total, 10) + 0.1 * (len(text.words) >= 20)), 3)
    if profile_type in ("business", "brand") and emoji_density < 0.08:
        return "professional", evidence, confidence
    if total >= 3 and negative >= 0.35:
        return "critical", evidence, confidence
    if emoji_density >= 0.1 or (text.text.count("!") >= 3 and exclaim_density >= 0.08):
        return "playful", evidence, confidence
    if positive >= 0.5:
        return "warm", evidence, confidence
    if len(text.words) < 15 and total < 3:
        return "reserved", evidence, max(0.2, confidence - 0.1)
    return "neutral", evidence, confidence


def _engagement(p: ProfileInput, history: _History) -> tuple[str, str, float]:
    """(style, evidence, confidence) from story and post frequency and the comments they wrote."""
    comments = history.comments
    behavior = p.behavior or {}
    # `behavior` holds bands (`ig_assets.insights.rules.behavior_digest`): none, occasional, weekly,
    # several a week, daily
    stories, posts = str(behavior.get("stories", "none")), str(behavior.get("posts", "none"))
    rates = f"stories: {stories}; posts: {posts}"
    if comments >= 3:
        return "conversational", f"{comments} comments in their history; {rates}", 0.6
    if p.behavior is None:
        if p.media_count == 0:
            return "inactive", "no posts", 0.5
        if history.posts + history.stories >= 5:
            return "occasional", f"{history.posts} posts and {history.stories} stories in their history", 0.3
        return "unknown", "no story or posting data", 0.1
    if stories == "daily":
        return "storyteller", rates, 0.75
    if posts in ("daily", "several a week") and stories in ("none", "occasional", "weekly"):
        return "broadcaster", rates, 0.7
    if stories in ("several a week", "weekly") or posts in ("several a week", "weekly", "daily"):
        return "regular", rates, 0.6
    if "occasional" in (stories, posts):
        return "occasional", rates, 0.6
    return "inactive", rates, 0.6
