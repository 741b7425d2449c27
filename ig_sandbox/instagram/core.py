"""The generated network's layout and the lookups every area of the sandbox reads.

`NetworkCore` lays the managed accounts' lists out over the universe, finds accounts and people,
signs cursors, and renders a person's profile with the overlay of changes (follower deltas, new
pictures, re-signed CDN URLs). The areas (follow lists, profiles, posts, inbox, stories, ...) are
mixins on top of it, composed into `SandboxNetwork`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
from collections.abc import Iterator
from typing import Any

from ._mix import derive_key, mix64
from .cookies import make_session_cookies
from .errors import CursorError, UnknownAccountError, UnknownUserError
from .relations import ManagedAccount, RelationList
from .spec import NetworkSpec
from .universe import Universe


class NetworkCore:
    """The generated network plus the per-person overlay. Thread-safe through `lock`."""

    def __init__(self, spec: NetworkSpec, epoch: int) -> None:
        self.spec = spec
        self.seed = spec.seed
        self.lock = threading.RLock()
        self.epoch = epoch
        self._cursor_secret = derive_key(spec.seed, "cursor")
        n_acc = len(spec.accounts)
        layout_key = derive_key(spec.seed, "layout")
        # Lay the accounts' blocks out one after another; neighbours overlap by 3-7 %, so some
        # people follow two managed accounts (as in real client portfolios).
        cursor = n_acc
        blocks: list[tuple[int, int, int, int]] = []  # following start, G, followers start, F
        for i, acc in enumerate(spec.accounts):
            g, f = acc.following, acc.followers
            m = min(round(g * acc.mutual_fraction), f, g)
            span = g + f - m
            blocks.append((cursor, g, cursor + g - m, f))
            if i + 1 < n_acc:
                nxt = spec.accounts[i + 1]
                nm = min(round(nxt.following * nxt.mutual_fraction), nxt.followers, nxt.following)
                nspan = nxt.following + nxt.followers - nm
                share = 0.03 + (mix64(layout_key + i) % 5) / 100
                cursor += span - int(min(span, nspan) * share)
            else:
                cursor += span
        self.strangers_start = cursor
        base_size = cursor + spec.strangers
        managed = [
            (a.username, a.full_name or a.username.replace("_", " ").replace(".", " ").title())
            for a in spec.accounts
        ]
        self.universe = Universe(spec.seed, epoch, managed, base_size)
        for acc in spec.accounts:
            if self.universe.decode_generated(acc.username, any_index=True) is not None:
                raise ValueError(f"account username {acc.username!r} collides with a generated handle")
        self.accounts: dict[str, ManagedAccount] = {}
        self._sessions: dict[str, str] = {}
        for i, (acc, (fs, g, rs, f)) in enumerate(zip(spec.accounts, blocks, strict=True)):
            pk = self.universe.pk(i)
            keys = {
                p: derive_key(spec.seed, p, acc.username)
                for p in ("followers", "following", "inbox", "tray", "session")
            }
            cookies = make_session_cookies(pk, keys["session"], epoch)
            mutual_start, mutual_end = max(fs, rs), min(fs + g, rs + f)
            account = ManagedAccount(
                spec=acc,
                index=i,
                pk=pk,
                followers=RelationList(rs, f, keys["followers"]),
                following=RelationList(fs, g, keys["following"]),
                cookies=cookies,
                keys=keys,
                mutual_range=(mutual_start, max(0, mutual_end - mutual_start)),
            )
            self.accounts[acc.username] = account
            self._sessions[cookies["sessionid"].replace("%3A", ":")] = acc.username
        self._by_index = {a.index: a for a in self.accounts.values()}
        #: people who changed their profile picture (index -> how many times): a new file on the CDN
        self.avatar_versions: dict[int, int] = {}
        #: how many times the CDN re-signed its URLs: same files, new `oh`/`oe` query parameters
        self.cdn_generation = 0
        #: posts people published since the network was generated, and how often their counts changed
        self.new_posts: dict[int, int] = {}
        self.count_generations: dict[int, int] = {}
        #: followers people gained (or lost, when negative) since the network was generated
        self.follower_deltas: dict[int, int] = {}
        #: accounts Instagram holds at a checkpoint until a person passes the challenge (index -> nonce)
        self.checkpoints: dict[int, str] = {}
        #: verification codes "sent" by e-mail or SMS, newest last (what the person would receive)
        self.outbox: list[dict[str, Any]] = []

    # -- lookups -------------------------------------------------------------------------------

    def account(self, ref: str | int) -> ManagedAccount:
        """A managed account by spec username, current username or pk."""
        if isinstance(ref, str) and ref in self.accounts:
            return self.accounts[ref]
        index = self._ref_to_index(ref)
        if index is not None and index in self._by_index:
            return self._by_index[index]
        raise UnknownAccountError(f"no managed account {ref!r}")

    def account_for_session(self, sessionid: str) -> ManagedAccount | None:
        """The account a `sessionid` cookie value (raw or URL-decoded) logs in as."""
        name = self._sessions.get(sessionid.replace("%3A", ":").replace("%3a", ":"))
        return self.accounts[name] if name else None

    def managed_by_pk(self, pk: int) -> ManagedAccount | None:
        index = self.universe.index_of_pk(pk)
        return self._by_index.get(index) if index is not None else None

    def _ref_to_index(self, ref: str | int) -> int | None:
        if isinstance(ref, bool):
            return None
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            return self.universe.index_of_pk(int(ref))
        return self.universe.index_of_username(str(ref).lstrip("@"))

    def find_user(self, ref: str | int) -> int:
        """Universe index of a person by pk (int or digits) or current username."""
        index = self._ref_to_index(ref)
        if index is None:
            raise UnknownUserError(f"no user {ref!r}")
        return index

    def user_summary(self, ref: str | int) -> dict[str, Any]:
        return self.universe.summary(self.find_user(ref))

    def followers_of(self, account: str | int) -> Iterator[int]:
        """Current follower pks (for tests and demos; O(1) memory)."""
        acct = self.account(account)
        pk = self.universe.pk
        return (pk(u) for u in acct.followers.iter_members())

    def following_of(self, account: str | int) -> Iterator[int]:
        acct = self.account(account)
        pk = self.universe.pk
        return (pk(u) for u in acct.following.iter_members())

    # -- cursors -------------------------------------------------------------------------------

    def _encode_cursor(self, tag: str, phase: int, pos: int) -> str:
        payload = f"{phase}.{pos}"
        check = mix64(self._cursor_secret ^ hash_text(tag + payload)) & 0xFFFFFFFF
        return base64.b64encode(f"AQA{payload}.{check:08x}".encode()).decode()

    def _decode_cursor(self, tag: str, token: str) -> tuple[int, int]:
        try:
            raw = base64.b64decode(token, validate=True).decode()
            assert raw.startswith("AQA")
            phase_s, pos_s, _check = raw[3:].split(".")
            phase, pos = int(phase_s), int(pos_s)
        except (ValueError, AssertionError, UnicodeDecodeError, binascii.Error):
            raise CursorError("invalid cursor") from None
        if phase not in (0, 1) or pos < 0 or self._encode_cursor(tag, phase, pos) != token:
            raise CursorError("invalid cursor")
        return phase, pos

    def _profile(self, index: int) -> dict[str, Any]:
        acct = self._by_index.get(index)
        if acct is None:
            user = self.universe.profile(index)
        else:
            user = self.universe.profile(
                index, follower_count=acct.followers.count, following_count=acct.following.count
            )
            user["is_private"] = False
        if delta := self.follower_deltas.get(index):
            user["follower_count"] = max(0, int(user["follower_count"]) + delta)
        version, generation = self.avatar_versions.get(index, 0), self.cdn_generation
        if version or generation:
            pictures = [user, user["hd_profile_pic_url_info"], *user["hd_profile_pic_versions"]]
            for picture, key in zip(pictures, ("profile_pic_url", "url", *["url"] * 4), strict=False):
                picture[key] = _picture_url(picture[key], version, generation)
        return user


def hash_text(text: str) -> int:
    """Stable 64-bit hash of a short string (not Python's salted `hash`)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _picture_url(url: str, version: int, generation: int) -> str:
    """`url` after `version` picture changes (a new file name) and `generation` re-signings (new
    `oh`/`oe` values only)."""
    head, sep, query = url.partition("?")
    if version and head.endswith("_n.jpg"):
        head = f"{head[: -len('_n.jpg')]}{version:02d}_n.jpg"
    if generation:
        params = [part for part in query.split("&") if not part.startswith(("oh=", "oe="))]
        sig = mix64(hash_text(head) + generation)
        params += [f"oh={sig:016x}{mix64(sig):016x}", f"oe={0x69000000 + generation * 86400:08X}"]
        query = "&".join(params)
    return f"{head}{sep or '?'}{query}"
