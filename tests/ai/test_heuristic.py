"""The offline heuristic provider: sentiment and topics in six languages, entities, demographics only
from what people state, profile and strategy rules, and answers that always fit the schemas."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from ig_resources.ai.heuristic import HeuristicProvider
from ig_resources.ai.provider import ProviderCallError, Task
from ig_resources.ai.schemas import (
    PURPOSES,
    Demographics,
    DemographicsInput,
    MessageStrategy,
    PostInput,
    PostInsight,
    ProfileInput,
    ProfileInsight,
    Purpose,
    StrategyInput,
)

PROVIDER = HeuristicProvider()

# (language, caption, sentiment, a topic it must find or None): every language has all three sentiments
CAPTIONS = [
    (
        "en",
        "Sunday brunch with the best people 🥞☕️ This avocado toast was unreal! #brunch #foodie",
        "positive",
        "food",
    ),
    ("en", "Missed my flight and lost my luggage. Worst trip ever 😤 #travelfail", "negative", "travel"),
    (
        "en",
        "New episode is out: we talk about coding bootcamps and learning Python. Link in bio.",
        "neutral",
        "tech",
    ),
    ("en", "My sweet boy turned 3 today 🐶❤️ #dogsofinstagram #goldenretriever", "positive", "pets"),
    ("en", "Heartbroken. We said goodbye to our cat Luna this morning 💔", "negative", "pets"),
    ("es", "¡Qué día tan increíble en la playa con mis amigas! 🌊☀️ #verano #playa", "positive", "travel"),
    (
        "es",
        "El concierto fue un desastre: sonido horrible y dos horas de cola 😤 #música",
        "negative",
        "music",
    ),
    (
        "es",
        "Receta de hoy: lentejas con chorizo. Os dejo los pasos en stories 👇 #receta #cocinacasera",
        "neutral",
        "food",
    ),
    ("es", "Entrenamiento de piernas hecho 💪 Cada día un poco mejor #gym #fitness", "positive", "fitness"),
    ("es", "Hoy me siento muy triste, no tengo ganas de nada 😔", "negative", None),
    ("pt", "Que pôr do sol maravilhoso em Lisboa 🧡 #lisboa #portugal", "positive", "nature"),
    ("pt", "Que saudade dessa viagem com a família ✈️❤️ #ferias", "positive", "travel"),
    ("pt", "Treino de hoje foi pesado, mas valeu a pena! 💪🏽 #academia #treino", "positive", "fitness"),
    (
        "pt",
        "Péssimo atendimento nesse restaurante, comida fria e garçom mal educado. Não volto mais 👎",
        "negative",
        "food",
    ),
    (
        "pt",
        "Aula de hoje: introdução à programação em Python. Material no link da bio 📚",
        "neutral",
        "education",
    ),
    (
        "de",
        "Endlich Urlaub! 🌴 Zwei Wochen Sonne, Strand und gutes Essen auf Mallorca #urlaub #mallorca",
        "positive",
        "travel",
    ),
    ("de", "Heute leider krank im Bett. Kopfschmerzen und Fieber 🤒 #krank", "negative", "health"),
    ("de", "Neues Rezept online: Kürbissuppe mit Ingwer. Link in der Bio 🎃", "neutral", "food"),
    ("de", "Was für ein Konzert gestern Abend! Die Band war unglaublich 🎸🔥", "positive", "music"),
    ("de", "Schon wieder Stau auf der A8, zwei Stunden verloren. Ich hasse Montage 😤", "negative", None),
    ("fr", "Petit-déjeuner parfait à Paris ☕🥐 #paris #croissant", "positive", "food"),
    ("fr", "Trop déçue par ce film, l'histoire est nulle et beaucoup trop longue 👎", "negative", "movies"),
    (
        "fr",
        "Séance photo ce matin au studio avec @claire.photo 📸 Les images arrivent bientôt",
        "neutral",
        "photography",
    ),
    ("fr", "Mon chat Mimi adore dormir au soleil 🐱☀️ Trop mignon !", "positive", "pets"),
    ("fr", "Je suis épuisée, cette semaine au travail était horrible 😩", "negative", None),
    ("it", "Che spettacolo il tramonto a Positano 🌅 #amalfi #viaggio", "positive", "nature"),
    ("it", "Pizza napoletana fatta in casa, buonissima! 🍕😋 #pizza #cucinaitaliana", "positive", "food"),
    ("it", "Che delusione la partita di ieri, abbiamo giocato malissimo ⚽😞", "negative", "sports"),
    ("it", "Lezione di yoga ogni martedì alle 19:00. Prenotazioni in DM", "neutral", "fitness"),
    ("it", "Giornata bellissima con la mia famiglia al lago ❤️ #famiglia #lago", "positive", "family"),
]


def run(purpose: str, data: BaseModel) -> BaseModel:
    """The provider's answer, checked the way the resource stores it: its text must parse back
    into the purpose's output model (extra fields forbidden, lengths and ranges enforced)."""
    answer = PROVIDER.analyze(
        Task(purpose=PURPOSES[purpose], analyzable_type="test", analyzable_id=1, data=data)
    )
    output: type[BaseModel] = PURPOSES[purpose].output_model
    assert isinstance(answer.parsed, output)
    assert output.model_validate_json(answer.response_text) == answer.parsed
    assert answer.usage.total_tokens == 0
    return answer.parsed


