"""The sandbox's admin API (`/__sandbox__/`) for tests, demos and operators: faults, mutations,
request counts, the verification codes "sent", and the state file.

It needs no Instagram cookie but only answers loopback peers.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import SandboxError
from .faults import Fault, FaultError
from .replies import Reply, ReplyError, int_or_none, json_body, json_reply

if TYPE_CHECKING:
    from .server import SandboxServer

#: (sandbox, query, parsed JSON body or None for GET/DELETE) -> answer
AdminHandler = Callable[["SandboxServer", dict[str, str], Any], Reply]


def _health(sandbox: SandboxServer, query: dict[str, str], data: Any) -> Reply:
    return json_reply(200, {"status": "ok", "url": sandbox.url})


def _accounts(sandbox: SandboxServer, query: dict[str, str], data: Any) -> Reply:
    return json_reply(200, {"accounts": sandbox.accounts_summary(), "status": "ok"})


def _outbox(sandbox: SandboxServer, query: dict[str, str], data: Any) -> Reply:
    with sandbox.network.lock:
        return json_reply(200, {"messages": list(sandbox.network.outbox), "status": "ok"})


def _faults(sandbox: SandboxServer) -> list[dict[str, Any]]:
    return [f.to_dict() for f in sandbox.faults.list()]


def _list_faults(sandbox: SandboxServer, query: dict[str, str], data: Any) -> Reply:
    return json_reply(200, {"faults": _faults(sandbox), "status": "ok"})


def _add_faults(sandbox: SandboxServer, query: dict[str, str], data: Any) -> Reply:
    items = data if isinstance(data, list) else data.get("faults", [data]) if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ReplyError(400, {"message": "expected a fault object or a list of them", "status": "fail"})
    try:
        new = [Fault.from_dict(i) for i in items]
    except FaultError as exc:
        raise ReplyError(400, {"message": str(exc), "status": "fail"}) from None
    added = [sandbox.faults.add(f).to_dict() for f in new]
    return json_reply(200, {"added": added, "faults": _faults(sandbox), "status": "ok"})


def _clear_faults(sandbox: SandboxServer, query: dict[str, str], data: Any) -> Reply:
    fault_id = int_or_none(query.get("id"))
    cleared = int(sandbox.faults.remove(fault_id)) if fault_id is not None else sandbox.faults.clear()
    return json_reply(200, {"cleared": cleared, "status": "ok"})


def _mutate(sandbox: SandboxServer, query: dict[str, str], data: Any) -> Reply:
    if not isinstance(data, dict) or "op" not in data:
        raise ReplyError(400, {"message": 'expected {"op": ..., ...}', "status": "fail"})
    params = {k: v for k, v in data.items() if k != "op"}
    try:
        result = sandbox.network.mutate(str(data["op"]), **params)
    except (SandboxError, ValueError, TypeError) as exc:
        raise ReplyError(400, {"message": str(exc), "status": "fail"}) from None
    sandbox.save_state()
    return json_reply(200, {"result": result, "status": "ok"})


def _stats(sandbox: SandboxServer, query: dict[str, str], data: Any) -> Reply:
    return json_reply(200, {**sandbox.stats(), "status": "ok"})


def _reset_stats(sandbox: SandboxServer, query: dict[str, str], data: Any) -> Reply:
    sandbox.reset_stats()
    return json_reply(200, {"status": "ok"})


def _save(sandbox: SandboxServer, query: dict[str, str], data: Any) -> Reply:
    saved = sandbox.save_state()
    return json_reply(200, {"state_file": str(saved) if saved else None, "status": "ok"})


ADMIN_ROUTES: dict[tuple[str, str], AdminHandler] = {
    ("GET", "/__sandbox__/health"): _health,
    ("GET", "/__sandbox__/accounts"): _accounts,
    ("GET", "/__sandbox__/outbox"): _outbox,
    ("GET", "/__sandbox__/faults"): _list_faults,
    ("POST", "/__sandbox__/faults"): _add_faults,
    ("DELETE", "/__sandbox__/faults"): _clear_faults,
    ("POST", "/__sandbox__/mutate"): _mutate,
    ("GET", "/__sandbox__/stats"): _stats,
    ("POST", "/__sandbox__/reset-stats"): _reset_stats,
    ("POST", "/__sandbox__/save"): _save,
}


def handle_admin(
    sandbox: SandboxServer, method: str, path: str, query: dict[str, str], body: bytes, client_host: str
) -> Reply:
    try:
        loopback = ipaddress.ip_address(client_host.split("%")[0]).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        return json_reply(
            403, {"message": "the sandbox admin API only answers loopback clients", "status": "fail"}
        )
    route = path.rstrip("/")
    data = json_body(body) if method in ("POST", "PUT") else None  # invalid JSON is a 400 on any route
    handler = ADMIN_ROUTES.get((method, route))
    if handler is None:
        return json_reply(404, {"message": f"no admin endpoint {method} {route}", "status": "fail"})
    return handler(sandbox, query, data)
