"""One followers or following list as a range of the universe plus an overlay, and a managed account."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from ._mix import AffinePerm, Rng
from .errors import MutationError, StateError
from .spec import AccountSpec

ListKind = Literal["followers", "following"]


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