def post(caption: str | None, lang: str | None = None, **fields: object) -> PostInsight:
    data = PostInput(
        shortcode=fields.pop("shortcode", "C0de"),
        owner_username="someone",
        caption=caption,
        caption_lang=lang,
        **fields,
    )  # type: ignore[arg-type]
    result = run("post_insight", data)
    assert isinstance(result, PostInsight)
    return result


# -- post insight ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "caption", "sentiment", "topic"), CAPTIONS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CAPTIONS)]
)
def test_sentiment_and_topics_in_six_languages(
    lang: str, caption: str, sentiment: str, topic: str | None
) -> None:
    insight = post(caption, lang, media_type="photo")
    assert insight.sentiment == sentiment
    assert (
        (insight.sentiment_score > 0.15)
        if sentiment == "positive"
        else (insight.sentiment_score < -0.15)
        if sentiment == "negative"
        else (abs(insight.sentiment_score) < 0.15)
    )
    if topic:
        assert topic in insight.topics
    assert insight.language == lang


@pytest.mark.parametrize(("lang", "caption"), [(c[0], c[1]) for c in CAPTIONS[::3]])
def test_the_language_is_detected_when_not_given(lang: str, caption: str) -> None:
    assert post(caption, None).language == lang


def test_emoji_alone_carry_the_sentiment() -> None:
    assert post("❤️❤️😍").sentiment == "positive"
    assert post("💔😢").sentiment == "negative"
    assert post("📍📸").sentiment == "neutral"


def test_negation_flips_a_word() -> None:
    assert post("A comida não estava boa, nada boa.", "pt").sentiment == "negative"
    negated, plain = post("Das Essen war nicht schlecht!", "de"), post("Das Essen war schlecht!", "de")
    assert plain.sentiment == "negative"
    assert negated.sentiment_score > plain.sentiment_score


def test_comments_count_weakly() -> None:
    praised = post(None, comments=["So beautiful 😍", "Love this!", "Amazing ❤️"])
    assert praised.sentiment == "positive"
    sad = post(
        "Worst week of my life. Everything went wrong 😢", "en", comments=["Love this!", "Beautiful ❤️"]
    )
    assert sad.sentiment == "negative"


def test_hashtags_are_split_into_topic_words() -> None:
    assert "travel" in post("#beachlife #wanderlust", "en").topics
    assert "pets" in post("#dogsofinstagram", "en").topics
    assert "fitness" in post("#FitnessMotivation", "en").topics
    assert "nature" not in post("#neveragain", "en").topics  # not "neve" (snow) + noise


def test_function_words_do_not_make_topics() -> None:
    # "com" (with) shares the stem of "comer", "unas" (some) folds like "uñas" (nails)
    assert post("Saí com os meus primos ontem à noite", "pt").topics == ["family"]
    assert "beauty" not in post("Compré unas cosas en el mercado", "es").topics


def test_entities_hashtags_mentions_and_places() -> None:
    insight = post(
        "Golden hour with @ana.sousa. and @Rui_M 🧡\n📍 Lisboa, Portugal\n#lisbon #sunset #Lisbon", "en"
    )
    by_type: dict[str, list[tuple[str, float, str]]] = {}
    for e in insight.entities:
        by_type.setdefault(e.entity_type, []).append((e.value, e.confidence, e.evidence_text))
    assert by_type["hashtag"] == [("#lisbon", 1.0, "#lisbon"), ("#sunset", 1.0, "#sunset")]
    assert by_type["mention"] == [("@ana.sousa", 1.0, "@ana.sousa"), ("@Rui_M", 1.0, "@Rui_M")]
    place, confidence, evidence = by_type["place"][0]
    assert place == "Lisboa, Portugal"
    assert confidence >= 0.85
    assert "Lisboa" in evidence
    assert "in Lisboa, Portugal" in insight.image_description


