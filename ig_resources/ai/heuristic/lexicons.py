"""The lexicons, loaded once per process: the topic taxonomy, polarity words, emoji valence, phrases,
places and VADER."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from .text import LANGUAGES, _canonical_emoji, _fold, _lines, _sections, _stem, _stopwords

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@dataclass(frozen=True)
class _Taxonomy:
    order: tuple[str, ...]
    labels: dict[str, dict[str, str]]
    emoji: dict[str, tuple[str, ...]]
    #: lang -> folded word or phrase ("a b") -> topics; lang -> stem -> topics
    exact: dict[str, dict[str, tuple[str, ...]]]
    stems: dict[str, dict[str, tuple[str, ...]]]
    #: lang -> the words as written (a function word matches only so: "unas" is not "uñas")
    raw: dict[str, frozenset[str]]
    longest_phrase: int
    #: every single word of every language: hashtags are segmented over it
    vocabulary: frozenset[str]


def _add(index: dict[str, tuple[str, ...]], key: str, topic: str) -> None:
    if topic not in index.get(key, ()):
        index[key] = (*index.get(key, ()), topic)


#: words hashtags are built with that name no topic (#beachlife, #instafood, #dogsofinstagram)
_HASHTAG_FILLERS = frozenset(
    [
        "a",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "our",
        "you",
        "your",
        "the",
        "of",
        "and",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "is",
        "it",
        "this",
        "that",
        "life",
        "love",
        "lover",
        "lovers",
        "gram",
        "insta",
        "instagram",
        "ig",
        "daily",
        "day",
        "days",
        "time",
        "style",
        "vibes",
        "vibe",
        "mood",
        "goals",
        "world",
        "addict",
        "porn",
        "lifestyle",
        "official",
        "pic",
        "pics",
        "moment",
        "moments",
        "good",
        "best",
        "happy",
        "new",
        "little",
        "big",
        "guy",
        "guys",
        "every",
        "everyday",
        "weekend",
        "summer",
        "winter",
        "spring",
        "autumn",
        "fall",
        "sunday",
        "saturday",
        "friday",
        "night",
        "morning",
        "city",
        "sun",
        "sunny",
        "light",
        "dark",
        "tbt",
        "fbf",
        "de",
        "da",
        "do",
        "la",
        "el",
        "le",
        "di",
        "und",
        "et",
        "e",
        "y",
        "no",
        "na",
        "em",
        "en",
        "com",
        "con",
        "mit",
        "avec",
        "amor",
        "vida",
        "all",
        "around",
    ]
)


@lru_cache(maxsize=1)
def _taxonomy() -> _Taxonomy:
    order: list[str] = []
    labels: dict[str, dict[str, str]] = {}
    emoji: dict[str, tuple[str, ...]] = {}
    exact: dict[str, dict[str, tuple[str, ...]]] = {lang: {} for lang in LANGUAGES}
    stems: dict[str, dict[str, tuple[str, ...]]] = {lang: {} for lang in LANGUAGES}
    raw: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    longest, vocabulary = 1, set(_HASHTAG_FILLERS)
    for topic, body in _sections("topics.txt"):
        order.append(topic)
        for line in body:
            head, _, rest = line.partition(":")
            if head == "label":
                labels[topic] = dict(pair.split("=", 1) for pair in rest.split())
                labels[topic] = {k: v.replace("_", " ") for k, v in labels[topic].items()}
            elif head == "emoji":
                for e in rest.split():
                    _add(emoji, _canonical_emoji(e), topic)
            elif head in exact:
                for word in rest.split():
                    as_written = word.startswith("=")
                    parts = word.lstrip("=").split("_")
                    _add(exact[head], " ".join(_fold(p) for p in parts), topic)
                    raw[head].add(" ".join(parts))
                    longest = max(longest, len(parts))
                    if len(parts) == 1:
                        vocabulary.add(_fold(parts[0]))
                        # shorter stems catch function words
                        if not as_written and len(stem := _stem(head, parts[0])) >= 3:
                            _add(stems[head], stem, topic)
                    else:
                        vocabulary.add("".join(_fold(p) for p in parts))
    return _Taxonomy(
        tuple(order),
        labels,
        emoji,
        exact,
        stems,
        {k: frozenset(v) for k, v in raw.items()},
        longest,
        frozenset(vocabulary),
    )


@lru_cache(maxsize=1)
def _segmentation_vocabulary() -> frozenset[str]:
    """What hashtags are split over: topic and polarity words, function words, VADER's words."""
    words = set(_taxonomy().vocabulary)
    for lang in LANGUAGES:
        words |= {w for w in _stopwords(lang) if w.isalpha()}
    for table in _polarity().exact.values():
        words |= {w for w in table if w.isalpha()}
    words |= {w for w in _vader().lexicon if w.isalpha() and len(w) >= 3}
    return frozenset(words)


