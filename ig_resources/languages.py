"""Caption languages (seed 001): the language of each post's caption and a profile's primary language.

Detection is `lingua` (a statistical detector that is accurate on short texts) over the caption with
what carries no language removed: hashtags, mentions, URLs, emoji and digits. Too little text left
means no answer rather than a guess. Languages are ISO 639-1 codes (`en`, `pt`, `ru`, ...).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

#: fewer letters than this after cleaning: no language is claimed
MIN_LETTERS = 12
#: a profile's primary language must cover at least this share of its captions with a language
PRIMARY_SHARE = 0.4

_NOISE = re.compile(r"https?://\S+|www\.\S+|[#@][\w.]+|\d+", re.UNICODE)


def clean_caption(text: str | None) -> str:
    """The caption without hashtags, mentions, URLs, digits, emoji and symbols."""
    if not text:
        return ""
    text = _NOISE.sub(" ", text)
    kept = "".join(ch if ch.isalpha() or ch.isspace() or ch in "'’-" else " " for ch in text)
    return " ".join(kept.split())


@lru_cache(maxsize=2)
def detector(low_accuracy: bool = False) -> LanguageDetector:
    """lingua's detector for every language it knows, built once per process (loading the models is
    the expensive part). High accuracy is best on short captions but holds about 1.2 GB of models;
    low accuracy (trigrams only) is about ten times faster in a tenth of the memory."""
    from lingua import LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_all_languages()
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


def caption_languages(captions: Sequence[str | None], *, low_accuracy: bool = False) -> list[str | None]:
    """The ISO 639-1 language of each caption, or None when there is too little text to tell."""
    cleaned = [clean_caption(c) for c in captions]
    todo = [i for i, text in enumerate(cleaned) if sum(ch.isalpha() for ch in text) >= MIN_LETTERS]
    result: list[str | None] = [None] * len(captions)
    if todo:
        found = detector(low_accuracy).detect_languages_in_parallel_of([cleaned[i] for i in todo])
        for i, language in zip(todo, found, strict=True):
            result[i] = language.iso_code_639_1.name.lower() if language is not None else None
    return result


def primary_language(languages: Sequence[str | None]) -> str | None:
    """The most frequent caption language, if it covers at least `PRIMARY_SHARE` of the captions
    that have one (ties: the language seen first); None without any."""
    known = [language for language in languages if language]
    if not known:
        return None
    counts = Counter(known)
    best = max(counts, key=lambda lang: (counts[lang], -known.index(lang)))
    return best if counts[best] / len(known) >= PRIMARY_SHARE else None
