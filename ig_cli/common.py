"""What the `ig-pipeline` commands share: configuration from the environment and one-line errors."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ig_assets.accounts.rules import normalise_username
from ig_resources.database import (
    DatabaseConfigError,
    DatabaseResource,
    DatabaseUnavailableError,
    SecretKeyError,
    UnknownAccountError,
    default_database_url,
)
from ig_resources.instagram import InstagramClientResource, InstagramError
from ig_resources.instagram.browser import BrowserLoginError, browser_login
from ig_resources.instagram.session import CookieFileError, SessionCookies, parse_cookie_file

F = TypeVar("F", bound=Callable[..., Any])

#: Mistakes a person can make; reported as one line, never as a traceback.
USER_ERRORS = (
    BrowserLoginError,
    CookieFileError,
    DatabaseConfigError,
    DatabaseUnavailableError,
    SecretKeyError,
    UnknownAccountError,
    InstagramError,
)


class UsernameType(click.ParamType):
    """An Instagram username on the command line, normalised as stored (`@Alice ` is `alice`)."""

    name = "username"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        username = normalise_username(str(value))
        if not username:
            self.fail("an Instagram username is needed", param, ctx)
        return username


USERNAME = UsernameType()


def user_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (*USER_ERRORS, ValueError) as exc:  # ValueError: e.g. cookies of another Instagram user
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def database_from_env() -> DatabaseResource:
    db = DatabaseResource(
        url=os.environ.get("IG_DATABASE_URL") or default_database_url(),
        secret_key=os.environ.get("IG_SECRET_KEY") or None,
    )
    db.migrate()
    return db


def instagram_from_env() -> InstagramClientResource:
    overrides = {
        field: os.environ[name]
        for field, name in (("api_base_url", "IG_API_BASE_URL"), ("web_base_url", "IG_WEB_BASE_URL"))
        if os.environ.get(name)
    }
    return InstagramClientResource(**overrides)


def add_account(
    username: str, cookie_text: str, *, user_agent: str | None = None, verify: bool = True
) -> str:
    """Parse, check and store an account's cookies; returns the line to show the person."""
    return store_session(username, parse_cookie_file(cookie_text), user_agent=user_agent, verify=verify)


def login_account(username: str, password: str, *, headed: bool = False) -> str:
    """Log in through the browser (asking the person for any code), then store the session."""
    database_from_env().accounts.check_secret_key()  # fail before the person types a code
    login = browser_login(
        normalise_username(username),
        password,
        web_base_url=instagram_from_env().web_base_url,
        ask=lambda prompt: click.prompt(prompt),
        headless=not headed,
    )
    return store_session(username, login.cookies, user_agent=login.user_agent, verify=True)


def store_session(username: str, cookies: SessionCookies, *, user_agent: str | None, verify: bool) -> str:
    username = normalise_username(username)
    db = database_from_env()
    db.accounts.check_secret_key()  # a wrong key would leave accounts encrypted under two keys
    note = ""
    if verify:
        with instagram_from_env().open(cookies, user_agent) as client:
            me = client.current_user()
        if me.username.lower() != username:
            note = f" (Instagram now calls it '{me.username}')"
    account = db.accounts.register(username, cookies, user_agent)
    return f"registered {account.username} (Instagram user {account.ig_user_id}){note}"


def format_table(rows: list[tuple[Any, ...]]) -> str:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )
