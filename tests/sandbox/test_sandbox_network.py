"""The generator and its overlay, without HTTP: determinism, realism of ids and handles, list
arithmetic, mutations, state files, cookies and memory."""

from __future__ import annotations

import gc
import json
import math
import re
import sys
import tracemalloc
from collections import Counter
from collections.abc import Callable
from types import FrameType

import pytest

from ig_resources.instagram.session import CookieFileError, parse_cookie_file
from ig_sandbox.instagram import (
    DEMO_SPEC,
    AccountSpec,
    CursorError,
    MutationError,
    NetworkSpec,
    SandboxNetwork,
    StateError,
    UnknownAccountError,
    UnknownUserError,
)
from ig_sandbox.instagram.universe import is_valid_handle

from .conftest import EPOCH, SMALL_SPEC


def _all_pages(network: SandboxNetwork, account: str, which: str, count: int = 200) -> list[dict]:
    pages, cursor = [], None
    while True:
        page = network.follow_list(account, which, max_id=cursor, count=count)  # type: ignore[arg-type]
        pages.append(page)
        cursor = page.get("next_max_id")
        if cursor is None:
            return pages


def _members(network: SandboxNetwork, account: str, which: str) -> list[int]:
    return [u["pk"] for page in _all_pages(network, account, which) for u in page["users"]]


# -- determinism -------------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes() -> None:
    a, b = SandboxNetwork(SMALL_SPEC), SandboxNetwork(SMALL_SPEC)
    cursor_a = cursor_b = None
    for _ in range(3):
        page_a = a.follow_list_json("alpha_shop", "followers", max_id=cursor_a, count=100)
        page_b = b.follow_list_json("alpha_shop", "followers", max_id=cursor_b, count=100)
        assert page_a == page_b
        cursor_a = json.loads(page_a)["next_max_id"]
        cursor_b = json.loads(page_b)["next_max_id"]
    pk = a.account("alpha_shop").pk
    assert json.dumps(a.user_info(pk)) == json.dumps(b.user_info(pk))
    assert json.dumps(a.inbox("alpha_shop")) == json.dumps(b.inbox("alpha_shop"))
    assert json.dumps(a.reels_tray("alpha_shop")) == json.dumps(b.reels_tray("alpha_shop"))
    assert a.session_cookies("alpha_shop") == b.session_cookies("alpha_shop")


def test_different_seed_gives_a_different_network() -> None:
    other = SandboxNetwork(SMALL_SPEC.model_copy(update={"seed": 12}))
    base = SandboxNetwork(SMALL_SPEC)
    assert base.account("alpha_shop").pk != other.account("alpha_shop").pk
    base_users = {u["username"] for u in base.follow_list("alpha_shop", "followers", count=200)["users"]}
    other_users = {u["username"] for u in other.follow_list("alpha_shop", "followers", count=200)["users"]}
    assert len(base_users & other_users) < 5
    assert base.session_cookies("alpha_shop")["sessionid"] != other.session_cookies("alpha_shop")["sessionid"]


# -- people ------------------------------------------------------------------------------------


def test_handles_and_pks_are_unique_realistic_and_reversible() -> None:
    network = SandboxNetwork(SMALL_SPEC)
    universe = network.universe
    n = 30_000
    names = [universe.username(i) for i in range(n)]
    pks = [universe.pk(i) for i in range(n)]
    assert len(set(names)) == n
    assert len(set(pks)) == n
    assert all(is_valid_handle(name) for name in names)
    assert all(10 <= len(str(pk)) <= 11 for pk in pks)
    assert all(universe.index_of_pk(pk) == i for i, pk in enumerate(pks[:3000]))
    assert all(universe.index_of_username(name) == i for i, name in enumerate(names[:3000]))
    # realistic mix: separators and digits appear, but not in every handle
    assert 0.2 < sum("." in x for x in names) / n < 0.8
    assert 0.2 < sum("_" in x for x in names) / n < 0.8
    assert sum(not x[-1].isdigit() for x in names) / n > 0.2
    # the hot-path renderer and the reference handle function agree
    assert all(universe.summary(i)["username"] == universe.base_username(i) for i in range(2, 2000))


