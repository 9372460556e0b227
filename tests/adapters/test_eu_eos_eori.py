"""The EU's EOS EORI validation (SOAP) over real sockets: answers, batching, faults, hostile XML."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import tostring

import defusedxml.ElementTree as SafeET
import httpx
import pytest

from credverify.adapters.base import Answer, Query
from credverify.adapters.eu_eos_eori import EosEoriAdapter, envelope
from credverify.adapters.http import Http
from credverify.errors import (
    LayoutChanged,
    LookupFailed,
    RegistryTimeout,
    RegistryUnavailable,
    UnknownWording,
)
from credverify.records import Check, CheckStatus, Claim
from credverify.store import Store
from credverify.verifier import Verifier
from tests.registry_server import Fault, RegistryServer, Request, Response

ADAPTER_ID = "eu.eos.eori"
FIXTURES = Path(__file__).parent.parent / "fixtures" / ADAPTER_ID
PATH = "/taxation_customs/dds2/eos/validation/services/validation"
SOAP_XML = "text/xml; charset=utf-8"
EOS_NS = "{http://eori.ws.eos.dds.s/}"

WITH_NAME = "DE9000000000001"  # valid, the trader consented to publication
WITHOUT_NAME = "FR900000000"  # valid, no consent
NORTHERN_IRELAND = "XI900000000000"  # XI numbers are in EOS
NOT_VALID = "NL900000000099"  # status 1


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def soap_response(results: str, request_date: str = "2026-11-27+01:00") -> bytes:
    """A validateEORIResponse in the shape of ``validateEORI-response.xml``."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
        '<ns2:validateEORIResponse xmlns:ns2="http://eori.ws.eos.dds.s/"><return>'
        f"<requestDate>{request_date}</requestDate>{results}"
        "</return></ns2:validateEORIResponse></S:Body></S:Envelope>"
    ).encode()


def result(eori: str, status: str, descr: str, extra: str = "") -> str:
    """One ``result`` element as EOS writes it."""
    return (
        f"<result><eori>{eori}</eori><status>{status}</status>"
        f"<statusDescr>{descr}</statusDescr>{extra}</result>"
    )


DATABASE = {
    element.findtext("eori"): tostring(element, encoding="unicode")
    for element in SafeET.fromstring(fixture("validateEORI-response.xml")).iter("result")
}


def asked(request: Request) -> list[str]:
    body = SafeET.fromstring(request.body)
    return [e.text or "" for e in body.iter(f"{EOS_NS}eori")]


def validate_eori(request: Request) -> Response:
    """EOS's behaviour: one result per asked number; numbers it does not hold are not valid."""
    results = "".join(DATABASE.get(e) or result(e, "1", "Not valid") for e in asked(request))
    return Response(200, soap_response(results), SOAP_XML)


def serve_happy(server: RegistryServer) -> Claim:
    """Serve EOS's validateEORI and return a claim it confirms in full (number, name, country)."""
    server.route("POST", PATH, validate_eori)
    return Claim(
        scheme="eu.eori",
        identifier=WITH_NAME,
        holder="Synthetische Handels GmbH",
        jurisdiction="DE",
    )


FAST: dict[str, Any] = {
    "timeout": httpx.Timeout(0.5, connect=0.5),
    "attempts": 3,
    "backoff": 0.01,
    "max_backoff": 0.05,
}


def fast_http() -> Http:
    return Http(**FAST)


def verify(server: RegistryServer, eori: str) -> Check:
    http = Http(Store(), **FAST)
    verifier = Verifier(store=http.store, http=http, base_urls={ADAPTER_ID: server.url})
    return verifier.verify(Claim(scheme="eu.eori", identifier=eori))


def lookup_many(server: RegistryServer, eoris: Sequence[str]) -> list[Answer | LookupFailed]:
    async def go() -> list[Answer | LookupFailed]:
        http = fast_http()
        try:
            adapter = EosEoriAdapter(http, base_url=server.url)
            return await adapter.lookup_many([Query("eu.eori", e) for e in eoris])
        finally:
            await http.aclose()

    return asyncio.run(go())


def lookup(server: RegistryServer, eori: str) -> Answer:
    answer = lookup_many(server, [eori])[0]
    if isinstance(answer, LookupFailed):
        raise answer
    return answer


def answer_with(server: RegistryServer, response: Response) -> None:
    server.route("POST", PATH, lambda _: response)


@pytest.fixture
def eos(registry_server: RegistryServer) -> RegistryServer:
    serve_happy(registry_server)
    return registry_server


