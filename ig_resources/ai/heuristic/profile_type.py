"""The profile type (personal, creator, business, brand, community) from the category, account flags,
bio cues and follower counts."""

from __future__ import annotations

import re
from collections import Counter

from ..schemas import ProfileInput, ProfileType, Signal, SourceType

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
            r"\b(?:shop|store|orders|order now|order online|to order|delivery|shipping|envíos?|envios|"
            r"entregas|encomendas?|pedidos|booking|book now|reservations?|reservas?|opening hours|open daily|"
            r"abierto|aberto|geöffnet|ouvert|aperto|horario|horário|menu|menú|cardápio|tienda|loja|boutique|negozio|laden|discount|"
            r"promo|free shipping)\b|📞|☎",
            re.IGNORECASE,
        ),
    ),
    (
        "creator",
        re.compile(
            r"\b(?:collabs?|colab|collaborations?|parcerias?|partnerships?|business inquiries|inquiries|"
            r"enquiries|management|mgmt|pr|creator|content creator|blogger|influencer|ambassador|youtuber|"
            r"podcast|new video|contenido|conteúdo)\b",
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
