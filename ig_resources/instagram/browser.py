"""Log in through Instagram's own web page in Chromium (Playwright), as the person would.

The person types the password and any code Instagram sends; the browser fills the real form
(`username`, `password`), answers the two-factor page (`verificationCode`) and the checkpoint
challenge (`choice`, then `security_code`), and the session cookies and the browser's user agent
are what comes back. Passwords, codes and cookie values are never logged or put in an error.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pydantic import SecretStr

from .session import SessionCookies

CHROMIUM_ENV: Final = "IG_CHROMIUM_PATH"
DEFAULT_CHROMIUM: Final = "/usr/bin/chromium"
# Headless, sandbox-free (root in containers), and no calls home that a closed network refuses.
CHROMIUM_ARGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
MAX_CODE_ATTEMPTS: Final = 3
_ERROR_ALERT: Final = '#slfErrorAlert:not([hidden]), [role="alert"]:not([hidden])'
_CONSENT_BUTTONS: Final = (
    'button:has-text("Allow all cookies")',
    'button:has-text("Only allow essential cookies")',
)


class BrowserLoginError(Exception):
    """The login did not complete; the message says at which step and why."""


@dataclass(frozen=True)
class BrowserLogin:
    cookies: SessionCookies
    user_agent: str


def chromium_path() -> str:
    path = os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    if not Path(path).exists():
        raise BrowserLoginError(
            f"Chromium not found at {path}: install Debian's chromium package (scripts/ensure-chromium) "
            f"or set {CHROMIUM_ENV}"
        )
    return path


def browser_login(
    username: str,
    password: str,
    *,
    web_base_url: str,
    ask: Callable[[str], str],
    headless: bool = True,
    timeout_seconds: float = 30.0,
) -> BrowserLogin:
    """Log `username` in on `web_base_url`'s login page; `ask(prompt)` gets a code from the person."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    base = web_base_url.rstrip("/")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), headless=headless, args=list(CHROMIUM_ARGS)
            )
            try:
                context = browser.new_context(locale="en-US")
                page = context.new_page()
                page.set_default_timeout(timeout_seconds * 1000)
                page.goto(f"{base}/accounts/login/")
                agent = str(page.evaluate("navigator.userAgent"))  # before the login navigates away
                for selector in _CONSENT_BUTTONS:  # the EU cookie banner hides the form
                    if page.locator(selector).count():
                        page.locator(selector).first.click()
                        break
                page.fill('input[name="username"]', username)
                page.fill('input[name="password"]', password)
                page.click('button[type="submit"]')
                _follow_steps(page, context, base, ask, timeout_seconds)
                cookies = {c["name"]: c["value"] for c in context.cookies(base)}
            finally:
                browser.close()
    except PlaywrightError as exc:
        # Playwright's messages quote selectors and URLs, never form values; keep the first line.
        raise BrowserLoginError(f"the browser failed: {str(exc).splitlines()[0][:200]}") from None
    if "sessionid" not in cookies:
        raise BrowserLoginError("Instagram set no session cookie")
    # Headless Chrome names itself; API calls should carry the desktop browser's name.
    return BrowserLogin(
        SessionCookies(cookies={k: SecretStr(v) for k, v in cookies.items()}),
        agent.replace("HeadlessChrome/", "Chrome/"),
    )


def _follow_steps(page, context, base: str, ask: Callable[[str], str], timeout: float) -> None:  # type: ignore[no-untyped-def]
    """Answer whatever page comes after the password until a session cookie is set."""
    attempts = {"verificationCode": 0, "security_code": 0}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(c["name"] == "sessionid" for c in context.cookies(base)):
            return
        alert = page.locator(_ERROR_ALERT)
        text = alert.first.inner_text().strip() if alert.count() else ""
        if text and not any(attempts.values()):
            raise BrowserLoginError(f"Instagram refused the login: {text}")
        for field, prompt in (
            ("verificationCode", "Two-factor code (sent by SMS or your app)"),
            ("security_code", "Security code Instagram sent to your e-mail"),
        ):
            box = page.locator(f'input[name="{field}"]')
            # Ask for a code first, and again only when the last one was refused (a new alert).
            if box.count() and box.first.is_visible() and (attempts[field] == 0 or text):
                if attempts[field] >= MAX_CODE_ATTEMPTS:
                    raise BrowserLoginError(f"the code was refused {MAX_CODE_ATTEMPTS} times: {text}")
                attempts[field] += 1
                code = ask(prompt if attempts[field] == 1 else f"{text} {prompt}").strip()
                page.evaluate(_CLEAR_ALERTS)
                box.first.fill(code)
                box.first.press("Enter")
                deadline = time.monotonic() + timeout
                break
        else:
            choice = page.locator('input[name="choice"]')
            if choice.count() and choice.first.is_visible():
                choice.first.check()
                page.locator('button[type="submit"]:visible').first.click()
                page.locator('input[name="security_code"]').first.wait_for(state="visible")
        page.wait_for_timeout(150)
    raise BrowserLoginError(f"no session after {timeout:g} s (last page: {page.url.split('?')[0]})")


_CLEAR_ALERTS: Final = (
    "document.querySelectorAll('#slfErrorAlert, [role=\"alert\"]').forEach(e => { e.textContent = ''; })"
)