def test_places_after_a_preposition_and_known_names() -> None:
    places = {
        e.value: e.confidence
        for e in post("Fim de semana em Sintra com a família 💚", "pt").entities
        if e.entity_type == "place"
    }
    assert places == {"Sintra": 0.85}
    assert [
        e.value for e in post("Feeling in Love with this one", "en").entities if e.entity_type == "place"
    ] == []
    assert [
        e.value for e in post("Shot on iPhone in Portrait mode", "en").entities if e.entity_type == "place"
    ] == []
    assert "Lisbon" in [e.value for e in post("Lisbon sunsets never get old", "en").entities]


@pytest.mark.parametrize(
    ("faces", "prominent", "media", "expected"),
    [
        (1, 1, "photo", "A selfie-style photo of one person"),
        (3, 0, "video", "A video with 3 people"),
        (0, 0, "photo", "A photo with no visible faces"),
        (None, 0, "carousel", "A carousel post"),
    ],
)
def test_the_description_says_what_is_known(
    faces: int | None, prominent: int, media: str, expected: str
) -> None:
    text = post(
        "Sunset hike with the dog 🐕", "en", faces_count=faces, prominent_faces=prominent, media_type=media
    ).image_description
    assert text.startswith(expected)
    assert "Sunset hike with the dog" in text
    assert "pets" in text or "nature" in text


def test_comment_suggestions_are_specific_and_in_the_caption_language() -> None:
    travel = post("Primeira vez nos Açores, que lugar incrível! #viagem #acores", "pt")
    assert 1 <= len(travel.comment_suggestions) <= 3
    assert any("Onde" in c or "viagem" in c for c in travel.comment_suggestions)
    food = post("Homemade ramen night 🍜 #foodie", "en")
    assert any("delicious" in c or "recipe" in c or "hungry" in c for c in food.comment_suggestions)
    sad = post("Hoy perdí a mi abuela. Te voy a extrañar siempre 💔", "es")
    assert sad.sentiment == "negative"
    assert any("abrazo" in c or "Siento" in c for c in sad.comment_suggestions)
    for insight in (travel, food, sad, post(None, faces_count=2)):
        assert insight.comment_suggestions
        assert all("http" not in c and "www" not in c for c in insight.comment_suggestions)


def test_confidence_follows_the_evidence() -> None:
    bare = post(None)
    rich = post(
        "Sunday brunch with the best people 🥞☕️ This avocado toast was unreal! #brunch #foodie",
        "en",
        faces_count=2,
        comments=["yum"],
    )
    assert bare.confidence < 0.35 < rich.confidence
    assert bare.sentiment == "neutral"
    assert bare.topics == []


def test_answers_are_deterministic() -> None:
    data = PostInput(
        shortcode="Xy1", owner_username="u", caption="Que dia lindo na praia ☀️ #praia", faces_count=1
    )
    task = Task(purpose=PURPOSES["post_insight"], analyzable_type="test", analyzable_id=1, data=data)
    assert HeuristicProvider().analyze(task).response_text == PROVIDER.analyze(task).response_text


# -- demographics ----------------------------------------------------------------------------------


def demo(bio: str | None, **fields: object) -> Demographics:
    data = DemographicsInput(username="someone", bio=bio, **fields)  # type: ignore[arg-type]
    result = run("profile_demographics", data)
    assert isinstance(result, Demographics)
    return result


def test_demographics_from_what_the_bio_states() -> None:
    d = demo("she/her 🌸 27 y/o | coffee & books | based in Lisbon")
    assert (d.gender.value, d.age.value, d.location.value) == ("female", "25-34", "Lisbon")
    assert (d.gender.evidence, d.age.evidence, d.location.evidence) == (
        ["she/her"],
        ["27 y/o"],
        ["based in Lisbon"],
    )
    assert min(d.gender.confidence, d.age.confidence, d.location.confidence) >= 0.7
    assert d.persona_summary
    assert "based in Lisbon" in d.persona_summary


