"""Every adapter keeps the contract: declared, registered, documented, configurable, small."""

from __future__ import annotations

import inspect
import sys
import warnings
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from credverify.adapters import base
from credverify.adapters.base import Adapter, AdapterKind, available, base_url_env
from credverify.adapters.http import Http
from credverify.knowledge import load

ADAPTERS = sorted(available().items())


def test_the_design_adapters_that_exist_are_registered() -> None:
    assert {"gb.hmrc.eori", "eu.eos.eori", "eu.eos.aeo", "us.nppes.npi"} <= set(available())


@pytest.mark.parametrize(("adapter_id", "cls"), ADAPTERS)
def test_an_adapter_declares_what_it_is(adapter_id: str, cls: type[Adapter]) -> None:
    kb = load()
    assert cls.id == adapter_id
    assert isinstance(cls.kind, AdapterKind)
    assert cls.schemes
    for scheme in cls.schemes:
        kb.scheme(scheme)  # raises for an unknown scheme
    assert cls.default_base_url.startswith("https://")
    assert cls.rate_limit > 0
    assert cls.concurrency >= 1
    assert cls.cache_ttl.total_seconds() > 0
    assert inspect.iscoroutinefunction(cls.lookup)


@pytest.mark.parametrize(("adapter_id", "cls"), ADAPTERS)
def test_an_adapter_module_is_small_and_names_its_source(
    adapter_id: str, cls: type[Adapter]
) -> None:
    module = sys.modules[cls.__module__]
    assert module.__doc__ is not None
    first_line = module.__doc__.strip().splitlines()[0]
    assert "http" in module.__doc__, f"{adapter_id}: the docstring names no source URL"
    assert len(first_line) > 20
    lines = Path(inspect.getfile(module)).read_text(encoding="utf-8").count("\n")
    assert lines <= 260, f"{adapter_id}: {lines} lines; split the parser out"


@pytest.mark.parametrize(("adapter_id", "cls"), ADAPTERS)
def test_an_adapter_base_url_is_configurable(
    adapter_id: str, cls: type[Adapter], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    http = Http()
    assert cls(http).base_url == cls.default_base_url.rstrip("/")
    config = tmp_path / "config.toml"
    config.write_text(f'[adapters."{adapter_id}"]\nurl = "http://127.0.0.1:8001/"\n')
    monkeypatch.setenv("CREDVERIFY_CONFIG", str(config))
    assert cls(http).base_url == "http://127.0.0.1:8001"
    monkeypatch.setenv(base_url_env(adapter_id), "http://127.0.0.1:8002")
    assert cls(http).base_url == "http://127.0.0.1:8002"
    assert cls(http, base_url="http://127.0.0.1:8003").base_url == "http://127.0.0.1:8003"


def test_the_env_var_name_follows_the_adapter_id() -> None:
    assert base_url_env("gb.hmrc.eori") == "CREDVERIFY_GB_HMRC_EORI_URL"
    assert base_url_env("us.nppes.npi") == "CREDVERIFY_US_NPPES_NPI_URL"


def test_a_broken_plugin_warns_and_never_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = EntryPoint(name="broken", value="no_such_module:Nothing", group="credverify.adapters")
    monkeypatch.setattr(base, "entry_points", lambda group: [broken])
    base.plugins.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            adapters = base.available()
        assert "gb.hmrc.eori" in adapters
        assert any("broken" in str(w.message) for w in caught)
    finally:
        base.plugins.cache_clear()


# The one lookup flow: the base owns it, every adapter only asks and reads.
FLOW = ("lookup", "lookup_many", "admit", "read", "checked", "send", "settle", "layout_changed")


@pytest.mark.parametrize(("adapter_id", "cls"), ADAPTERS)
def test_an_adapter_implements_parse_and_never_the_flow(
    adapter_id: str, cls: type[Adapter]
) -> None:
    assert not inspect.isabstract(cls), f"{adapter_id} leaves {cls.__abstractmethods__} open"
    assert cls.parse is not Adapter.parse
    overridden = [
        name
        for name in FLOW
        for klass in cls.__mro__
        if name in vars(klass) and klass not in (Adapter, base.BatchAdapter)
        and klass.__module__ != "credverify.adapters.base"
    ]  # fmt: skip
    assert overridden == [], f"{adapter_id} re-implements the lookup flow: {overridden}"
