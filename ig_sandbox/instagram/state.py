"""The state file: the overlay of changes as JSON, so another process sees the same network."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .core import NetworkCore
from .errors import StateError
from .spec import NetworkSpec

STATE_FORMAT = "ig-pipeline-sandbox-state"
STATE_VERSION = 1


class StateMixin(NetworkCore):
    """Writing the overlay and applying a read one."""

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


def check_state_header(state: dict[str, Any], spec: NetworkSpec) -> None:
    """Refuse a state file of another format, version or network before anything is built."""
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        raise StateError("not a sandbox state file")
    if state.get("version") != STATE_VERSION:
        raise StateError(f"unsupported state file version {state.get('version')!r}")
    if state.get("spec_fingerprint") != spec.fingerprint():
        raise StateError("the state file was written for a different network spec or seed")
    if not isinstance(state.get("epoch"), int):
        raise StateError("the state file has no epoch")
