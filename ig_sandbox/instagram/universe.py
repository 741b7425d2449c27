"""The sandbox's population: every person is a pure function of an integer index.

Index layout (decided by `SandboxNetwork`): `0 .. len(managed)-1` are the managed accounts,
then the follower/following blocks, then a "strangers" block (people who message without
following), then users created by mutations (`new_user()`).

Usernames are unique by construction: each carries an encoding of a per-index number `n`
(a bijection of the index), and the four handle styles end differently, so a handle can be
decoded back to its index (used for `username` lookups and to refuse colliding renames):

- A  stem [sep] digits(n)           `maria.silva4821`, `omar_70412`
- B  stem digits(n) "_" / "__"      `rafli7532_`
- C  stem ("."|"_") letters(n)      `anna.kxqd`
- R  stem digits(n) letters(gen)    renames made by `advance()` (`maria.silva4821c`)
"""

from __future__ import annotations

import json
import re
from binascii import b2a_base64
from typing import Any

from . import _words as W
from ._mix import DecadePerm, PkPermutation, derive_key, from_letters, mix64, to_letters

HANDLE_RE = re.compile(r"^(?!\.)(?!.*\.\.)(?!.*\.$)[a-z0-9._]{1,30}$")
_NUMBER_OFFSET = 100  # index + 100 -> at least three digits in every generated handle

_SITES = ["sin6-1", "sin6-2", "mrs2-2", "cdt1-1", "fra3-1", "fra5-1", "lga3-1", "gru2-1", "arn2-1", "bom1-2"]
_STEM_MAX = 18


def is_valid_handle(name: str) -> bool:
    """Instagram's handle rules: 1-30 of [a-z0-9._], no leading/trailing/double period."""
    return bool(HANDLE_RE.match(name))


def _json_text(value: str) -> str:
    return json.dumps(value)[1:-1]


_M64 = (1 << 64) - 1
_BIT127 = 1 << 127
_URLSAFE = bytes.maketrans(b"+/", b"-_")
_NZ = "123456789"  # a non-zero leading digit for numbers cut out of a longer digit string
_FIRST_J = [_json_text(w.capitalize()) for w in W.FIRST]
_LAST_J = [_json_text(w.capitalize()) for w in W.LAST]
_WORDS_J = [_json_text(w.capitalize()) for w in W.WORDS]
_BUSINESS_J = [_json_text(w) for w in W.BUSINESS]
_ACCENTED_J = [_json_text(w) for w in W.ACCENTED]
_NON_LATIN_J = [_json_text(w) for w in W.NON_LATIN]
_EMOJI_J = [_json_text(w) for w in W.EMOJI]
_N_FIRST, _N_LAST, _N_WORDS, _N_SITES = len(W.FIRST), len(W.LAST), len(W.WORDS), len(_SITES)
_FIRST, _LAST, _WORDS = W.FIRST, W.LAST, W.WORDS
_SEP_A = ("", "", "_", ".")
# Handle stems from (first name, last name, word, word); never digits, never a trailing separator.
_STEMS = (
    lambda f, last, w, v: f,
    lambda f, last, w, v: f"{f}_{last}",
    lambda f, last, w, v: f"{f}.{last}",
    lambda f, last, w, v: f + last,
    lambda f, last, w, v: f"{w}_{v}",
    lambda f, last, w, v: f"{w}.{v}",
    lambda f, last, w, v: f + w,
    lambda f, last, w, v: "the" + w,
    lambda f, last, w, v: w + f,
    lambda f, last, w, v: f"{f}_{w}",
    lambda f, last, w, v: f"{last}.{f}",
    lambda f, last, w, v: f"{f}.{last[0]}",
    lambda f, last, w, v: f + f[-1] * 2,
    lambda f, last, w, v: f"{w}.{f}",
    lambda f, last, w, v: "its" + f,
    lambda f, last, w, v: f + last[:3],
)
_SCONTENT = [
    (
        f"https://scontent-{site}.cdninstagram.com/v/t51.2885-19/s150x150/",
        f"_n.jpg?_nc_ht=scontent-{site}.cdninstagram.com&_nc_cat={cat}&_nc_ohc=",
    )
    for site in _SITES
    for cat in range(101, 113)
]
_ANON = [
    f"https://instagram.f{site.replace('-', '')}.fna.fbcdn.net"
    "/v/t51.2885-19/44884218_345707102882519_2446069589734326272_n.jpg"
    f"?_nc_ht=instagram.f{site.replace('-', '')}.fna.fbcdn.net&_nc_ohc="
    for site in _SITES
]