def test_user_objects_look_like_real_ones() -> None:
    network = SandboxNetwork(SMALL_SPEC)
    users = network.follow_list("beta.studio", "followers", count=200)["users"]
    pic = re.compile(
        r"^https://[a-z0-9.-]+\.(cdninstagram\.com|fbcdn\.net)/v/t51\.2885-19/.+\.jpg\?.*_nc_ohc=[\w-]+.*&oh=[0-9a-f]{32}&oe=[0-9A-F]{8}"
    )
    for user in users:
        assert isinstance(user["pk"], int)
        assert user["pk_id"] == str(user["pk"])
        assert pic.match(user["profile_pic_url"]), user["profile_pic_url"]
        assert ("profile_pic_id" in user) != user["has_anonymous_profile_picture"]
        if "profile_pic_id" in user:
            assert re.fullmatch(rf"\d{{18,19}}_{user['pk']}", user["profile_pic_id"])
        assert user["latest_reel_media"] == 0 or EPOCH - 86400 < user["latest_reel_media"] <= EPOCH
    private = sum(u["is_private"] for u in users) / len(users)
    assert 0.1 < private < 0.5


# -- lists -------------------------------------------------------------------------------------


def test_lists_have_the_specified_sizes_and_overlap() -> None:
    network = SandboxNetwork(SMALL_SPEC)
    followers = _members(network, "alpha_shop", "followers")
    following = _members(network, "alpha_shop", "following")
    assert len(followers) == len(set(followers)) == 450
    assert len(following) == len(set(following)) == 300
    assert len(set(followers) & set(following)) == round(300 * 0.5)
    assert network.user_info(network.account("alpha_shop").pk)["user"]["follower_count"] == 450


def test_pages_follow_instagram_conventions() -> None:
    network = SandboxNetwork(SMALL_SPEC)
    default = network.follow_list("beta.studio", "followers")
    assert len(default["users"]) == 12
    assert default["page_size"] == 12
    capped = network.follow_list("beta.studio", "followers", count=1000)
    assert len(capped["users"]) == 200
    assert capped["page_size"] == 200
    pages = _all_pages(network, "beta.studio", "followers")
    assert len(pages) == math.ceil(1234 / 200)
    assert all(p["has_more"] is False and p["big_list"] is True for p in pages)
    assert all("next_max_id" in p for p in pages[:-1])
    assert "next_max_id" not in pages[-1]
    with pytest.raises(CursorError):
        network.follow_list("beta.studio", "followers", max_id="bm90LWEtY3Vyc29y")
    with pytest.raises(CursorError):  # a followers cursor is not a following cursor
        network.follow_list("beta.studio", "following", max_id=default["next_max_id"])


def test_query_finds_a_member_by_exact_handle() -> None:
    network = SandboxNetwork(SMALL_SPEC)
    someone = network.follow_list("alpha_shop", "followers", count=50)["users"][37]
    hits = network.follow_list("alpha_shop", "followers", query=someone["username"])["users"]
    assert [u["pk"] for u in hits] == [someone["pk"]]
    outsider = network.universe.username(network.strangers_start + 3)
    assert network.follow_list("alpha_shop", "followers", query=outsider)["users"] == []


# -- inbox and tray ----------------------------------------------------------------------------


def test_inbox_pages_newest_first_with_realistic_threads() -> None:
    network = SandboxNetwork(SMALL_SPEC)
    acct = network.account("alpha_shop")
    threads, cursor, requests = [], None, 0
    while True:
        body = network.inbox("alpha_shop", cursor=cursor, limit=20)
        requests += 1
        threads += body["inbox"]["threads"]
        if not body["inbox"]["has_older"]:
            break
        cursor = body["inbox"]["oldest_cursor"]
    assert requests == math.ceil(45 / 20)
    assert len(threads) == 45
    assert len({t["thread_id"] for t in threads}) == 45
    assert all(len(t["thread_id"]) == 39 and t["thread_id"].isdigit() for t in threads)
    times = [int(t["last_activity_at"]) for t in threads]
    assert times == sorted(times, reverse=True)
    assert len(set(times)) == 45
    assert all(EPOCH * 10**6 - 400 * 3600 * 10**6 < t < EPOCH * 10**6 for t in times)  # microseconds
    assert {type(t["last_activity_at"]) for t in threads} == {int, str}  # both encodings occur
    groups = [t for t in threads if t["is_group"]]
    assert groups
    assert all(2 <= len(t["users"]) <= 3 for t in groups)
    assert all(acct.pk not in {u["pk"] for u in t["users"]} for t in threads)  # others only
    statuses = Counter(
        (u["friendship_status"]["followed_by"], u["friendship_status"]["following"])
        for t in threads
        for u in t["users"]
    )
    assert statuses[(True, True)] > statuses[(False, False)] > 0  # mostly mutuals, a few strangers
    for t in threads:
        assert 1 <= len(t["items"]) <= 8
        stamps = [int(i["timestamp"]) for i in t["items"]]
        assert stamps == sorted(stamps, reverse=True)
        assert stamps[0] == int(t["last_activity_at"])
        assert all(len(i["item_id"]) == 35 and i["item_type"] == "text" and i["text"] for i in t["items"])
    assert any(t["inviter"] is None for t in threads)


