"""The followers and following pages of a managed account (`friendships/{pk}/followers/`, `/following/`)."""

from __future__ import annotations

import json
from typing import Any

from .core import NetworkCore
from .relations import ListKind, RelationList

FOLLOW_PAGE_DEFAULT = 12  # what the web client asks for when `count` is absent
FOLLOW_PAGE_MAX = 200


class FollowListsMixin(NetworkCore):
    """Follow-list pages, cursors and `query=` search."""

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
