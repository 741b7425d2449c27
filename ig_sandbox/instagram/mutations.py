"""Changes between runs: people follow and leave, rename, post; `advance` applies a deterministic batch."""

from __future__ import annotations

from typing import Any

from ._mix import Rng, derive_key, mix64
from .errors import MutationError
from .inbox import InboxMixin
from .relations import ListKind, ManagedAccount, RelationList
from .stories import StoriesMixin
from .universe import is_valid_handle


class MutationsMixin(StoriesMixin, InboxMixin):
    """The mutations the admin API and the CLI apply (`mutate`), each under `lock`."""

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
            f"unknown op {op!r} (follower_leaves, follower_joins, account_unfollows, account_follows, "
            "rename, change_avatar, gain_followers, resign_urls, new_post, edit_counts, checkpoint, advance, "
            "post_story)"
        )
