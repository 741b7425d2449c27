"""A local stand-in of Apify's HTTP API (v2) in front of the sandbox network, for tests and the demo.

It answers what `ApifySession` asks, in Apify's shapes: `POST /v2/acts/{actor}/runs` (201, the run in
`data`), `GET /v2/actor-runs/{id}` with `waitForFinish`, `GET /v2/datasets/{id}/items` with `offset`
and `limit`, and errors as `{"error": {"type", "message"}}`. Two actors are known, with their real
input and output field names: `apify~instagram-profile-scraper` (`usernames` → profile items with
`followersCount`, `latestPosts`, …) and `apify~instagram-scraper` (`directUrls`, `resultsType=posts`,
`resultsLimit` → post items with `shortCode`, `likesCount`, …). An anonymous scraper sees no posts of
a private profile.

Knobs for tests: `token` (others get 401), `cdn_url` (the sandbox server whose CDN serves pictures),
`polls` (how many status reads a run stays RUNNING), `faults` (HTTP statuses to answer next, e.g.
[429, 500]) and `log` (method, path, monotonic time).
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from ig_sandbox.instagram.cdn import rewrite_cdn_urls
from ig_sandbox.instagram.network import SandboxNetwork

PROFILE_ACTOR = "apify~instagram-profile-scraper"
POST_ACTOR = "apify~instagram-scraper"
_TYPES = {1: "Image", 2: "Video", 8: "Sidecar"}


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _best(candidates: list[dict[str, Any]] | None) -> dict[str, Any]:
    return max(candidates or [{}], key=lambda c: c.get("width", 0) * c.get("height", 0))


def apify_post(item: dict[str, Any], username: str) -> dict[str, Any]:
    """A sandbox feed item as `apify/instagram-scraper` emits a post."""

    def media(m: dict[str, Any]) -> dict[str, Any]:
        image = _best(m.get("image_versions2", {}).get("candidates"))
        video = _best(m.get("video_versions"))
        return {
            "id": str(m["pk"]),
            "type": _TYPES.get(m.get("media_type", 1), "Image"),
            "displayUrl": image.get("url"),
            "dimensionsWidth": image.get("width"),
            "dimensionsHeight": image.get("height"),
            "videoUrl": video.get("url"),
            "videoDuration": m.get("video_duration"),
        }

    children = item.get("carousel_media") or []
    caption = (item.get("caption") or {}).get("text") or ""
    return {
        **media(
            {**item, **(children[0] if children else {}), "pk": item["pk"], "media_type": item["media_type"]}
        ),
        "shortCode": item["code"],
        "url": f"https://www.instagram.com/p/{item['code']}/",
        "caption": caption,
        "hashtags": [w[1:] for w in caption.split() if w.startswith("#")],
        "mentions": [w[1:] for w in caption.split() if w.startswith("@")],
        "commentsCount": item.get("comment_count", 0),
        "likesCount": item.get("like_count", -1),
        "videoViewCount": item.get("view_count"),
        "timestamp": _iso(item["taken_at"]),
        "productType": item.get("product_type"),
        "ownerId": str(item["user"]["pk"]),
        "ownerUsername": username,
        "childPosts": [media(c) for c in children],
        "isPinned": False,
        "isSponsored": False,
    }


def apify_profile(user: dict[str, Any], posts: list[dict[str, Any]]) -> dict[str, Any]:
    """A sandbox profile as `apify/instagram-profile-scraper` emits it."""
    return {
        "id": str(user["pk"]),
        "username": user["username"],
        "url": f"https://www.instagram.com/{user['username']}",
        "fullName": user.get("full_name"),
        "biography": user.get("biography"),
        "externalUrl": user.get("external_url") or None,
        "followersCount": user.get("follower_count"),
        "followsCount": user.get("following_count"),
        "postsCount": user.get("media_count"),
        "private": user.get("is_private"),
        "verified": user.get("is_verified"),
        "isBusinessAccount": user.get("is_business"),
        "businessCategoryName": user.get("category") or None,
        "profilePicUrl": user.get("profile_pic_url"),
        "profilePicUrlHD": (user.get("hd_profile_pic_url_info") or {}).get("url"),
        "highlightReelCount": 0,
        "igtvVideoCount": 0,
        "relatedProfiles": [],
        "latestPosts": [apify_post(p, user["username"]) for p in posts],
    }


class ApifyStandIn:
    """`with ApifyStandIn(network, token="t") as apify:` serves on loopback at `apify.url`."""

    def __init__(
        self,
        network: SandboxNetwork,
        *,
        token: str,
        cdn_url: str | None = None,
        polls: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.network = network
        #: the sandbox server whose CDN serves the pictures (as its own answers point there)
        self.cdn_url = cdn_url
        self.token = token
        self.polls = polls
        self.faults: list[int] = []
        self.log: list[tuple[str, str, float]] = []
        self.runs: dict[str, dict[str, Any]] = {}
        self.datasets: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Self:
        self._thread = threading.Thread(target=self._server.serve_forever, name="apify-stand-in", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the API --------------------------------------------------------------------------------

    def answer(
        self, method: str, path: str, query: dict[str, str], body: Any, auth: str | None
    ) -> tuple[int, Any]:
        with self._lock:
            self.log.append((method, path, time.monotonic()))
            if self.faults:
                status = self.faults.pop(0)
                return status, _error(
                    "rate-limit-exceeded" if status == 429 else "internal-error", f"injected {status}"
                )
        if auth != f"Bearer {self.token}":
            return 401, _error(
                "user-or-token-not-found", "User was not found or authentication token is not valid"
            )
        parts = path.strip("/").split("/")
        if method == "POST" and len(parts) == 4 and parts[:2] == ["v2", "acts"] and parts[3] == "runs":
            return self._start(parts[2], body)
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v2", "actor-runs"]:
            return self._status(parts[2])
        if method == "GET" and len(parts) == 4 and parts[:2] == ["v2", "datasets"] and parts[3] == "items":
            items = self.datasets.get(parts[2])
            if items is None:
                return 404, _error("record-not-found", "Dataset was not found")
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", 1000))
            return 200, items[offset : offset + limit]
        return 404, _error("page-not-found", f"no route {method} {path}")

    def _start(self, actor: str, actor_input: Any) -> tuple[int, Any]:
        if not isinstance(actor_input, dict):
            return 400, _error("invalid-input", "Input must be a JSON object")
        if actor == PROFILE_ACTOR:
            names = actor_input.get("usernames")
            if not isinstance(names, list):
                return 400, _error("invalid-input", "Input.usernames is required")
            items = [self._profile(str(n)) for n in names]
        elif actor == POST_ACTOR:
            if actor_input.get("resultsType") != "posts" or not isinstance(
                actor_input.get("directUrls"), list
            ):
                return 400, _error("invalid-input", "Input.directUrls and resultsType=posts are required")
            limit = int(actor_input.get("resultsLimit", 200))
            items = [i for url in actor_input["directUrls"] for i in self._posts(str(url), limit)]
        else:
            return 404, _error("record-not-found", f"Actor {actor} was not found")
        with self._lock:
            n = len(self.runs) + 1
            run_id, dataset_id = f"run{n:05d}", f"ds{n:05d}"
            self.datasets[dataset_id] = items
            self.runs[run_id] = {
                "id": run_id,
                "actId": actor,
                "status": "RUNNING" if self.polls else "SUCCEEDED",
                "startedAt": _iso(int(time.time())),
                "defaultDatasetId": dataset_id,
                "_polls": self.polls,
            }
            return 201, {"data": _public(self.runs[run_id])}

    def _status(self, run_id: str) -> tuple[int, Any]:
        with self._lock:
            run = self.runs.get(run_id)
            if run is None:
                return 404, _error("record-not-found", "Actor run was not found")
            run["_polls"] -= 1
            if run["_polls"] <= 0:
                run["status"] = "SUCCEEDED"
            return 200, {"data": _public(run)}

    def _profile(self, username: str) -> dict[str, Any]:
        seen = self.network.public_profile(username, posts_limit=12)
        if seen is None:
            return {"username": username, "error": "not_found", "errorDescription": "Profile does not exist"}
        return apify_profile(*seen)

    def _posts(self, url: str, limit: int) -> list[dict[str, Any]]:
        username = urlsplit(url).path.strip("/").split("/")[0]
        seen = self.network.public_profile(username, posts_limit=limit)
        if seen is None:
            return [{"url": url, "error": "not_found", "errorDescription": "Page not found"}]
        user, posts = seen
        if user["is_private"]:
            return [{"url": url, "error": "no_items", "errorDescription": "Profile is private"}]
        return [apify_post(p, user["username"]) for p in posts]


def _public(run: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in run.items() if not k.startswith("_")}


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"error": {"type": kind, "message": message}}


def _handler(stand_in: ApifyStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read `stand_in.log`
            pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                status, answer = 400, _error("invalid-input", "The body is not JSON")
            else:
                status, answer = stand_in.answer(
                    method, url.path, query, body, self.headers.get("Authorization")
                )
            data = json.dumps(answer).encode()
            if stand_in.cdn_url:
                data = rewrite_cdn_urls(data, stand_in.cdn_url)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
