"""A deterministic, offline Instagram network for tests and demos.

`SandboxNetwork(spec)` lays every managed account's followers and following out as integer
ranges of a shared universe of people (see `universe.py`); nothing per-person is stored, so an
account with 200,000 followers costs a few hundred bytes. Changes between runs are a small
overlay per list (removed base members, added members) plus renames, which can be saved to a
JSON state file so another process sees the same network.

Every response body is built here (the HTTP server only adds auth, faults and encoding), with
Instagram's field names, page sizes and cursor conventions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from . import _words as W
from . import posts
from ._mix import AffinePerm, Rng, derive_key, mix64
from .cdn import story_file_stem
from .cookies import CookieFormat, make_session_cookies, render_cookie_file
from .universe import Universe, is_valid_handle

ListKind = Literal["followers", "following"]

FOLLOW_PAGE_DEFAULT = 12  # what the web client asks for when `count` is absent
FOLLOW_PAGE_MAX = 200
INBOX_PAGE_DEFAULT = 20
INBOX_PAGE_MAX = 50
TRAY_ITEMS_ENTRIES = 3  # only the first entries of a real tray carry `items`
REELS_MEDIA_MAX_IDS = 50  # Instagram answers at most 50 reels per feed/reels_media request
HIGHLIGHTS_MAX = 5  # highlight folders per person: 0 to this many
_HIGHLIGHT_BASE = 17_840_000_000_000_000  # highlight ids are 17-digit numbers, like real ones
_HIGHLIGHT_STEP = 1_000_003
_TRAY_ONLY_KEYS = frozenset(
    {"ranked_position", "seen_ranked_position", "ranker_scores", "muted", "story_wedge_size"}
)
STATE_FORMAT = "ig-pipeline-sandbox-state"
STATE_VERSION = 1
_THREAD_GAP_US = 3 * 3600 * 1_000_000  # base threads: one per ~3 h going back in time
_THREAD_ID_PREFIX = 340282366841710300949128  # 24 digits; + 15 digits = 39-digit thread ids
_ODD = 25214903917  # coprime with 10: makes the id mappings bijective


# -- errors ------------------------------------------------------------------------------------


class SandboxError(Exception):
    """Base class of the sandbox's own errors (messages are safe to show)."""


class UnknownAccountError(SandboxError):
    pass


class UnknownUserError(SandboxError):
    pass


class MutationError(SandboxError):
    pass


class CursorError(SandboxError):
    pass


class StateError(SandboxError):
    pass


# -- spec --------------------------------------------------------------------------------------


class AccountSpec(BaseModel):
    """One managed account: the sizes of its lists and of its inbox and story tray."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str
    followers: int = Field(ge=0, le=50_000_000)
    following: int = Field(ge=0, le=50_000_000)
    mutual_fraction: float = Field(default=0.4, ge=0.0, le=1.0)  # share of following who follow back
    inbox_threads: int = Field(default=20, ge=0, le=100_000)
    tray_reels: int = Field(default=10, ge=0, le=1_000)
    full_name: str | None = None
    password: SecretStr | None = None  # for the login page; default `sandbox-<username>`
    two_factor: bool = False  # the login page asks for a code sent by SMS

    @field_validator("username")
    @classmethod
    def _valid_handle(cls, value: str) -> str:
        if not is_valid_handle(value):
            raise ValueError(f"{value!r} is not a valid Instagram username")
        return value


class NetworkSpec(BaseModel):
    """The whole sandbox: same spec (and epoch) => byte-identical responses."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 0
    accounts: list[AccountSpec] = Field(min_length=1)
    # The network's "now" (unix seconds) for story and message times. None: today 00:00 UTC, fixed
    # for the day and recorded in the state file, so stories look current in demos.
    epoch: int | None = None
    strangers: int = Field(default=5_000, ge=1)  # people outside every list (DMs from non-followers)

    @model_validator(mode="after")
    def _unique_usernames(self) -> NetworkSpec:
        names = [a.username for a in self.accounts]
        if len(set(names)) != len(names):
            raise ValueError("account usernames must be unique")
        return self

    def fingerprint(self) -> str:
        """Identifies the generated base network (passwords excluded)."""
        data = self.model_dump(mode="json", exclude={"accounts": {"__all__": {"password"}}})
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


DEMO_SPEC = NetworkSpec(
    seed=20240601,
    accounts=[
        AccountSpec(
            username="demo_small",
            followers=350,
            following=280,
            mutual_fraction=0.6,
            inbox_threads=24,
            tray_reels=8,
        ),
        AccountSpec(
            username="demo_medium",
            followers=4_200,
            following=1_100,
            mutual_fraction=0.45,
            inbox_threads=60,
            tray_reels=25,
        ),
        AccountSpec(
            username="demo_large",
            followers=120_000,
            following=2_500,
            mutual_fraction=0.3,
            inbox_threads=150,
            tray_reels=60,
        ),
    ],
)


# -- one list ----------------------------------------------------------------------------------


class RelationList:
    """A base range of the universe (listed in a shuffled order), minus removals, plus additions.

    Listing order: additions newest first, then the base range. A cursor is (phase, pos): phase 0
    walks the additions list downward from `pos`, phase 1 walks base positions upward, so a page
    costs O(page + skipped removals) and new additions never shift an in-flight cursor.
    Invariants: `removed` only holds base members; `live[u]` is the position of u's current entry
    in `added` (older entries for u are tombstones); a base user who left and re-joined is in both.
    """

    __slots__ = ("added", "live", "perm", "removed", "size", "start")

    def __init__(self, start: int, size: int, key: int) -> None:
        self.start = start
        self.size = size
        self.perm = AffinePerm(size, key)
        self.removed: set[int] = set()
        self.added: list[int] = []
        self.live: dict[int, int] = {}

    def in_base(self, u: int) -> bool:
        return self.start <= u < self.start + self.size

    def is_member(self, u: int) -> bool:
        if u in self.live:
            return True
        return u not in self.removed and self.start <= u < self.start + self.size

    @property
    def count(self) -> int:
        return self.size - len(self.removed) + len(self.live)

    def base_at(self, pos: int) -> int:
        return self.start + self.perm(pos)

    def page(self, phase: int, pos: int, count: int) -> tuple[list[int], tuple[int, int] | None]:
        out: list[int] = []
        if phase == 0:
            added, live = self.added, self.live
            pos = min(pos, len(added))
            while pos > 0 and len(out) < count:
                pos -= 1
                u = added[pos]
                if live.get(u) == pos:
                    out.append(u)
            if pos == 0:
                phase = 1
        if phase == 1 and len(out) < count:
            start, size, removed = self.start, self.size, self.removed
            a, b = self.perm.a, self.perm.b
            while pos < size and len(out) < count:
                u = start + (a * pos + b) % size
                pos += 1
                if u not in removed:
                    out.append(u)
        return out, self._skip_dead(phase, pos)

    def _skip_dead(self, phase: int, pos: int) -> tuple[int, int] | None:
        """Move a cursor past tombstones/removals so the last page never promises more."""
        if phase == 0:
            added, live = self.added, self.live
            while pos > 0 and live.get(added[pos - 1]) != pos - 1:
                pos -= 1
            if pos > 0:
                return (0, pos)
            phase, pos = 1, 0
        removed = self.removed
        while pos < self.size and self.base_at(pos) in removed:
            pos += 1
        return (1, pos) if pos < self.size else None

    def iter_members(self) -> Iterator[int]:
        phase, pos = 0, len(self.added)
        cursor: tuple[int, int] | None = (phase, pos)
        while cursor is not None:
            chunk, cursor = self.page(cursor[0], cursor[1], 1000)
            yield from chunk

    def join(self, u: int) -> None:
        if self.is_member(u):
            raise MutationError("already in the list")
        self.live[u] = len(self.added)
        self.added.append(u)
        if self.in_base(u):
            self.removed.add(u)  # keep the base walk from listing it a second time

    def leave(self, u: int) -> None:
        if not self.is_member(u):
            raise MutationError("not in the list")
        self.live.pop(u, None)
        if self.in_base(u):
            self.removed.add(u)

    def random_member(self, rng: Rng) -> int | None:
        space = len(self.added) + self.size
        if space == 0:
            return None
        p = rng.below(space)
        if p < len(self.added):
            u = self.added[p]
            return u if self.live.get(u) == p else None
        u = self.base_at(p - len(self.added))
        return None if u in self.removed else u

    def to_state(self) -> dict[str, list[int]]:
        alive = [u for p, u in enumerate(self.added) if self.live.get(u) == p]
        return {"removed": sorted(self.removed), "added": alive}

    def load_state(self, data: dict[str, Any]) -> None:
        removed = [int(u) for u in data.get("removed", [])]
        if any(not self.in_base(u) for u in removed):
            raise StateError("state file removes users outside the base list")
        self.removed = set(removed)
        self.added = [int(u) for u in data.get("added", [])]
        self.live = {u: p for p, u in enumerate(self.added)}
        if len(self.live) != len(self.added):
            raise StateError("state file lists a user twice")