@pytest.mark.parametrize(
    ("bio", "age", "gender"),
    [
        ("he/him · 41 anos · Porto", "35-44", "male"),
        ("Fotografin | 29 Jahre alt | sie/ihr", "25-34", "female"),
        ("they/them ✨ 19 años", "18-24", "non-binary"),
        ("Photographe, 52 ans, amoureuse de la mer", "45-54", None),
        ("Ho 33 anni e amo la montagna", "25-34", None),
        ("I'm 67 and still surfing", "65+", None),
    ],
)
def test_stated_age_and_pronouns_in_several_languages(bio: str, age: str, gender: str | None) -> None:
    d = demo(bio)
    assert d.age.value == age
    assert d.gender.value == gender


def test_no_statement_means_no_estimate() -> None:
    for d in (
        demo("Coffee lover ☕ Travel 🌍 Dreamer"),
        demo(None, display_name="Maria"),
        demo("Maria 💕", display_name="Maria Silva", captions=["Loving my new dress 👗"]),
    ):
        for estimate in (d.age, d.gender, d.location):
            assert (estimate.value, estimate.confidence, estimate.evidence) == (None, 0.0, [])
        assert d.persona_summary is None


def test_numbers_that_are_not_ages() -> None:
    assert demo("15 years of experience in marketing | 20 years in business").age.value is None
    # a caption may give someone else's age: only first-person statements count there
    assert demo(None, captions=["My son is 12 years old today!", "Our dog turned 10"]).age.value is None
    assert demo(None, captions=["Today I turned 30 🎉"]).age.value == "25-34"


def test_locations_and_flags() -> None:
    assert demo("Designer · living in Madrid").location.value == "Madrid"
    assert demo("Moro em São Paulo 🇧🇷").location.value == "São Paulo"
    flag = demo("Dancer 💃 🇵🇹").location
    assert flag.value == "Portugal"
    assert flag.evidence == ["🇵🇹"]
    assert flag.confidence < 0.7
    assert demo("from the heart").location.value is None


# -- profile insight -------------------------------------------------------------------------------


def profile(**fields: object) -> ProfileInsight:
    result = run("profile_insight", ProfileInput(**fields))  # type: ignore[arg-type]
    assert isinstance(result, ProfileInsight)
    return result


BAKERY = {
    "username": "padaria_lisboa",
    "display_name": "Padaria Lisboa",
    "bio": (
        "Pastelaria artesanal desde 1987 🥐 Encomendas por DM ou 📞 912 345 678 | "
        "Aberto todos os dias 📍 Lisboa"
    ),
    "category": "Bakery",
    "is_business": True,
    "follower_count": 8200,
    "following_count": 310,
    "media_count": 540,
    "primary_language": "pt",
    "post_topics": {"food": 34, "drinks": 6},
    "post_sentiments": {"positive": 30, "neutral": 10},
    "behavior": {"stories": "several a week", "posts": "several a week"},
}
ANA = {
    "username": "ana.m",
    "display_name": "Ana",
    "bio": "she/her 🌸 coffee, books & long walks with my dog 🐶 | based in Porto",
    "is_business": False,
    "is_private": True,
    "follower_count": 640,
    "following_count": 820,
    "media_count": 120,
    "post_topics": {"pets": 9, "books": 5, "travel": 3},
    "post_sentiments": {"positive": 12, "neutral": 5, "negative": 2},
    "behavior": {"stories": "daily", "posts": "weekly"},
    "history": [
        "2024-05-01 10:00 photo post: Rainy Sunday with a good book ☕📚\n"
        "2024-05-03 12:00 commented on @joao's post: congrats!!\n2024-05-04 09:00 video story"
    ],
}


def test_a_business_profile() -> None:
    insight = profile(**BAKERY)
    assert insight.profile_type == "business"
    assert insight.tone == "professional"
    assert insight.interests[:2] == ["food", "drinks"]
    assert insight.primary_language == "pt"
    assert "Portuguese" in insight.persona_summary
    assert insight.messageability_score >= 0.7
    kinds = {(s.signal_type, s.value) for s in insight.signals}
    assert {
        ("profile_type", "business"),
        ("interest", "food"),
        ("language", "pt"),
        ("location", "Lisboa"),
    } <= kinds
    assert all(s.evidence_text.strip() for s in insight.signals)


def test_a_personal_profile() -> None:
    insight = profile(**ANA)
    assert insight.profile_type == "personal"
    assert insight.engagement_style == "storyteller"
    assert insight.tone == "warm"
    assert insight.primary_language == "en"  # detected from the bio and the captions
    assert insight.interests[:3] == ["pets", "books", "travel"]
    assert "drinks" in insight.interests
    assert insight.messageability_score < profile(**BAKERY).messageability_score
    assert {"bio", "post_insight", "behavior", "profile"} <= {s.source_type for s in insight.signals}


