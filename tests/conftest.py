"""Shared test set-up: tests never touch the network beyond 127.0.0.1, nor the user's own
credverify home or configuration."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.registry_server import RegistryServer

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LIVE = os.environ.get("CREDVERIFY_LIVE") == "1"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDVERIFY_HOME", str(tmp_path / "credverify-home"))
    monkeypatch.delenv("CREDVERIFY_REGISTRIES", raising=False)
    monkeypatch.delenv("CREDVERIFY_CONFIG", raising=False)
    for name in list(os.environ):
        if name.startswith("CREDVERIFY_") and name.endswith("_URL"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any request to a host outside the loopback range (live tests excepted)."""
    if LIVE:
        return
    original = httpx.AsyncHTTPTransport.handle_async_request

    async def guarded(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> Any:
        if request.url.host not in LOOPBACK:
            raise AssertionError(f"a test tried to reach {request.url.host}: loopback only")
        return await original(self, request)

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", guarded)


@pytest.fixture
def registry_server() -> Iterator[RegistryServer]:
    with RegistryServer() as server:
        yield server