class Universe:
    """Deterministic people. Holds only O(1) state plus the (small) rename overlay."""

    def __init__(self, seed: int, epoch: int, managed: list[tuple[str, str]], base_size: int) -> None:
        self.seed = seed
        self.epoch = epoch
        self.managed = managed  # (username, full_name) for indices 0..len-1
        self.base_size = base_size  # indices below this exist without any mutation
        self.extra = 0  # users created by mutations: indices base_size .. base_size+extra-1
        self.renames: dict[int, str] = {}
        self._rename_owner: dict[str, int] = {}
        self._managed_owner = {name: i for i, (name, _) in enumerate(managed)}
        self._managed_json = [_json_text(full_name) for _, full_name in managed]
        self._key = derive_key(seed, "user")
        self._pks = PkPermutation(derive_key(seed, "pk"))
        self._numbers = DecadePerm(derive_key(seed, "handle"))
        self._oe_base = epoch + 3 * 86400
        # signed-URL expiries (`oe=`, hex unix time) a few days after the epoch
        self._oe_hex = [f"{self._oe_base + k * 127:08X}" for k in range(4096)]

    # -- identity -------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self.base_size + self.extra

    def new_user(self) -> int:
        """A brand-new person (e.g. a new follower who never existed before)."""
        self.extra += 1
        return self.base_size + self.extra - 1

    def pk(self, index: int) -> int:
        return self._pks.pk(index)

    def index_of_pk(self, pk: int) -> int | None:
        index = self._pks.index(pk)
        return index if index is not None and index < self.total else None

    def is_managed(self, index: int) -> bool:
        return index < len(self.managed)

    # -- handles --------------------------------------------------------------------------------

    def _stem(self, h: int) -> str:
        stem = _STEMS[h & 15](
            _FIRST[(h >> 4) % _N_FIRST],
            _LAST[(h >> 16) % _N_LAST],
            _WORDS[(h >> 28) % _N_WORDS],
            _WORDS[(h >> 40) % _N_WORDS],
        )
        return stem if len(stem) <= _STEM_MAX else _FIRST[(h >> 4) % _N_FIRST]

    def base_username(self, index: int) -> str:
        """The handle a universe person was born with (before any rename)."""
        if index < len(self.managed):
            return self.managed[index][0]
        h = mix64(self._key + index)
        return self._handle(index, h)

    def _handle(self, index: int, h: int) -> str:
        stem = self._stem(h)
        n = self._numbers.forward(index + _NUMBER_OFFSET)
        style = (h >> 52) & 127
        if style < 90:
            return f"{stem}{_SEP_A[(h >> 59) & 3]}{n}"
        if style < 110:
            return f"{stem}{n}{'__' if (h >> 59) & 3 == 3 else '_'}"
        return f"{stem}{'._'[(h >> 59) & 1]}{to_letters(n)}"

    def rename_handle(self, index: int, generation: int) -> str:
        """Style R: a fresh, unique handle for an automatic rename in `generation`."""
        h = mix64(self._key + index)
        n = self._numbers.forward(index + _NUMBER_OFFSET)
        return f"{self._stem(h)}{n}{to_letters(generation)}"

    def username(self, index: int) -> str:
        name = self.renames.get(index)
        return name if name is not None else self.base_username(index)

    def index_of_username(self, name: str) -> int | None:
        """Who currently holds `name` (None if nobody: unknown, or renamed away)."""
        name = name.lower()
        owner = self._rename_owner.get(name)
        if owner is not None:
            return owner
        owner = self._managed_owner.get(name)
        if owner is not None:
            return None if owner in self.renames else owner
        index = self.decode_generated(name, include_renames=False)
        if index is None or index in self.renames:
            return None
        return index

    def decode_generated(
        self, name: str, *, any_index: bool = False, include_renames: bool = True
    ) -> int | None:
        """The index whose *generated* handle (base or style R) is `name`, else None.

        `any_index` also considers people not created yet, so a manual rename can never take a
        handle that a future new user would be born with.
        """
        m = re.match(r"^(.*?)(\d+)(_*|[a-z]*)$", name)
        if not m:
            m2 = re.match(r"^(.*[._])([a-z]+)$", name)
            if not m2:
                return None
            n = from_letters(m2.group(2))
            index = self._number_to_index(n, any_index)
            return index if index is not None and self.base_username(index) == name else None
        digits, tail = m.group(2), m.group(3)
        if digits.startswith("0"):
            return None
        index = self._number_to_index(int(digits), any_index)
        if index is None:
            return None
        if tail and tail[0].isalpha():  # style R: reserved for its owner, held only once applied
            if not include_renames:
                return None
            generation = from_letters(tail)
            return index if self.rename_handle(index, generation) == name else None
        return index if self.base_username(index) == name else None

    def _number_to_index(self, n: int, any_index: bool = False) -> int | None:
        if n < _NUMBER_OFFSET:
            return None
        index = self._numbers.backward(n) - _NUMBER_OFFSET
        if index < len(self.managed):
            return None
        return index if any_index or index < self.total else None

    def set_username(self, index: int, name: str) -> None:
        """Apply a rename; the caller has checked that `name` is free."""
        old = self.renames.pop(index, None)
        if old is not None:
            self._rename_owner.pop(old, None)
        if name != self.base_username(index):
            self.renames[index] = name
            self._rename_owner[name] = index

    # -- people ---------------------------------------------------------------------------------

    # -- people ---------------------------------------------------------------------------------

    def full_name(self, index: int) -> str:
        return str(self.summary(index)["full_name"])

    def _full_name_json(self, h1: int, h2: int, username: str) -> str:
        """The display name, already JSON-escaped (ASCII-only, as Instagram's encoder emits)."""
        first = _FIRST_J[(h1 >> 4) % _N_FIRST]
        last = _LAST_J[(h1 >> 16) % _N_LAST]
        kind = h2 % 100
        if kind < 46:
            return f"{first} {last}"
        if kind < 52:
            return f"{_ACCENTED_J[(h2 >> 8) % len(_ACCENTED_J)]} {last}"
        if kind < 62:
            return first
        if kind < 70:
            return ""
        if kind < 78:
            return f"{_WORDS_J[(h1 >> 28) % _N_WORDS]} {_BUSINESS_J[(h2 >> 8) % len(_BUSINESS_J)]}"
        if kind < 86:
            return f"{first} {_EMOJI_J[(h2 >> 8) % len(_EMOJI_J)]}"
        if kind < 92:
            return _NON_LATIN_J[(h2 >> 8) % len(_NON_LATIN_J)]
        if kind < 96:
            return f"{first} {last}".upper()
        return username

    def summary_json(self, index: int) -> str:
        """The user object of list endpoints as JSON text."""
        return self.summaries_json([index])[0]

    def summaries_json(self, indices: list[int]) -> list[str]:
        """User objects of list endpoints as JSON texts: the hot path (200 per followers page).

        Keys and order follow the users of a real mobile followers page. Built as text in one
        loop with the hashing and the pk permutation inlined, because a dict + json.dumps per
        user (or a call per field) is several times slower.
        """
        out: list[str] = []
        append = out.append
        key, m64, golden = self._key, _M64, 0x9E3779B97F4A7C15
        pks = self._pks
        pk_mask, pk_shift, pk_off = pks.MASK, pks.SHIFT, pks.OFFSET
        k1, c1, k2, c2 = pks.k1, pks.c1, pks.k2, pks.c2
        n_managed, managed, managed_json = len(self.managed), self.managed, self._managed_json
        renames = self.renames
        decades, step = self._numbers._decades, self._numbers.STEP
        stems, first_l, last_l, words_l = _STEMS, _FIRST, _LAST, _WORDS
        full_name_json, oe_hex, epoch = self._full_name_json, self._oe_hex, self.epoch
        for index in indices:
            z = (key + index + golden) & m64
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m64
            h1 = z ^ (z >> 31)
            h2 = (h1 * 0xD6E8FEB86659FD93 + 0x632BE59BD9B4E019) & m64
            h2 ^= h2 >> 32
            x = (index * k1 + c1) & pk_mask
            x ^= x >> pk_shift
            x = (x * k2 + c2) & pk_mask
            pk = str(pk_off + (x ^ (x >> pk_shift)))
            private = "true" if (h2 >> 12) % 100 < 27 else "false"
            if index < n_managed:  # managed accounts are public (their lists are the product)
                username = renames.get(index) or managed[index][0]
                full_name = managed_json[index]
                private = "false"
            else:
                username = renames.get(index)
                if username is None:
                    first = first_l[(h1 >> 4) % _N_FIRST]
                    stem = stems[h1 & 15](
                        first,
                        last_l[(h1 >> 16) % _N_LAST],
                        words_l[(h1 >> 28) % _N_WORDS],
                        words_l[(h1 >> 40) % _N_WORDS],
                    )
                    if len(stem) > _STEM_MAX:
                        stem = first
                    mm = index + _NUMBER_OFFSET
                    low, size, offset, _ = decades[len(str(mm))]
                    n = low + ((mm - low) * step + offset) % size
                    style = (h1 >> 52) & 127
                    if style < 90:
                        username = f"{stem}{_SEP_A[(h1 >> 59) & 3]}{n}"
                    elif style < 110:
                        username = f"{stem}{n}{'__' if (h1 >> 59) & 3 == 3 else '_'}"
                    else:
                        username = f"{stem}{'._'[(h1 >> 59) & 1]}{to_letters(n)}"
                full_name = full_name_json(h1, h2, username)
            raw = ((h2 << 64) | h1).to_bytes(16, "big")
            b64 = b2a_base64(raw, newline=False).translate(_URLSAFE).decode()
            reel = str(epoch - (h2 >> 8) % 86400) if (h2 >> 30) % 100 < 25 else "0"
            verified = "true" if (h2 >> 20) % 1000 < 4 else "false"
            if (h2 >> 40) % 100 < 5:  # default (anonymous) picture: no profile_pic_id
                append(
                    f'{{"pk":{pk},"pk_id":"{pk}","username":"{username}","full_name":"{full_name}","is_private":{private},'
                    f'"profile_pic_url":"{_ANON[(h2 >> 60) % _N_SITES]}{b64[:11]}AX{b64[13:19]}'
                    f"&oh={raw.hex()}&oe={oe_hex[(h2 >> 4) & 4095]}"
                    f'&ig_cache_key=YW5vbnltb3VzX3Byb2ZpbGVfcGlj.2","is_verified":{verified},'
                    '"has_anonymous_profile_picture":true,'
                    f'"latest_reel_media":{reel}}}'
                )
                continue
            digits = str((h1 << 64) | h2 | _BIT127)  # always 39 digits: the picture's path numbers and id
            head, mid = _SCONTENT[((h2 >> 56) * 120) >> 8]
            append(
                f'{{"pk":{pk},"pk_id":"{pk}","username":"{username}","full_name":"{full_name}","is_private":{private},'
                f'"profile_pic_url":"{head}{digits[:9]}_{_NZ[h1 & 7]}{digits[9:23]}'
                f"_{_NZ[(h1 >> 3) & 7]}{digits[19:37]}{mid}"
                f"{b64[:11]}AX{b64[13:19]}&oh={raw.hex()}&oe={oe_hex[(h2 >> 4) & 4095]}"
                f'","profile_pic_id":"2{digits[20:38]}_{pk}",'
                f'"is_verified":{verified},"has_anonymous_profile_picture":false,"latest_reel_media":{reel}}}'
            )
        return out

    def summary(self, index: int) -> dict[str, Any]:
        """The user object of list endpoints (followers/following), keys as in real captures."""
        result: dict[str, Any] = json.loads(self.summary_json(index))
        return result

    def _hd_url(self, summary: dict[str, Any], size: str, salt: int) -> str:
        """A bigger rendition of the same picture: new size segment, signature and expiry."""
        url = str(summary["profile_pic_url"])
        if "s150x150/" in url:
            url = url.replace("s150x150/", size)
        head = url.partition("&oh=")[0]
        tail = url.split("&oe=", 1)[1]
        oe = int(tail[:8], 16) + salt
        sig = mix64(self._key ^ (int(summary["pk"]) + salt))
        return f"{head}&oh={sig:016x}{mix64(sig):016x}&oe={oe:08X}{tail[8:]}"

    def profile(
        self, index: int, *, follower_count: int | None = None, following_count: int | None = None
    ) -> dict:
        """The `user` object of `users/{pk}/info/` (mobile vocabulary)."""
        base = self.summary(index)
        h1 = mix64(self._key + index)
        h4 = mix64(mix64(mix64(mix64(h1))))
        h5 = mix64(h4)
        managed = index < len(self.managed)
        # Heavy-tailed counts: most people have hundreds, a few have millions.
        followers = (
            follower_count
            if follower_count is not None
            else int(10 ** (1 + 4.5 * ((h4 % 10000) / 10000) ** 3))
        )
        following = following_count if following_count is not None else 20 + (h4 >> 16) % 1500
        is_business = not managed and (h4 >> 32) % 100 < 12
        category = W.CATEGORIES[(h5 >> 8) % len(W.CATEGORIES)] if is_business or (h5 % 100 < 8) else None
        bio = W.BIO_PARTS[(h5 >> 16) % len(W.BIO_PARTS)]
        handle = base["username"].replace("_", "").replace(".", "")
        if (h5 >> 44) % 100 < 12:  # some people publish an address, often written to dodge scrapers
            forms = (
                f"{handle}@mail.example.com",
                f"{handle} [at] mail [dot] com",
                f"{handle}(at)studio.example.org",
                f"bookings: {handle} @ agency . example . net",
            )
            bio = f"{bio} · 📩 {forms[(h5 >> 50) % len(forms)]}"
        external = (
            f"https://{base['username'].replace('_', '').replace('.', '')}.example.com"
            if (h5 >> 24) % 100 < 15
            else ""
        )
        anonymous = base["has_anonymous_profile_picture"]
        hd = {
            "url": self._hd_url(base, "", 1),
            "width": 150 if anonymous else 1080,
            "height": 150 if anonymous else 1080,
        }
        versions = [
            {"width": px, "height": px, "url": self._hd_url(base, f"s{px}x{px}/", px)} for px in (320, 640)
        ]
        media_count = (h4 >> 40) % 900
        user: dict[str, Any] = {
            **base,
            "media_count": media_count,
            "geo_media_count": 0,
            "follower_count": followers,
            "following_count": following,
            "following_tag_count": (h5 >> 32) % 5,
            "biography": bio,
            "biography_with_entities": {"raw_text": bio, "entities": []},
            "external_url": external,
            "bio_links": [
                {
                    "link_id": 17_000_000_000_000_000 + (h5 >> 3) % 10**15,
                    "url": external,
                    "lynx_url": "",
                    "link_type": "external",
                    "title": "",
                    "open_external_url_with_in_app_browser": True,
                }
            ]
            if external
            else [],
            "total_igtv_videos": 0,
            "total_clips_count": (h5 >> 40) % 30,
            "usertags_count": (h5 >> 48) % 200,
            "is_favorite": False,
            "has_chaining": True,
            "hd_profile_pic_versions": [] if anonymous else versions,
            "hd_profile_pic_url_info": hd,
            "mutual_followers_count": 0,
            "is_eligible_for_smb_support_flow": is_business,
            "smb_support_partner": None,
            "direct_messaging": "",
            "address_street": "",
            "business_contact_method": "UNKNOWN" if is_business else "",
            "category": category,
            "city_id": 0,
            "city_name": "",
            "contact_phone_number": "",
            "is_call_to_action_enabled": False,
            "latitude": 0.0,
            "longitude": 0.0,
            "public_email": f"contact@{handle}.example.com" if is_business else "",
            "public_phone_country_code": "",
            "public_phone_number": "",
            "zip": "",
            "instagram_location_id": "",
            "is_business": is_business,
            "account_type": 2 if is_business else (3 if category else 1),
            "professional_conversion_suggested_account_type": 2,
            "can_hide_category": True,
            "can_hide_public_contacts": True,
            "should_show_category": bool(category),
            "should_show_public_contacts": False,
            "has_highlight_reels": (h5 >> 56) % 2 == 1,
            "is_interest_account": False,
        }
        return user
