"""A message strategy: topics to bring up and avoid, dos and don'ts, openers and comments."""

from __future__ import annotations

from ..schemas import MessageStrategy, StrategyInput
from .lexicons import _phrases, _taxonomy
from .text import _gist, _join, _language_name, _phrase_lang, _read

#: topics a first message should not open with, whatever the profile posts
SENSITIVE_TOPICS = ("politics", "religion", "health")


def _topic_label(topic: str, lang: str) -> str:
    labels = _taxonomy().labels.get(topic, {})
    return labels.get(lang) or labels.get("en") or topic


def message_strategy(s: StrategyInput) -> MessageStrategy:
    lang = (s.primary_language or "").lower() or None
    code = _phrase_lang(lang)
    by_posts = sorted(s.post_topics, key=lambda t: -s.post_topics[t])
    known = list(dict.fromkeys(t.strip().lower() for t in [*s.interests, *by_posts] if t.strip()))
    avoid = list(
        dict.fromkeys(
            [t.strip().lower() for t in s.negative_topics if t.strip()]
            + [t for t in SENSITIVE_TOPICS if t in known]
        )
    )
    best = [t for t in known if t not in avoid][:5]
    recent = next((g for c in s.recent_captions if (g := _gist(_read(c), 6))), "")
    tone, style, kind = s.tone.lower(), s.engagement_style.lower(), s.profile_type.lower()

    dos: list[str] = []
    if lang:
        dos.append(f"Write in {_language_name(lang)}")
    if recent:
        dos.append(f'Reference a specific recent post (e.g. "{recent}") rather than a general compliment')
    if best:
        dos.append(f"Ask one open question about {_join(best[:2], 'or')}")
    dos.append("Keep it short: two or three sentences")
    dos += {
        "playful": ["Match their playful tone; an emoji or two is fine"],
        "professional": ["Say who you are and why you are writing in the first line"],
        "warm": ["Be warm and personal"],
        "reserved": ["Give them room: one friendly message, then wait"],
        "critical": ["Acknowledge their point of view before sharing yours"],
    }.get(tone, [])
    dos += {
        "business": ["Ask about their products or services as a customer would"],
        "brand": ["Say how you know or use the brand"],
        "creator": ["Comment on a specific piece of their work"],
        "community": ["Show interest in the community and how to take part"],
        "personal": ["Be genuine and introduce yourself briefly"],
    }.get(kind, [])
    dos += {
        "storyteller": ["Reply to one of their stories: the most natural opener"],
        "conversational": ["Leave a thoughtful comment first: they answer comments"],
        "broadcaster": ["Engage with a post before messaging"],
        "occasional": ["Expect a slow reply: they post rarely"],
    }.get(style, [])

    donts = [
        "Don't pitch or sell in the first message",
        "Don't mass-message or copy-paste the same text",
        "Don't send links in the first message",
        "Don't comment on their appearance",
    ]
    if avoid:
        donts.append(f"Don't bring up {_join(avoid, 'or')}")
    donts += {
        "professional": ["Don't be overly familiar"],
        "playful": ["Don't be stiff or formal"],
        "reserved": ["Don't follow up if they don't reply"],
    }.get(tone, [])

    phrases = _phrases()
    first = _topic_label(best[0], code) if best else ""
    second = _topic_label(best[1], code) if len(best) > 1 else first
    openers: list[str] = []
    if best:
        templates = phrases["opener"].get(code) or phrases["opener"]["en"]
        openers += [t.replace("{topic}", topic) for t, topic in zip(templates, (first, second), strict=False)]
    else:
        openers += phrases["opener.generic"].get(code) or phrases["opener.generic"]["en"]
    if recent:
        templates = phrases["opener.recent"].get(code) or phrases["opener.recent"]["en"]
        openers += [t.replace("{recent}", recent) for t in templates]

    comments: list[str] = []
    if best:
        replies = phrases["reply"].get(code) or phrases["reply"]["en"]
        comments += [t.replace("{topic}", topic) for t, topic in zip(replies, (first, second), strict=False)]
        topic_comments = phrases.get(f"comment.{best[0]}", {})
        comments += (topic_comments.get(code) or topic_comments.get("en") or [])[:1]
    else:
        generic = phrases["comment.generic"]
        comments += generic.get(code) or generic["en"]

    confidence = 0.3 + 0.1 * min(3, len(best)) + 0.1 * bool(recent) + 0.05 * bool(lang)
    return MessageStrategy(
        best_topics=best,
        avoid_topics=avoid,
        dos=dos,
        donts=donts,
        opener_templates=openers,
        comment_templates=comments,
        confidence=round(min(0.8, confidence), 3),
    )
