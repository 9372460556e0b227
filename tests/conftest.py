"""Shared test set-up: tests never touch the network or the user's own credverify home."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDVERIFY_HOME", str(tmp_path / "credverify-home"))
    monkeypatch.delenv("CREDVERIFY_REGISTRIES", raising=False)
