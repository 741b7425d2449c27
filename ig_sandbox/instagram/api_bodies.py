"""Request and answer bodies of the API beyond routing: the reel ids a client sends, and a list
answer cut short (the `truncated_list` fault)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl


def truncate_list(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The silent truncation a shrink guard must catch: fewer items and no continuation."""
    if kind in ("followers", "following"):
        data["users"] = data.get("users", [])[: len(data.get("users", [])) // 2]
        data.pop("next_max_id", None)
    elif kind in ("inbox", "pending_inbox"):
        inbox = data.get("inbox", {})
        inbox["threads"] = inbox.get("threads", [])[: len(inbox.get("threads", [])) // 2]
        inbox["has_older"] = False
        inbox["oldest_cursor"] = None
    elif kind in ("story_tray", "highlights"):
        data["tray"] = data.get("tray", [])[: len(data.get("tray", [])) // 2]
    elif kind == "reels_media":
        kept = list(data.get("reels", {}).items())[: len(data.get("reels", {})) // 2]
        data["reels"] = dict(kept)
        data["reels_media"] = [reel for _, reel in kept]
    return data


def reel_ids(query: str, body: bytes, content_type: str) -> list[str] | None:
    """The reel ids of a `feed/reels_media/` request, however the client sends them: `reel_ids` in the
    query (repeated or comma-separated), or a POST of `user_ids`/`reel_ids` as the app's signed body
    (`signed_body=SIGNATURE.<json>`), plain form fields (JSON lists or comma-separated) or a JSON object.
    None when the body cannot be read."""
    ids: list[str] = []

    def add(value: Any) -> bool:
        if isinstance(value, list):
            ids.extend(str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool))
            return True
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value).strip()
            if text.startswith("["):
                try:
                    return add(json.loads(text))
                except ValueError:
                    return False
            ids.extend(part for part in text.split(",") if part.strip())
            return True
        return False

    for name, value in parse_qsl(query, keep_blank_values=False):
        if name in ("reel_ids", "reel_ids[]", "user_ids"):
            add(value)
    if body.strip():
        fields: dict[str, Any]
        if content_type.split(";")[0].strip().lower() == "application/json":
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return None
            if not isinstance(data, dict):
                return None
            fields = data
        else:
            try:
                pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=False, strict_parsing=False)
            except UnicodeDecodeError:
                return None
            fields = {}
            for name, value in pairs:
                if name == "signed_body":
                    try:
                        signed = json.loads(value.split(".", 1)[1])
                    except (IndexError, ValueError):
                        return None
                    if isinstance(signed, dict):
                        fields.update(signed)
                else:
                    fields.setdefault(name, value)
        for name in ("user_ids", "reel_ids"):
            if name in fields and not add(fields[name]):
                return None
    return ids