# -- accounts ----------------------------------------------------------------------------------


@dataclass
class ManagedAccount:
    spec: AccountSpec
    index: int
    pk: int
    followers: RelationList
    following: RelationList
    cookies: dict[str, str]
    keys: dict[str, int]
    mutual_range: tuple[int, int]  # base indices in both lists: start, size
    generation: int = 0
    tray_generation: int = 0
    new_threads: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    #: story items people the account follows posted since (`post_story`): {"user", "taken_at"}, oldest first
    story_posts: list[dict[str, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The stable key of the account (the spec username, even after a rename)."""
        return self.spec.username

    def relation(self, which: str) -> RelationList:
        if which == "followers":
            return self.followers
        if which == "following":
            return self.following
        raise ValueError(f"unknown list {which!r}")


@dataclass(frozen=True)
class _Thread:
    k: int  # unique per account: base threads 0..T-1, new threads T + j
    users: tuple[int, ...]
    ts_us: int
    is_group: bool
    title: str | None
    h: int


def _today_epoch() -> int:
    return int(time.time()) // 86400 * 86400


class SandboxNetwork:
    """The generated network plus its mutation overlay. Thread-safe through `lock`."""

    def __init__(self, spec: NetworkSpec, *, state: dict[str, Any] | None = None) -> None:
        self.spec = spec
        self.seed = spec.seed
        self.lock = threading.RLock()
        if state is not None:
            self._check_state_header(state)
            epoch = int(state["epoch"])
        else:
            epoch = spec.epoch if spec.epoch is not None else _today_epoch()
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
        if state is not None:
            self._apply_state(state)

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

    # -- followers / following -----------------------------------------------------------------

    def follow_list_json(
        self,
        account: str | int,
        which: ListKind,
        *,
        max_id: str | None = None,
        count: int | None = None,
        query: str | None = None,
    ) -> str:
        """Body of `friendships/{pk}/followers/` or `/following/`, as JSON text.

        Key order and values as in a real mobile page: `big_list` true, `page_size` = the
        requested count, `next_max_id` absent on the last page, `has_more` false throughout.
        """
        with self.lock:
            acct = self.account(account)
            rel = acct.relation(which)
            size = FOLLOW_PAGE_DEFAULT if count is None else max(1, min(int(count), FOLLOW_PAGE_MAX))
            tag = f"{which}:{acct.index}"
            nxt: tuple[int, int] | None = None
            if query:
                indices = self._search(rel, query)[:size]
            else:
                phase, pos = self._decode_cursor(tag, max_id) if max_id else (0, len(rel.added))
                indices, nxt = rel.page(phase, pos, size)
            users = ",".join(self.universe.summaries_json(indices))
            cursor = f'"next_max_id":"{self._encode_cursor(tag, *nxt)}",' if nxt is not None else ""
        return (
            f'{{"sections":null,"global_blacklist_sample":null,"users":[{users}],"big_list":true,{cursor}'
            f'"page_size":{size},"has_more":false,"should_limit_list_of_followers":false,"status":"ok"}}'
        )

    def follow_list(
        self,
        account: str | int,
        which: ListKind,
        *,
        max_id: str | None = None,
        count: int | None = None,
        query: str | None = None,
    ) -> dict[str, Any]:
        """`follow_list_json` parsed (for tests and the fault paths that edit a page)."""
        body: dict[str, Any] = json.loads(
            self.follow_list_json(account, which, max_id=max_id, count=count, query=query)
        )
        return body

    def _search(self, rel: RelationList, query: str) -> list[int]:
        """`query=`: exact handle (cheap, by decoding it) plus substring matches among additions/renames."""
        q = query.lower().lstrip("@")
        hits: list[int] = []
        exact = self.universe.index_of_username(q)
        if exact is not None and rel.is_member(exact):
            hits.append(exact)
        candidates = [u for p, u in enumerate(rel.added) if rel.live.get(u) == p]
        candidates += [u for u in self.universe.renames if rel.is_member(u)]
        for u in candidates:
            if u not in hits and q in self.universe.username(u):
                hits.append(u)
        return hits

    # -- profiles ------------------------------------------------------------------------------

    def user_info(self, pk: int | str, viewer: ManagedAccount | None = None) -> dict[str, Any] | None:
        """Body of `users/{pk}/info/`, or None when no such pk exists.

        When `viewer` reads its own profile, the self-only flags are included as in the app.
        """
        with self.lock:
            try:
                index = self.universe.index_of_pk(int(pk))
            except ValueError:
                return None
            if index is None:
                return None
            user = self._profile(index)
            if viewer is not None and viewer.index == index:
                user.update(_SELF_FLAGS)
            return {"user": user, "status": "ok"}

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

    def _posts(self, index: int, ks: range) -> list[dict[str, Any]]:
        user = self.universe.summary(index)
        followers = int(self._profile(index)["follower_count"])
        return [
            posts.post(
                self.universe._key,
                index,
                k,
                user=user,
                epoch=self.epoch,
                followers=followers,
                new_posts=self.new_posts.get(index, 0),
                count_generation=self.count_generations.get(index, 0),
            )
            for k in ks
        ]

    def _recent_posts(self, index: int, p: dict[str, Any]) -> list[dict[str, Any]]:
        """The first posts a web profile body carries (newest first), as web timeline edges."""
        return [posts.web_edge(item) for item in self._posts(index, range(min(12, int(p["media_count"]))))]

    def public_profile(
        self, username: str, posts_limit: int = 0
    ) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """What an anonymous visitor sees of `username` (Apify's scrapers): the profile in the mobile
        vocabulary and its newest `posts_limit` posts (none when private); None if there is no one."""
        with self.lock:
            index = self.universe.index_of_username(username)
            if index is None:
                return None
            p = self._profile(index)
            shown = 0 if p["is_private"] else min(posts_limit, int(p["media_count"]))
            return p, self._posts(index, range(shown))

    def user_feed(
        self, viewer: ManagedAccount, pk: int | str, max_id: str | None, count: int = 12
    ) -> tuple[int, dict[str, Any]]:
        """(status, body) of `feed/user/{pk}/`: newest first, `next_max_id` = the last item's id."""
        with self.lock:
            index = self.universe.index_of_pk(int(pk))
            if index is None:
                return 404, {"message": "User not found", "status": "fail"}
            p = self._profile(index)
            if p["is_private"] and not viewer.following.is_member(index) and index != viewer.index:
                return 400, {"message": "Not authorized to view user", "status": "fail"}
            total = int(p["media_count"])
            start = 0
            if max_id:
                try:
                    start = int(max_id.split("~", 1)[0]) + 1
                except ValueError:
                    return 400, {"message": "Invalid max_id", "status": "fail"}
            count = max(1, min(count, 33))
            items = self._posts(index, range(start, min(total, start + count)))
            more = start + count < total
            body: dict[str, Any] = {
                "items": items,
                "num_results": len(items),
                "more_available": more,
                "auto_load_more_enabled": True,
                "status": "ok",
            }
            if more:
                # The real cursor is the last item's id; the position rides along so paging stays cheap.
                body["next_max_id"] = f"{start + count - 1}~{items[-1]['id']}"
            return 200, body

    def web_profile_info(self, username: str, viewer: ManagedAccount | None = None) -> dict[str, Any] | None:
        """Body of `users/web_profile_info/?username=` (web vocabulary)."""
        with self.lock:
            index = self.universe.index_of_username(username)
            if index is None:
                return None
            p = self._profile(index)
            followed_by_viewer = viewer is not None and viewer.following.is_member(index)
            follows_viewer = viewer is not None and viewer.followers.is_member(index)
            user = {
                "id": str(p["pk"]),
                "username": p["username"],
                "full_name": p["full_name"],
                "biography": p["biography"],
                "bio_links": [
                    {"title": "", "url": l["url"], "link_type": "external"} for l in p["bio_links"]
                ],
                "external_url": p["external_url"] or None,
                "profile_pic_url": p["profile_pic_url"],
                "profile_pic_url_hd": p["hd_profile_pic_url_info"]["url"],
                "edge_followed_by": {"count": p["follower_count"]},
                "edge_follow": {"count": p["following_count"]},
                "edge_owner_to_timeline_media": {
                    "count": p["media_count"],
                    "page_info": {"has_next_page": p["media_count"] > 12, "end_cursor": None},
                    # A private profile's posts are hidden unless the viewer follows it.
                    "edges": self._recent_posts(index, p)
                    if followed_by_viewer or not p["is_private"]
                    else [],
                },
                "is_private": p["is_private"],
                "is_verified": p["is_verified"],
                "is_business_account": p["is_business"],
                "business_category_name": p["category"] if p["is_business"] else None,
                "category_name": p["category"],
                "business_email": p["public_email"] or None,
                "business_phone_number": None,
                "business_address_json": None,
                "business_contact_method": "UNKNOWN" if p["is_business"] else "",
                "overall_category_name": None,
                "category_enum": None,
                "is_professional_account": p["account_type"] != 1,
                "should_show_category": p["should_show_category"],
                "should_show_public_contacts": False,
                "followed_by_viewer": followed_by_viewer,
                "follows_viewer": follows_viewer,
                "requested_by_viewer": False,
                "blocked_by_viewer": False,
                "restricted_by_viewer": False,
                "has_blocked_viewer": False,
                "has_requested_viewer": False,
                "country_block": False,
                "external_url_linkshimmed": None,
                "fbid": str(17_841_400_000_000_000 + p["pk"]),
                "has_ar_effects": False,
                "has_clips": p["total_clips_count"] > 0,
                "has_guides": False,
                "has_channel": False,
                "hide_like_and_view_counts": False,
                "is_supervision_enabled": False,
                "is_guardian_of_viewer": False,
                "is_supervised_by_viewer": False,
                "is_embeds_disabled": False,
                "is_joined_recently": False,
                "guardian_id": None,
                "state_controlled_media_country": None,
                "transparency_label": None,
                "transparency_product": None,
                "connected_fb_page": None,
                "pronouns": [],
                "highlight_reel_count": 0,
                "edge_mutual_followed_by": {"count": 0, "edges": []},
                "edge_felix_video_timeline": {
                    "count": 0,
                    "page_info": {"has_next_page": False, "end_cursor": None},
                    "edges": [],
                },
                "edge_saved_media": {
                    "count": 0,
                    "page_info": {"has_next_page": False, "end_cursor": None},
                    "edges": [],
                },
                "edge_media_collections": {
                    "count": 0,
                    "page_info": {"has_next_page": False, "end_cursor": None},
                    "edges": [],
                },
            }
            return {"data": {"user": user}, "status": "ok"}

    def friendship(self, viewer: ManagedAccount, pk: int | str) -> dict[str, Any] | None:
        """Body of `friendships/show/{pk}/`."""
        with self.lock:
            index = self.universe.index_of_pk(int(pk))
            if index is None:
                return None
            return {
                "blocking": False,
                "followed_by": viewer.followers.is_member(index),
                "following": viewer.following.is_member(index),
                "incoming_request": False,
                "is_bestie": False,
                "is_blocking_reel": False,
                "is_muting_reel": False,
                "is_private": self.universe.summary(index)["is_private"],
                "is_restricted": False,
                "muting": False,
                "outgoing_request": False,
                "status": "ok",
            }

    # -- direct inbox --------------------------------------------------------------------------

    def _pick_contact(self, acct: ManagedAccount, h: int) -> int:
        start, size = acct.mutual_range
        if size:
            return start + h % size
        for rel in (acct.following, acct.followers):
            if rel.size:
                return rel.base_at(h % rel.size)
        return self.strangers_start + h % self.spec.strangers

    def _base_thread(self, acct: ManagedAccount, k: int) -> _Thread:
        h = mix64(acct.keys["inbox"] + k)
        kind = h % 100
        if kind < 10:  # group of 2-3
            n = 2 + (h >> 8) % 2
            picked: list[int] = []
            for j in range(n * 4):  # distinct members; a tiny network may yield fewer
                u = self._pick_contact(acct, mix64(h + j))
                if u not in picked:
                    picked.append(u)
                if len(picked) == n:
                    break
            users = tuple(picked)
            title = (
                W.WORDS[(h >> 16) % len(W.WORDS)].capitalize() + " " + W.EMOJI[(h >> 24) % len(W.EMOJI)]
                if (h >> 32) % 2
                else None
            )
        elif kind < 22:  # someone who does not follow the account
            users = (self.strangers_start + (h >> 8) % self.spec.strangers,)
            title = None
        else:
            users = (self._pick_contact(acct, h >> 8),)
            title = None
        ts = self.epoch * 1_000_000 - (k + 1) * _THREAD_GAP_US - (h >> 20) % _THREAD_GAP_US
        return _Thread(k, users, ts, len(users) > 1, title if len(users) > 1 else None, h)

    def _new_thread(self, acct: ManagedAccount, j: int) -> _Thread:
        d = acct.new_threads[j]
        k = acct.spec.inbox_threads + j
        return _Thread(
            k,
            tuple(d["users"]),
            int(d["ts_us"]),
            bool(d["is_group"]),
            d.get("title"),
            mix64(acct.keys["inbox"] + k),
        )

    def inbox(
        self,
        account: str | int,
        *,
        cursor: str | None = None,
        limit: int | None = None,
        message_limit: int | None = None,
    ) -> dict[str, Any]:
        """Body of `direct_v2/inbox/`: threads newest first, `oldest_cursor` + `has_older` paging."""
        with self.lock:
            acct = self.account(account)
            size = INBOX_PAGE_DEFAULT if limit is None else max(1, min(int(limit), INBOX_PAGE_MAX))
            msg_limit = 10 if message_limit is None else max(0, min(int(message_limit), 20))
            tag = f"inbox:{acct.index}"
            phase, pos = self._decode_cursor(tag, cursor) if cursor else (0, len(acct.new_threads))
            threads: list[_Thread] = []
            if phase == 0:
                pos = min(pos, len(acct.new_threads))
                while pos > 0 and len(threads) < size:
                    pos -= 1
                    threads.append(self._new_thread(acct, pos))
                if pos == 0:
                    phase = 1
            if phase == 1:
                while pos < acct.spec.inbox_threads and len(threads) < size:
                    threads.append(self._base_thread(acct, pos))
                    pos += 1
            has_older = (phase == 0 and pos > 0) or (phase == 1 and pos < acct.spec.inbox_threads)
            viewer = self.universe.summary(acct.index)
            rendered = [self._render_thread(acct, t, msg_limit, viewer) for t in threads]
            first = threads[0] if threads else None
            body = {
                "viewer": viewer,
                "inbox": {
                    "threads": rendered,
                    "has_older": has_older,
                    "unseen_count": sum(1 for t in rendered if t["read_state"]),
                    "unseen_count_ts": self.epoch * 1_000_000,
                    "oldest_cursor": self._encode_cursor(tag, phase, pos) if threads else None,
                    "prev_cursor": {
                        "cursor_timestamp_seconds": first.ts_us // 1_000_000 if first else 0,
                        "cursor_thread_v2_id": int(rendered[0]["thread_v2_id"]) if rendered else 0,
                    },
                    "next_cursor": {"cursor_timestamp_seconds": self.epoch, "cursor_thread_v2_id": 0},
                    "blended_inbox_enabled": False,
                },
                "seq_id": 4000 + 17 * acct.generation + len(acct.new_threads),
                "snapshot_at_ms": self.epoch * 1000,
                "pending_requests_total": 0,
                "has_pending_top_requests": False,
                "status": "ok",
            }
            return body

    def _thread_user(self, acct: ManagedAccount, u: int) -> dict[str, Any]:
        user = self.universe.summary(u)
        user["friendship_status"] = {
            "following": acct.following.is_member(u),
            "followed_by": acct.followers.is_member(u),
            "blocking": False,
            "muting": False,
            "is_private": user["is_private"],
            "incoming_request": False,
            "outgoing_request": False,
            "is_bestie": False,
            "is_restricted": False,
        }
        return user

    def _render_thread(
        self, acct: ManagedAccount, t: _Thread, msg_limit: int, viewer: dict[str, Any]
    ) -> dict[str, Any]:
        h = t.h
        salt = acct.keys["inbox"]
        thread_id = str(_THREAD_ID_PREFIX * 10**15 + ((t.k * 4096 + acct.index) * _ODD + salt) % 10**15)
        thread_v2_id = str(17_840_000_000_000_000 + ((t.k * 4096 + acct.index) * _ODD + (salt >> 7)) % 10**14)
        users = [self._thread_user(acct, u) for u in t.users]
        n_items = 1 + (h >> 40) % 8
        items = []
        ts = t.ts_us
        as_text = (h >> 50) & 3 == 0  # some threads give times as strings, as real payloads do
        for j in range(min(n_items, msg_limit)):
            hj = mix64(h + 101 * (j + 1))
            sender = acct.pk if hj & 1 else self.universe.pk(t.users[(hj >> 1) % len(t.users)])
            items.append(
                {
                    "item_id": f"{ts}{hj % 10**19:019d}",
                    "user_id": sender,
                    "timestamp": str(ts) if as_text else ts,
                    "item_type": "text",
                    "text": W.MESSAGES[(hj >> 8) % len(W.MESSAGES)],
                    "client_context": str(7_000_000_000_000_000_000 + (hj >> 3) % 10**18),
                    "show_forward_attribution": False,
                    "is_shh_mode": False,
                }
            )
            ts -= (1 + (hj >> 20) % 900) * 1_000_000
        title = t.title or ", ".join(u["username"] for u in users)
        unread = (h >> 44) % 100 < 15 and bool(items) and items[0]["user_id"] != acct.pk
        inviter: dict[str, Any] | None
        if t.is_group:
            inviter = users[0] if (h >> 46) & 1 else viewer
        else:
            inviter = None if (h >> 47) % 4 == 0 else viewer
        return {
            "thread_id": thread_id,
            "thread_v2_id": thread_v2_id,
            "users": users,
            "left_users": [],
            "admin_user_ids": [],
            "items": items,
            "last_activity_at": str(t.ts_us) if as_text else t.ts_us,
            "muted": (h >> 52) % 100 < 5,
            "is_pin": False,
            "named": t.title is not None,
            "canonical": not t.is_group,
            "pending": False,
            "archived": False,
            "thread_type": "private",
            "viewer_id": acct.pk,
            "thread_title": title,
            "folder": 0,
            "vc_muted": False,
            "is_group": t.is_group,
            "mentions_muted": False,
            "approval_required_for_new_members": False,
            "input_mode": 0,
            "business_thread_folder": 0,
            "read_state": 1 if unread else 0,
            "last_seen_at": {},
            "inviter": inviter,
            "has_older": n_items > msg_limit,
            "has_newer": False,
            "oldest_cursor": items[-1]["item_id"] if items else None,
            "newest_cursor": items[0]["item_id"] if items else None,
            "last_permanent_item": items[0] if items else None,
            "is_spam": False,
            "is_close_friend_thread": False,
            "is_verified_thread": False,
        }

    # -- story tray ----------------------------------------------------------------------------

    def _slot_versions(self, acct: ManagedAccount, slot: int) -> tuple[int, int]:
        """(generation the slot's owner last changed, generation its story last changed)."""
        owner_v = story_v = 0
        for g in range(1, acct.tray_generation + 1):
            r = mix64(acct.keys["tray"] ^ (slot * 1_000_003 + g * 7_919)) % 100
            if r < 30:
                owner_v = story_v = g
            elif r < 60:
                story_v = g
        return owner_v, story_v

    def _tray_picks(self, acct: ManagedAccount) -> list[tuple[int, int]]:
        """(user, story version) of the base tray: one followed person per slot."""
        key = acct.keys["tray"]
        rel = acct.following
        picked: list[tuple[int, int]] = []
        seen_users: set[int] = set()
        for slot in range(acct.spec.tray_reels):
            owner_v, story_v = self._slot_versions(acct, slot)
            rng = Rng(key + slot * 65_537 + owner_v * 7_919_777)
            for _ in range(24):
                u = rel.random_member(rng)
                if u is not None and u not in seen_users:
                    seen_users.add(u)
                    picked.append((u, story_v))
                    break
        return picked

    def _tray_now(self, acct: ManagedAccount) -> int:
        """The account's story clock: the epoch, 10 minutes per tray generation, 1 minute per posted story."""
        return self.epoch + acct.tray_generation * 600 + len(acct.story_posts) * 60

    def _posted_stories(self, acct: ManagedAccount) -> dict[int, list[int]]:
        """user -> times of the unexpired items they posted (`post_story`), while the account follows them."""
        now = self._tray_now(acct)
        posted: dict[int, list[int]] = {}
        for post in acct.story_posts:
            u, taken = int(post["user"]), int(post["taken_at"])
            if taken + 86400 > now and acct.following.is_member(u):
                posted.setdefault(u, []).append(taken)
        return posted

    def _tray_entries(self, acct: ManagedAccount) -> list[dict[str, Any]]:
        """Every tray entry with all its items, unseen first, then newest first."""
        picks = self._tray_picks(acct)
        posted = self._posted_stories(acct)
        entries = [self._tray_entry(acct, u, v, posted.get(u, ())) for u, v in picks]
        picked = {u for u, _ in picks}
        entries += [self._tray_entry(acct, u, None, times) for u, times in posted.items() if u not in picked]
        entries.sort(key=lambda e: (e["seen"] >= e["latest_reel_media"], -e["latest_reel_media"]))
        return entries

    def reels_tray(self, account: str | int) -> dict[str, Any]:
        """Body of `feed/reels_tray/`: people the account follows with unexpired stories."""
        with self.lock:
            acct = self.account(account)
            key = acct.keys["tray"]
            entries = self._tray_entries(acct)
            for pos, entry in enumerate(entries):
                entry["ranked_position"] = entry["seen_ranked_position"] = pos + 1
                if pos >= TRAY_ITEMS_ENTRIES:
                    entry.pop("items")
            token = mix64(key + acct.tray_generation + len(acct.story_posts) * 0x9E3779B9)
            return {
                "tray": entries,
                "story_ranking_token": f"{token >> 32:08x}-{(token >> 16) & 0xFFFF:04x}-4{(token >> 4) & 0xFFF:03x}-a{token & 0xFFF:03x}-{mix64(token) & 0xFFFFFFFFFFFF:012x}",
                "story_likes_config": {"is_enabled": False, "ufi_type": 0},
                "story_wedging_config": {
                    "story_wedging_type": "off",
                    "story_wedge_size": 0,
                    "display_show_all_last_n_media": 0,
                },
                "broadcasts": [],
                "sticker_version": 5,
                "face_filter_nux_version": 7,
                "stories_viewer_gestures_nux_eligible": True,
                "has_new_nux_story": False,
                "refresh_window_ms": 5000,
                "response_timestamp": self._tray_now(acct),
                "status": "ok",
            }

    def reels_media(self, account: str | int, reel_ids: list[str]) -> tuple[int, dict[str, Any]]:
        """(status, body) of `feed/reels_media/`: the reels of user pks (those in the account's tray,
        with every item the tray shows or counts) and of highlight ids ("highlight:<n>") the account may
        see, keyed by id; other ids are left out, as Instagram does."""
        ids = [str(i).strip() for i in reel_ids if str(i).strip()]
        if not ids:
            return 400, {"message": "reel_ids or user_ids required", "status": "fail"}
        if len(ids) > REELS_MEDIA_MAX_IDS:
            return 400, {"message": f"at most {REELS_MEDIA_MAX_IDS} reels per request", "status": "fail"}
        with self.lock:
            acct = self.account(account)
            tray: dict[str, dict[str, Any]] | None = None
            reels: dict[str, dict[str, Any]] = {}
            for reel_id in dict.fromkeys(ids):
                if reel_id.startswith("highlight:"):
                    reel = self._highlight_reel(acct, reel_id)
                elif reel_id.isdigit():
                    if tray is None:
                        tray = {str(e["id"]): e for e in self._tray_entries(acct)}
                    entry = tray.get(str(int(reel_id)))
                    reel = self._reel_from_entry(acct, entry) if entry is not None else None
                else:
                    reel = None
                if reel is not None:
                    reels[reel_id] = reel
            return 200, {"reels": reels, "reels_media": list(reels.values()), "status": "ok"}

    def _reel_from_entry(self, acct: ManagedAccount, entry: dict[str, Any]) -> dict[str, Any]:
        """A tray entry as `feed/reels_media` gives it: the same items, the reel's own keys."""
        reel = {k: v for k, v in entry.items() if k not in _TRAY_ONLY_KEYS}
        u = self.universe.index_of_pk(int(entry["id"]))
        reel["user"] = {
            **entry["user"],
            "friendship_status": {
                "following": True,
                "followed_by": u is not None and acct.followers.is_member(u),
                "blocking": False,
                "muting": False,
                "is_private": entry["user"]["is_private"],
                "incoming_request": False,
                "outgoing_request": False,
                "is_bestie": False,
                "is_restricted": False,
            },
        }
        reel["is_sensitive_vertical_ad"] = False
        return reel

    def _tray_entry(
        self, acct: ManagedAccount, u: int, story_v: int | None, posted: list[int] | tuple[int, ...] = ()
    ) -> dict[str, Any]:
        """One tray entry with all its items: the base story of version `story_v` (None: the person had
        no story) followed by the items they posted since (`posted`: their times, oldest first)."""
        h = mix64(acct.keys["tray"] + u * 31 + (story_v or 0))
        summary = self.universe.summary(u)
        pk = summary["pk"]
        items: list[dict[str, Any]] = []
        latest, seen = 0, 0
        if story_v is not None:
            latest = self.epoch - 20 * 3600 + story_v * 600 + h % 600 - (h >> 10) % 36_000
            seen = latest if (h >> 30) % 100 < 35 and story_v == 0 else 0
            count = 1 + (h >> 20) % 9
            media_base = 2_900_000_000_000_000_000 + (latest - 1_600_000_000) * 1_000_000 + (h >> 40) % 1000
            for j in range(count):
                hj = mix64(h + j + 1)
                taken = latest - (count - 1 - j) * (300 + hj % 3000)
                media_id = str(media_base - (count - 1 - j) * 3_700_000_003)
                items.append(self._story_item(media_id, pk, summary["is_private"], taken, hj % 3 == 0, hj))
        for taken in posted:
            # Later than every base item of the person, so the ids stay unique and in time order.
            hj = mix64(acct.keys["tray"] ^ (u * 0x9E3779B97F4A7C15) ^ taken)
            media_id = str(2_900_000_000_000_000_000 + (taken - 1_600_000_000) * 1_000_000 + 500 + hj % 500)
            items.append(self._story_item(media_id, pk, summary["is_private"], taken, hj % 3 == 0, hj))
            latest = taken
        media_ids = [item["pk"] for item in items]
        media_count = len(items)
        has_video = any(item["media_type"] == 2 for item in items)
        user = {
            "pk": pk,
            "username": summary["username"],
            "full_name": summary["full_name"],
            "is_private": summary["is_private"],
            "profile_pic_url": summary["profile_pic_url"],
            "profile_pic_id": summary.get("profile_pic_id"),
            "is_verified": summary["is_verified"],
            "friendship_status": {
                "muting": False,
                "is_muting_reel": False,
                "following": True,
                "is_bestie": False,
                "outgoing_request": False,
            },
        }
        return {
            "id": pk,
            "latest_reel_media": latest,
            "expiring_at": latest + 86400,
            "seen": seen,
            "can_reply": True,
            "can_gif_quick_reply": True,
            "can_reshare": not summary["is_private"],
            "can_react_with_avatar": False,
            "reel_type": "user_reel",
            "ad_expiry_timestamp_in_millis": None,
            "is_cta_sticker_available": None,
            "user": user,
            "ranked_position": 0,
            "seen_ranked_position": 0,
            "muted": False,
            "prefetch_count": 0,
            "ranker_scores": {
                "ptap": f"{(h % 10**6) / 10**7:.13f}",
                "fp": f"{((h >> 20) % 10**6) / 10**6:.13f}",
                "vm": f"{((h >> 40) % 10**6) / 10**7:.13f}",
            },
            "story_duration_secs": 5,
            "story_wedge_size": 0,
            "has_besties_media": False,
            "latest_besties_reel_media": 0,
            "media_count": media_count,
            "media_ids": media_ids,
            "has_video": has_video,
            "has_fan_club_media": False,
            "has_pride_media": False,
            "items": items,
        }

    def _story_item(
        self, media_id: str, owner_pk: int, is_private: bool, taken: int, video: bool, h: int
    ) -> dict[str, Any]:
        host = "scontent-fra3-1.cdninstagram.com"
        oe = f"{self.epoch + 5 * 86400 + h % 86400:08X}"
        # The file name carries the owner and the media pk: the CDN draws the picture (faces) from them.
        stem = story_file_stem(owner_pk, int(media_id))
        img = (
            f"https://{host}/v/t51.2885-15/{stem}.jpg?stp=dst-jpg_e35&_nc_ht={host}&_nc_cat=1"
            f"&oh=00_{h:016x}&oe={oe}&_nc_sid=48a2a6"
        )
        item: dict[str, Any] = {
            "taken_at": taken,
            "pk": media_id,
            "id": f"{media_id}_{owner_pk}",
            "device_timestamp": str(taken * 1_000_000 + h % 1_000_000),
            "media_type": 2 if video else 1,
            "code": base64.urlsafe_b64encode(int(media_id).to_bytes(8, "big")).decode().rstrip("=")[:11],
            "client_cache_key": base64.b64encode(media_id.encode()).decode() + ".2",
            "filter_type": 0,
            "is_unified_video": False,
            "should_request_ads": False,
            "original_media_has_visual_reply_media": False,
            "caption_is_edited": False,
            "like_and_view_counts_disabled": False,
            "commerciality_status": "not_commercial",
            "is_paid_partnership": False,
            "is_visual_reply_commenter_notice_enabled": True,
            "has_delayed_metadata": False,
            "caption_position": 0,
            "is_reel_media": True,
            "photo_of_you": False,
            "is_organic_product_tagging_eligible": False,
            "can_see_insights_as_brand": False,
            "image_versions2": {
                "candidates": [
                    {
                        "width": 1080,
                        "height": 1920,
                        "url": img,
                        "scans_profile": "e35",
                        "estimated_scans_sizes": _scans(h, 240_000),
                    },
                    {
                        "width": 360,
                        "height": 640,
                        "url": img.replace("dst-jpg_e35", "dst-jpg_e35_p360x360"),
                        "scans_profile": "e35",
                        "estimated_scans_sizes": _scans(h >> 8, 48_000),
                    },
                ]
            },
            "original_width": 1080,
            "original_height": 1920,
            "caption": None,
            "comment_inform_treatment": {
                "should_have_inform_treatment": False,
                "text": "",
                "url": None,
                "action_type": None,
            },
            "sharing_friction_info": {
                "should_have_sharing_friction": False,
                "bloks_app_url": None,
                "sharing_friction_payload": None,
            },
            "can_viewer_save": False,
            "is_in_profile_grid": False,
            "profile_grid_control_enabled": False,
            "organic_tracking_token": base64.b64encode(
                f'{{"version":5,"payload":{{"media":"{media_id}"}}}}'.encode()
            ).decode(),
            "expiring_at": taken + 86400,
            "has_shared_to_fb": 0,
            "product_type": "story",
            "deleted_reason": 0,
            "integrity_review_decision": "pending",
            "commerce_integrity_review_decision": None,
            "music_metadata": None,
            "is_artist_pick": False,
            "user": {"pk": owner_pk, "is_private": is_private},
            "can_reshare": not is_private,
            "can_reply": True,
            "can_send_prompt": False,
            "story_static_models": [],
            "supports_reel_reactions": True,
            "can_send_custom_emojis": True,
            "show_one_tap_fb_share_tooltip": False,
        }
        if video:
            item["video_duration"] = 5.0 + h % 10
            item["video_versions"] = [
                {
                    "type": 101,
                    "width": 720,
                    "height": 1280,
                    "url": img.replace(".jpg", ".mp4").replace("t51.2885-15", "t50.2886-16"),
                    "id": str(h % 10**16),
                }
            ]
            item["has_audio"] = True
        return item

    # -- highlights ----------------------------------------------------------------------------

    def _can_see(self, viewer: ManagedAccount, index: int) -> bool:
        if index == viewer.index or viewer.following.is_member(index):
            return True
        return not self.universe.summary(index)["is_private"]

    def _highlight_count(self, index: int) -> int:
        return mix64(self.universe._key ^ (index * 0xD1B54A32D192ED03) ^ 0x416) % (HIGHLIGHTS_MAX + 1)

    def _decode_highlight(self, reel_id: str) -> tuple[int, int] | None:
        """(person index, folder number) of a "highlight:<n>" id, or None when it names no folder."""
        digits = reel_id.removeprefix("highlight:")
        if not digits.isdigit():
            return None
        q, r = divmod(int(digits) - _HIGHLIGHT_BASE, _HIGHLIGHT_STEP)
        index, k = divmod(q, HIGHLIGHTS_MAX + 1)
        if r or q < 0 or index >= self.universe.total or k >= self._highlight_count(index):
            return None
        return index, k

    def _highlight(self, index: int, k: int, *, with_items: bool) -> dict[str, Any]:
        """Folder `k` (0 = first shown) of person `index`: the highlight tray entry, with `items` when
        `with_items` (as `feed/reels_media` gives it). Items are older stories, oldest first."""
        h = mix64(self.universe._key ^ (index * 0xD1B54A32D192ED03) ^ (k * 0x9E3779B97F4A7C15 + 0x417))
        summary = self.universe.summary(index)
        pk, private = summary["pk"], summary["is_private"]
        reel_id = f"highlight:{_HIGHLIGHT_BASE + (index * (HIGHLIGHTS_MAX + 1) + k) * _HIGHLIGHT_STEP}"
        count = 1 + h % 12
        created = self.epoch - (k + 1) * 21 * 86400 - (h >> 8) % (14 * 86400)
        items = []
        for j in range(count):
            hj = mix64(h + j + 1)
            taken = created - (count - j) * (3600 + hj % 86400)
            serial = (index * 8 + k) % 1_000_000
            media_id = str(2_700_000_000_000_000_000 + (taken - 1_500_000_000) * 1_000_000 + serial)
            items.append(self._story_item(media_id, pk, private, taken, hj % 4 == 0, hj))
        cover = items[0]
        cover_url = cover["image_versions2"]["candidates"][0]["url"]
        words = W.WORDS[(h >> 20) % len(W.WORDS)], W.EMOJI[(h >> 28) % len(W.EMOJI)]
        folder: dict[str, Any] = {
            "id": reel_id,
            "strong_id__": reel_id,
            "latest_reel_media": items[-1]["taken_at"],
            "seen": None,
            "can_reply": True,
            "can_gif_quick_reply": True,
            "can_reshare": None,
            "can_react_with_avatar": False,
            "reel_type": "highlight_reel",
            "ad_expiry_timestamp_in_millis": None,
            "is_cta_sticker_available": None,
            "cover_media": {
                "cropped_image_version": {
                    "width": 150,
                    "height": 150,
                    "url": cover_url.replace("/t51.2885-15/", "/t51.2885-15/s150x150/"),
                    "scans_profile": "",
                },
                "crop_rect": [0.0, 0.21, 1.0, 0.77],
                "media_id": cover["id"],
                "full_image_version": None,
                "upload_id": None,
            },
            "user": {
                key: summary[key]
                for key in ("pk", "username", "full_name", "is_private", "profile_pic_url", "is_verified")
            },
            "ranked_position": k + 1,
            "seen_ranked_position": k + 1,
            "title": words[0].capitalize() if (h >> 32) % 3 else f"{words[0]} {words[1]}",
            "created_at": created,
            "is_pinned_highlight": False,
            "prefetch_count": 0,
            "media_count": count,
            "media_ids": [item["pk"] for item in items],
            "is_converted_to_clips": False,
            "disabled_reply_types": ["story_selfie_reply", "story_remix_reply"],
            "highlight_reel_type": "default",
        }
        if with_items:
            folder["items"] = items
        return folder

    def highlights_tray(self, viewer: ManagedAccount, pk: int | str) -> tuple[int, dict[str, Any]]:
        """(status, body) of `highlights/{pk}/highlights_tray/`: the person's highlight folders, no items."""
        with self.lock:
            index = self.universe.index_of_pk(int(pk))
            if index is None:
                return 404, {"message": "User not found", "status": "fail"}
            if not self._can_see(viewer, index):
                return 400, {"message": "Not authorized to view user", "status": "fail"}
            tray = [self._highlight(index, k, with_items=False) for k in range(self._highlight_count(index))]
            return 200, {"tray": tray, "show_empty_state": False, "status": "ok"}

    def _highlight_reel(self, viewer: ManagedAccount, reel_id: str) -> dict[str, Any] | None:
        decoded = self._decode_highlight(reel_id)
        if decoded is None or not self._can_see(viewer, decoded[0]):
            return None
        return self._highlight(*decoded, with_items=True)

    # -- mutations -----------------------------------------------------------------------------

    def _new_user(self) -> int:
        while True:
            u = self.universe.new_user()
            if self.universe.index_of_username(self.universe.base_username(u)) == u:
                return u  # (a manual rename may have taken this handle; then skip the index)

    def _result(self, op: str, acct: ManagedAccount, u: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"op": op, "account": acct.name}
        if u is not None:
            out["user"] = {"pk": self.universe.pk(u), "username": self.universe.username(u)}
        out["follower_count"] = acct.followers.count
        out["following_count"] = acct.following.count
        return out

    def _member_op(
        self, op: str, account: str | int, user: str | int | None, which: ListKind, join: bool
    ) -> dict[str, Any]:
        with self.lock:
            acct = self.account(account)
            if user is None:
                if not join:
                    raise MutationError(f"{op} needs a user")
                u = self._new_user()
            else:
                u = self.find_user(user)
            if u == acct.index:
                raise MutationError("an account cannot follow itself")
            rel = acct.relation(which)
            try:
                rel.join(u) if join else rel.leave(u)
            except MutationError as exc:
                raise MutationError(
                    f"{op}: @{self.universe.username(u)} {exc} ({which} of {acct.name})"
                ) from None
            return self._result(op, acct, u)

    def follower_leaves(self, account: str | int, user: str | int) -> dict[str, Any]:
        """`user` (pk or username) stops following `account`."""
        return self._member_op("follower_leaves", account, user, "followers", join=False)

    def follower_joins(self, account: str | int, user: str | int | None = None) -> dict[str, Any]:
        """`user` starts following `account`; None creates a brand-new person."""
        return self._member_op("follower_joins", account, user, "followers", join=True)

    def account_unfollows(self, account: str | int, user: str | int) -> dict[str, Any]:
        return self._member_op("account_unfollows", account, user, "following", join=False)

    def account_follows(self, account: str | int, user: str | int | None = None) -> dict[str, Any]:
        return self._member_op("account_follows", account, user, "following", join=True)

    def rename(self, user: str | int, new_username: str) -> dict[str, Any]:
        """Give a person (pk or current username) a new handle; the old one becomes free."""
        with self.lock:
            u = self.find_user(user)
            new = new_username.lower().lstrip("@")
            if not is_valid_handle(new):
                raise MutationError(f"{new_username!r} is not a valid Instagram username")
            holder = self.universe.index_of_username(new)
            reserved = self.universe.decode_generated(new, any_index=True)
            if (holder is not None and holder != u) or (reserved is not None and reserved != u):
                raise MutationError(f"username {new!r} is taken")
            if new in {a.name for a in self.accounts.values()} and self.accounts.get(
                new
            ) is not self._by_index.get(u):
                raise MutationError(f"username {new!r} is reserved by a managed account")
            old = self.universe.username(u)
            self.universe.set_username(u, new)
            return {
                "op": "rename",
                "user": {"pk": self.universe.pk(u), "username": new, "previous_username": old},
            }

    def change_avatar(self, user: str | int) -> dict[str, Any]:
        """A person uploads a new profile picture: a new file, hence a new avatar fingerprint."""
        with self.lock:
            u = self.find_user(user)
            self.avatar_versions[u] = self.avatar_versions.get(u, 0) + 1
            return {
                "op": "change_avatar",
                "user": {"pk": self.universe.pk(u), "version": self.avatar_versions[u]},
            }

    def media_comments(
        self, viewer: ManagedAccount, media_pk: int | str, min_id: str | None, count: int = 20
    ) -> tuple[int, dict[str, Any]]:
        """(status, body) of `media/{pk}/comments/`: newest first, `next_min_id` a JSON-text cursor."""
        with self.lock:
            decoded = posts.decode_media_pk(int(media_pk))
            index = decoded[0] if decoded else None
            if decoded is None or index is None or index >= self.universe.total:
                return 404, {"message": "Media not found or unavailable", "status": "fail"}
            p = self._profile(index)
            k = self.new_posts.get(index, 0) - decoded[1]
            if not 0 <= k < int(p["media_count"]):
                return 404, {"message": "Media not found or unavailable", "status": "fail"}
            if p["is_private"] and not viewer.following.is_member(index) and index != viewer.index:
                return 400, {"message": "Not authorized to view user", "status": "fail"}
            (item,) = self._posts(index, range(k, k + 1))
            total = int(item["comment_count"])
            start = 0
            if min_id:
                try:
                    start = int(json.loads(min_id)["cached_comments_cursor"]) + 1
                except (ValueError, KeyError, TypeError):
                    return 400, {"message": "Invalid min_id", "status": "fail"}
            stop = min(total, start + max(1, min(count, 50)))
            # Commenters: anyone in the universe, found again for the same comment on every read.
            authors = [
                mix64(self.universe._key ^ int(media_pk) ^ j) % self.universe.total
                for j in range(start, stop)
            ]
            comments = [
                posts.comment(
                    self.universe._key,
                    int(media_pk),
                    j,
                    taken_at=item["taken_at"],
                    user=self.universe.summary(u),
                )
                for j, u in zip(range(start, stop), authors, strict=True)
            ]
            more = stop < total
            body: dict[str, Any] = {
                "comment_likes_enabled": True,
                "comments": comments,
                "comment_count": total,
                "caption": item["caption"],
                "caption_is_edited": False,
                "has_more_comments": False,
                "has_more_headload_comments": more,
                "threading_enabled": True,
                "media_header_display": "none",
                "initiate_at_top": True,
                "insert_new_comment_to_top": True,
                "quick_response_emojis": [],
                "preview_comments": [],
                "can_view_more_preview_comments": False,
                "scroll_behavior": 1,
                "comment_cover_pos": "bottom",
                "is_ranked": True,
                "comment_filter_param": "no_filter",
                "status": "ok",
            }
            if more:
                body["next_min_id"] = json.dumps(
                    {"cached_comments_cursor": str(stop - 1), "bifilter_token": "KKEBAA"}
                )
            return 200, body

    def chaining(self, viewer: ManagedAccount, target_pk: int | str) -> tuple[int, dict[str, Any]]:
        """(status, body) of `discover/chaining/?target_id=`: accounts like the target, one page."""
        with self.lock:
            index = self.universe.index_of_pk(int(target_pk))
            if index is None:
                return 404, {"message": "User not found", "status": "fail"}
            p = self._profile(index)
            if p["is_private"] and not viewer.following.is_member(index) and index != viewer.index:
                return 400, {"message": "Not eligible for chaining.", "status": "fail"}
            h = mix64(self.universe._key ^ (index * 0xC2B2AE3D27D4EB4F))
            # People near the target in the universe (the same circles), the same ones on every ask.
            related = [(index + 1 + mix64(h + j) % 997) % self.universe.total for j in range(10 + h % 21)]
            users = []
            for u in dict.fromkeys(r for r in related if r != index):
                user = self.universe.summary(u)
                user["social_context"] = "Suggested for you"
                users.append(user)
            return 200, {"users": users, "is_backup": False, "status": "ok"}

    def new_post(self, user: str | int) -> dict[str, Any]:
        """A person publishes a post: it leads their feed, the others move down one place."""
        with self.lock:
            u = self.find_user(user)
            self.new_posts[u] = self.new_posts.get(u, 0) + 1
            return {"op": "new_post", "user": {"pk": self.universe.pk(u), "new_posts": self.new_posts[u]}}

    def post_story(self, account: str | int, username: str | int | None = None) -> dict[str, Any]:
        """Someone the account follows (`username`, or a deterministic pick) posts a story item now: they
        lead the account's tray, unseen, with a newer `latest_reel_media` and one more item."""
        with self.lock:
            acct = self.account(account)
            if username is None:
                rng = Rng(derive_key(self.seed, "post_story", acct.name, len(acct.story_posts)))
                u = next(
                    (
                        c
                        for c in (acct.following.random_member(rng) for _ in range(64))
                        if c is not None and c not in self._by_index
                    ),
                    None,
                )
                if u is None:
                    raise MutationError(f"post_story: {acct.name} follows no one who could post")
            else:
                u = self.find_user(username)
                if not acct.following.is_member(u):
                    raise MutationError(
                        f"post_story: {acct.name} does not follow @{self.universe.username(u)}, "
                        "so their stories are not in its tray"
                    )
            taken = self._tray_now(acct) + 60  # the story clock moves a minute per post
            acct.story_posts.append({"user": u, "taken_at": taken})
            entry = next(e for e in self._tray_entries(acct) if e["id"] == self.universe.pk(u))
            return {
                "op": "post_story",
                "account": acct.name,
                "user": {"pk": self.universe.pk(u), "username": self.universe.username(u)},
                "media_id": entry["items"][-1]["pk"],
                "media_type": entry["items"][-1]["media_type"],
                "taken_at": taken,
                "latest_reel_media": entry["latest_reel_media"],
                "media_count": entry["media_count"],
            }

    def edit_counts(self, user: str | int) -> dict[str, Any]:
        """Likes and comments grow on every post of a person (what a re-scan must refresh)."""
        with self.lock:
            u = self.find_user(user)
            self.count_generations[u] = self.count_generations.get(u, 0) + 1
            return {
                "op": "edit_counts",
                "user": {"pk": self.universe.pk(u), "generation": self.count_generations[u]},
            }

    def gain_followers(self, user: str | int, count: int) -> dict[str, Any]:
        """A person's follower count moves by `count` (negative: followers lost), as profile reads show."""
        with self.lock:
            u = self.find_user(user)
            self.follower_deltas[u] = self.follower_deltas.get(u, 0) + count
            return {
                "op": "gain_followers",
                "user": {"pk": self.universe.pk(u), "delta": self.follower_deltas[u]},
            }

    def resign_urls(self) -> dict[str, Any]:
        """The CDN signs every picture URL anew (as its `oe` expiry passes): same files, new URLs."""
        with self.lock:
            self.cdn_generation += 1
            return {"op": "resign_urls", "generation": self.cdn_generation}

    def checkpoint(self, account: str | int) -> dict[str, Any]:
        """Instagram holds the account at a checkpoint: every API call answers `checkpoint_required`
        until someone logs in through the browser and passes the challenge."""
        with self.lock:
            acct = self.account(account)
            nonce = f"{mix64(acct.keys['session'] + len(self.outbox)) & 0xFFFFFFFFFF:010x}"
            self.checkpoints[acct.index] = nonce
            return {
                "op": "checkpoint",
                "account": acct.name,
                "checkpoint_url": f"/challenge/{acct.pk}/{nonce}/",
            }

    def password(self, account: ManagedAccount) -> str:
        return (
            account.spec.password.get_secret_value() if account.spec.password else f"sandbox-{account.name}"
        )

    def send_code(self, account: ManagedAccount, channel: str) -> str:
        """A new 6-digit code for `account`, "sent" to its outbox (the admin API shows it)."""
        with self.lock:
            code = f"{secrets.randbelow(1_000_000):06d}"
            self.outbox.append(
                {"account": account.name, "channel": channel, "code": code, "sent_at": int(time.time())}
            )
            return code

    def last_code(self, account: ManagedAccount, channel: str) -> str | None:
        with self.lock:
            return next(
                (
                    m["code"]
                    for m in reversed(self.outbox)
                    if m["account"] == account.name and m["channel"] == channel
                ),
                None,
            )

    def advance(self, account: str | int, generation: int | None = None) -> dict[str, Any]:
        """Apply the deterministic change batches up to `generation` (default: the next one).

        Per generation: ~1 % of followers leave, ~1.5 % new followers join (most brand-new people,
        some follow-backs), ~0.5 % of following removed, a few follow-backs, a few renames,
        1-3 new inbox threads, and the story tray moves on. Already applied generations are a
        no-op, so retries are safe.
        """
        with self.lock:
            acct = self.account(account)
            target = acct.generation + 1 if generation is None else int(generation)
            totals = {
                "followers_left": 0,
                "followers_joined": 0,
                "following_removed": 0,
                "following_added": 0,
                "renamed": 0,
                "new_threads": 0,
            }
            applied = []
            while acct.generation < target:
                g = acct.generation + 1
                for k, v in self._advance_one(acct, g).items():
                    totals[k] += v
                acct.generation = g
                applied.append(g)
            return {
                "op": "advance",
                "account": acct.name,
                "generation": acct.generation,
                "applied": applied,
                **totals,
                "follower_count": acct.followers.count,
                "following_count": acct.following.count,
            }

    def _sample_members(self, rel: RelationList, rng: Rng, n: int, exclude: set[int]) -> list[int]:
        chosen: list[int] = []
        for _ in range(n * 8 + 16):
            if len(chosen) >= n:
                break
            u = rel.random_member(rng)
            if u is not None and u not in exclude and u not in chosen and u not in self._by_index:
                chosen.append(u)
        return chosen

    def _advance_one(self, acct: ManagedAccount, g: int) -> dict[str, int]:
        rng = Rng(derive_key(self.seed, "advance", acct.name, g))
        fol, fng = acct.followers, acct.following
        n_f, n_g = fol.count, fng.count
        leavers = self._sample_members(fol, rng, max(1, round(n_f * 0.01)) if n_f else 0, set())
        for u in leavers:
            fol.leave(u)
        joiners: list[int] = []
        for _ in range(max(1, round(n_f * 0.015))):
            r = rng.below(100)
            u: int | None = None
            if r < 15 and fng.count:  # someone the account follows starts following back
                cand = fng.random_member(rng)
                u = (
                    cand
                    if cand is not None and not fol.is_member(cand) and cand not in self._by_index
                    else None
                )
            elif r < 30:  # an existing person from elsewhere in the universe
                cand = len(self.accounts) + rng.below(self.universe.base_size - len(self.accounts))
                u = cand if not fol.is_member(cand) and cand not in leavers else None
            if u is None:
                u = self._new_user()
            if not fol.is_member(u):
                fol.join(u)
                joiners.append(u)
        dropped = self._sample_members(fng, rng, max(1, round(n_g * 0.005)) if n_g >= 100 else 0, set())
        for u in dropped:
            fng.leave(u)
        followed_back = 0
        for u in joiners[: round(n_g * 0.003)]:
            if not fng.is_member(u):
                fng.join(u)
                followed_back += 1
        renamed = 0
        for _ in range(min(25, 1 + n_f // 20_000)):
            rel = fol if rng.below(2) or not fng.count else fng
            picks = self._sample_members(rel, rng, 1, set())
            if not picks:
                continue
            name = self.universe.rename_handle(picks[0], g)
            if self.universe.index_of_username(name) is None:
                self.universe.set_username(picks[0], name)
                renamed += 1
        new_threads = 1 + rng.below(3)
        for j in range(new_threads):
            contacts = joiners or leavers
            u = (
                contacts[rng.below(len(contacts))]
                if contacts and rng.below(2)
                else self._pick_contact(acct, rng.next64())
            )
            acct.new_threads.append(
                {
                    "users": [u],
                    "ts_us": (self.epoch + g * 60) * 1_000_000 + j * 1_000,
                    "is_group": False,
                    "title": None,
                    "generation": g,
                }
            )
        acct.tray_generation += 1
        return {
            "followers_left": len(leavers),
            "followers_joined": len(joiners),
            "following_removed": len(dropped),
            "following_added": followed_back,
            "renamed": renamed,
            "new_threads": new_threads,
        }

    def mutate(self, op: str, **params: Any) -> dict[str, Any]:
        """One entry point for the admin API and the CLI: `op` is a method name above."""
        account = params.get("account")
        user = params.get("user", params.get("username", params.get("pk")))
        if op in ("follower_leaves", "follower_joins", "account_unfollows", "account_follows"):
            if account is None:
                raise MutationError(f"{op} needs 'account'")
            return getattr(self, op)(account, user)
        if op == "rename":
            if user is None or not params.get("new_username"):
                raise MutationError("rename needs 'user' and 'new_username'")
            return self.rename(user, str(params["new_username"]))
        if op == "change_avatar":
            if user is None:
                raise MutationError("change_avatar needs 'user'")
            return self.change_avatar(user)
        if op in ("new_post", "edit_counts"):
            if user is None:
                raise MutationError(f"{op} needs 'user'")
            return getattr(self, op)(user)
        if op == "gain_followers":
            if user is None or params.get("count") is None:
                raise MutationError("gain_followers needs 'user' and 'count'")
            return self.gain_followers(user, int(params["count"]))
        if op == "resign_urls":
            return self.resign_urls()
        if op == "checkpoint":
            if account is None:
                raise MutationError("checkpoint needs 'account'")
            return self.checkpoint(account)
        if op == "advance":
            if account is None:
                raise MutationError("advance needs 'account'")
            gen = params.get("generation")
            return self.advance(account, None if gen is None else int(gen))
        if op == "post_story":
            if account is None:
                raise MutationError("post_story needs 'account' (and optionally 'username')")
            return self.post_story(account, user)
        raise MutationError(
            f"unknown op {op!r} (follower_leaves, follower_joins, account_unfollows, account_follows, rename, "
            "change_avatar, gain_followers, resign_urls, new_post, edit_counts, checkpoint, advance, "
            "post_story)"
        )

    # -- state file ----------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        with self.lock:
            return {
                "format": STATE_FORMAT,
                "version": STATE_VERSION,
                "spec_fingerprint": self.spec.fingerprint(),
                "seed": self.seed,
                "epoch": self.epoch,
                "new_users": self.universe.extra,
                "renames": {str(u): name for u, name in sorted(self.universe.renames.items())},
                "avatar_versions": {str(u): v for u, v in sorted(self.avatar_versions.items())},
                "cdn_generation": self.cdn_generation,
                "checkpoints": {str(u): nonce for u, nonce in sorted(self.checkpoints.items())},
                "new_posts": {str(u): n for u, n in sorted(self.new_posts.items())},
                "count_generations": {str(u): n for u, n in sorted(self.count_generations.items())},
                "follower_deltas": {str(u): n for u, n in sorted(self.follower_deltas.items())},
                "accounts": {
                    a.name: {
                        "generation": a.generation,
                        "tray_generation": a.tray_generation,
                        "followers": a.followers.to_state(),
                        "following": a.following.to_state(),
                        "new_threads": a.new_threads,
                        "story_posts": a.story_posts,
                    }
                    for a in self.accounts.values()
                },
            }

    def save_state(self, path: str | os.PathLike[str]) -> Path:
        """Write the overlay atomically (a reader never sees half a file)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.state(), separators=(",", ":")))
        os.replace(tmp, target)
        return target

    @classmethod
    def open(cls, spec: NetworkSpec, state_file: str | os.PathLike[str] | None = None) -> SandboxNetwork:
        """The network of `spec` with the overlay of `state_file` if it exists (else it is created)."""
        if state_file is None:
            return cls(spec)
        path = Path(state_file)
        if path.exists():
            try:
                state = json.loads(path.read_text())
            except (OSError, json.JSONDecodeError) as exc:
                raise StateError(f"cannot read state file {path}: {exc}") from None
            return cls(spec, state=state)
        network = cls(spec)
        network.save_state(path)
        return network

    def _check_state_header(self, state: dict[str, Any]) -> None:
        if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
            raise StateError("not a sandbox state file")
        if state.get("version") != STATE_VERSION:
            raise StateError(f"unsupported state file version {state.get('version')!r}")
        if state.get("spec_fingerprint") != self.spec.fingerprint():
            raise StateError("the state file was written for a different network spec or seed")
        if not isinstance(state.get("epoch"), int):
            raise StateError("the state file has no epoch")

    def _apply_state(self, state: dict[str, Any]) -> None:
        try:
            self.universe.extra = int(state.get("new_users", 0))
            for u_text, name in state.get("renames", {}).items():
                self.universe.set_username(int(u_text), str(name))
            self.avatar_versions = {int(u): int(v) for u, v in state.get("avatar_versions", {}).items()}
            self.cdn_generation = int(state.get("cdn_generation", 0))
            self.checkpoints = {int(u): str(n) for u, n in state.get("checkpoints", {}).items()}
            self.new_posts = {int(u): int(n) for u, n in state.get("new_posts", {}).items()}
            self.count_generations = {int(u): int(n) for u, n in state.get("count_generations", {}).items()}
            self.follower_deltas = {int(u): int(n) for u, n in state.get("follower_deltas", {}).items()}
            for name, data in state.get("accounts", {}).items():
                acct = self.accounts.get(name)
                if acct is None:
                    raise StateError(f"state file mentions unknown account {name!r}")
                acct.generation = int(data.get("generation", 0))
                acct.tray_generation = int(data.get("tray_generation", 0))
                acct.followers.load_state(data.get("followers", {}))
                acct.following.load_state(data.get("following", {}))
                acct.new_threads = list(data.get("new_threads", []))
                acct.story_posts = [
                    {"user": int(p["user"]), "taken_at": int(p["taken_at"])}
                    for p in data.get("story_posts", [])
                ]
        except (TypeError, ValueError, AttributeError) as exc:
            raise StateError(f"malformed state file: {exc}") from None

    # -- sessions ------------------------------------------------------------------------------

    def session_cookies(self, account: str | int) -> dict[str, str]:
        """The account's logged-in browser cookies (deterministic from the seed)."""
        return dict(self.account(account).cookies)

    def cookie_file(
        self,
        account: str | int,
        fmt: CookieFormat = "json",
        *,
        expires_at: int | None = None,
        expired: bool = False,
        now: float | None = None,
    ) -> str:
        """The cookies as a browser-export JSON list or a Netscape cookies.txt."""
        return render_cookie_file(
            self.account(account).cookies, fmt, expires_at=expires_at, expired=expired, now=now
        )

    def write_cookie_file(
        self,
        account: str | int,
        path: str | os.PathLike[str],
        fmt: CookieFormat = "json",
        *,
        expires_at: int | None = None,
        expired: bool = False,
    ) -> Path:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.cookie_file(account, fmt, expires_at=expires_at, expired=expired))
        try:
            target.chmod(0o600)  # it holds a (sandbox) session secret
        except OSError:
            pass
        return target


def _scans(h: int, total: int) -> list[int]:
    """Progressive-JPEG scan sizes: nine increasing byte offsets ending near `total`."""
    return [total * (k + 1) // 9 - (h >> k) % 997 for k in range(9)]


# Flags Instagram only includes when a logged-in account reads its own profile (users_info_self capture).
_SELF_FLAGS: dict[str, Any] = {
    "can_link_entities_in_bio": True,
    "can_boost_post": False,
    "can_see_organic_insights": False,
    "show_insights_terms": False,
    "can_convert_to_business": True,
    "can_create_sponsor_tags": False,
    "is_allowed_to_create_standalone_personal_fundraisers": False,
    "can_create_new_standalone_personal_fundraiser": False,
    "can_be_tagged_as_sponsor": False,
    "can_see_support_inbox": False,
    "can_see_support_inbox_v1": False,
    "total_ar_effects": 0,
    "reel_auto_archive": "on",
    "is_profile_action_needed": False,
    "usertag_review_enabled": False,
    "is_needy": False,
    "has_placed_orders": False,
    "can_tag_products_from_merchants": False,
    "fbpay_experience_enabled": False,
    "show_conversion_edit_entry": True,
    "aggregate_promote_engagement": True,
    "allowed_commenter_type": "any",
    "is_video_creator": False,
    "has_profile_video_feed": False,
    "is_eligible_to_show_fb_cross_sharing_nux": True,
    "page_id_for_new_suma_biz_account": None,
    "eligible_shopping_signup_entrypoints": [],
    "can_be_reported_as_fraud": False,
    "linked_fb_info": None,
    "can_see_primary_country_in_settings": False,
    "personal_account_ads_page_name": None,
    "personal_account_ads_page_id": None,
    "include_direct_blacklist_status": True,
    "can_follow_hashtag": True,
    "is_potential_business": False,
    "show_post_insights_entry_point": False,
    "feed_post_reshare_disabled": False,
    "besties_count": 0,
    "show_besties_badge": True,
    "recently_bestied_by_count": 0,
    "nametag": {"mode": 0, "gradient": 2, "emoji": "\U0001f600", "selfie_sticker": 0},
    "existing_user_age_collection_enabled": True,
    "about_your_account_bloks_entrypoint_enabled": False,
    "auto_expand_chaining": False,
    "highlight_reshare_disabled": False,
    "is_memorialized": False,
    "open_external_url_with_in_app_browser": True,
}


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
