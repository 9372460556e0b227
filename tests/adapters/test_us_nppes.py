"""The NPPES NPI Registry adapter over real sockets, in both the 2019 and today's formats."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from credverify.adapters.base import Answer, Query, available
from credverify.adapters.http import Http
from credverify.adapters.us_nppes import NppesAdapter
from credverify.errors import (
    LayoutChanged,
    LookupFailed,
)
from credverify.records import Claim
from tests.registry_server import Fault, RegistryServer, Request, Response

ADAPTER_ID = "us.nppes.npi"
FIXTURES = Path(__file__).parent.parent / "fixtures" / ADAPTER_ID
PATH = "/api/"
JANE = "1900000013"  # NPI-1, synthetic
CLINIC = "1290000003"  # NPI-2, synthetic


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def serve(server: RegistryServer, body: bytes, content_type: str = "application/json") -> None:
    server.route("GET", PATH, lambda _: Response(200, body, content_type))


def serve_happy(server: RegistryServer) -> Claim:
    """NPPES in today's format: Jane's NPI by number or by name, nothing else."""

    def answer(request: Request) -> Response:
        number = request.query.get("number", [""])[0]
        last_name = request.query.get("last_name", [""])[0]
        if number == JANE or last_name.casefold() == "synthetic":
            return Response(200, fixture("individual-today.json"))
        return Response(200, fixture("zero-results.json"))

    server.route("GET", PATH, answer)
    return Claim(
        scheme="us.npi", identifier=JANE, holder="JANE QUINN SYNTHETIC", jurisdiction="US-CA"
    )


def fast_http() -> Http:
    return Http(timeout=httpx.Timeout(0.5, connect=0.5), attempts=3, backoff=0.01, max_backoff=0.05)


def lookup(server: RegistryServer, query: Query) -> Answer:
    async def go() -> Answer:
        http = fast_http()
        try:
            return await NppesAdapter(http, base_url=server.url).lookup(query)
        finally:
            await http.aclose()

    return asyncio.run(go())


def by_number(number: str = JANE) -> Query:
    return Query(scheme="us.npi", identifier=number)


def edited(name: str, change: Any) -> bytes:
    """A fixture with one change applied to its first result."""
    body = json.loads(fixture(name))
    change(body["results"][0])
    return json.dumps(body).encode()


# Happy paths


def test_an_individual_is_found_by_number(registry_server: RegistryServer) -> None:
    claim = serve_happy(registry_server)
    answer = lookup(registry_server, by_number())
    (record,) = answer.records
    assert record.identifier == JANE
    assert record.holder == claim.holder == "JANE QUINN SYNTHETIC"
    assert record.scheme == "us.npi"
    assert (record.status, record.active) == ("A", True)
    assert record.jurisdiction == "US-CA"  # the LOCATION address, not MAILING (NV) nor OR
    assert record.valid_from == date(2010, 1, 1)
    assert record.details["enumeration_type"] == "NPI-1"
    assert record.details["credential"] == "PSY.D."
    assert record.details["taxonomy_code"] == "103T00000X"
    assert record.details["taxonomy_desc"] == "Psychologist"
    assert record.details["licence_1"] == "103T00000X Psychologist: CA PSY99901 (primary)"
    assert record.details["licence_2"] == "103TC0700X Psychologist, Clinical: NV PY-00042"
    assert record.details["licence_3"] == "101YM0800X Counselor, Mental Health"
    assert record.details["created_at"].startswith("2010-01-01T00:00:00")
    assert answer.evidence[0].status_code == 200
    assert any("self-reported" in note and "state board" in note for note in answer.notes)
    assert registry_server.requests()[0].query == {"version": ["2.1"], "number": [JANE]}


def test_both_formats_parse_to_the_same_record(registry_server: RegistryServer) -> None:
    serve(registry_server, fixture("individual-2019.json"))
    old = lookup(registry_server, by_number()).records[0]
    serve(registry_server, fixture("individual-today.json"))
    new = lookup(registry_server, by_number()).records[0]
    assert old.model_dump(exclude={"details"}) == new.model_dump(exclude={"details"})
    only_today = {"practice_locations"}  # camelCase practiceLocations exist only today
    assert {k: v for k, v in new.details.items() if k not in only_today} == old.details
    assert new.details["sex"] == old.details["sex"] == "F"  # basic.sex today, gender in 2019


def test_an_organisation_is_named_by_its_organisation_name(
    registry_server: RegistryServer,
) -> None:
    serve(registry_server, fixture("organisation-today.json"))
    (record,) = lookup(registry_server, by_number(CLINIC)).records
    assert record.holder == "SYNTHETIC COUNSELING GROUP LLC"
    assert record.details["enumeration_type"] == "NPI-2"
    assert record.jurisdiction == "US-OR"  # LOCATION, though MAILING (WA) comes first
    assert record.details["taxonomy_group"] == "193200000X MULTI-SPECIALTY GROUP"
    assert record.details["authorized_official_last_name"] == "PLACEHOLDER"


def test_a_deactivated_status_is_inactive_with_its_wording(registry_server: RegistryServer) -> None:
    serve(registry_server, edited("individual-today.json", lambda r: r["basic"].update(status="D")))
    (record,) = lookup(registry_server, by_number()).records
    assert (record.status, record.active) == ("D", False)


def test_the_number_stays_a_string_with_its_leading_zeros(
    registry_server: RegistryServer,
) -> None:
    serve(registry_server, edited("individual-today.json", lambda r: r.update(number="0900000013")))
    (record,) = lookup(registry_server, by_number()).records
    assert record.identifier == "0900000013"


def test_a_record_for_another_npi_is_returned_as_it_is(registry_server: RegistryServer) -> None:
    serve(registry_server, fixture("organisation-today.json"))
    (record,) = lookup(registry_server, by_number(JANE)).records
    assert record.identifier == CLINIC  # the verifier, not the adapter, judges the mismatch


def test_zero_results_is_no_record_and_says_deactivated_npis_are_left_out(
    registry_server: RegistryServer,
) -> None:
    serve(registry_server, fixture("zero-results.json"))
    answer = lookup(registry_server, by_number())
    assert answer.records == ()
    assert any("deactivated" in note for note in answer.notes)


def test_the_listed_results_count_not_result_count(registry_server: RegistryServer) -> None:
    serve(registry_server, fixture("result-count-200-2019.json"))
    answer = lookup(registry_server, Query(scheme="us.npi", holder="Synthetic"))
    assert [r.identifier for r in answer.records] == [JANE, "1700000015"]
    assert any("counts 200 matches" in note for note in answer.notes)


# Name searches


def test_a_person_is_searched_by_first_and_last_name_and_state(
    registry_server: RegistryServer,
) -> None:
    serve_happy(registry_server)
    answer = lookup(
        registry_server,
        Query(scheme="us.npi", holder="Dr. Jane Quinn Synthetic, PsyD", jurisdiction="US-CA"),
    )
    assert registry_server.requests()[0].query == {
        "version": ["2.1"],
        "first_name": ["Jane"],
        "last_name": ["Synthetic"],
        "state": ["CA"],
        "limit": ["10"],
    }
    assert [r.identifier for r in answer.records] == [JANE]


def test_a_name_search_returns_every_match(registry_server: RegistryServer) -> None:
    serve(registry_server, fixture("name-search-today.json"))
    answer = lookup(registry_server, Query(scheme="us.npi", holder="Jane Synthetic"))
    jane, sam = answer.records
    assert jane.holder == "JANE QUINN SYNTHETIC"
    assert sam.holder == "SAM SYNTHETIC"  # the "--" suffix placeholder is dropped
    assert sam.details["licence_1"] == "1041C0700X Social Worker, Clinical: CA (primary)"
    assert "state" not in registry_server.requests()[0].query  # no jurisdiction, no state


def test_an_organisation_is_searched_by_organisation_name(
    registry_server: RegistryServer,
) -> None:
    serve(registry_server, fixture("organisation-today.json"))
    lookup(
        registry_server,
        Query(scheme="us.npi", holder="Synthetic Counseling Group LLC", jurisdiction="US-OR"),
    )
    assert registry_server.requests()[0].query == {
        "version": ["2.1"],
        "organization_name": ["Synthetic Counseling Group LLC"],
        "state": ["OR"],
        "limit": ["10"],
    }


def test_a_state_alone_is_never_sent(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    query = Query(scheme="us.npi", jurisdiction="US-CA")
    assert NppesAdapter(fast_http(), base_url=registry_server.url).refuses(query)
    with pytest.raises(LookupFailed, match="state alone"):
        lookup(registry_server, query)
    assert registry_server.requests() == []


def test_the_adapter_is_registered() -> None:
    assert available()[ADAPTER_ID] is NppesAdapter
    assert NppesAdapter.schemes == ("us.npi",)


# Faults NPPES reports in its body


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("errors-generic-04.json", r"NPPES error 04 \(generic\): No valid search criteria"),
        (
            "errors-enumeration-type-09.json",
            r"NPPES error 09 \(enumeration_type\): enumeration_type requires additional",
        ),
    ],
)
def test_an_errors_body_is_a_fault_not_a_missing_record(
    registry_server: RegistryServer, name: str, message: str
) -> None:
    serve(registry_server, fixture(name))
    with pytest.raises(LookupFailed, match=message) as caught:
        lookup(registry_server, by_number())
    assert not isinstance(caught.value, LayoutChanged)
    assert caught.value.evidence  # the error body is kept
    assert len(registry_server.requests()) == 1  # a refused query is not retried


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"result_count": 1}', "no 'results' list with a 'result_count'"),
        (b'{"result_count": 1, "results": {"number": 1}}', "no 'results' list"),
        (b'{"results": [{"number": "1900000013"}]}', "no 'results' list with a 'result_count'"),
        (b'{"result_count": 1, "results": [{"number": "1900000013"}]}', "without a 'basic'"),
        (
            b'{"result_count": 1, "results": [{"number": "NPI?", "basic": {"status": "A"}}]}',
            "not a number",
        ),
        (
            b'{"result_count": 1, "results": [{"number": "1900000013", "basic": {}}]}',
            "unknown NPI status wording ''",
        ),
        (b'{"result_count": 0, "results": [{"number": "1", "basic": {}}]}', "counts 0 results"),
        (b'{"result_count": 1, "results": []}', "counts 1 results but lists 0"),
        (b"[]", "not an object"),
        (b"<html>maintenance</html>", "not JSON"),
    ],
)
def test_a_changed_layout_is_reported(
    registry_server: RegistryServer, body: bytes, words: str
) -> None:
    serve(registry_server, body)
    with pytest.raises(LayoutChanged, match=words):
        lookup(registry_server, by_number())


def test_a_wrong_content_type_is_a_layout_change(registry_server: RegistryServer) -> None:
    serve(registry_server, b"<html><body>NPI Registry</body></html>", "text/html")
    with pytest.raises(LayoutChanged, match="expected JSON"):
        lookup(registry_server, by_number())


# Transport faults and HTTP statuses (the shared policy, observed through this adapter)


def test_a_429_with_retry_after_is_retried_and_then_answers(
    registry_server: RegistryServer,
) -> None:
    serve_happy(registry_server)
    registry_server.fault(Fault("status", Response(429, b"", "text/plain", {"Retry-After": "1"})))
    answer = lookup(registry_server, by_number())
    assert [r.identifier for r in answer.records] == [JANE]
    first, second = registry_server.requests(PATH)
    assert second.at - first.at >= 0.9
