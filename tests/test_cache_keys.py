"""A cached answer is served only for what decided it: the same adapter, parser version, endpoint
and request, and no older than ``--max-age``; ``--refresh`` asks again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from credverify.adapters.gb_hmrc import HmrcEoriAdapter
from credverify.cli import main
from credverify.errors import InputError
from credverify.records import CheckStatus
from credverify.verifier import Verifier
from tests.adapters import test_gb_hmrc
from tests.registry_server import RegistryServer

SUPPLIERS = str(Path(__file__).resolve().parent.parent / "examples" / "suppliers.csv")


def asked(server: RegistryServer) -> int:
    return len(server.requests(test_gb_hmrc.PATH))


def test_a_sandbox_answer_is_never_served_for_production() -> None:
    with RegistryServer() as sandbox, RegistryServer() as production:
        claim = test_gb_hmrc.serve_happy(sandbox)
        test_gb_hmrc.serve_happy(production)

        from_sandbox = Verifier(base_urls={"gb.hmrc.eori": sandbox.url}).verify(claim)
        from_production = Verifier(base_urls={"gb.hmrc.eori": production.url}).verify(claim)
        again = Verifier(base_urls={"gb.hmrc.eori": production.url}).verify(claim)

    assert (asked(sandbox), asked(production)) == (1, 1), "one request to each endpoint"
    assert from_sandbox.status is from_production.status is CheckStatus.VERIFIED
    assert not from_production.from_cache
    assert again.from_cache, "the same endpoint answers from the cache"


def test_a_new_parser_version_asks_again(
    registry_server: RegistryServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = test_gb_hmrc.serve_happy(registry_server)
    urls = {"gb.hmrc.eori": registry_server.url}
    Verifier(base_urls=urls).verify(claim)
    monkeypatch.setattr(HmrcEoriAdapter, "parser_version", HmrcEoriAdapter.parser_version + 1)

    check = Verifier(base_urls=urls).verify(claim)

    assert asked(registry_server) == 2
    assert not check.from_cache


def test_refresh_asks_again_and_the_new_answer_is_cached(registry_server: RegistryServer) -> None:
    claim = test_gb_hmrc.serve_happy(registry_server)
    urls = {"gb.hmrc.eori": registry_server.url}
    Verifier(base_urls=urls).verify(claim)

    refreshed = Verifier(base_urls=urls, refresh=True).verify(claim)
    cached = Verifier(base_urls=urls).verify(claim)

    assert asked(registry_server) == 2
    assert not refreshed.from_cache
    assert cached.from_cache
    assert cached.checked_at == refreshed.checked_at, "the refreshed answer is the one cached"


def test_max_age_refuses_an_older_answer_online_and_offline(
    registry_server: RegistryServer,
) -> None:
    claim = test_gb_hmrc.serve_happy(registry_server)
    urls = {"gb.hmrc.eori": registry_server.url}
    Verifier(base_urls=urls).verify(claim)
    tiny = timedelta(microseconds=1)

    offline = Verifier(base_urls=urls, offline=True, max_age=tiny).verify(claim)
    online = Verifier(base_urls=urls, max_age=tiny).verify(claim)
    generous = Verifier(base_urls=urls, offline=True, max_age=timedelta(days=1)).verify(claim)

    assert offline.status is CheckStatus.UNVERIFIABLE
    assert "no cached evidence younger than" in offline.reason
    assert not online.from_cache
    assert asked(registry_server) == 2
    assert generous.from_cache
    assert generous.status is CheckStatus.VERIFIED


def test_refresh_offline_is_a_usage_error_in_the_library() -> None:
    with pytest.raises(InputError, match="--refresh"):
        Verifier(offline=True, refresh=True)
    with pytest.raises(InputError, match="--refresh"):
        Verifier(demo=True, refresh=True)


@pytest.mark.parametrize("command", ["lookup", "batch"])
@pytest.mark.parametrize("bad", ["12", "soon", "-3h", "0d", "1.5h", "12 parsecs"])
def test_a_bad_max_age_is_one_line_and_exit_2(
    command: str, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = "GB100200300000" if command == "lookup" else SUPPLIERS
    with pytest.raises(SystemExit) as done:
        main([command, target, "--offline", "--max-age", bad])
    assert done.value.code == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0
    assert "--max-age" in error
    assert "30m, 12h, 7d" in error


@pytest.mark.parametrize("command", ["lookup", "batch"])
@pytest.mark.parametrize("mode", ["--offline", "--demo"])
def test_refresh_offline_is_a_usage_error_at_the_cli(
    command: str, mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = "GB100200300000" if command == "lookup" else SUPPLIERS
    with pytest.raises(SystemExit) as done:
        main([command, target, mode, "--refresh"])
    assert done.value.code == 2
    assert "--refresh" in capsys.readouterr().err


def test_lookup_with_max_age_and_refresh_from_the_cli(
    registry_server: RegistryServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    test_gb_hmrc.serve_happy(registry_server)
    monkeypatch.setenv("CREDVERIFY_GB_HMRC_EORI_URL", registry_server.url)
    lookup = ["lookup", test_gb_hmrc.WITH_NAME, "--json"]

    for extra in ([], ["--max-age", "12h"], ["--refresh"], ["--max-age", "7d"]):
        with pytest.raises(SystemExit) as done:
            main([*lookup, *extra])
        assert done.value.code in (0, None), capsys.readouterr().err
    capsys.readouterr()

    assert asked(registry_server) == 2, "asked first, then only for --refresh"
