"""HMRC "Check an EORI number" over real sockets: answers, batching, HMRC's quirks, and faults."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from credverify.adapters.base import Answer, Query
from credverify.adapters.gb_hmrc import HmrcEoriAdapter
from credverify.adapters.http import Http
from credverify.errors import LayoutChanged, LookupFailed, RegistryTimeout, RegistryUnavailable
from credverify.records import Check, CheckStatus, Claim
from credverify.store import Store
from credverify.verifier import Verifier
from tests.registry_server import Fault, RegistryServer, Request, Response

ADAPTER_ID = "gb.hmrc.eori"
FIXTURES = Path(__file__).parent.parent / "fixtures" / ADAPTER_ID
PATH = "/customs/eori/lookup/check-multiple-eori"

WITH_NAME = "GB100200300000"  # valid, the trader consented to show name and address
WITHOUT_NAME = "GB100200300017"  # valid, no consent
NOT_VALID = "GB100200300098"  # valid: false
REJECTED = "GB999999999999"  # the stand-in server rejects it with a 400, as HMRC does a bad item


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


DATABASE: dict[str, dict[str, Any]] = {
    entry["eori"]: entry for entry in json.loads(fixture("check-multiple-eori-response.json"))
}


def check_multiple_eori(request: Request) -> Response:
    """HMRC's behaviour: one bad number fails the whole batch; unknown numbers are not valid."""
    eoris = json.loads(request.body)["eoris"]
    if any(e.startswith("XI") for e in eoris):
        return Response(400, fixture("error-400-xi.json"))
    if REJECTED in eoris or not all(re.fullmatch(r"GB[0-9]{12,15}", e) for e in eoris):
        return Response(400, fixture("error-400-invalid.json"))
    default = {"valid": False, "processingDate": "2026-11-27T10:15:00+00:00"}
    return Response(
        200, json.dumps([DATABASE.get(e, {"eori": e, **default}) for e in eoris]).encode()
    )