def test_the_recorded_answer_maps_every_result(registry_server: RegistryServer) -> None:
    answer_with(registry_server, Response(200, fixture("validateEORI-response.xml"), SOAP_XML))
    named, unnamed, northern_ireland, not_valid = lookup_many(
        registry_server, [WITH_NAME, WITHOUT_NAME, NORTHERN_IRELAND, NOT_VALID]
    )
    assert isinstance(named, Answer)
    (record,) = named.records
    assert (record.identifier, record.holder, record.scheme, record.jurisdiction) == (
        WITH_NAME,
        "Synthetische Handels GmbH",
        "eu.eori",
        "DE",
    )
    assert (record.status, record.active) == ("Valid", True)
    assert record.details == {
        "status": "0",
        "request_date": "2026-11-27+01:00",
        "status_descr": "Valid",
        "address": "Musterkai 7, 20457 Beispielhafen",
        "street": "Musterkai 7",
        "postal_code": "20457",
        "city": "Beispielhafen",
        "country": "DE",
    }
    assert named.unconfirmable == ()
    assert isinstance(unnamed, Answer)
    assert unnamed.records[0].holder is None
    assert unnamed.unconfirmable == ("holder",)
    assert "consent" in unnamed.notes[0]
    assert isinstance(northern_ireland, Answer)
    assert (northern_ireland.records[0].scheme, northern_ireland.records[0].jurisdiction) == (
        "gb.eori",
        "XI",
    )
    assert isinstance(not_valid, Answer)
    assert not_valid.records == ()
    assert not_valid.no_result == 'status 1, statusDescr "Not valid"'
    assert "Not valid" in not_valid.notes[0]
    assert len(registry_server.requests(PATH)) == 1


def test_the_request_is_a_soap_envelope_with_each_eori(eos: RegistryServer) -> None:
    lookup_many(eos, [WITH_NAME, NOT_VALID])
    (sent,) = eos.requests(PATH)
    assert asked(sent) == [WITH_NAME, NOT_VALID]
    assert SafeET.fromstring(sent.body).find(f".//{EOS_NS}validateEORI") is not None
    assert sent.headers["content-type"].startswith("text/xml")
    assert sent.headers["soapaction"] == '""'


def test_values_are_escaped_in_the_envelope() -> None:
    body = SafeET.fromstring(envelope(["DE1<&>"]))
    assert [e.text for e in body.iter(f"{EOS_NS}eori")] == ["DE1<&>"]


def test_twenty_five_queries_go_in_three_requests_of_at_most_ten(eos: RegistryServer) -> None:
    eoris = [f"DE9000000001{i:02d}" for i in range(25)]
    results = lookup_many(eos, [*eoris, eoris[0], WITH_NAME])
    assert all(isinstance(r, Answer) for r in results)
    assert [r.records for r in results[:25] if isinstance(r, Answer)] == [()] * 25
    sizes = sorted(len(asked(r)) for r in eos.requests(PATH))
    assert sizes == [6, 10, 10]  # 26 distinct numbers; the repeated one is asked once


def test_gb_numbers_are_refused_without_a_request(eos: RegistryServer) -> None:
    adapter = EosEoriAdapter(fast_http(), base_url=eos.url)
    assert adapter.refuses(Query("gb.eori", "GB100200300000")) == (
        "GB numbers are not in EOS: HMRC checks them"
    )
    assert adapter.refuses(Query("gb.eori", NORTHERN_IRELAND)) is None
    gb, xi = lookup_many(eos, ["GB100200300000", NORTHERN_IRELAND])
    assert isinstance(gb, LookupFailed)
    assert "HMRC checks them" in gb.message
    assert isinstance(xi, Answer)
    assert [asked(r) for r in eos.requests(PATH)] == [[NORTHERN_IRELAND]]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("soap-fault.xml", "SOAP fault: Synthetic back-end error"),
        ("soap-fault-busy.xml", "SOAP fault: MS_MAX_CONCURRENT_REQ"),
    ],
)
def test_a_soap_fault_with_http_500_names_its_faultstring(
    registry_server: RegistryServer, body: str, words: str
) -> None:
    answer_with(registry_server, Response(500, fixture(body), SOAP_XML))
    results = lookup_many(registry_server, [WITH_NAME, NOT_VALID])
    for failure in results:
        assert isinstance(failure, RegistryUnavailable)
        assert words in failure.message
        assert failure.evidence[0].status_code == 500
    # A fault is the service's considered answer: it is not retried (see EosEoriAdapter._ask).
    assert len(registry_server.requests(PATH)) == 1