def test_tray_draws_from_following_and_only_first_entries_have_items() -> None:
    network = SandboxNetwork(SMALL_SPEC)
    tray = network.reels_tray("alpha_shop")["tray"]
    following = set(_members(network, "alpha_shop", "following"))
    assert len(tray) == 9
    assert {e["user"]["pk"] for e in tray} <= following
    assert all("items" in e for e in tray[:3])
    assert not any("items" in e for e in tray[3:])
    for e in tray:
        assert e["id"] == e["user"]["pk"]
        assert e["expiring_at"] == e["latest_reel_media"] + 86400
        assert e["media_count"] == len(e["media_ids"])
        assert e["seen"] in (0, e["latest_reel_media"])
    for e in tray[:3]:
        assert [i["pk"] for i in e["items"]] == e["media_ids"]
        assert max(i["taken_at"] for i in e["items"]) == e["latest_reel_media"]


# -- mutations ---------------------------------------------------------------------------------


def test_unfollow_follow_leave_join_change_pages_and_counts() -> None:
    network = SandboxNetwork(SMALL_SPEC)
    acct = network.account("alpha_shop")
    first = network.follow_list("alpha_shop", "following", count=5)["users"][2]
    network.account_unfollows("alpha_shop", first["pk"])
    following = _members(network, "alpha_shop", "following")
    assert first["pk"] not in following
    assert len(following) == 299 == acct.following.count
    with pytest.raises(MutationError):
        network.account_unfollows("alpha_shop", first["pk"])
    network.account_follows("alpha_shop", first["username"])  # by handle; re-added on top
    assert network.follow_list("alpha_shop", "following", count=1)["users"][0]["pk"] == first["pk"]
    assert sorted(_members(network, "alpha_shop", "following")) == sorted([*following, first["pk"]])

    result = network.follower_joins("alpha_shop")  # a brand-new person
    newcomer = result["user"]["pk"]
    assert network.follow_list("alpha_shop", "followers", count=1)["users"][0]["pk"] == newcomer
    assert network.user_info(newcomer)["user"]["username"] == result["user"]["username"]
    leaver = network.follow_list("alpha_shop", "followers", count=200)["users"][150]["pk"]
    network.follower_leaves("alpha_shop", leaver)
    followers = _members(network, "alpha_shop", "followers")
    assert newcomer in followers
    assert leaver not in followers
    assert len(followers) == 450
    assert network.user_info(acct.pk)["user"]["follower_count"] == 450
    with pytest.raises(UnknownUserError):
        network.follower_leaves("alpha_shop", "no.such.person")
    with pytest.raises(UnknownAccountError):
        network.follower_joins("nobody_managed")


def test_rename_is_visible_everywhere_and_frees_the_old_handle() -> None:
    network = SandboxNetwork(SMALL_SPEC)
    user = network.follow_list("alpha_shop", "followers", count=3)["users"][1]
    network.rename(user["pk"], "brand_new.handle")
    listed = next(
        u for u in network.follow_list("alpha_shop", "followers", count=3)["users"] if u["pk"] == user["pk"]
    )
    assert listed["username"] == "brand_new.handle"
    assert network.user_info(user["pk"])["user"]["username"] == "brand_new.handle"
    assert network.universe.index_of_username(user["username"]) is None  # old handle: 404 now
    other = network.follow_list("alpha_shop", "followers", count=3)["users"][2]
    with pytest.raises(MutationError):
        network.rename(other["pk"], "brand_new.handle")
    with pytest.raises(MutationError):  # someone's generated handle is never up for grabs
        network.rename(other["pk"], network.universe.username(network.strangers_start))
    with pytest.raises(MutationError):
        network.rename(other["pk"], "Not A Handle")


