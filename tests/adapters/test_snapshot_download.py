"""``registries sync ID --url U`` over a loopback server: a size cap on the decoded file, a total
deadline, redirects only within the same scheme, host and port, compressed downloads decoded, and
the URL's secrets (user info, key-like parameters) kept out of the store, evidence and messages."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from credverify.adapters.base import Query
from credverify.adapters.snapshot import sync
from credverify.cli import main
from credverify.errors import InputError
from tests.adapters.test_snapshot import ROWS, Roster, ask, roster, write
from tests.adapters.test_us_oig_leie import UPDATED
from tests.registry_server import Fault, RegistryServer, Response, compress

__all__ = ["roster"]  # the fixture, imported for these tests

SECRET_URL = "http://reader:pa55word@{host}/roster.csv?api_key=s3cret&Token=t0ken&edition=2026"
SECRETS = ("reader", "pa55word", "s3cret", "t0ken")


@pytest.fixture
def served(registry_server: RegistryServer, tmp_path: Path) -> bytes:
    body = write(tmp_path / "served.csv", "utf-8").read_bytes()
    registry_server.route("GET", "/roster.csv", lambda _: Response(200, body, "text/csv"))
    return body


def host_of(server: RegistryServer) -> str:
    return server.url.removeprefix("http://")


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_the_source_keeps_no_secret_of_the_url(
    roster: Roster, registry_server: RegistryServer, served: bytes
) -> None:
    url = SECRET_URL.format(host=host_of(registry_server))
    info = sync(roster, url=url)
    assert info.rows == len(ROWS)
    assert_no_secret(info.source)
    assert info.source.startswith(f"{registry_server.url}/roster.csv?")
    assert "edition=2026" in info.source
    evidence = ask(roster, Query(scheme="eu.eori", identifier="DE100")).evidence
    assert_no_secret(evidence[0].url)
    asked = registry_server.requests("/roster.csv")[0]
    assert asked.query["api_key"] == ["s3cret"]  # the server still gets the key it needs


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_compressed_download_is_decoded(
    roster: Roster, registry_server: RegistryServer, served: bytes, coding: str
) -> None:
    registry_server.encode_routes(coding)
    info = sync(roster, url=f"{registry_server.url}/roster.csv")
    assert info.rows == len(ROWS)


def test_a_file_over_the_cap_is_refused_and_the_old_snapshot_stays(
    roster: Roster, registry_server: RegistryServer, served: bytes, tmp_path: Path
) -> None:
    sync(roster, file=write(tmp_path / "old.csv", "utf-8", [("OLD1", "Old Ltd", "GB")]))
    with pytest.raises(InputError, match="larger than the 100 byte cap"):
        sync(roster, url=f"{registry_server.url}/roster.csv", max_bytes=100)
    assert ask(roster, Query(scheme="eu.eori", identifier="OLD1")).records


def test_a_compressed_bomb_stops_at_the_cap(
    roster: Roster, registry_server: RegistryServer
) -> None:
    squeezer = zlib.compressobj(9)
    bomb = b"".join(squeezer.compress(bytes(1 << 20)) for _ in range(64)) + squeezer.flush()
    registry_server.route(
        "GET",
        "/roster.csv",
        lambda _: Response(200, bomb, "text/csv", {"Content-Encoding": "deflate"}),
    )
    with pytest.raises(InputError, match="larger than the 1,000,000 byte cap"):
        sync(roster, url=f"{registry_server.url}/roster.csv", max_bytes=1_000_000)


def test_a_download_that_outlasts_the_deadline_is_stopped(
    roster: Roster, registry_server: RegistryServer, served: bytes
) -> None:
    registry_server.fault(Fault("drip", seconds=0.05))  # each byte well inside the read timeout
    with pytest.raises(InputError, match=r"took longer than 0\.5 s"):
        sync(roster, url=f"{registry_server.url}/roster.csv", deadline=0.5)


def test_a_same_host_redirect_is_followed(
    roster: Roster, registry_server: RegistryServer, served: bytes
) -> None:
    registry_server.route(
        "GET", "/latest", lambda _: Response(302, headers={"Location": "/roster.csv"})
    )
    assert sync(roster, url=f"{registry_server.url}/latest").rows == len(ROWS)


def test_a_redirect_to_another_host_is_refused_naming_it(
    roster: Roster, registry_server: RegistryServer
) -> None:
    elsewhere = "http://mirror.example/roster.csv?token=t0ken"
    registry_server.route(
        "GET", "/roster.csv", lambda _: Response(302, headers={"Location": elsewhere})
    )
    with pytest.raises(InputError, match="to another host") as caught:
        sync(roster, url=SECRET_URL.format(host=host_of(registry_server)))
    assert "http://mirror.example/roster.csv" in str(caught.value)
    assert_no_secret(str(caught.value))


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (Response(404, b"gone", "text/plain"), "HTTP 404"),
        (Response(200, b"garbage", "text/csv", {"Content-Encoding": "gzip"}), "corrupt"),
    ],
)
def test_a_failed_download_says_why_without_secrets(
    roster: Roster, registry_server: RegistryServer, answer: Response, words: str
) -> None:
    registry_server.route("GET", "/roster.csv", lambda _: answer)
    with pytest.raises(InputError, match=words) as caught:
        sync(roster, url=SECRET_URL.format(host=host_of(registry_server)))
    assert_no_secret(str(caught.value))


def test_the_cli_never_shows_the_urls_secrets(
    registry_server: RegistryServer, capsys: pytest.CaptureFixture[str]
) -> None:
    body = compress(UPDATED.read_bytes(), "gzip")
    registry_server.route(
        "GET",
        "/roster.csv",
        lambda _: Response(200, body, "text/csv", {"Content-Encoding": "gzip"}),
    )
    url = SECRET_URL.format(host=host_of(registry_server))
    for args in (["registries", "sync", "us.oig.leie", "--url", url], ["registries", "list"]):
        with pytest.raises(SystemExit) as done:
            main([*args, "--json"] if args[1] == "list" else args)
        assert done.value.code in (0, None)
    out, err = capsys.readouterr()
    assert "30 rows" in out
    assert_no_secret(out + err)
    (leie,) = [row for row in json.loads(out[out.index("[") :]) if row["id"] == "us.oig.leie"]
    assert leie["snapshot"]["source"].startswith(f"{registry_server.url}/roster.csv?")