def test_profile_cues_in_the_bio() -> None:
    creator = profile(
        username="c", bio="Content creator 🎥 | DM for collabs", follower_count=120_000, following_count=900
    )
    assert creator.profile_type == "creator"
    closed = profile(username="n", bio="Just me and my cats. No DMs please", follower_count=300)
    assert closed.profile_type == "personal"
    assert closed.messageability_score < 0.3
    assert profile(username="e").profile_type == "unknown"


def test_conversational_when_they_comment() -> None:
    history = ["\n".join(f"2024-05-0{i} 10:00 commented on @friend{i}'s post: so good!" for i in range(1, 5))]
    assert profile(username="talker", bio="hi", history=history).engagement_style == "conversational"


# -- message strategy ------------------------------------------------------------------------------


def strategy(**fields: object) -> MessageStrategy:
    base: dict[str, object] = {
        "username": "ana.m",
        "display_name": "Ana",
        "profile_type": "personal",
        "tone": "warm",
        "engagement_style": "storyteller",
        "primary_language": "en",
        "interests": ["pets", "books", "politics"],
        "post_topics": {"pets": 9, "books": 5, "travel": 3},
        "negative_topics": ["travel"],
        "recent_captions": ["Rainy Sunday with a good book ☕📚 #bookstagram"],
    }
    result = run("message_strategy", StrategyInput(**{**base, **fields}))  # type: ignore[arg-type]
    assert isinstance(result, MessageStrategy)
    return result


def test_the_strategy_avoids_negative_and_sensitive_topics() -> None:
    s = strategy()
    assert s.best_topics == ["pets", "books"]
    assert s.avoid_topics == ["travel", "politics"]
    assert not set(s.best_topics) & set(s.avoid_topics)
    assert any("travel" in d and "politics" in d for d in s.donts)
    assert any("pitch" in d for d in s.donts)
    assert any("mass-message" in d for d in s.donts)


def test_templates_name_a_real_interest_and_the_recent_post() -> None:
    s = strategy()
    assert any("pets" in t for t in s.opener_templates)
    assert any("books" in t for t in s.comment_templates)
    assert any("Rainy Sunday with a good book" in t for t in s.opener_templates)
    assert all("{first_name}" in t for t in s.opener_templates)
    assert "Write in English" in s.dos
    assert any("stories" in d for d in s.dos)
    assert not any("travel" in t for t in s.opener_templates + s.comment_templates)


def test_the_strategy_speaks_their_language() -> None:
    s = strategy(
        primary_language="es", interests=["food"], post_topics={}, negative_topics=[], recent_captions=[]
    )
    assert "Write in Spanish" in s.dos
    assert any("comida" in t for t in s.opener_templates)
    assert s.best_topics == ["food"]
    assert s.avoid_topics == []


def test_a_strategy_without_interests_still_answers() -> None:
    s = strategy(interests=[], post_topics={}, negative_topics=[], recent_captions=[], primary_language=None)
    assert s.best_topics == []
    assert s.opener_templates
    assert s.comment_templates
    assert s.confidence < 0.5


# -- provider --------------------------------------------------------------------------------------


def test_the_provider_contract() -> None:
    assert (PROVIDER.name, PROVIDER.remote, PROVIDER.check_health()) == ("heuristic", False, (True, None))
    assert PROVIDER.model.startswith("heuristic-")
    unknown = Purpose("horoscope", PostInput, PostInsight, "no")
    with pytest.raises(ProviderCallError):
        PROVIDER.analyze(
            Task(
                purpose=unknown,
                analyzable_type="test",
                analyzable_id=1,
                data=PostInput(shortcode="a", owner_username="b"),
            )
        )


def test_every_purpose_fits_its_schema_on_sparse_input() -> None:
    run("post_insight", PostInput(shortcode="a", owner_username="b"))
    run("profile_insight", ProfileInput(username="b"))
    run(
        "message_strategy",
        StrategyInput(username="b", profile_type="unknown", tone="neutral", engagement_style="unknown"),
    )
    run("profile_demographics", DemographicsInput(username="b"))
    long = post(
        " ".join(
            f"#{t}"
            for t in (
                "food",
                "travel",
                "pets",
                "music",
                "art",
                "books",
                "cars",
                "gym",
                "yoga",
                "wedding",
                "kids",
                "coffee",
                "fashion",
            )
        ),
        "en",
    )
    assert 1 <= len(long.topics) <= 8
