"""Stories and highlights end to end: the real `WebApiClient` (httpx) against the sandbox server on
loopback: tray -> reels_media (same items, chunked requests), highlights, the `post_story` mutation,
and the CDN's story pictures (JPEG) and videos (mp4)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator

import cv2
import httpx
import numpy as np
import pytest

from ig_resources.instagram import (
    NotFoundError,
    PrivateAccountError,
    RateLimitedError,
    StoryTray,
    WebApiClient,
    parse_cookie_file,
    reels_from_mobile,
)
from ig_sandbox.instagram import (
    ENDPOINT_KINDS,
    AccountSpec,
    Fault,
    NetworkSpec,
    SandboxNetwork,
    SandboxServer,
)
from ig_sandbox.instagram.cdn import decode_post_name, decode_story_name, story_file_stem

from .conftest import EPOCH, SMALL_SPEC

ClientFactory = Callable[..., httpx.Client]


def web_client(server: SandboxServer, account: str) -> WebApiClient:
    session = parse_cookie_file(server.network.cookie_file(account))
    return WebApiClient(session, api_base_url=server.url, web_base_url=server.url)


@pytest.fixture
def client(server: SandboxServer) -> Iterator[WebApiClient]:
    with web_client(server, "alpha_shop") as c:
        yield c


# -- tray -> reels_media -------------------------------------------------------------------------------


def test_reels_media_gives_the_tray_items_and_the_rest(server: SandboxServer, client: WebApiClient) -> None:
    tray = client.story_tray()
    pks = [r.user.ig_user_id for r in tray.tray]
    reels = client.reels_media(pks)
    assert list(reels) == pks
    assert client.requests["reels_media"] == server.request_counts["reels_media"] == 1
    with_items = [r for r in tray.tray if r.items is not None]
    assert len(with_items) == 3
    assert len(tray.tray) == 9
    for entry in tray.tray:
        reel = reels[entry.user.ig_user_id]
        assert reel.user.ig_user_id == reel.id == entry.user.ig_user_id
        assert reel.user.username == entry.user.username
        assert len(reel.items) == reel.media_count == entry.media_count
        assert reel.latest_reel_media == entry.latest_reel_media
        assert reel.items[-1].taken_at.timestamp() == entry.latest_reel_media
        assert all(i.owner_ig_user_id == entry.user.ig_user_id and i.image_url for i in reel.items)
        assert all(i.video_url for i in reel.items if i.is_video)
        if entry.items is not None:
            # The very same items: pks, times, URLs, raw records.
            assert entry.story_items() == reel.items


def test_users_outside_the_tray_get_no_reel(network: SandboxNetwork, client: WebApiClient) -> None:
    tray_ig_user_ids = {r.user.ig_user_id for r in client.story_tray().tray}
    followed = next(str(pk) for pk in network.following_of("alpha_shop") if str(pk) not in tray_ig_user_ids)
    stranger = str(network.universe.pk(network.strangers_start))
    reels = client.reels_media([followed, stranger, sorted(tray_ig_user_ids)[0]])
    assert list(reels) == [sorted(tray_ig_user_ids)[0]]
    assert client.reels_media([]) == {}
    assert client.requests["reels_media"] == 1
    with pytest.raises(ValueError, match="ig_user_id must be a numeric"):
        client.reels_media(["12; DROP"])


def test_more_than_twenty_users_are_asked_twenty_at_a_time() -> None:
    spec = NetworkSpec(
        seed=5,
        epoch=EPOCH,
        accounts=[AccountSpec(username="wide.tray", followers=80, following=120, tray_reels=45)],
    )
    with SandboxServer(SandboxNetwork(spec)) as server, web_client(server, "wide.tray") as client:
        tray = client.story_tray()
        pks = [r.user.ig_user_id for r in tray.tray]
        assert len(pks) == 45
        reels = client.reels_media(pks)
        assert set(reels) == set(pks)
        assert all(len(reels[r.user.ig_user_id].items) == r.media_count for r in tray.tray)
        assert client.requests["reels_media"] == server.request_counts["reels_media"] == 3  # 20 + 20 + 5


def test_reels_media_answers_every_way_the_clients_ask(
    network: SandboxNetwork, client_for: ClientFactory, load_fixture, assert_same_shape
) -> None:
    http = client_for("alpha_shop")
    csrf = network.session_cookies("alpha_shop")["csrftoken"]
    pks = [str(e["id"]) for e in network.reels_tray("alpha_shop")["tray"]][:4]
    signed = {"signed_body": "SIGNATURE." + json.dumps({"user_ids": pks, "source": "feed_timeline"})}
    answers = [
        http.post("/api/v1/feed/reels_media/", data=signed, headers={"X-CSRFToken": csrf}),
        http.post(
            "/api/v1/feed/reels_media/",
            data={"user_ids": json.dumps(pks)},
            headers={"X-CSRFToken": csrf},
        ),
        http.post("/api/v1/feed/reels_media/", json={"reel_ids": pks}, headers={"X-CSRFToken": csrf}),
        http.get("/api/v1/feed/reels_media/", params=[("reel_ids", pk) for pk in pks]),
        http.get("/api/v1/feed/reels_media/", params={"reel_ids": ",".join(pks)}),
    ]
    assert [a.status_code for a in answers] == [200] * 5
    assert len({a.content for a in answers}) == 1
    body = answers[0].json()
    assert list(body["reels"]) == pks
    assert [r["id"] for r in body["reels_media"]] == [int(pk) for pk in pks]
    # The captured mobile shape (what its reels all have). Item `pk`/`device_timestamp` are text because
    # they are the tray's own items, whose capture (reels_tray__instagram-clone.json) has them as text.
    real = load_fixture("feed_reels_media__instagramkit.json")
    ignore = {"$.reels_media[].items[].pk", "$.reels_media[].items[].device_timestamp"}
    assert_same_shape({"reels_media": list(real["reels"].values()), "status": "ok"}, body, ignore=ignore)
    assert http.post("/api/v1/feed/reels_media/", data=signed).status_code == 403  # no CSRF header
    too_many = http.get("/api/v1/feed/reels_media/", params=[("reel_ids", str(n)) for n in range(51)])
    assert too_many.status_code == 400
    assert too_many.json()["status"] == "fail"
    assert http.get("/api/v1/feed/reels_media/").status_code == 400


# -- highlights ----------------------------------------------------------------------------------------


def test_highlights_come_with_their_items(
    network: SandboxNetwork, server: SandboxServer, client: WebApiClient
) -> None:
    viewer = network.account("alpha_shop")
    following = list(network.following_of("alpha_shop"))
    owner = next(pk for pk in following[:80] if len(network.highlights_tray(viewer, pk)[1]["tray"]) >= 3)
    folders = client.highlight_reels(str(owner))
    assert len(folders) >= 3
    assert client.requests == {"highlights": 1, "reels_media": 1}
    for folder in folders:
        assert folder.is_highlight
        assert folder.id.removeprefix("highlight:").isdigit()
        assert folder.title
        assert folder.user.ig_user_id == str(owner)
        assert folder.created_at is not None
        assert len(folder.items) == folder.media_count >= 1
        assert all(i.owner_ig_user_id == str(owner) and i.taken_at < folder.created_at for i in folder.items)
    assert client.highlight_reels(str(owner)) == folders  # deterministic
    # Instagram leaves out what the viewer may not see: other people's reels keep to their owners.
    body = httpx.get(
        f"{server.url}/api/v1/feed/reels_media/",
        params=[("reel_ids", folders[0].id), ("reel_ids", "highlight:1")],
        headers={"X-IG-App-ID": "936619743392459"},
        cookies=network.session_cookies("alpha_shop"),
    ).json()
    assert list(reels_from_mobile(body)) == [folders[0].id]


def test_highlights_of_private_and_missing_people(network: SandboxNetwork, client: WebApiClient) -> None:
    acct = network.account("alpha_shop")
    private = next(
        u
        for u in range(network.strangers_start, network.universe.total)
        if network.universe.summary(u)["is_private"] and not acct.following.is_member(u)
    )
    with pytest.raises(PrivateAccountError):
        client.highlight_reels(str(network.universe.pk(private)))
    with pytest.raises(NotFoundError):
        client.highlight_reels("1")


def test_faults_know_the_story_routes(server: SandboxServer, client: WebApiClient) -> None:
    assert {"reels_media", "highlights"} <= set(ENDPOINT_KINDS)
    pks = [r.user.ig_user_id for r in client.story_tray().tray]
    server.faults.add(Fault("truncated_list", endpoint="reels_media", times=1))
    assert len(client.reels_media(pks)) == len(pks) // 2
    server.faults.add(Fault("rate_limit_429", endpoint="highlights", times=1))
    with pytest.raises(RateLimitedError):
        client.highlight_reels(pks[0])


# -- post_story ----------------------------------------------------------------------------------------


def test_post_story_moves_the_poster_to_the_front(
    network: SandboxNetwork, server: SandboxServer, client: WebApiClient, client_for: ClientFactory, tmp_path
) -> None:
    http = client_for("alpha_shop")
    before_bytes = http.get("/api/v1/feed/reels_tray/").content
    assert http.get("/api/v1/feed/reels_tray/").content == before_bytes  # no change, same bytes
    before = StoryTray.model_validate_json(before_bytes)
    poster = before.tray[5]  # far down the tray: its items are not in the tray body
    answer = httpx.post(
        f"{server.url}/__sandbox__/mutate",
        json={"op": "post_story", "account": "alpha_shop", "username": poster.user.username},
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()["result"]
    assert result["user"] == {"pk": int(poster.user.ig_user_id), "username": poster.user.username}
    after_bytes = http.get("/api/v1/feed/reels_tray/").content
    assert after_bytes != before_bytes
    assert http.get("/api/v1/feed/reels_tray/").content == after_bytes
    after = StoryTray.model_validate_json(after_bytes)
    front = after.tray[0]
    assert front.user.ig_user_id == poster.user.ig_user_id
    assert front.seen == 0
    newest_before = max(r.latest_reel_media or 0 for r in before.tray)
    assert front.latest_reel_media == result["latest_reel_media"] > newest_before
    assert front.media_count == result["media_count"] == (poster.media_count or 0) + 1
    items = front.story_items()
    assert len(items) == front.media_count
    assert items[-1].pk == result["media_id"]
    others = [r.user.ig_user_id for r in before.tray if r.user.ig_user_id != poster.user.ig_user_id]
    assert [r.user.ig_user_id for r in after.tray[1:]] == others
    reel = client.reels_media([poster.user.ig_user_id])[poster.user.ig_user_id]
    assert reel.items == items
    # A second post by a deterministic pick; both survive a save and a reload of the state.
    picked = network.post_story("alpha_shop")
    assert network.account("alpha_shop").following.is_member(network.find_user(picked["user"]["pk"]))
    tray_now = json.dumps(network.reels_tray("alpha_shop"))
    assert network.reels_tray("alpha_shop")["tray"][0]["id"] == picked["user"]["pk"]
    state_file = network.save_state(tmp_path / "state.json")
    reloaded = SandboxNetwork.open(SMALL_SPEC, state_file)
    assert json.dumps(reloaded.reels_tray("alpha_shop")) == tray_now
    assert json.dumps(SandboxNetwork(SMALL_SPEC).reels_tray("alpha_shop")) != tray_now


def test_post_story_needs_someone_the_account_follows(network: SandboxNetwork, server: SandboxServer) -> None:
    stranger = network.universe.username(network.strangers_start)
    refused = httpx.post(
        f"{server.url}/__sandbox__/mutate",
        json={"op": "post_story", "account": "alpha_shop", "username": stranger},
    )
    assert refused.status_code == 400
    assert "does not follow" in refused.json()["message"]
    assert httpx.post(f"{server.url}/__sandbox__/mutate", json={"op": "post_story"}).status_code == 400


# -- the CDN -------------------------------------------------------------------------------------------


def test_story_files_are_real_pictures_and_videos(server: SandboxServer, client: WebApiClient) -> None:
    reels = client.reels_media([r.user.ig_user_id for r in client.story_tray().tray])
    items = [i for r in reels.values() for i in r.items]
    picture = next(i for i in items if not i.is_video)
    video = next(i for i in items if i.is_video)
    with httpx.Client(timeout=30) as cdn:
        first = cdn.get(picture.image_url or "")
        assert first.status_code == 200
        assert first.headers["content-type"] == "image/jpeg"
        assert cdn.get(picture.image_url or "").content == first.content  # same URL, same bytes
        image = cv2.imdecode(np.frombuffer(first.content, np.uint8), cv2.IMREAD_COLOR)
        assert image is not None
        assert image.shape == (1280, 720, 3)
        clip = cdn.get(video.video_url or "")
        assert clip.status_code == 200
        assert clip.headers["content-type"] == "video/mp4"
        assert cdn.get(video.video_url or "").content == clip.content
        cover = cdn.get(video.image_url or "")
        assert cover.headers["content-type"] == "image/jpeg"
        avatar = cdn.get(reels[video.owner_ig_user_id or ""].user.profile_pic_url or "")
        assert avatar.headers["content-type"] == "image/png"  # everything else stays an identicon
    with tempfile.NamedTemporaryFile(suffix=".mp4") as handle:
        handle.write(clip.content)
        handle.flush()
        capture = cv2.VideoCapture(handle.name)
        frames = 0
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            frames += 1
            assert frame.shape == (640, 360, 3)
        capture.release()
    assert frames >= 10


def test_story_file_names_carry_owner_and_item() -> None:
    stem = story_file_stem(13320596140, 2336332851137925320)
    assert decode_story_name(f"{stem}.jpg") == (13320596140, 2336332851137925320, "jpg")
    assert decode_story_name(f"{stem}.mp4") == (13320596140, 2336332851137925320, "mp4")
    parts = stem.split("_")
    assert len(parts) == 4
    assert parts[-1] == "n"
    assert all(p.isdigit() for p in parts[:3])
    forged = f"{parts[0]}_{parts[1]}_{int(parts[2]) + 1}_n.jpg"  # another item under the same check
    assert decode_story_name(forged) is None
    assert decode_story_name("94483183_110315820475537_345149024884223286_n.jpg") is None  # a post or avatar


def test_about_half_the_post_photos_show_their_owner(
    network: SandboxNetwork, server: SandboxServer, client: WebApiClient
) -> None:
    me = client.current_user()
    people = [u for page in client.iter_following(me.ig_user_id) for u in page.users if not u.is_private][:12]
    first_pages = [next(iter(client.iter_user_feed(person.ig_user_id))) for person in people]
    photos = [post for page in first_pages for post in page.items if post.media_type == 1]
    of_owner = [p for p in photos if decode_post_name((p.image_url or "").split("?")[0].rsplit("/", 1)[-1])]
    assert 0.3 < len(of_owner) / len(photos) < 0.7
    with httpx.Client(timeout=30) as cdn:
        post = of_owner[0]
        answer = cdn.get(post.image_url or "")
        assert answer.headers["content-type"] == "image/jpeg"
        image = cv2.imdecode(np.frombuffer(answer.content, np.uint8), cv2.IMREAD_COLOR)
        assert image is not None
        assert image.shape == (900, 720, 3)
        other = next(p for p in photos if p not in of_owner)
        assert cdn.get(other.image_url or "").headers["content-type"] == "image/png"
    name = (post.image_url or "").split("?")[0].rsplit("/", 1)[-1]
    assert decode_post_name(name) == (int(post.owner_ig_user_id or 0), int(post.pk), "jpg")
    assert decode_story_name(name) is None  # a post photo is never read as a story file