def serve_happy(server: RegistryServer) -> Claim:
    """Serve HMRC's check and return a claim it confirms in full (number, name, country)."""
    server.route("POST", PATH, check_multiple_eori)
    return Claim(
        scheme="gb.eori", identifier=WITH_NAME, holder="Synthetic Trading Ltd", jurisdiction="GB"
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
    return verifier.verify(Claim(scheme="gb.eori", identifier=eori))


def lookup_many(server: RegistryServer, eoris: Sequence[str]) -> list[Answer | LookupFailed]:
    async def go() -> list[Answer | LookupFailed]:
        http = fast_http()
        try:
            adapter = HmrcEoriAdapter(http, base_url=server.url)
            return await adapter.lookup_many([Query("gb.eori", e) for e in eoris])
        finally:
            await http.aclose()

    return asyncio.run(go())


def lookup(server: RegistryServer, eori: str) -> Answer:
    result = lookup_many(server, [eori])[0]
    if isinstance(result, LookupFailed):
        raise result
    return result


@pytest.fixture
def hmrc(registry_server: RegistryServer) -> RegistryServer:
    serve_happy(registry_server)
    return registry_server


def test_a_valid_eori_with_consent_shows_the_trader(hmrc: RegistryServer) -> None:
    answer = lookup(hmrc, WITH_NAME)
    (record,) = answer.records
    assert (record.identifier, record.holder) == (WITH_NAME, "Synthetic Trading Ltd")
    assert (record.scheme, record.jurisdiction, record.status, record.active) == (
        "gb.eori",
        "GB",
        "valid",
        True,
    )
    assert record.details == {
        "processing_date": "2026-11-27T10:15:00+00:00",
        "street_and_number": "1 Example Wharf",
        "city_name": "Testport",
        "postcode": "TP1 2XX",
    }
    assert answer.unconfirmable == ()
    assert answer.evidence[0].status_code == 200
    (sent,) = hmrc.requests(PATH)
    assert json.loads(sent.body) == {"eoris": [WITH_NAME]}
    assert sent.headers["accept"] == "application/vnd.hmrc.1.0+json"


def test_without_consent_the_name_cannot_be_confirmed(hmrc: RegistryServer) -> None:
    answer = lookup(hmrc, WITHOUT_NAME)
    assert answer.records[0].holder is None
    assert answer.records[0].status == "valid"
    assert answer.unconfirmable == ("holder",)
    assert "consent" in answer.notes[0]


def test_valid_false_means_no_such_eori_not_a_fault(hmrc: RegistryServer) -> None:
    answer = lookup(hmrc, NOT_VALID)
    assert answer.records == ()
    assert answer.no_result == '"valid": false'
    assert answer.evidence  # the source did answer
    assert "not a valid EORI" in answer.notes[0]


def test_twenty_five_queries_go_in_three_requests_of_at_most_ten(hmrc: RegistryServer) -> None:
    eoris = [f"GB1002003001{i:02d}" for i in range(25)]
    results = lookup_many(hmrc, eoris)
    assert all(isinstance(r, Answer) and r.records == () for r in results)
    sizes = sorted(len(json.loads(r.body)["eoris"]) for r in hmrc.requests(PATH))
    assert sizes == [5, 10, 10]


def test_identical_eoris_are_asked_once_and_answered_in_order(hmrc: RegistryServer) -> None:
    results = lookup_many(hmrc, [WITH_NAME, NOT_VALID, WITH_NAME, WITHOUT_NAME])
    (sent,) = hmrc.requests(PATH)
    assert json.loads(sent.body) == {"eoris": [WITH_NAME, NOT_VALID, WITHOUT_NAME]}
    holders = [r.records[0].holder if isinstance(r, Answer) and r.records else "-" for r in results]
    assert holders == ["Synthetic Trading Ltd", "-", "Synthetic Trading Ltd", None]


def test_an_answer_for_a_different_eori_is_a_fault_for_that_query(
    registry_server: RegistryServer,
) -> None:
    """HMRC's own example echoes GB123456729136 for GB123456789136; never take it as an answer."""
    registry_server.route(
        "POST", PATH, lambda _: Response(200, fixture("response-echoes-another-eori.json"))
    )
    asked = "GB100200300066"
    found, echoed = lookup_many(registry_server, [WITH_NAME, asked])
    assert isinstance(found, Answer)
    assert found.records[0].holder == "Synthetic Trading Ltd"
    assert isinstance(echoed, LayoutChanged)
    assert "the registry answered for a different identifier" in echoed.message
    assert "GB100200306066" in echoed.message
    assert echoed.evidence


def test_an_answer_that_leaves_out_an_eori_is_a_fault(registry_server: RegistryServer) -> None:
    registry_server.route("POST", PATH, lambda _: Response(200, b"[]"))
    with pytest.raises(LayoutChanged, match="different identifier"):
        lookup(registry_server, WITH_NAME)


def test_one_rejected_eori_does_not_sink_its_batch(hmrc: RegistryServer) -> None:
    results = lookup_many(hmrc, [WITH_NAME, REJECTED, NOT_VALID])
    good, bad, not_valid = results
    assert isinstance(good, Answer)
    assert good.records[0].identifier == WITH_NAME
    assert isinstance(not_valid, Answer)
    assert not_valid.records == ()
    assert isinstance(bad, RegistryUnavailable)
    assert f"HMRC rejected {REJECTED} (HTTP 400)" in bad.message
    assert "INVALID_REQUEST: Invalid payload" in bad.message
    # The batch, then each number alone; the batch's 400 stays in each answer's evidence.
    assert [len(json.loads(r.body)["eoris"]) for r in hmrc.requests(PATH)] == [3, 1, 1, 1]
    assert [e.status_code for e in good.evidence] == [400, 200]


def test_a_plain_text_400_names_hmrcs_message_and_is_not_retried(
    registry_server: RegistryServer,
) -> None:
    """With its default configuration HMRC may answer a 400 in plain text, not JSON."""
    registry_server.route(
        "POST", PATH, lambda _: Response(400, fixture("error-400-plain.txt"), "text/plain")
    )
    with pytest.raises(
        RegistryUnavailable, match="one or more EORI numbers are not valid"
    ) as caught:
        lookup(registry_server, WITH_NAME)
    assert "HTTP 400" in caught.value.message
    assert len(registry_server.requests(PATH)) == 1


def test_xi_and_foreign_numbers_are_refused_without_a_request(hmrc: RegistryServer) -> None:
    adapter = HmrcEoriAdapter(fast_http(), base_url=hmrc.url)
    assert "EU's EOS" in (adapter.refuses(Query("gb.eori", "XI900000000000")) or "")
    assert "GB EORI numbers only" in (adapter.refuses(Query("gb.eori", "DE9000000000001")) or "")
    assert adapter.refuses(Query("gb.eori", WITH_NAME)) is None
    xi, gb = lookup_many(hmrc, ["XI900000000000", WITH_NAME])
    assert isinstance(xi, LookupFailed)
    assert "XI numbers are checked in the EU's EOS" in xi.message
    assert isinstance(gb, Answer)
    assert [json.loads(r.body)["eoris"] for r in hmrc.requests(PATH)] == [[WITH_NAME]]


def test_hmrcs_own_xi_rejection_is_reported_if_one_gets_through(
    registry_server: RegistryServer,
) -> None:
    registry_server.route("POST", PATH, lambda _: Response(400, fixture("error-400-xi.json")))
    with pytest.raises(RegistryUnavailable, match="begin with XI"):
        lookup(registry_server, WITH_NAME)


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        (Fault("hang", seconds=1.5), RegistryTimeout, "timeout"),
        (Fault("reset"), RegistryUnavailable, "connection"),
        (Fault("status", Response(500, fixture("error-500.json"))), RegistryUnavailable, "500"),
        (Fault("status", Response(503, b"down", "text/plain")), RegistryUnavailable, "503"),
        (Fault("truncate"), RegistryUnavailable, "truncated"),
    ],
)
def test_a_fault_that_persists_fails_every_query_after_retries(
    hmrc: RegistryServer, fault: Fault, error: type[LookupFailed], words: str
) -> None:
    hmrc.fault(fault, times=3)
    results = lookup_many(hmrc, [WITH_NAME, WITHOUT_NAME])
    for result in results:
        assert isinstance(result, error)
        assert words in result.message
        assert "after 3 attempts" in result.message
    assert len(hmrc.requests(PATH)) == 3


