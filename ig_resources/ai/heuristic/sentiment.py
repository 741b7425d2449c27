"""Sentiment: VADER for English text; for es, pt, de, fr and it the polarity lexicon matched by
Snowball stem, with negation and boosters; emoji, hashtags and, weakly, the comments too."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..schemas import Sentiment
from .lexicons import _emoji_valence, _polarity, _vader
from .text import LANGUAGES, _fold, _Read, _stem, _stopwords
from .topics import _hashtag_words

#: |score| from which a post is positive or negative
SENTIMENT_THRESHOLD = 0.15


def _squash(total: float, alpha: float = 15.0) -> float:
    """A sum of valences onto -1..1, as VADER normalises."""
    return total / math.sqrt(total * total + alpha) if total else 0.0


def _lexicon_valence(words: Sequence[str], lang: str | None, text: str) -> tuple[float, bool]:
    """The polarity of words by our lexicon: the language's words and stems plus borrowed English; a
    negator up to three words before flips (damped), a booster just before strengthens."""
    pol = _polarity()
    own = lang if lang in pol.exact and lang != "xx" else None
    negators = pol.negators["xx"] | (pol.negators.get(own, frozenset()) if own else frozenset())
    boosters = pol.boosters["xx"] | (pol.boosters.get(own, frozenset()) if own else frozenset())
    keys = [_fold(w) for w in words]
    total, hits = 0.0, 0
    for i, (word, key) in enumerate(zip(words, keys, strict=True)):
        valence = _word_valence(word, key, own)
        if valence is None:
            continue
        hits += 1
        if i and keys[i - 1] in boosters:
            valence *= 1.3
        if any(k in negators for k in keys[max(0, i - 3) : i]):
            valence *= -0.74
        total += valence
    if total and "!" in text:
        total += math.copysign(min(text.count("!"), 4) * 0.292, total)
    return _squash(total), hits > 0


def _word_valence(word: str, key: str, lang: str | None) -> float | None:
    pol = _polarity()
    if lang:
        if (v := pol.exact[lang].get(key)) is not None:
            return v
        if (
            len(key) >= 4
            and key not in _stopwords(lang)
            and (v := pol.stems[lang].get(_stem(lang, word))) is not None
        ):
            return v
    elif len(key) >= 5:  # unknown language: the other lexicons' exact words
        for other in LANGUAGES[1:]:
            if (v := pol.exact[other].get(key)) is not None:
                return v
    return pol.exact["xx"].get(key)


def _text_valence(read: _Read, lang: str | None) -> tuple[float, bool]:
    if not read.words:
        return 0.0, False
    if lang == "en":
        scores = _vader().polarity_scores(read.plain)
        return scores["compound"], scores["pos"] + scores["neg"] > 0
    return _lexicon_valence(read.words, lang, read.plain)


def _hashtag_valence(read: _Read, lang: str | None) -> tuple[float, bool]:
    """The polarity of the words hashtags are made of (#happyday, #fail)."""
    total, hits = 0.0, 0
    lexicon, own = _vader().lexicon, lang if lang in LANGUAGES and lang != "en" else None
    for tag in read.hashtags:
        for word in _hashtag_words(tag):
            if lang == "en":
                v = lexicon.get(word, _polarity().exact["xx"].get(word))
            else:
                v = _word_valence(word, word, own)
            if v is not None:
                total, hits = total + v, hits + 1
    return _squash(total), hits > 0


def _emoji_score(read: _Read) -> tuple[float, bool]:
    table = _emoji_valence()
    values = [v for e in read.emoji if (v := table.get(e, table.get(e[:1]))) is not None]
    total = sum(values)
    return (total / math.sqrt(total * total + 1) if total else 0.0), any(values)


def _sentiment_parts(read: _Read, lang: str | None) -> list[tuple[float, float]]:
    """(score, weight) of the text, its hashtags and its emoji; a neutral text of some length pulls
    toward neutral."""
    parts: list[tuple[float, float]] = []
    text, polar = _text_valence(read, lang)
    if polar:
        parts.append((text, 1.0))
    elif len(read.words) >= 4:
        parts.append((0.0, 0.5))
    tags, polar = _hashtag_valence(read, lang)
    if polar:
        parts.append((tags, 0.5))
    emoji, polar = _emoji_score(read)
    if polar:
        parts.append((emoji, 0.8))
    return parts


def _combine(parts: Sequence[tuple[float, float]]) -> float:
    weight = sum(w for _, w in parts)
    return max(-1.0, min(1.0, sum(s * w for s, w in parts) / weight)) if weight else 0.0


def _label(score: float) -> Sentiment:
    if score >= SENTIMENT_THRESHOLD:
        return "positive"
    return "negative" if score <= -SENTIMENT_THRESHOLD else "neutral"
