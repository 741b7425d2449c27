"""Topics: the taxonomy matched on caption words (by stem), phrases, hashtags (camelCase and
dictionary segmentation: #beachlife → beach + life) and emoji."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from .lexicons import _HASHTAG_FILLERS, _segmentation_vocabulary, _taxonomy
from .text import LANGUAGES, _fold, _Read, _stem, _stopwords


@lru_cache(maxsize=100_000)
def _word_topics(word: str, lang: str | None) -> tuple[str, ...]:
    """Topics of one lowercase word in a caption of `lang`: the language's own words and stems, then
    English (borrowed everywhere; four letters or more, so "car" in French is not a car); for an
    unknown language English and the other languages' exact words of five letters or more."""
    tax, key = _taxonomy(), _fold(word)
    if lang in LANGUAGES:
        stop = key in _stopwords(lang)
        if stop and word not in tax.raw[lang]:
            return ()
        if hit := tax.exact[lang].get(key) or (not stop and tax.stems[lang].get(_stem(lang, word))):
            return hit
        if lang != "en" and len(key) >= 4 and not stop:
            return tax.exact["en"].get(key) or tax.stems["en"].get(_stem("en", word)) or ()
        return ()
    stem_ok = len(key) >= 4 and key not in _stopwords("en")
    if hit := tax.exact["en"].get(key) or (stem_ok and tax.stems["en"].get(_stem("en", word))):
        return hit
    if len(key) >= 5:
        for other in LANGUAGES[1:]:
            if hit := tax.exact[other].get(key):
                return hit
    return ()


@lru_cache(maxsize=50_000)
def _hashtag_words(tag: str) -> tuple[str, ...]:
    """The words of a hashtag: camelCase parts, each segmented over the vocabulary when it is not a
    word itself (#beachlife → beach, life; #SundayFunday → sunday, funday)."""
    vocabulary = _segmentation_vocabulary()
    parts = re.sub(
        r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])|_", " ", re.sub(r"(?<=[a-zß-ÿ])(?=[A-ZÀ-Þ])", " ", tag)
    ).split()
    words: list[str] = []
    for part in parts:
        key = _fold(part)
        if key in vocabulary or not key.isalpha() or len(key) > 40:
            words.append(key)
            continue
        words.extend(_segment(key, vocabulary))
    return tuple(words)


def _segment(text: str, vocabulary: frozenset[str]) -> list[str]:
    """The known words of `text` under the segmentation that covers most of it with long words."""
    n = len(text)
    best: list[tuple[float, int]] = [(0.0, 0)] + [(-math.inf, 0)] * n
    for i in range(1, n + 1):
        best[i] = (best[i - 1][0] - 1, i - 1)  # an unknown letter
        for j in range(max(0, i - 20), i - 1):
            if best[j][0] > -math.inf and text[j:i] in vocabulary:
                score = best[j][0] + (i - j) ** 2
                if score > best[i][0]:
                    best[i] = (score, j)
    words, i = [], n
    while i > 0:
        j = best[i][1]
        if i - j > 1 and text[j:i] in vocabulary:
            words.append(text[j:i])
        i = j
    return words[::-1]


@lru_cache(maxsize=50_000)
def _hashtag_topics(tag: str, lang: str | None) -> tuple[str, ...]:
    tax, key = _taxonomy(), _fold(tag)
    found: list[str] = []

    def take(topics: Iterable[str]) -> None:
        found.extend(t for t in topics if t not in found)

    take(_word_topics(key, lang))
    if not found and len(key) >= 4:
        for other in LANGUAGES:
            take(tax.exact[other].get(key, ()))
    if not found:
        # segments match exactly: a stem of a piece cut out of a longer word is mostly noise
        own = (lang, "en") if lang in LANGUAGES else ("en",)
        for word in _hashtag_words(tag):
            if len(word) >= 3 and word not in _HASHTAG_FILLERS:
                for other in (*own, *(LANGUAGES if len(word) >= 4 else ())):
                    if hit := tax.exact[other].get(word):
                        take(hit)
                        break
    return tuple(found)


@lru_cache(maxsize=4096)
def _emoji_topics(e: str) -> tuple[str, ...]:
    emoji = _taxonomy().emoji
    return emoji.get(e) or emoji.get(e[:1]) or ()


@dataclass
class _Topics:
    scores: Counter[str] = field(default_factory=Counter)
    #: topic -> the tokens that showed it, in order
    evidence: dict[str, list[str]] = field(default_factory=dict)

    def add(self, topics: Iterable[str], weight: float, token: str) -> None:
        for topic in topics:
            self.scores[topic] += weight
            seen = self.evidence.setdefault(topic, [])
            if token not in seen:
                seen.append(token)

    def top(self, limit: int, *, minimum: float = 0.5) -> list[str]:
        """Topics scoring at least `minimum` and a third of the best, best first (ties: taxonomy order)."""
        if not self.scores:
            return []
        order = {t: i for i, t in enumerate(_taxonomy().order)}
        best = max(self.scores.values())
        ranked = sorted(self.scores, key=lambda t: (-self.scores[t], order.get(t, 99)))
        return [t for t in ranked if self.scores[t] >= max(minimum, best / 3)][:limit]


def _topics_of(read: _Read, lang: str | None, into: _Topics | None = None, *, weight: float = 1.0) -> _Topics:
    """Caption words (1), phrases (1), hashtags (1) and emoji (0.5), times `weight`."""
    topics = into or _Topics()
    tax = _taxonomy()
    words = read.words
    for word in words:
        if len(word) >= 2:
            topics.add(_word_topics(word, lang), weight, word)
    if tax.longest_phrase > 1 and len(words) > 1:
        langs = (lang, "en") if lang in LANGUAGES else LANGUAGES
        keys = [_fold(w) for w in words]
        for n in range(2, tax.longest_phrase + 1):
            for i in range(len(keys) - n + 1):
                phrase = " ".join(keys[i : i + n])
                for other in langs:
                    if hit := tax.exact[other].get(phrase):
                        topics.add(hit, weight, " ".join(words[i : i + n]))
                        break
    for tag in read.hashtags:
        topics.add(_hashtag_topics(tag, lang), weight, f"#{tag}")
    for e in read.emoji:
        topics.add(_emoji_topics(e), 0.5 * weight, e)
    return topics