def test_advance_is_deterministic_sized_and_idempotent() -> None:
    a, b = SandboxNetwork(SMALL_SPEC), SandboxNetwork(SMALL_SPEC)
    before = set(_members(a, "beta.studio", "followers"))
    result = a.advance("beta.studio")
    assert b.advance("beta.studio") == result
    a.advance("alpha_shop", 3)
    b.advance("alpha_shop", 3)
    assert a.state() == b.state()
    assert a.follow_list_json("beta.studio", "followers", count=200) == b.follow_list_json(
        "beta.studio", "followers", count=200
    )
    after = set(_members(a, "beta.studio", "followers"))
    assert len(before - after) == result["followers_left"] == round(1234 * 0.01)
    assert len(after - before) == result["followers_joined"] == round(1234 * 0.015)
    assert result["following_removed"] == round(210 * 0.005)
    assert a.advance("beta.studio", 1)["applied"] == []  # already applied: no-op
    assert [e["latest_reel_media"] for e in a.reels_tray("alpha_shop")["tray"]] != [
        e["latest_reel_media"] for e in SandboxNetwork(SMALL_SPEC).reels_tray("alpha_shop")["tray"]
    ]
    assert (
        a.inbox("alpha_shop")["inbox"]["threads"][0]["last_activity_at"] > EPOCH * 10**6
    )  # new conversation on top


def test_advance_on_a_large_account_renames_and_stays_small() -> None:
    spec = NetworkSpec(
        seed=5, epoch=EPOCH, accounts=[AccountSpec(username="huge", followers=200_000, following=20_000)]
    )
    network = SandboxNetwork(spec)
    result = network.advance("huge")
    assert result["renamed"] >= 5
    assert result["followers_left"] == 2000
    assert result["followers_joined"] == 3000
    assert network.account("huge").followers.count == 200_000 - 2000 + 3000
    assert len(json.dumps(network.state())) < 200_000  # the overlay, not the lists


# -- state file --------------------------------------------------------------------------------


def test_state_file_round_trip(tmp_path) -> None:
    network = SandboxNetwork(SMALL_SPEC)
    network.advance("alpha_shop")
    network.follower_joins("beta.studio")
    renamed = network.follow_list("beta.studio", "following", count=1)["users"][0]["pk"]
    network.rename(renamed, "now.someone_else")
    path = network.save_state(tmp_path / "state.json")
    again = SandboxNetwork.open(SMALL_SPEC, path)
    assert again.state() == network.state()
    for acct in ("alpha_shop", "beta.studio"):
        for which in ("followers", "following"):
            assert _members(again, acct, which) == _members(network, acct, which)
    assert again.user_info(renamed)["user"]["username"] == "now.someone_else"
    assert json.dumps(again.inbox("alpha_shop")) == json.dumps(network.inbox("alpha_shop"))
    with pytest.raises(StateError):
        SandboxNetwork.open(SMALL_SPEC.model_copy(update={"seed": 99}), path)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(StateError):
        SandboxNetwork.open(SMALL_SPEC, tmp_path / "bad.json")


def test_default_epoch_is_recorded_in_the_state_file(tmp_path) -> None:
    spec = DEMO_SPEC.model_copy(update={"accounts": DEMO_SPEC.accounts[:1]})
    created = SandboxNetwork.open(spec, tmp_path / "s.json")
    state = json.loads((tmp_path / "s.json").read_text())
    assert state["epoch"] == created.epoch
    assert created.epoch % 86400 == 0
    state["epoch"] -= 86400 * 3  # a later process must reuse the recorded epoch, not today's
    (tmp_path / "s.json").write_text(json.dumps(state))
    assert SandboxNetwork.open(spec, tmp_path / "s.json").epoch == created.epoch - 86400 * 3


