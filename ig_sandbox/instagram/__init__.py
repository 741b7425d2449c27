"""Offline sandbox Instagram: a deterministic generated network served over HTTP.

from ig_sandbox.instagram import DEMO_SPEC, SandboxNetwork, SandboxServer, Fault

network = SandboxNetwork(DEMO_SPEC)
with SandboxServer(network) as server:          # http://127.0.0.1:<port>
    cookies = network.session_cookies("demo_small")
    server.faults.add(Fault("rate_limit_429", endpoint="followers", after_pages=3, times=1))
    ...
"""

from .api import KNOWN_APP_IDS
from .cookies import CookieFormat, render_cookie_file
from .errors import (
    CursorError,
    MutationError,
    SandboxError,
    StateError,
    UnknownAccountError,
    UnknownUserError,
)
from .faults import ENDPOINT_KINDS, FAULT_KINDS, Fault, FaultError, FaultRegistry
from .follow_lists import FOLLOW_PAGE_DEFAULT, FOLLOW_PAGE_MAX
from .network import SandboxNetwork
from .relations import ManagedAccount
from .server import SandboxServer
from .spec import DEMO_SPEC, AccountSpec, NetworkSpec

WEB_APP_ID = "936619743392459"

__all__ = [
    "DEMO_SPEC",
    "ENDPOINT_KINDS",
    "FAULT_KINDS",
    "FOLLOW_PAGE_DEFAULT",
    "FOLLOW_PAGE_MAX",
    "KNOWN_APP_IDS",
    "WEB_APP_ID",
    "AccountSpec",
    "CookieFormat",
    "CursorError",
    "Fault",
    "FaultError",
    "FaultRegistry",
    "ManagedAccount",
    "MutationError",
    "NetworkSpec",
    "SandboxError",
    "SandboxNetwork",
    "SandboxServer",
    "StateError",
    "UnknownAccountError",
    "UnknownUserError",
    "render_cookie_file",
]
