"""E-mail addresses people publish on their profiles (seed 001's bio e-mails), as a pure rule.

People write addresses so that scrapers miss them: `name [at] domain [dot] com`, `name(at)domain.com`,
`name @ domain . com`, a full-width `＠`. These are folded back to plain addresses, every candidate
is checked by `email-validator` (syntax only, no DNS: this runs offline and must not probe anyone's
mail server) and returned normalized (domain lower-cased, IDN domains as Unicode), de-duplicated, in
the order they appear.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email

# "[at]", "(at)", "{at}", " @ "; a bare " at " only before something shaped like a domain
# ("x at y dot com", "x at y.com"), so that "meet at the cafe" stays prose. The same for "dot".
_AT = re.compile(r"\s*(?:[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]|\s+@\s+)\s*", re.IGNORECASE)
_AT_WORD = re.compile(r"(?<=\w)\s+at\s+(?=[\w-]+(?:\s+dot\s+|\.)[a-z]{2,}\b)", re.IGNORECASE)
_DOT = re.compile(r"\s*(?:[\[\(\{<]\s*(?:dot|\.)\s*[\]\)\}>]|\s+dot\s+)\s*", re.IGNORECASE)
_SPACED_DOT = re.compile(r"(?<=@)([\w-]+(?:\s*\.\s*[\w-]+)+)")
_CANDIDATE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def _unobfuscate(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # full-width ＠ and ． become @ and .
    text = _AT_WORD.sub("@", _AT.sub("@", text))
    text = _DOT.sub(".", text)
    # "domain . com" right after an @: close the gaps inside the domain only.
    return _SPACED_DOT.sub(lambda m: re.sub(r"\s*\.\s*", ".", m.group(1)), text)


def emails_in(text: str | None) -> list[str]:
    """Valid addresses written in `text`, obfuscated or not, normalized and de-duplicated."""
    if not text:
        return []
    found: list[str] = []
    for candidate in _CANDIDATE.findall(_unobfuscate(text)):
        candidate = candidate.strip(".-_+")
        try:
            address = validate_email(candidate, check_deliverability=False).normalized
        except EmailNotValidError:
            continue
        local, _, domain = address.rpartition("@")
        address = f"{local}@{domain.lower()}"
        if address not in found:
            found.append(address)
    return found


def profile_emails(bio: str | None, public_fields: Iterable[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """(address, source) from the bio and the public business fields (`public_email`,
    `business_email`); an address found in several places keeps its first source."""
    seen: dict[str, str] = {}
    for source, text in (("bio", bio), *public_fields):
        for address in emails_in(text):
            seen.setdefault(address, source)
    return list(seen.items())