def test_a_busy_code_is_a_fault_never_not_valid(registry_server: RegistryServer) -> None:
    answer_with(registry_server, Response(500, fixture("soap-fault-busy.xml"), SOAP_XML))
    with pytest.raises(RegistryUnavailable, match=re.escape("busy (MS_MAX_CONCURRENT_REQ)")):
        lookup(registry_server, NOT_VALID)


@pytest.mark.parametrize(
    "code",
    [
        "MS_UNAVAILABLE",
        "MS_MAX_CONCURRENT_REQ",
        "GLOBAL_MAX_CONCURRENT_REQ",
        "SERVICE_UNAVAILABLE",
        "TIMEOUT",
    ],
)
def test_a_busy_code_in_a_result_is_a_fault(registry_server: RegistryServer, code: str) -> None:
    answer_with(
        registry_server, Response(200, soap_response(result(NOT_VALID, "1", code)), SOAP_XML)
    )
    with pytest.raises(RegistryUnavailable, match=code):
        lookup(registry_server, NOT_VALID)


def test_a_soap_fault_with_http_200_is_a_fault_too(registry_server: RegistryServer) -> None:
    answer_with(registry_server, Response(200, fixture("soap-fault.xml"), SOAP_XML))
    with pytest.raises(RegistryUnavailable, match="SOAP fault: Synthetic back-end error"):
        lookup(registry_server, WITH_NAME)


def test_a_500_that_is_not_a_soap_fault_is_retried_then_named(
    registry_server: RegistryServer,
) -> None:
    answer_with(registry_server, Response(500, b"<html>Internal Server Error</html>", "text/html"))
    with pytest.raises(RegistryUnavailable, match="HTTP 500") as caught:
        lookup(registry_server, WITH_NAME)
    # The shared policy's three attempts; every 500 page kept as evidence.
    assert len(registry_server.requests(PATH)) == 3
    assert [e.status_code for e in caught.value.evidence] == [500, 500, 500]


def test_a_passing_500_is_retried_away(eos: RegistryServer) -> None:
    eos.fault(Fault("status", Response(500, b"oops", "text/plain")))
    assert lookup(eos, WITH_NAME).records[0].holder == "Synthetische Handels GmbH"
    assert len(eos.requests(PATH)) == 2


@pytest.mark.parametrize("body", ["billion-laughs.xml", "external-entity.xml"])
def test_an_xml_bomb_is_refused_not_expanded(registry_server: RegistryServer, body: str) -> None:
    answer_with(registry_server, Response(200, fixture(body), SOAP_XML))
    with pytest.raises(LayoutChanged, match="DTD or XML entities, refused"):
        lookup(registry_server, WITH_NAME)


def test_an_xml_bomb_in_a_500_is_still_a_clean_failure(registry_server: RegistryServer) -> None:
    answer_with(registry_server, Response(500, fixture("billion-laughs.xml"), SOAP_XML))
    with pytest.raises(RegistryUnavailable, match="HTTP 500"):
        lookup(registry_server, WITH_NAME)


def test_an_answer_for_a_different_eori_is_a_fault_for_that_query(
    registry_server: RegistryServer,
) -> None:
    results = result(WITH_NAME, "0", "Valid") + result("DE9000000000010", "0", "Valid")
    answer_with(registry_server, Response(200, soap_response(results), SOAP_XML))
    found, other = lookup_many(registry_server, [WITH_NAME, "DE9000000000100"])
    assert isinstance(found, Answer)
    assert found.records[0].identifier == WITH_NAME
    assert isinstance(other, LayoutChanged)
    assert "the registry answered for a different identifier" in other.message
    assert "DE9000000000010" in other.message


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        (Fault("hang", seconds=1.5), RegistryTimeout, "timeout"),
        (Fault("reset"), RegistryUnavailable, "connection"),
        (Fault("status", Response(503, b"down", "text/plain")), RegistryUnavailable, "503"),
        (Fault("truncate"), RegistryUnavailable, "truncated"),
    ],
)
def test_a_fault_that_persists_fails_every_query_after_retries(
    eos: RegistryServer, fault: Fault, error: type[LookupFailed], words: str
) -> None:
    eos.fault(fault, times=3)
    for failure in lookup_many(eos, [WITH_NAME, WITHOUT_NAME]):
        assert isinstance(failure, error)
        assert words in failure.message
        assert "after 3 attempts" in failure.message
    assert len(eos.requests(PATH)) == 3


def test_a_429_with_retry_after_is_retried_then_answered(eos: RegistryServer) -> None:
    eos.fault(Fault("status", Response(429, b"", "text/plain", {"Retry-After": "1"})))
    assert lookup(eos, WITH_NAME).records
    first, second = eos.requests(PATH)
    assert second.at - first.at >= 0.9


