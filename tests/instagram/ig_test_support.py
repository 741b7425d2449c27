"""Shared constants and loaders for the Instagram client tests (imported by conftest and the tests)."""

from __future__ import annotations

import json
import os
import traceback
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from ig_resources.instagram.session import SessionCookies

#: The captured bodies (shared/fixtures/instagram next to the repository), as tests/conftest.py finds them.
FIXTURES_DIR = Path(
    os.environ.get(
        "IG_FIXTURES_DIR", Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "instagram"
    )
)

VIEWER_IG_USER_ID = "31310607724"  # the account of users_info_self__instagramkit.json
#: Distinctive values that must never show up in an error's message, str, repr or traceback.
SESSION_SECRET = "SeSsIoNsEcReT9f3a7c"
CSRF_SECRET = "CsRfSeCrEt41b8e2d0"
SESSIONID = f"{VIEWER_IG_USER_ID}%3A{SESSION_SECRET}%3A27%3AAYdEADbeef"
SECRETS = (SESSION_SECRET, CSRF_SECRET, SESSIONID)


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES_DIR / name).read_text(encoding="utf-8"))


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES_DIR / name).read_bytes()


def make_session() -> SessionCookies:
    return SessionCookies(
        cookies={
            "sessionid": SecretStr(SESSIONID),
            "csrftoken": SecretStr(CSRF_SECRET),
            "ds_user_id": SecretStr(VIEWER_IG_USER_ID),
            "mid": SecretStr("ZmIdVaLuE0000"),
            "ig_nrcb": SecretStr("1"),
        }
    )


def assert_no_secret(exc: BaseException) -> None:
    """No cookie value in the exception's message, str, repr, args, or formatted traceback (with causes)."""
    rendered = [
        str(exc),
        repr(exc),
        str(getattr(exc, "message", "")),
        repr(exc.args),
        "".join(traceback.format_exception(exc)),
    ]
    for text in rendered:
        for secret in SECRETS:
            assert secret not in text
