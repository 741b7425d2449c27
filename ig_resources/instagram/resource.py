"""The Dagster resource that opens `WebApiClient`s for managed accounts."""

from __future__ import annotations

import dagster as dg

from .client import DEFAULT_API_BASE_URL, DEFAULT_WEB_BASE_URL, MAX_PAGE_SIZE, WebApiClient
from .pacing import Pacer
from .session import SessionCookies


class InstagramClientResource(dg.ConfigurableResource):
    """Opens an Instagram web-API client for one account's session.

    `api_base_url` and `web_base_url` come from the `IG_API_BASE_URL` and `IG_WEB_BASE_URL` environment
    variables (wired with `dg.EnvVar` in the definitions), so a run can point at the local sandbox instead
    of Instagram. The session is per account and therefore passed to `open()`, not configured here.
    """

    api_base_url: str = DEFAULT_API_BASE_URL
    web_base_url: str = DEFAULT_WEB_BASE_URL
    page_size: int = MAX_PAGE_SIZE
    timeout_seconds: float = 30.0

    def open(
        self, session: SessionCookies, user_agent: str | None = None, *, pacer: Pacer | None = None
    ) -> WebApiClient:
        """A new client for `session`; use it as a context manager so its connections are closed.

        `user_agent` should be the account's stored browser user agent: one stable value per account.
        `pacer` applies the account's request budgets, pauses and retries (none without it).
        """
        return WebApiClient(
            session,
            api_base_url=self.api_base_url,
            web_base_url=self.web_base_url,
            user_agent=user_agent,
            page_size=self.page_size,
            timeout_seconds=self.timeout_seconds,
            pacer=pacer,
        )
