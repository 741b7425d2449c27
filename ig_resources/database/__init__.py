"""The app database: schema (seed 004), migrations, bulk upserts, and the Dagster resource."""

from ig_resources.records import AccountRecord, FollowGraphWrite, NetworkCounts, StoredProfile

from .accounts import UnknownAccountError
from .crypto import CookieCipher, SecretKeyError, generate_key
from .engine import DatabaseConfigError, default_database_url, state_dir
from .graph import ConcurrentSyncError
from .resource import DatabaseResource, DatabaseUnavailableError

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
