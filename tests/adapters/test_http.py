"""The shared HTTP policy over real sockets: faults, retries, Retry-After, limits, evidence."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from credverify.adapters.base import Adapter, AdapterKind, Answer, Query, Request
from credverify.adapters.http import USER_AGENT, Exchange, Http, redact
from credverify.errors import (
    LayoutChanged,
    LookupFailed,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
)
from tests.registry_server import Fault, RegistryServer, Response

BODY = b'{"ok": true}'


class Probe(Adapter):
    """A minimal adapter for exercising the policy (not registered)."""

    id = "test.probe"
    name = "Probe"
    schemes = ("eu.eori",)
    kind = AdapterKind.API
    default_base_url = "http://127.0.0.1:9"
    rate_limit = 1000.0
    concurrency = 8

    def request(self, query: Query) -> Request:
        return Request("/probe")

    def parse(self, exchange: Exchange, query: Query) -> Answer:
        return Answer(records=(), evidence=(exchange.evidence,), no_result="probe answered")


def fast_http(**overrides: object) -> Http:
    settings: dict[str, object] = {
        "timeout": httpx.Timeout(0.5, connect=0.5),
        "attempts": 3,
        "backoff": 0.01,
        "max_backoff": 0.05,
    }
    settings.update(overrides)
    return Http(**settings)  # type: ignore[arg-type]


@pytest.fixture
def server(registry_server: RegistryServer) -> RegistryServer:
    registry_server.route("GET", "/probe", lambda _: Response(200, BODY))
    return registry_server


def run_probe(server: RegistryServer, http: Http | None = None) -> Answer:
    async def go() -> Answer:
        policy = http or fast_http()
        try:
            return await Probe(policy, base_url=server.url).lookup(Query(scheme="eu.eori"))
        finally:
            await policy.aclose()

    return asyncio.run(go())


def test_an_answer_carries_evidence_of_the_exchange(server: RegistryServer) -> None:
    answer = run_probe(server)
    evidence = answer.evidence[0]
    assert evidence.sha256 == hashlib.sha256(BODY).hexdigest()
    assert evidence.status_code == 200
    assert evidence.method == "GET"
    assert evidence.url == f"{server.url}/probe"
    assert evidence.media_type == "application/json"
    assert evidence.retrieved_at.tzinfo is not None
    assert server.requests()[0].headers["user-agent"] == USER_AGENT


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        (Fault("hang", seconds=1.5), RegistryTimeout, "timeout"),
        (Fault("reset"), RegistryUnavailable, "connection"),
        (Fault("status", Response(500, b"oops", "text/plain")), RegistryUnavailable, "500"),
        (Fault("status", Response(503, b"down", "text/plain")), RegistryUnavailable, "503"),
        (Fault("truncate"), RegistryUnavailable, "truncated"),
    ],
)
def test_a_fault_that_persists_fails_after_every_retry(
    server: RegistryServer, fault: Fault, error: type[LookupFailed], words: str
) -> None:
    server.fault(fault, times=3)
    with pytest.raises(error, match=words) as caught:
        run_probe(server)
    assert "after 3 attempts" in str(caught.value)
    assert len(server.requests("/probe")) == 3


def test_a_passing_fault_is_retried_away(server: RegistryServer) -> None:
    server.fault(Fault("status", Response(503, b"down", "text/plain")), times=2)
    answer = run_probe(server)
    assert answer.evidence[0].status_code == 200
    assert len(server.requests("/probe")) == 3


def test_a_client_error_is_not_retried(server: RegistryServer) -> None:
    server.fault(Fault("status", Response(400, b"bad", "text/plain")))
    with pytest.raises(RegistryUnavailable, match="400") as caught:
        run_probe(server)
    assert len(server.requests("/probe")) == 1
    assert caught.value.evidence  # the 400 page is kept as evidence


def test_a_missing_endpoint_is_a_layout_change(server: RegistryServer) -> None:
    server.fault(Fault("status", Response(404, b"gone", "text/plain")))
    with pytest.raises(LayoutChanged):
        run_probe(server)


def test_retry_after_in_seconds_is_honoured(server: RegistryServer) -> None:
    server.fault(Fault("status", Response(429, b"slow down", "text/plain", {"Retry-After": "2"})))
    run_probe(server)
    first, second = server.requests("/probe")
    assert second.at - first.at >= 1.9  # retried after about 2 s, not before


def test_retry_after_as_a_date_is_honoured(server: RegistryServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    server.fault(Fault("status", Response(503, b"later", "text/plain", {"Retry-After": when})))
    run_probe(server)
    first, second = server.requests("/probe")
    assert second.at - first.at >= 0.9  # the date has one-second resolution


def test_a_retry_after_beyond_the_budget_gives_up_at_once(server: RegistryServer) -> None:
    server.fault(Fault("status", Response(429, b"", "text/plain", {"Retry-After": "3600"})))
    with pytest.raises(RateLimited, match="3600"):
        run_probe(server)
    assert len(server.requests("/probe")) == 1


def test_a_body_over_the_limit_is_refused(server: RegistryServer) -> None:
    with pytest.raises(LookupFailed, match="limit"):
        run_probe(server, fast_http(max_body=4))


def test_a_slow_drip_body_hits_the_deadline(server: RegistryServer) -> None:
    server.fault(Fault("drip", seconds=0.2), times=3)
    with pytest.raises(RegistryTimeout, match="no complete answer"):
        run_probe(server, fast_http(deadline=1.0, attempts=1))


def test_offline_sends_nothing(server: RegistryServer) -> None:
    with pytest.raises(RegistryUnavailable, match="offline"):
        run_probe(server, fast_http(offline=True))
    assert server.requests() == []


def test_the_concurrency_cap_is_respected(registry_server: RegistryServer) -> None:
    in_flight = 0
    peak = 0

    def slow(_: object) -> Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        import time

        time.sleep(0.05)
        in_flight -= 1
        return Response(200, BODY)

    registry_server.route("GET", "/probe", slow)

    class Capped(Probe):
        concurrency = 2

    async def go() -> None:
        http = fast_http()
        adapter = Capped(http, base_url=registry_server.url)
        await adapter.lookup_many([Query(scheme="eu.eori")] * 8)
        await http.aclose()

    asyncio.run(go())
    assert len(registry_server.requests()) == 8
    assert peak <= 2


def test_secrets_never_reach_the_evidence_url() -> None:
    url = "https://user:pw@api.example/lookup?api_key=s3cret&number=1"
    assert redact(url, {"api_key"}) == "https://api.example/lookup?api_key=REDACTED&number=1"


def test_key_like_parameters_are_redacted_whatever_the_caller_names() -> None:
    url = "https://api.example/x?API_KEY=a&Token=b&sig=c&access_token=d&password=e&q=keep"
    shown = redact(url)
    for secret in "abcde":
        assert f"={secret}" not in shown
    assert "q=keep" in shown


# Content codings: the client asks for gzip, deflate and br, and reads every one of them.

LARGE = b'{"rows": [' + b",".join(b'{"n": %d}' % n for n in range(20_000)) + b"]}"


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate", "br"])
def test_a_compressed_answer_is_decoded_and_kept_as_received(
    registry_server: RegistryServer, coding: str
) -> None:
    from credverify.store import Store
    from tests.registry_server import compress

    registry_server.route("GET", "/probe", lambda _: Response(200, LARGE))
    registry_server.encode_routes(coding)
    store = Store()
    exchange = fetch(registry_server, fast_http(store=store))
    assert exchange.body == LARGE
    evidence = exchange.evidence
    label = "deflate" if coding == "raw-deflate" else coding
    assert evidence.content_encoding == label
    received = compress(LARGE, coding)
    assert (evidence.sha256, evidence.size) == (hashlib.sha256(received).hexdigest(), len(received))
    assert evidence.decoded_sha256 == hashlib.sha256(LARGE).hexdigest()
    assert store.get_blob(evidence.sha256) == received  # the store keeps the bytes as received
    assert registry_server.requests()[0].headers["accept-encoding"] == "gzip, deflate, br"


def test_a_plain_answer_has_no_decoded_hash(server: RegistryServer) -> None:
    evidence = fetch(server).evidence
    assert evidence.content_encoding is None
    assert evidence.decoded_sha256 is None  # sha256 is the hash of both forms


def test_codings_applied_in_turn_are_undone_in_reverse(registry_server: RegistryServer) -> None:
    from tests.registry_server import compress

    both = compress(compress(LARGE, "gzip"), "br")
    registry_server.route(
        "GET", "/probe", lambda _: Response(200, both, headers={"Content-Encoding": "gzip, br"})
    )
    assert fetch(registry_server).body == LARGE


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_decompression_bomb_stops_at_the_decoded_limit(
    registry_server: RegistryServer, coding: str
) -> None:
    registry_server.route("GET", "/probe", lambda _: Response(200, bytes(20_000_000)))
    registry_server.encode_routes(coding)
    with pytest.raises(
        LookupFailed, match=rf"decodes \({coding}\) to more than the 1,000,000 byte"
    ):
        fetch(registry_server, fast_http(max_body=1_000_000))
    assert len(registry_server.requests()) == 1  # the same bytes would decode the same: no retry


@pytest.mark.parametrize(
    ("body", "coding", "words"),
    [
        (b"not gzip at all", "gzip", "gzip data is corrupt"),
        (b"\x00\x01garbage", "deflate", "deflate data is corrupt"),
        (b"garbage", "br", "br data is corrupt"),
        (gzip.compress(LARGE)[:200], "gzip", "ends before"),
        (b"{}", "zstd", "encoded as 'zstd'"),
        (b"{}", "compress", "encoded as 'compress'"),
    ],
)
def test_an_undecodable_answer_is_a_layout_change(
    registry_server: RegistryServer, body: bytes, coding: str, words: str
) -> None:
    registry_server.route(
        "GET", "/probe", lambda _: Response(200, body, headers={"Content-Encoding": coding})
    )
    with pytest.raises(LayoutChanged, match=words):
        fetch(registry_server)


def test_json_nested_too_deep_is_a_layout_change(registry_server: RegistryServer) -> None:
    registry_server.route("GET", "/probe", lambda _: Response(200, b"[" * 100_000))
    with pytest.raises(LayoutChanged, match="nests JSON deeper"):
        fetch(registry_server).json()


# Redirects: followed on the same scheme, host and port only, every hop kept as evidence.


def test_a_same_host_redirect_is_followed_and_every_hop_kept(
    registry_server: RegistryServer,
) -> None:
    registry_server.route("GET", "/old", lambda _: Response(301, headers={"Location": "/moved"}))
    registry_server.route(
        "GET",
        "/moved",
        lambda _: Response(307, headers={"Location": f"{registry_server.url}/probe"}),
    )
    registry_server.route("GET", "/probe", lambda _: Response(200, BODY))
    exchange = fetch(registry_server, path="/old")
    assert exchange.body == BODY
    assert [e.status_code for e in exchange.trail] == [301, 307, 200]
    assert [e.url for e in exchange.trail] == [
        f"{registry_server.url}{p}" for p in ("/old", "/moved", "/probe")
    ]


def test_a_303_after_a_post_is_fetched_with_get(registry_server: RegistryServer) -> None:
    registry_server.route("POST", "/form", lambda _: Response(303, headers={"Location": "/probe"}))
    registry_server.route("GET", "/probe", lambda _: Response(200, BODY))
    assert fetch(registry_server, method="POST", path="/form", content=b"q=1").body == BODY
    assert [r.method for r in registry_server.requests()] == ["POST", "GET"]


@pytest.mark.parametrize(
    "elsewhere",
    [
        "http://registry.example/probe?api_key=s3cret",  # another host
        "https://{host}/probe?api_key=s3cret",  # another scheme
        "http://{host}:1/probe?api_key=s3cret",  # another port
    ],
)
def test_a_redirect_elsewhere_is_a_fault_naming_where(
    registry_server: RegistryServer, elsewhere: str
) -> None:
    host = registry_server.url.split("//")[1].split(":")[0]
    target = elsewhere.format(host=host)
    registry_server.route("GET", "/probe", lambda _: Response(302, headers={"Location": target}))
    with pytest.raises(RegistryUnavailable, match="to another host") as caught:
        fetch(registry_server)
    message = str(caught.value)
    assert target.split("?")[0] in message
    assert "s3cret" not in message
    assert caught.value.evidence[0].status_code == 302  # the hop is kept
    assert len(registry_server.requests()) == 1


def test_a_redirect_loop_stops_after_five_hops(registry_server: RegistryServer) -> None:
    registry_server.route("GET", "/probe", lambda _: Response(302, headers={"Location": "/probe"}))
    with pytest.raises(RegistryUnavailable, match="more than 5 times"):
        fetch(registry_server)
    assert len(registry_server.requests()) == 6


def fetch(
    server: RegistryServer,
    http: Http | None = None,
    *,
    method: str = "GET",
    path: str = "/probe",
    content: bytes | None = None,
) -> Exchange:
    """One request under the policy, for tests that look at the exchange itself."""

    async def go() -> Exchange:
        policy = http or fast_http()
        try:
            probe = Probe(policy, base_url=server.url)
            return await policy.request(probe, method, f"{server.url}{path}", content=content)
        finally:
            await policy.aclose()

    return asyncio.run(go())