@pytest.mark.parametrize(
    ("response", "words"),
    [
        (
            Response(200, b"<html>maintenance</html>", "text/html"),
            "EOS sent text/html, expected SOAP XML",
        ),
        (Response(200, b"<S:Envelope", SOAP_XML), "XML that is not well-formed"),
        (
            Response(
                200,
                b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body/></S:Envelope>',
                SOAP_XML,
            ),
            "no validateEORIResponse/return",
        ),
        (
            Response(200, soap_response(result(WITH_NAME, "2", "Pending")), SOAP_XML),
            "unknown EOS EORI status wording '2' (known: 0, 1)",
        ),
    ],
)
def test_an_unrecognised_answer_is_a_layout_change(
    registry_server: RegistryServer, response: Response, words: str
) -> None:
    answer_with(registry_server, response)
    with pytest.raises(LayoutChanged, match=re.escape(words)) as caught:
        lookup(registry_server, WITH_NAME)
    assert caught.value.evidence
    assert len(registry_server.requests(PATH)) == 1


def test_an_error_description_is_a_fault(registry_server: RegistryServer) -> None:
    body = soap_response("<errorDescription>Synthetic: service in maintenance</errorDescription>")
    answer_with(registry_server, Response(200, body, SOAP_XML))
    with pytest.raises(RegistryUnavailable, match="service in maintenance"):
        lookup(registry_server, WITH_NAME)


# --- fail closed: only status 1 with "Not valid" is "no such EORI" ------------------------------


def test_not_valid_is_not_found_quoting_the_source(eos: RegistryServer) -> None:
    check = verify(eos, NOT_VALID)
    assert check.status is CheckStatus.NOT_FOUND
    assert 'status 1, statusDescr "Not valid"' in check.reason


@pytest.mark.parametrize(
    ("results", "error", "words"),
    [
        pytest.param(
            result(WITH_NAME, "1", "Invalid"), UnknownWording,
            "EOS EORI statusDescr wording 'Invalid'", id="unknown description",
        ),
        pytest.param(
            result(WITH_NAME, "1", ""), UnknownWording,
            "EOS EORI statusDescr wording ''", id="no description",
        ),
        pytest.param(
            result(WITH_NAME, "0", "Not valid"), LayoutChanged,
            "answered status 0 with statusDescr 'Not valid'", id="contradiction",
        ),
        pytest.param(
            result(WITH_NAME, "1", "Not valid", "<revoked>true</revoked>"), UnknownWording,
            "result element wording 'revoked'", id="unknown result element",
        ),
        pytest.param(
            f"<results>{result(WITH_NAME, '1', 'Not valid')}</results>", UnknownWording,
            "return element wording 'results'", id="results wrapped anew",
        ),
        pytest.param(
            result(WITH_NAME, "1", "Not valid", "<status>0</status>"), LayoutChanged,
            "a result with two status elements", id="two statuses",
        ),
        pytest.param(
            "", LayoutChanged, f"asked {WITH_NAME}, no entry for it", id="empty return",
        ),
        pytest.param(
            result(WITH_NAME, "1", "Not valid") + result(WITH_NAME, "0", "Valid"),
            LayoutChanged, f"answered twice for {WITH_NAME}", id="two answers",
        ),
        pytest.param(
            result(WITH_NAME, "1", "Not valid", "<errorReason>NO_CHECK</errorReason>"),
            RegistryUnavailable, "errorReason 'NO_CHECK'", id="error reason",
        ),
    ],
)  # fmt: skip
def test_a_result_it_cannot_read_is_unverifiable_never_not_found(
    registry_server: RegistryServer, results: str, error: type[LookupFailed], words: str
) -> None:
    answer_with(registry_server, Response(200, soap_response(results), SOAP_XML))
    with pytest.raises(error, match=re.escape(words)) as caught:
        lookup(registry_server, WITH_NAME)
    assert caught.value.evidence
    check = verify(registry_server, WITH_NAME)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert words in check.reason


def test_an_unreadable_result_sinks_only_its_own_number(registry_server: RegistryServer) -> None:
    results = result(WITH_NAME, "0", "Valid") + result(NOT_VALID, "7", "Pending")
    answer_with(registry_server, Response(200, soap_response(results), SOAP_XML))
    found, unknown = lookup_many(registry_server, [WITH_NAME, NOT_VALID])
    assert isinstance(found, Answer)
    assert found.records[0].identifier == WITH_NAME
    assert isinstance(unknown, UnknownWording)
    assert "EOS: unknown EOS EORI status wording '7'" in unknown.message
