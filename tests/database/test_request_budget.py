"""Request budgets stored in the database hold across separate run processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from pydantic import SecretStr
from sqlalchemy import select

from ig_resources.database import DatabaseResource
from ig_resources.database.models import InstagramRequestLog
from ig_resources.instagram.pacing import Budget
from ig_resources.instagram.session import SessionCookies

LIMIT, WINDOW, PER_PROCESS = 4, 1.5, 6

WORKER = textwrap.dedent(
    """
    import random, sys, time
    from ig_resources.database import DatabaseResource
    from ig_resources.instagram.pacing import Budget, Pacer, PacingPolicy
    url, account_id, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    window, count = float(sys.argv[4]), int(sys.argv[5])
    policy = PacingPolicy(budgets={"api": Budget(limit, window)}, pause_rate=0)
    budget_store = DatabaseResource(url=url).accounts.budget_store(account_id)
    pacer = Pacer(policy, budget_store, sleep=time.sleep, rng=random.Random())
    for _ in range(count):
        pacer.before_request("followers")
    print(round(pacer.stats.waited_seconds, 2))
    """
)


def test_two_processes_share_one_accounts_budget(database: DatabaseResource) -> None:
    account = database.accounts.register(
        "alice", SessionCookies(cookies={"sessionid": SecretStr("1%3Ax"), "ds_user_id": SecretStr("1")})
    )
    other = database.accounts.register(
        "bob", SessionCookies(cookies={"sessionid": SecretStr("2%3Ax"), "ds_user_id": SecretStr("2")})
    )
    args = [database.url, str(account.id), str(LIMIT), str(WINDOW), str(PER_PROCESS)]
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, *args], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    # Another account's budget is its own: it never waits for alice's.
    assert database.accounts.reserve_request(other.id, "api", Budget(LIMIT, WINDOW)) == 0
    outputs = [w.communicate(timeout=120)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers)
    assert sum(float(o) for o in outputs) > 0  # somebody had to wait

    with database.session() as s:
        sent = sorted(
            t.timestamp()
            for t in s.scalars(
                select(InstagramRequestLog.requested_at).where(
                    InstagramRequestLog.instagram_account_id == account.id
                )
            )
        )
    assert len(sent) == 2 * PER_PROCESS
    for i, start in enumerate(sent):  # no window of WINDOW seconds ever holds more than LIMIT requests
        assert sum(1 for t in sent[i:] if t < start + WINDOW) <= LIMIT
    assert sent[-1] - sent[0] >= WINDOW * (2 * PER_PROCESS // LIMIT - 1) * 0.99
