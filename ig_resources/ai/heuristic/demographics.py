"""Demographics: only what the person states (pronouns, a stated age, "based in ..."), never guessed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import emoji as emoji_lib

from ..schemas import Demographics, DemographicsInput, Estimate
from .entities import _CAP, _CAPRUN, _clean_place, _place_words, _plausible_place
from .history import _history

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
            r"\b(?:i\s+(?:live|moved)|i'?m\s+based|i’m\s+based|vivo|moro|ich wohne|ich lebe|j'habite|"
            r"j’habite|je vis|abito|vivo)\s+(?:in|to|en|em|no|na|à|a)\s+" + _PLACE_VALUE,
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
