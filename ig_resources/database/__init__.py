"""The app database: schema (seed 004), migrations, bulk upserts, and the Dagster resource."""

from .crypto import CookieCipher, SecretKeyError, generate_key
from .engine import DatabaseConfigError, default_database_url, state_dir
from .records import AccountRecord, FollowGraphWrite, NetworkCounts, StoredProfile
from .resource import (
    ConcurrentSyncError,
    DatabaseResource,
    DatabaseUnavailableError,
    UnknownAccountError,
)

__all__ = [
    "AccountRecord",
    "ConcurrentSyncError",
    "CookieCipher",
    "DatabaseConfigError",
    "DatabaseResource",
    "DatabaseUnavailableError",
    "FollowGraphWrite",
    "NetworkCounts",
    "SecretKeyError",
    "StoredProfile",
    "UnknownAccountError",
    "default_database_url",
    "generate_key",
    "state_dir",
]
