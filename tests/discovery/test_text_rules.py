"""Bio e-mails and caption languages on a table of real-looking cases in several languages and scripts."""

from __future__ import annotations

import pytest

from ig_assets.discovery.emails import emails_in, profile_emails
from ig_resources.languages import caption_languages, clean_caption, primary_language


@pytest.mark.parametrize(
    ("bio", "expected"),
    [
        ("📩 collabs: hello@studio-nine.com", ["hello@studio-nine.com"]),
        ("Bookings → Maria.Silva [at] Gmail [dot] com", ["Maria.Silva@gmail.com"]),
        ("contato(at)padaria.com.br 🥖", ["contato@padaria.com.br"]),
        ("mail me: ana {at} ana-art {dot} de", ["ana@ana-art.de"]),
        ("biz inquiries: team @ brand . co", ["team@brand.co"]),
        ("ＡＢＣ＠example.org (full width)", ["ABC@example.org"]),
        ("почта: иван@пример.рф", ["иван@пример.рф"]),
        ("お問い合わせ info@shop.co.jp まで", ["info@shop.co.jp"]),
        ("a@b.com, A@B.COM and a@b.com again", ["a@b.com", "A@b.com"]),
        ("follow @maria.silva and @studio", []),
        ("me@localhost, x@y, 5@10, name@domain", []),
        ("dm for prices. ig: @shop • 2 for 10€", []),
        ("we meet at the cafe at 5pm. see you there", []),
        (None, []),
    ],
)
def test_emails_in_bios(bio: str | None, expected: list[str]) -> None:
    assert emails_in(bio) == expected


def test_profile_emails_keep_the_first_source() -> None:
    found = profile_emails(
        "write to press [at] label.com",
        [("public_email", "press@label.com"), ("business_email", "sales@label.com")],
    )
    assert found == [("press@label.com", "bio"), ("sales@label.com", "business_email")]


@pytest.mark.parametrize(
    ("caption", "language"),
    [
        ("Beautiful sunset at the beach with my best friends #summer #love", "en"),
        ("Que dia lindo na praia com a família! ☀️ #domingo", "pt"),
        ("Hoy fue un día increíble con mis amigos en la playa", "es"),
        ("Ein wunderschöner Tag in den Bergen mit der ganzen Familie", "de"),
        ("Une belle journée au bord de la mer avec les enfants", "fr"),
        ("Сегодня был отличный день на море с друзьями", "ru"),
        ("今日は友達と一緒に海に行きました、とても楽しかった", "ja"),
        ("오늘 친구들과 함께 바다에 가서 정말 즐거웠어요", "ko"),
        ("اليوم كان يوما جميلا مع العائلة على الشاطئ", "ar"),
        ("Bugün arkadaşlarımla sahilde harika bir gün geçirdik", "tr"),
        ("#tbt #love 🙂🙂 @friend", None),
        ("🔥🔥🔥 2024", None),
        ("ok", None),
        (None, None),
    ],
)
def test_caption_language(caption: str | None, language: str | None) -> None:
    assert caption_languages([caption]) == [language]
    assert caption_languages([caption], low_accuracy=True) == [language]  # these are long enough for both


def test_cleaning_keeps_words_only() -> None:
    assert clean_caption("New drop!! 🔥 link: https://x.co/a #shop @me 50% off") == "New drop link off"


@pytest.mark.parametrize(
    ("languages", "primary"),
    [
        (["pt", "pt", "en", None, "pt"], "pt"),
        (["en", "pt"], "en"),  # a tie: the first seen
        (["en", "pt", "es", "de", "fr"], None),  # no language covers 40 %
        ([None, None], None),
        ([], None),
    ],
)
def test_primary_language(languages: list[str | None], primary: str | None) -> None:
    assert primary_language(languages) == primary
