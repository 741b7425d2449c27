"""A deterministic, offline Instagram network for tests and demos.

`SandboxNetwork(spec)` lays every managed account's followers and following out as integer
ranges of a shared universe of people (see `universe.py`); nothing per-person is stored, so an
account with 200,000 followers costs a few hundred bytes. Changes between runs are a small
overlay per list (removed base members, added members) plus renames, which can be saved to a
JSON state file so another process sees the same network.

Every response body is built here (the HTTP server only adds auth, faults and encoding), with
Instagram's field names, page sizes and cursor conventions. Each area lives in its own module,
as a mixin over `NetworkCore`: follow lists, profiles, feeds, comments, inbox, stories,
highlights, mutations, sessions and the state file.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from .comments import CommentsMixin
from .errors import StateError
from .follow_lists import FollowListsMixin
from .mutations import MutationsMixin
from .profiles import ProfilesMixin
from .sessions import SessionsMixin
from .spec import NetworkSpec
from .state import StateMixin, check_state_header


def _today_epoch() -> int:
    return int(time.time()) // 86400 * 86400


class SandboxNetwork(
    MutationsMixin, ProfilesMixin, CommentsMixin, FollowListsMixin, SessionsMixin, StateMixin
):
    """The generated network plus its mutation overlay. Thread-safe through `lock`."""

    def __init__(self, spec: NetworkSpec, *, state: dict[str, Any] | None = None) -> None:
        if state is not None:
            check_state_header(state, spec)
            epoch = int(state["epoch"])
        else:
            epoch = spec.epoch if spec.epoch is not None else _today_epoch()
        super().__init__(spec, epoch)
        if state is not None:
            self._apply_state(state)

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
