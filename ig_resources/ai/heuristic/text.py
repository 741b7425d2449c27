"""Reading a text: the lexicon files, folding and stemming words, function words, a caption's
words, hashtags, mentions and emoji, and its language."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import emoji as emoji_lib
import snowballstemmer
import stopwordsiso

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


@lru_cache(maxsize=16)
def _stopwords(lang: str | None) -> frozenset[str]:
    """Function words of a language (stopwords-iso): never matched to a topic by stem alone ("com",
    Portuguese "with", shares its stem with "comer")."""
    if lang is None or not stopwordsiso.has_lang(lang):
        return frozenset()
    return frozenset(_fold(w) for w in stopwordsiso.stopwords(lang))


_SKIN_TONES = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f]")


def _canonical_emoji(e: str) -> str:
    return _SKIN_TONES.sub("", e)


_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9._]{1,30})")
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


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
