"""A logged-in Instagram web session: its cookies, read from what browsers export.

Cookie values are `SecretStr` from the moment they are read, so a stray repr, log line or
exception never shows them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, SecretStr

INSTAGRAM_DOMAIN = "instagram.com"


class CookieFileError(ValueError):
    """The cookies file cannot be used; the message says why without quoting any value."""


class SessionCookies(BaseModel):
    model_config = ConfigDict(frozen=True)

    cookies: dict[str, SecretStr]
    expires_at: datetime | None = None

    @property
    def ig_user_id(self) -> str:
        """`ds_user_id`, or the numeric prefix of `sessionid` (`<pk>%3A...`) when it is missing."""
        if "ds_user_id" in self.cookies:
            return self.cookies["ds_user_id"].get_secret_value()
        return unquote(self.cookies["sessionid"].get_secret_value()).split(":", 1)[0]

    def plain(self) -> dict[str, str]:
        """The values, for the HTTP layer only."""
        return {name: value.get_secret_value() for name, value in self.cookies.items()}

    def to_json(self) -> str:
        expires = self.expires_at.isoformat() if self.expires_at else None
        return json.dumps({"cookies": self.plain(), "expires_at": expires})

    @classmethod
    def from_json(cls, text: str) -> SessionCookies:
        data = json.loads(text)
        expires = data.get("expires_at")
        return cls(
            cookies={k: SecretStr(v) for k, v in data["cookies"].items()},
            expires_at=datetime.fromisoformat(expires) if expires else None,
        )


def parse_cookie_file(text: str, *, now: datetime | None = None) -> SessionCookies:
    """Read a browser-exported JSON cookie list or a Netscape cookies.txt.

    Only instagram.com cookies are kept. A `sessionid` is required and must not have expired.
    """
    now = now or datetime.now(UTC)
    stripped = text.lstrip()
    if not stripped:
        raise CookieFileError("the cookies file is empty")
    rows = _json_rows(stripped) if stripped[0] in "[{" else _netscape_rows(text)
    cookies: dict[str, SecretStr] = {}
    expiries: dict[str, float | None] = {}
    for domain, name, value, expires in rows:
        if INSTAGRAM_DOMAIN not in domain.lower() or not name:
            continue
        cookies[name] = SecretStr(value)
        expiries[name] = expires
    if not cookies:
        raise CookieFileError("the cookies file holds no instagram.com cookies")
    if "sessionid" not in cookies or not cookies["sessionid"].get_secret_value():
        raise CookieFileError("the cookies file has no instagram.com 'sessionid' cookie (log in first)")
    session_expiry = expiries.get("sessionid")
    expires_at = datetime.fromtimestamp(session_expiry, UTC) if session_expiry else None
    if expires_at is not None and expires_at <= now:
        raise CookieFileError(f"the 'sessionid' cookie expired on {expires_at:%Y-%m-%d %H:%M} UTC")
    session = SessionCookies(cookies=cookies, expires_at=expires_at)
    if not session.ig_user_id.isdigit():
        raise CookieFileError("neither 'ds_user_id' nor 'sessionid' names the account's numeric id")
    return session


def _json_rows(text: str) -> list[tuple[str, str, str, float | None]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CookieFileError(f"the cookies file is not valid JSON (line {exc.lineno})") from None
    if isinstance(data, dict):  # {"cookies": [...]} as some exporters write
        data = data.get("cookies", [])
    if not isinstance(data, list):
        raise CookieFileError("a JSON cookies file must be a list of cookie objects")
    rows = []
    for item in data:
        if not isinstance(item, dict) or "name" not in item or "value" not in item:
            raise CookieFileError("each cookie in the JSON list needs 'name' and 'value'")
        expires = item.get("expirationDate", item.get("expires"))
        rows.append(
            (
                str(item.get("domain", INSTAGRAM_DOMAIN)),
                str(item["name"]),
                str(item["value"]),
                float(expires) if isinstance(expires, int | float) and expires > 0 else None,
            )
        )
    return rows


def _netscape_rows(text: str) -> list[tuple[str, str, str, float | None]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#HttpOnly_"):
            line = line[len("#HttpOnly_") :]
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 7:
            raise CookieFileError(
                f"line {number} of the cookies file is neither JSON nor a Netscape cookies.txt row "
                "(7 tab-separated fields)"
            )
        domain, _, _, _, expires, name, value = fields
        try:
            expiry = float(expires)
        except ValueError:
            raise CookieFileError(f"line {number} of the cookies file has a non-numeric expiry") from None
        rows.append((domain, name, value.strip(), expiry or None))
    return rows