def test_a_429_with_retry_after_is_retried_then_answered(hmrc: RegistryServer) -> None:
    hmrc.fault(Fault("status", Response(429, b"", "application/json", {"Retry-After": "1"})))
    answer = lookup(hmrc, WITH_NAME)
    assert answer.records[0].holder == "Synthetic Trading Ltd"
    first, second = hmrc.requests(PATH)
    assert second.at - first.at >= 0.9


def test_a_passing_500_is_retried_away(hmrc: RegistryServer) -> None:
    hmrc.fault(Fault("status", Response(500, fixture("error-500.json"))))
    assert lookup(hmrc, WITH_NAME).records
    assert len(hmrc.requests(PATH)) == 2


@pytest.mark.parametrize(
    ("response", "words"),
    [
        (
            Response(200, b"<html>Service maintenance</html>", "text/html"),
            "HMRC sent text/html, expected JSON",
        ),
        (Response(200, b'{"eoris": []}'), "other than an array of EORI checks"),
        (Response(200, b"[{"), "not JSON"),
        (
            Response(200, json.dumps([{"eori": WITH_NAME, "valid": "yes"}]).encode()),
            "whose 'valid' is 'yes', not true or false",
        ),
    ],
)
def test_an_unrecognised_answer_is_a_layout_change(
    registry_server: RegistryServer, response: Response, words: str
) -> None:
    registry_server.route("POST", PATH, lambda _: response)
    with pytest.raises(LayoutChanged, match=re.escape(words)) as caught:
        lookup(registry_server, WITH_NAME)
    assert caught.value.evidence
    assert len(registry_server.requests(PATH)) == 1


# --- fail closed: only "valid": false is "no such EORI" -----------------------------------------


def test_valid_false_is_not_found_quoting_the_source(hmrc: RegistryServer) -> None:
    check = verify(hmrc, NOT_VALID)
    assert check.status is CheckStatus.NOT_FOUND
    assert '"valid": false' in check.reason


def test_a_single_rejected_number_is_unverifiable_naming_hmrcs_message(
    hmrc: RegistryServer,
) -> None:
    check = verify(hmrc, REJECTED)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert f"HMRC rejected {REJECTED} (HTTP 400): INVALID_REQUEST" in check.reason
    assert len(hmrc.requests(PATH)) == 1


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        pytest.param(
            [{"eori": WITH_NAME, "valid": "false"}], "'valid' is 'false'", id="valid as text"
        ),
        pytest.param([{"eori": WITH_NAME}], "whose 'valid' is None", id="no valid"),
        pytest.param(
            [{"eori": WITH_NAME, "valid": False}, {"eori": WITH_NAME, "valid": True}],
            f"answered twice for {WITH_NAME}",
            id="two answers",
        ),
        pytest.param([{"valid": False}], "an entry without an 'eori'", id="no eori"),
        pytest.param([], f"asked {WITH_NAME}, no entry for it", id="empty array"),
    ],
)
def test_an_entry_it_cannot_read_is_unverifiable_never_not_found(
    registry_server: RegistryServer, entries: list[dict[str, Any]], words: str
) -> None:
    registry_server.route("POST", PATH, lambda _: Response(200, json.dumps(entries).encode()))
    with pytest.raises(LayoutChanged, match=re.escape(words)):
        lookup(registry_server, WITH_NAME)
    check = verify(registry_server, WITH_NAME)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert words in check.reason


def test_an_unreadable_entry_sinks_only_its_own_number(registry_server: RegistryServer) -> None:
    entries = [{"eori": WITH_NAME, "valid": "yes"}, {"eori": NOT_VALID, "valid": False}]
    registry_server.route("POST", PATH, lambda _: Response(200, json.dumps(entries).encode()))
    unreadable, not_valid = lookup_many(registry_server, [WITH_NAME, NOT_VALID])
    assert isinstance(unreadable, LayoutChanged)
    assert isinstance(not_valid, Answer)
    assert not_valid.no_result == '"valid": false'
