"""The EU AEO directory (EOS aeo-retrieve SOAP) over real sockets: searches, answers and faults."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeElementTree  # type: ignore[import-untyped]
import httpx
import pytest

from credverify.adapters.base import Answer, Query, available, base_url_env
from credverify.adapters.eu_eos_aeo import EosAeoAdapter
from credverify.adapters.http import Http
from credverify.errors import (
    LayoutChanged,
    LookupFailed,
    RateLimited,
    RegistryTimeout,
    RegistryUnavailable,
    UnknownWording,
)
from credverify.records import Check, CheckStatus, Claim
from credverify.store import Store
from credverify.verifier import Verifier
from tests.registry_server import Fault, RegistryServer, Request, Response

ADAPTER_ID = "eu.eos.aeo"
PATH = "/taxation_customs/dds2/eos/validation/services/aeo-retrieve"
FIXTURES = Path(__file__).parent.parent / "fixtures" / ADAPTER_ID
SOAP_XML = "text/xml; charset=utf-8"
AEO = "{http://aeo.ws.eos.dds.s/}"
NO_NUMBER = (
    "The EU AEO directory never returns the authorisation number or the EORI: "
    "the number cannot be confirmed from this source."
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def soap(name: str, status: int = 200, content_type: str = SOAP_XML) -> Response:
    return Response(status, fixture(name), content_type)


def serve(server: RegistryServer, name: str, status: int = 200) -> None:
    server.route("POST", PATH, lambda _: soap(name, status))


def serve_happy(server: RegistryServer) -> Claim:
    """The live shape with one synthetic holder; the claim below is confirmed in every field."""
    serve(server, "found.xml")
    return Claim(scheme="eu.aeo", tier="AEOF", holder="Synthetic Trading GmbH", jurisdiction="DE")


FAST: dict[str, Any] = {
    "timeout": httpx.Timeout(0.5, connect=0.5),
    "attempts": 3,
    "backoff": 0.01,
    "max_backoff": 0.05,
}


def fast_http() -> Http:
    return Http(**FAST)


def lookup(server: RegistryServer, query: Query) -> Answer:
    async def go() -> Answer:
        http = fast_http()
        try:
            return await EosAeoAdapter(http, base_url=server.url).lookup(query)
        finally:
            await http.aclose()

    return asyncio.run(go())


def sent(request: Request) -> dict[str, object]:
    """What one request asked for, read back from its SOAP envelope."""
    envelope = SafeElementTree.fromstring(request.body)
    criteria = envelope.findall(f".//{AEO}retrieveAEO/{AEO}aeoRequestType")
    assert len(criteria) == 1
    (criterion,) = criteria
    return {
        "holder": criterion.findtext(f"{AEO}authorisationHolderName"),
        "country": criterion.findtext(f"{AEO}issuingCountry"),
        "types": [t.text for t in criterion.findall(f"{AEO}authorisationType")],
        "order": [child.tag.removeprefix(AEO) for child in criterion],
    }


QUERY = Query(scheme="eu.aeo", holder="Synthetic Trading", tier="AEOF", jurisdiction="DE")


# --- the happy paths ---------------------------------------------------------------------------


def test_a_listed_holder_comes_back_with_type_country_and_start_date(
    registry_server: RegistryServer,
) -> None:
    claim = serve_happy(registry_server)
    answer = lookup(registry_server, QUERY)

    (record,) = answer.records
    assert record.adapter == ADAPTER_ID
    assert record.holder == claim.holder
    assert (record.scheme, record.tier, record.jurisdiction) == ("eu.aeo", "AEOF", "DE")
    assert (record.status, record.active) == ("listed", True)
    assert record.valid_from == date(2019, 4, 3)
    assert record.identifier is None  # the directory never shows the number
    assert record.details == {
        "competent_customs_authority": "DE004200",
        "issuing_country": "Germany",
        "authorisation_type": "AEOF",
        "effective_date": "03/04/2019",
        "request_date": "2026-03-14",
    }
    assert answer.unconfirmable == ("identifier",)
    assert NO_NUMBER in answer.notes
    assert answer.evidence[0].status_code == 200


def test_the_request_is_a_qualified_soap_envelope_with_every_type_and_the_country(
    registry_server: RegistryServer,
) -> None:
    serve_happy(registry_server)
    lookup(registry_server, QUERY)

    (request,) = registry_server.requests(PATH)
    assert request.method == "POST"
    assert request.headers["content-type"].startswith("text/xml")
    assert "soapaction" in request.headers
    assert sent(request) == {
        "holder": "Synthetic Trading",
        "country": "DE",
        # every type, so that a tier held other than claimed shows as a mismatch
        "types": ["AEOC", "AEOF", "AEOS"],
        "order": [
            "authorisationHolderName", "issuingCountry",
            "authorisationType", "authorisationType", "authorisationType",
        ],
    }  # fmt: skip


def test_without_a_tier_every_type_is_asked_for_and_the_number_gives_the_country(
    registry_server: RegistryServer,
) -> None:
    serve_happy(registry_server)
    lookup(registry_server, Query(scheme="eu.aeo", identifier="ATAEOS0042", holder="Synthetic"))
    asked = sent(registry_server.requests(PATH)[0])
    assert (asked["holder"], asked["country"]) == ("Synthetic", "AT")
    assert asked["types"] == ["AEOC", "AEOF", "AEOS"]


def test_the_claimed_jurisdiction_wins_and_an_unknown_tier_asks_for_every_type(
    registry_server: RegistryServer,
) -> None:
    serve_happy(registry_server)
    query = Query(
        scheme="eu.aeo", identifier="ATAEOS0042", holder="Synthetic", tier="gold", jurisdiction="nl"
    )
    lookup(registry_server, query)
    asked = sent(registry_server.requests(PATH)[0])
    assert (asked["country"], asked["types"]) == ("NL", ["AEOC", "AEOF", "AEOS"])


def test_a_holder_name_with_markup_is_escaped_not_injected(
    registry_server: RegistryServer,
) -> None:
    serve_happy(registry_server)
    holder = 'Synthetic & <Sons> "Trading"</aeo:authorisationHolderName>\x00  Ltd'
    lookup(registry_server, Query(scheme="eu.aeo", holder=holder))
    asked = sent(registry_server.requests(PATH)[0])
    assert asked["holder"] == 'Synthetic & <Sons> "Trading"</aeo:authorisationHolderName> Ltd'
    assert asked["country"] is None


def test_every_result_is_returned_and_odd_fields_are_kept_raw(
    registry_server: RegistryServer,
) -> None:
    serve(registry_server, "found-several.xml")
    answer = lookup(registry_server, Query(scheme="eu.aeo", holder="Synthetic Logistics"))

    holders = [r.holder for r in answer.records]
    assert holders == [
        "Synthetic Logistics & Sons B.V.",
        "Synthetic Logistics Freight s.r.o.",
        "Synthetic Logistics Oy",
    ]
    assert [(r.tier, r.jurisdiction) for r in answer.records] == [
        ("AEOS", "NL"),
        ("AEOC", "CZ"),
        ("AEOF", None),  # "Freedonia" is no country pycountry knows
    ]
    odd = answer.records[2]
    assert odd.details["issuing_country"] == "Freedonia"
    assert odd.valid_from is None
    assert odd.details["effective_date"] == "2018-05-09"


def test_no_match_is_an_empty_answer_with_the_consent_caveat(
    registry_server: RegistryServer,
) -> None:
    serve(registry_server, "not-found.xml")
    answer = lookup(registry_server, QUERY)
    assert answer.records == ()
    assert answer.unconfirmable == ("identifier",)
    assert any("consented to the publication" in note for note in answer.notes)
    assert NO_NUMBER in answer.notes


def test_the_adapter_is_registered_and_its_url_configurable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert available()[ADAPTER_ID] is EosAeoAdapter
    assert EosAeoAdapter.schemes == ("eu.aeo",)
    assert EosAeoAdapter.rate_limit <= 10
    monkeypatch.setenv(base_url_env(ADAPTER_ID), "http://127.0.0.1:1/mirror/")
    assert EosAeoAdapter(fast_http()).base_url == "http://127.0.0.1:1/mirror"


# --- faults particular to this source ----------------------------------------------------------


def test_without_a_holder_name_nothing_is_sent(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    query = Query(scheme="eu.aeo", identifier="DEAEOF1234", holder="  ")
    assert EosAeoAdapter(fast_http()).refuses(query) is not None
    with pytest.raises(LookupFailed, match="searches by holder name only"):
        lookup(registry_server, query)
    assert registry_server.requests() == []


def test_an_error_description_is_a_fault_not_an_empty_answer(
    registry_server: RegistryServer,
) -> None:
    serve(registry_server, "error-description.xml")
    with pytest.raises(LookupFailed, match="national AEO database is not reachable") as failure:
        lookup(registry_server, QUERY)
    assert failure.value.evidence


def test_a_soap_fault_names_its_faultstring_and_is_not_retried(
    registry_server: RegistryServer,
) -> None:
    serve(registry_server, "fault-client.xml", status=500)
    with pytest.raises(RegistryUnavailable, match=r"^SOAP fault: cvc-complex-type") as failure:
        lookup(registry_server, QUERY)
    assert "ns0:Client" in failure.value.message
    assert failure.value.evidence[0].status_code == 500
    assert len(registry_server.requests()) == 1


def test_a_500_that_is_not_a_soap_fault_names_http_500(registry_server: RegistryServer) -> None:
    page = Response(500, b"<html><body>Internal error</body></html>", "text/html")
    registry_server.route("POST", PATH, lambda _: page)
    # Not a SOAP fault: the shared policy retries it like any 5xx, then names the status.
    with pytest.raises(RegistryUnavailable, match=r"HTTP 500\) \(after 3 attempts\)"):
        lookup(registry_server, QUERY)
    assert len(registry_server.requests(PATH)) == 3


@pytest.mark.parametrize("bomb", ["billion-laughs.xml", "external-entity.xml"])
def test_hostile_xml_is_refused_as_a_lookup_failure(
    registry_server: RegistryServer, bomb: str
) -> None:
    serve(registry_server, bomb)
    with pytest.raises(LookupFailed, match="DTD or XML entities, refused"):
        lookup(registry_server, QUERY)


# --- faults every source can show --------------------------------------------------------------


def test_a_hang_past_the_timeout_is_retried_then_reported(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    registry_server.fault(Fault("hang", seconds=1.0), times=3)
    with pytest.raises(RegistryTimeout, match="read timeout"):
        lookup(registry_server, QUERY)
    assert len(registry_server.requests()) == 3


def test_a_connection_reset_is_retried_then_the_answer_arrives(
    registry_server: RegistryServer,
) -> None:
    serve_happy(registry_server)
    registry_server.fault(Fault("reset"), times=2)
    assert len(lookup(registry_server, QUERY).records) == 1
    assert len(registry_server.requests()) == 3


def test_resets_on_every_attempt_end_as_unavailable(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    registry_server.fault(Fault("reset"), times=3)
    with pytest.raises(RegistryUnavailable, match="connection"):
        lookup(registry_server, QUERY)
    assert len(registry_server.requests()) == 3


def test_a_503_is_retried_and_reported_when_it_persists(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    down = Response(503, b"<html>maintenance</html>", "text/html")
    registry_server.fault(Fault("status", down), times=3)
    with pytest.raises(RegistryUnavailable, match=r"HTTP 503"):
        lookup(registry_server, QUERY)
    assert len(registry_server.requests()) == 3


def test_a_429_with_retry_after_is_waited_out(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    busy = Response(429, b"", "text/plain", headers={"Retry-After": "1"})
    registry_server.fault(Fault("status", busy))
    assert len(lookup(registry_server, QUERY).records) == 1
    first, second = registry_server.requests()
    assert second.at - first.at >= 0.9


def test_a_429_past_the_retry_budget_is_rate_limited(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    busy = Response(429, b"", "text/plain", headers={"Retry-After": "0"})
    registry_server.fault(Fault("status", busy), times=3)
    with pytest.raises(RateLimited, match="HTTP 429"):
        lookup(registry_server, QUERY)


def test_a_truncated_body_is_retried_then_reported(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    registry_server.fault(Fault("truncate"), times=3)
    with pytest.raises(RegistryUnavailable, match="truncated"):
        lookup(registry_server, QUERY)
    assert len(registry_server.requests()) == 3


def test_a_wrong_content_type_is_a_changed_layout(registry_server: RegistryServer) -> None:
    page = Response(200, b"<html><body>Please enable JavaScript</body></html>", "text/html")
    registry_server.route("POST", PATH, lambda _: page)
    with pytest.raises(
        LayoutChanged, match="the EU AEO directory sent text/html, expected SOAP XML"
    ):
        lookup(registry_server, QUERY)


def test_a_renamed_wrapper_is_a_changed_layout(registry_server: RegistryServer) -> None:
    serve(registry_server, "changed-layout.xml")
    with pytest.raises(LayoutChanged, match="no retrieveAEOResponse/return"):
        lookup(registry_server, QUERY)


def test_xml_that_is_not_well_formed_is_a_changed_layout(registry_server: RegistryServer) -> None:
    broken = Response(200, fixture("found.xml")[:-40], SOAP_XML)
    registry_server.route("POST", PATH, lambda _: broken)
    with pytest.raises(LayoutChanged, match="XML that is not well-formed"):
        lookup(registry_server, QUERY)


def test_a_renamed_holder_element_is_quoted_as_unknown(registry_server: RegistryServer) -> None:
    body = fixture("found.xml").replace(b"authorisationHolderName", b"holder")
    registry_server.route("POST", PATH, lambda _: Response(200, body, SOAP_XML))
    with pytest.raises(UnknownWording, match="unknown retrieveAEO result element wording 'holder'"):
        lookup(registry_server, QUERY)


def test_a_result_without_a_holder_name_is_a_changed_layout(
    registry_server: RegistryServer,
) -> None:
    body = re.sub(
        rb"<authorisationHolderName>.*</authorisationHolderName>", b"", fixture("found.xml")
    )
    registry_server.route("POST", PATH, lambda _: Response(200, body, SOAP_XML))
    with pytest.raises(LayoutChanged, match="without authorisationHolderName"):
        lookup(registry_server, QUERY)


# --- fail closed: only the live no-match shape is "not found" ----------------------------------


def found_with(old: bytes, new: bytes) -> bytes:
    """``found.xml`` with one piece of its markup replaced."""
    body = fixture("found.xml")
    assert old in body
    return body.replace(old, new)


def verify(server: RegistryServer, claim: Claim) -> Check:
    http = Http(Store(), **FAST)
    return Verifier(store=http.store, http=http, base_urls={ADAPTER_ID: server.url}).verify(claim)


CLAIM = Claim(scheme="eu.aeo", tier="AEOF", holder="Synthetic Trading GmbH", jurisdiction="DE")
NO_MATCH = "<return><requestDate>2026-03-14</requestDate></return>"


def test_only_a_return_carrying_just_its_request_date_is_not_found(
    registry_server: RegistryServer,
) -> None:
    serve(registry_server, "not-found.xml")
    assert lookup(registry_server, QUERY).no_result == NO_MATCH
    check = verify(registry_server, CLAIM)
    assert check.status is CheckStatus.NOT_FOUND
    assert NO_MATCH in check.reason


@pytest.mark.parametrize(
    ("body", "error", "words"),
    [
        pytest.param(
            fixture("empty-return.xml"),
            LayoutChanged, "no result and not just its requestDate", id="empty return",
        ),
        pytest.param(
            fixture("wrapped-results.xml"),
            UnknownWording, "element wording 'results'", id="results wrapped anew",
        ),
        pytest.param(
            found_with(b"</effectiveDate>", b"</effectiveDate><status>revoked</status>"),
            UnknownWording, "result element wording 'status'", id="unknown result element",
        ),
        pytest.param(
            found_with(b"</requestDate>", b"</requestDate><count>1</count>"),
            UnknownWording, "return element wording 'count'", id="unknown return element",
        ),
        pytest.param(
            found_with(b">AEOF<", b">AEOX<"),
            UnknownWording, "authorisation type wording 'AEOX'", id="unknown type",
        ),
        pytest.param(
            found_with(b"<authorisation.type>AEOF</authorisation.type>", b""),
            LayoutChanged, "no authorisation.type", id="no type",
        ),
    ],
)  # fmt: skip
def test_an_answer_it_cannot_read_fully_is_unverifiable_never_not_found(
    registry_server: RegistryServer, body: bytes, error: type[LookupFailed], words: str
) -> None:
    registry_server.route("POST", PATH, lambda _: Response(200, body, SOAP_XML))
    with pytest.raises(error, match=re.escape(words)) as caught:
        lookup(registry_server, QUERY)
    assert caught.value.evidence
    check = verify(registry_server, CLAIM)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert words in check.reason


@pytest.mark.parametrize(
    "request_date", ["", "14/03/2026", "soon"], ids=["empty", "other format", "not a date"]
)
def test_a_no_match_without_a_dated_request_is_a_changed_layout(
    registry_server: RegistryServer, request_date: str
) -> None:
    body = fixture("not-found.xml").replace(b"2026-03-14", request_date.encode())
    registry_server.route("POST", PATH, lambda _: Response(200, body, SOAP_XML))
    assert verify(registry_server, CLAIM).status is CheckStatus.UNVERIFIABLE