# -- sessions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "netscape"])
def test_cookie_files_parse_with_the_pipeline_parser(network: SandboxNetwork, fmt: str, tmp_path) -> None:
    acct = network.account("beta.studio")
    cookies = network.session_cookies("beta.studio")
    assert re.fullmatch(rf"{acct.pk}%3A[A-Za-z0-9]{{14}}%3A\d{{1,2}}", cookies["sessionid"])
    assert cookies["ds_user_id"] == str(acct.pk)
    assert len(cookies["csrftoken"]) == 32
    path = network.write_cookie_file("beta.studio", tmp_path / f"c.{fmt}", fmt)  # type: ignore[arg-type]
    session = parse_cookie_file(path.read_text())
    assert session.ig_user_id == str(acct.pk)
    assert session.plain()["sessionid"] == cookies["sessionid"]
    assert {"csrftoken", "mid", "ig_did", "rur", "ds_user_id"} <= set(session.cookies)
    assert session.expires_at is not None
    with pytest.raises(CookieFileError, match="expired"):
        parse_cookie_file(network.cookie_file("beta.studio", fmt, expired=True))  # type: ignore[arg-type]
    custom = parse_cookie_file(network.cookie_file("beta.studio", fmt, expires_at=4_102_444_800))  # type: ignore[arg-type]
    assert custom.expires_at is not None
    assert custom.expires_at.year == 2100


def test_json_cookie_export_looks_like_a_browser_export(network: SandboxNetwork) -> None:
    items = json.loads(network.cookie_file("alpha_shop", "json"))
    by_name = {i["name"]: i for i in items}
    assert by_name["sessionid"]["httpOnly"] is True
    assert by_name["csrftoken"]["httpOnly"] is False
    assert all(i["domain"] == ".instagram.com" and i["path"] == "/" and i["secure"] for i in items)
    assert by_name["rur"]["session"] is True
    assert "expirationDate" not in by_name["rur"]


# -- memory ------------------------------------------------------------------------------------


def test_paging_200k_followers_keeps_memory_flat() -> None:
    spec = NetworkSpec(
        seed=3, epoch=EPOCH, accounts=[AccountSpec(username="huge", followers=200_000, following=200_000)]
    )
    gc.collect()
    tracemalloc.start()
    try:
        network = SandboxNetwork(spec)
        rel = network.account("huge").followers
        seen, cursor, pages = 0, (0, 0), 0
        while cursor is not None:
            chunk, cursor = rel.page(cursor[0], cursor[1], 200)
            seen += len(chunk)
            pages += 1
            if pages % 100 == 0:  # render some pages fully as the server would
                network.follow_list_json("huge", "following", count=200)
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 200_000
    assert pages == 1000
    assert peak < 3_000_000, f"peak {peak} bytes"
    assert current < 500_000, f"retained {current} bytes"


def _lines_executed(work: Callable[[], object]) -> int:
    """Python lines `work` runs: a measure of its cost that does not depend on the machine's speed."""
    lines = 0

    def tracer(frame: FrameType, event: str, arg: object) -> Callable[..., object]:
        nonlocal lines
        if event == "line":
            lines += 1
        return tracer

    sys.settrace(tracer)
    try:
        work()
    finally:
        sys.settrace(None)
    return lines


def test_a_200_user_page_costs_the_same_at_any_depth_and_grows_with_the_page_only() -> None:
    """A page is O(page): one deep in a 200,000-follower list runs no more code than the first one,
    and ten times the users cost about ten times as much (~85 lines each today)."""
    spec = NetworkSpec(
        seed=3, epoch=EPOCH, accounts=[AccountSpec(username="huge", followers=200_000, following=10)]
    )
    network = SandboxNetwork(spec)
    deep_cursor = network._encode_cursor(f"followers:{network.account('huge').index}", 1, 199_000)
    first = _lines_executed(lambda: network.follow_list_json("huge", "followers", count=200))
    deep = _lines_executed(
        lambda: network.follow_list_json("huge", "followers", max_id=deep_cursor, count=200)
    )
    small = _lines_executed(lambda: network.follow_list_json("huge", "followers", count=20))
    assert (
        len(json.loads(network.follow_list_json("huge", "followers", max_id=deep_cursor, count=200))["users"])
        == 200
    )
    assert deep <= first * 1.05
    assert first <= small * 12
    assert first <= 200 * 150