@dataclass(frozen=True)
class _Polarity:
    exact: dict[str, dict[str, float]]
    stems: dict[str, dict[str, float]]
    negators: dict[str, frozenset[str]]
    boosters: dict[str, frozenset[str]]


@lru_cache(maxsize=1)
def _polarity() -> _Polarity:
    exact: dict[str, dict[str, float]] = {}
    stems: dict[str, dict[str, float]] = {}
    negators: dict[str, frozenset[str]] = {}
    boosters: dict[str, frozenset[str]] = {}
    for lang, body in _sections("polarity.txt"):
        exact[lang], stems[lang] = {}, {}
        for line in body:
            head, _, rest = line.partition(":")
            words = rest.split()
            if head == "negators":
                negators[lang] = frozenset(_fold(w) for w in words)
            elif head == "boosters":
                boosters[lang] = frozenset(_fold(w) for w in words)
            else:
                valence = float(head)
                for word in words:
                    exact[lang][_fold(word.lstrip("="))] = valence
                    if not word.startswith("=") and len(stem := _stem(lang, word)) >= 3:
                        stems[lang].setdefault(stem, valence)
    negators["xx"] = frozenset({"not", "no", "never", "dont", "don't", "isn't", "wasn't", "without"})
    boosters["xx"] = frozenset({"so", "very", "really", "super", "too", "soo", "sooo"})
    return _Polarity(exact, stems, negators, boosters)


#: what, beside the Emoticons block (faces), expresses a feeling rather than shows a thing
_EXPRESSIVE = ("HEART", "HAND", "THUMBS", "CLAPPING", "SMILING", "KISS")


@lru_cache(maxsize=1)
def _emoji_valence() -> dict[str, float]:
    """Emoji -> polarity: the Emoji Sentiment Ranking (emoji seen at least 30 times), then our table on
    top. The ranking comes from tweets, where nearly every object (📚, 🎃, 🍕) leans positive: only
    faces, hearts and hands keep most of their score, small scores are noise (0). emosent's module
    configures logging when imported: its CSV is read directly."""
    valence: dict[str, float] = {}
    spec = find_spec("emosent")
    if spec and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / "Emoji_Sentiment_Data_v1.0.csv"
        if path.exists():
            with path.open(newline="", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    occurrences = int(row["Occurrences"])
                    if occurrences >= 30:
                        score = (float(row["Positive"]) - float(row["Negative"])) / occurrences
                        expressive = row["Unicode block"] == "Emoticons" or any(
                            k in row["Unicode name"] for k in _EXPRESSIVE
                        )
                        score *= 0.8 if expressive else 0.3
                        valence[_canonical_emoji(row["Emoji"])] = (
                            round(score, 3) if abs(score) >= 0.1 else 0.0
                        )
    for line in _lines("emoji.txt"):
        head, _, rest = line.partition(":")
        for e in rest.split():
            valence[_canonical_emoji(e)] = float(head)
    return valence


@lru_cache(maxsize=1)
def _phrases() -> dict[str, dict[str, list[str]]]:
    phrases: dict[str, dict[str, list[str]]] = {}
    for section, body in _sections("phrases.txt"):
        phrases[section] = {}
        for line in body:
            lang, _, rest = line.partition(":")
            phrases[section][lang.strip()] = [p.strip() for p in rest.split("|") if p.strip()]
    return phrases


@dataclass(frozen=True)
class _Places:
    #: name as written -> whether it is also a common word (then it needs a cue)
    names: dict[str, bool]
    #: lowercase name without spaces -> name, for hashtags (#lisboa)
    tags: dict[str, str]
    longest: int


@lru_cache(maxsize=1)
def _places() -> _Places:
    names: dict[str, bool] = {}
    for line in _lines("places.txt"):
        for name in (n.strip() for n in line.split("|")):
            if name:
                names[name.lstrip("?")] = name.startswith("?")
    tags = {n.lower().replace(" ", ""): n for n, ambiguous in names.items() if not ambiguous and len(n) >= 4}
    return _Places(names, tags, max(len(n.split()) for n in names))


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()
