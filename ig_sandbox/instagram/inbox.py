"""The direct inbox (`direct_v2/inbox/`): base threads generated per account, newer ones from `advance`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _words as W
from ._mix import mix64
from .core import NetworkCore
from .relations import ManagedAccount

INBOX_PAGE_DEFAULT = 20
INBOX_PAGE_MAX = 50
_THREAD_GAP_US = 3 * 3600 * 1_000_000  # base threads: one per ~3 h going back in time
_THREAD_ID_PREFIX = 340282366841710300949128  # 24 digits; + 15 digits = 39-digit thread ids
_ODD = 25214903917  # coprime with 10: makes the id mappings bijective


@dataclass(frozen=True)
class _Thread:
    k: int  # unique per account: base threads 0..T-1, new threads T + j
    users: tuple[int, ...]
    ts_us: int
    is_group: bool
    title: str | None
    h: int


class InboxMixin(NetworkCore):
    """Inbox pages, newest thread first, `oldest_cursor` + `has_older` paging."""

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
