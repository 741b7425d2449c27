"""The Dagster resource that opens `WebApiClient`s for managed accounts."""

from __future__ import annotations

import time

import dagster as dg
from pydantic import Field

from .client import DEFAULT_API_BASE_URL, DEFAULT_WEB_BASE_URL, KIND_PROFILE, MAX_PAGE_SIZE, WebApiClient
from .pacing import DEFAULT_BUCKET, Budget, BudgetStore, Pacer, PacingPolicy
from .session import SessionCookies

PROFILE_BUCKET = "profile"


class InstagramClientResource(dg.ConfigurableResource):
    """Opens an Instagram web-API client for one account's session.

    `api_base_url` and `web_base_url` come from the `IG_API_BASE_URL` and `IG_WEB_BASE_URL` environment
    variables, so a run can point at the local sandbox instead of Instagram. The session is per
    account and therefore passed to `open()`, not configured here.

    Pacing (on unless `IG_PACING=off`, which only the offline sandbox should use) keeps each account
    within `requests_per_window` per `window_minutes` across all runs, pauses like a person between
    requests, and retries 429 and 5xx answers with backoff. Defaults are instaloader's measured limits.
    """

    api_base_url: str = DEFAULT_API_BASE_URL
    web_base_url: str = DEFAULT_WEB_BASE_URL
    page_size: int = MAX_PAGE_SIZE
    timeout_seconds: float = 30.0
    pacing: bool = Field(default=True, description="Budgets, pauses and retries (IG_PACING)")
    requests_per_window: int = 199
    window_minutes: float = 30.0
    pause_mean_seconds: float = Field(default=1 / 0.6, description="Mean pause before a request; 0 for none")
    profile_requests_per_window: int = Field(
        default=75, description="Budget of profile lookups (instaloader's limit for www non-GraphQL calls)"
    )
    profile_window_minutes: float = 11.0
    max_retries: int = 3
    backoff_base_seconds: float = 30.0

    def policy(self) -> PacingPolicy:
        return PacingPolicy(
            budgets={
                DEFAULT_BUCKET: Budget(self.requests_per_window, self.window_minutes * 60),
                PROFILE_BUCKET: Budget(self.profile_requests_per_window, self.profile_window_minutes * 60),
            },
            # Profile lookups are what gets accounts locked (reference §10): their own, smaller budget.
            buckets={KIND_PROFILE: PROFILE_BUCKET},
            pause_rate=1 / self.pause_mean_seconds if self.pause_mean_seconds > 0 else 0,
            max_retries=self.max_retries,
            backoff_base_seconds=self.backoff_base_seconds,
        )

    def open(
        self,
        session: SessionCookies,
        user_agent: str | None = None,
        *,
        budgets: BudgetStore | None = None,
        policy: PacingPolicy | None = None,
    ) -> WebApiClient:
        """A new client for `session`; use it as a context manager so its connections are closed.

        `user_agent` should be the account's stored browser user agent: one stable value per account.
        `budgets` is the account's shared request budget store; with it (and pacing on) every request
        is paced and retried; `policy` replaces the resource's pacing policy for this client.
        """
        pacer = (
            Pacer(policy or self.policy(), budgets, sleep=time.sleep)
            if self.pacing and budgets is not None
            else None
        )
        return WebApiClient(
            session,
            api_base_url=self.api_base_url,
            web_base_url=self.web_base_url,
            user_agent=user_agent,
            page_size=self.page_size,
            timeout_seconds=self.timeout_seconds,
            pacer=pacer,
        )
