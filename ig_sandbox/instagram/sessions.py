"""Logging in: an account's session cookies and cookie files, its password, and the codes it is "sent"."""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from pathlib import Path

from .cookies import CookieFormat, render_cookie_file
from .core import NetworkCore
from .relations import ManagedAccount


class SessionsMixin(NetworkCore):
    """Credentials of the managed accounts (the web login pages in `login.py` use them)."""

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
        with contextlib.suppress(OSError):
            target.chmod(0o600)  # it holds a (sandbox) session secret
        return target
