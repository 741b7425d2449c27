"""What a sandbox network is generated from: its accounts, their list sizes, the seed and the epoch."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from .universe import is_valid_handle


class AccountSpec(BaseModel):
    """One managed account: the sizes of its lists and of its inbox and story tray."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str
    followers: int = Field(ge=0, le=50_000_000)
    following: int = Field(ge=0, le=50_000_000)
    mutual_fraction: float = Field(default=0.4, ge=0.0, le=1.0)  # share of following who follow back
    inbox_threads: int = Field(default=20, ge=0, le=100_000)
    tray_reels: int = Field(default=10, ge=0, le=1_000)
    full_name: str | None = None
    password: SecretStr | None = None  # for the login page; default `sandbox-<username>`
    two_factor: bool = False  # the login page asks for a code sent by SMS

    @field_validator("username")
    @classmethod
    def _valid_handle(cls, value: str) -> str:
        if not is_valid_handle(value):
            raise ValueError(f"{value!r} is not a valid Instagram username")
        return value


class NetworkSpec(BaseModel):
    """The whole sandbox: same spec (and epoch) => byte-identical responses."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 0
    accounts: list[AccountSpec] = Field(min_length=1)
    # The network's "now" (unix seconds) for story and message times. None: today 00:00 UTC, fixed
    # for the day and recorded in the state file, so stories look current in demos.
    epoch: int | None = None
    strangers: int = Field(default=5_000, ge=1)  # people outside every list (DMs from non-followers)

    @model_validator(mode="after")
    def _unique_usernames(self) -> NetworkSpec:
        names = [a.username for a in self.accounts]
        if len(set(names)) != len(names):
            raise ValueError("account usernames must be unique")
        return self

    def fingerprint(self) -> str:
        """Identifies the generated base network (passwords excluded)."""
        data = self.model_dump(mode="json", exclude={"accounts": {"__all__": {"password"}}})
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


DEMO_SPEC = NetworkSpec(
    seed=20240601,
    accounts=[
        AccountSpec(
            username="demo_small",
            followers=350,
            following=280,
            mutual_fraction=0.6,
            inbox_threads=24,
            tray_reels=8,
        ),
        AccountSpec(
            username="demo_medium",
            followers=4_200,
            following=1_100,
            mutual_fraction=0.45,
            inbox_threads=60,
            tray_reels=25,
        ),
        AccountSpec(
            username="demo_large",
            followers=120_000,
            following=2_500,
            mutual_fraction=0.3,
            inbox_threads=150,
            tray_reels=60,
        ),
    ],
)
