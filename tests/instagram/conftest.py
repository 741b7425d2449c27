from __future__ import annotations

from collections.abc import Iterator

import pytest

from ig_resources.instagram.session import SessionCookies
from tests.instagram.ig_stub_server import StubServer
from tests.instagram.ig_test_support import make_session


@pytest.fixture
def session() -> SessionCookies:
    return make_session()


@pytest.fixture
def stub() -> Iterator[StubServer]:
    server = StubServer().start()
    try:
        yield server
    finally:
        server.stop()
