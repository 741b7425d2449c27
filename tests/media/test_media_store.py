"""The content-addressed media store against a real HTTP server on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ig_resources.media import MediaRejectedError, MediaStore, sniff_content_type
from ig_resources.urls import url_fingerprint
from ig_sandbox.instagram.cdn import picture_png

PNG = picture_png("/v/t51/1_2_3_n.jpg")
# path -> (status, content type, body)
ROUTES = {
    "/pic.jpg": (200, "image/png", PNG),
    "/same-again.jpg": (200, "image/png", PNG),
    "/html.jpg": (200, "image/jpeg", b"<html>not an image</html>"),
    "/text": (200, "text/html", b"<html></html>"),
    "/big.jpg": (200, "image/png", PNG + b"\0" * 5000),
    "/gone.jpg": (403, "text/plain", b"URL signature expired"),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, ctype, body = ROUTES.get(self.path.split("?")[0], (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def cdn() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def store(tmp_path: Path, **kw: object) -> MediaStore:
    return MediaStore(root=str(tmp_path), trusted_hosts=["127.0.0.1"], **kw)  # type: ignore[arg-type]


def test_bytes_are_stored_once_under_their_hash(cdn: str, tmp_path: Path) -> None:
    with store(tmp_path).downloader() as d:
        first = d.fetch(f"{cdn}/pic.jpg?oh=1")
        second = d.fetch(f"{cdn}/same-again.jpg")
    assert first.sha256 == second.sha256
    assert not first.existed
    assert second.existed
    assert first.content_type == "image/png"
    assert first.path.suffix == ".png"
    assert first.path == tmp_path / first.sha256[:2] / first.sha256[2:4] / f"{first.sha256}.png"
    assert first.path.read_bytes() == PNG
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [first.path]  # no temp files left


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/html.jpg", "content_type"),
        ("/text", "content_type"),
        ("/big.jpg", "too_large"),
        ("/gone.jpg", "http_error"),
    ],
)
def test_refusals_name_their_reason_and_leave_nothing(
    cdn: str, tmp_path: Path, path: str, reason: str
) -> None:
    with (
        store(tmp_path, max_bytes=len(PNG) + 100).downloader() as d,
        pytest.raises(MediaRejectedError) as err,
    ):
        d.fetch(cdn + path)
    assert err.value.reason == reason
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_only_trusted_hosts(tmp_path: Path) -> None:
    with MediaStore(root=str(tmp_path)).downloader() as d, pytest.raises(MediaRejectedError) as err:
        d.fetch("http://169.254.169.254/latest/meta-data")
    assert err.value.reason == "untrusted_host"
    assert d.downloads == 0


def test_fingerprint_ignores_signature_host_and_size() -> None:
    a = "https://scontent-lhr8-1.cdninstagram.com/v/t51.2885-19/s150x150/123_456_n.jpg?oh=1&oe=2&_nc_ht=x"
    b = "https://scontent-ams4-1.cdninstagram.com/v/t51.2885-19/s320x320/123_456_n.jpg?oh=9&oe=8"
    c = "https://scontent-lhr8-1.cdninstagram.com/v/t51.2885-19/s150x150/999_456_n.jpg?oh=1&oe=2"
    assert url_fingerprint(a) == url_fingerprint(b) != url_fingerprint(c)
    assert url_fingerprint(None) is None
    assert url_fingerprint("https://x.com/") is None


def test_sniffing() -> None:
    assert sniff_content_type(PNG[:16]) == "image/png"
    assert sniff_content_type(b"\xff\xd8\xff\xe0" + b"\0" * 12) == "image/jpeg"
    assert sniff_content_type(b"\0\0\0\x18ftypmp42" + b"\0" * 4) == "video/mp4"
    assert sniff_content_type(b"<html>") is None
