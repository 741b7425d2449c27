"""Entities: hashtags, @mentions, places after "📍" or "in/en/em/à ..." and well-known place names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..schemas import Entity
from .lexicons import _places, _taxonomy
from .text import LANGUAGES, _fold, _Read, _stopwords

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


def _entities(read: _Read, places: Sequence[tuple[str, float, str]]) -> list[Entity]:
    """A caption's hashtags and mentions (each once, as first written), then its places."""
    found: list[Entity] = []
    seen: set[str] = set()
    for tag in read.hashtags:
        if (key := tag.casefold()) not in seen:
            seen.add(key)
            found.append(
                Entity(entity_type="hashtag", value=f"#{tag}", confidence=1.0, evidence_text=f"#{tag}")
            )
    for user in read.mentions:
        if user and (key := "@" + user.casefold()) not in seen:
            seen.add(key)
            found.append(
                Entity(entity_type="mention", value=f"@{user}", confidence=1.0, evidence_text=f"@{user}")
            )
    for value, confidence, evidence in places:
        found.append(Entity(entity_type="place", value=value, confidence=confidence, evidence_text=evidence))
    return found
