"""The HCPC register adapter over real sockets: detail pages by number, never a surname search."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

import httpx
import pytest

from credverify.adapters.base import Answer, Query, adapter_class
from credverify.adapters.gb_hcpc import HcpcRegisterAdapter
from credverify.adapters.http import Http
from credverify.errors import (
    LayoutChanged,
    LookupFailed,
    UnknownWording,
)
from credverify.records import CheckStatus, Claim
from tests.registry_server import Fault, RegistryServer, Request, Response

ADAPTER_ID = "gb.hcpc.register"
FIXTURES = Path(__file__).parent.parent / "fixtures" / ADAPTER_ID
DETAIL = "/check-the-register/professional-registration-detail/"
HTML = "text/html; charset=utf-8"
ALEX = "PYL000101"  # synthetic: a clinical psychologist, registered until 31 May 2027


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def serve(
    server: RegistryServer, body: bytes, content_type: str = HTML, path: str = DETAIL
) -> None:
    server.route("GET", path, lambda _: Response(200, body, content_type))


def serve_happy(server: RegistryServer) -> Claim:
    """The HCPC site: Alex's detail page by number, "No results returned" for any other."""

    def detail(request: Request) -> Response:
        asked = (request.query.get("query", [""])[0], request.query.get("profession", [""])[0])
        page = "detail-registered.html" if asked == (ALEX, "PYL") else "no-results.html"
        return Response(200, fixture(page), HTML)

    server.route("GET", DETAIL, detail)
    return Claim(
        scheme="gb.hcpc",
        identifier=ALEX,
        holder="Alex Synthetic",
        tier="clinical-psychologist",
        jurisdiction="GB",
        valid_until=date(2027, 5, 31),
    )


def fast_http() -> Http:
    return Http(timeout=httpx.Timeout(0.5, connect=0.5), attempts=3, backoff=0.01, max_backoff=0.05)


def lookup(server: RegistryServer, query: Query, base_url: str | None = None) -> Answer:
    async def go() -> Answer:
        http = fast_http()
        try:
            return await HcpcRegisterAdapter(http, base_url=base_url or server.url).lookup(query)
        finally:
            await http.aclose()

    return asyncio.run(go())


def by_number(number: str = ALEX, tier: str | None = None) -> Query:
    return Query(scheme="gb.hcpc", identifier=number, tier=tier)


def with_status(wording: str) -> bytes:
    return fixture("detail-registered.html").replace(
        b"<td>Registered</td>", f"<td>{wording}</td>".encode()
    )


def with_period(period: str) -> bytes:
    return fixture("detail-registered.html").replace(b"01/06/2025 to 31/05/2027", period.encode())


def no_results_for(number: str) -> bytes:
    return fixture("no-results.html").replace(b"PYL999999", number.encode())


# Happy paths


def test_a_registrant_is_found_by_number(registry_server: RegistryServer) -> None:
    claim = serve_happy(registry_server)
    answer = lookup(registry_server, by_number())
    (record,) = answer.records
    assert record.identifier == ALEX
    assert record.holder == claim.holder == "Alex Synthetic"
    assert (record.scheme, record.tier, record.jurisdiction) == (
        "gb.hcpc",
        "clinical-psychologist",
        "GB",
    )
    assert (record.status, record.active) == ("Registered", True)
    assert (record.valid_from, record.valid_until) == (date(2025, 6, 1), date(2027, 5, 31))
    assert record.details["profession"] == "Practitioner psychologist"
    assert record.details["area"] == "London"
    assert record.details["modalities"] == "Clinical psychologist"
    assert record.details["data_valid_on"] == "29/11/2026 09:15:02"
    assert answer.unconfirmable == ()
    assert answer.evidence[0].status_code == 200
    (request,) = registry_server.requests()
    assert (request.path, request.query) == (DETAIL, {"query": [ALEX], "profession": ["PYL"]})


def test_the_profession_is_the_number_prefix(registry_server: RegistryServer) -> None:
    serve(registry_server, no_results_for("PH000101"))
    assert lookup(registry_server, by_number("PH000101")).records == ()
    assert registry_server.requests()[0].query["profession"] == ["PH"]


def test_a_name_only_query_is_refused_because_robots_txt_disallows_the_surname_search(
    registry_server: RegistryServer,
) -> None:
    serve_happy(registry_server)
    reason = (
        "HCPC's robots.txt disallows automated use of its surname search: give the registration "
        "number (profession letters and digits, e.g. PYL123456)"
    )
    query = Query(scheme="gb.hcpc", holder="Dr Alex Synthetic, DClinPsy")
    assert HcpcRegisterAdapter(fast_http(), base_url=registry_server.url).refuses(query) == reason
    with pytest.raises(LookupFailed) as caught:
        lookup(registry_server, query)
    assert str(caught.value) == reason
    assert registry_server.requests() == []


def test_the_base_url_may_carry_a_path(registry_server: RegistryServer) -> None:
    serve(registry_server, fixture("detail-registered.html"), path="/mirror" + DETAIL)
    answer = lookup(registry_server, by_number(), base_url=registry_server.url + "/mirror/")
    assert [r.identifier for r in answer.records] == [ALEX]


# Statuses, domains and periods


@pytest.mark.parametrize(
    ("wording", "active"),
    [
        ("Registered", True),
        ("Registered with conditions of practice", True),
        ("Registered - conditions of practice", True),
        ("Registered - Caution", True),
        ("Suspended", False),
        ("Interim suspension order", False),
        ("Struck off", False),
        ("Lapsed", False),
        ("Removed", False),
        ("Voluntary removal", False),
        ("  struck   OFF ", False),  # case and spacing are not wording
    ],
)
def test_a_status_keeps_its_wording_and_sets_active(
    registry_server: RegistryServer, wording: str, active: bool | None
) -> None:
    serve(registry_server, with_status(wording))
    (record,) = lookup(registry_server, by_number()).records
    assert (record.status, record.active) == (" ".join(wording.split()), active)


@pytest.mark.parametrize(
    "wording", ["Expired", "Erased", "Under review", "Registered (pending)", "Not suspended"]
)
def test_a_status_wording_it_does_not_know_is_quoted_never_guessed(
    registry_server: RegistryServer, wording: str
) -> None:
    serve(registry_server, with_status(wording))
    with pytest.raises(
        UnknownWording, match=re.escape(f"HCPC: unknown status wording '{wording}'")
    ) as caught:
        lookup(registry_server, by_number())
    assert caught.value.evidence  # the page that was not understood is kept


def test_an_unknown_status_is_unverifiable_for_the_verifier(
    registry_server: RegistryServer,
) -> None:
    from tests.test_verifier import fast_verifier

    claim = serve_happy(registry_server)
    serve(registry_server, with_status("Expired"))
    check = fast_verifier(registry_server).verify(claim)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert "'Expired'" in check.reason
    assert check.evidence


def test_a_period_that_ended_is_inactive_with_its_end_date(
    registry_server: RegistryServer,
) -> None:
    """The page still says "Registered", but the registration period ended in 2017."""
    from tests.test_verifier import fast_verifier

    claim = serve_happy(registry_server).model_copy(update={"valid_until": None})
    serve(registry_server, with_period("01/06/2015 to 31/05/2017"))
    check = fast_verifier(registry_server).verify(claim)
    assert check.status is CheckStatus.INACTIVE
    assert "2017-05-31" in check.reason
    assert check.record is not None
    assert (check.record.status, check.record.valid_until) == ("Registered", date(2017, 5, 31))


def test_a_period_it_cannot_read_is_a_layout_change(registry_server: RegistryServer) -> None:
    serve(registry_server, with_period("01/06/2025 until further notice"))
    with pytest.raises(LayoutChanged, match="period it cannot read: '01/06/2025 until"):
        lookup(registry_server, by_number())


def test_conditions_keep_the_registrant_active_with_both_domains(
    registry_server: RegistryServer,
) -> None:
    serve(registry_server, fixture("detail-conditions.html"))
    (record,) = lookup(registry_server, by_number("PYL000102")).records
    assert (record.status, record.active) == ("Registered with conditions of practice", True)
    assert record.tier == "counselling-psychologist"  # the first domain shown
    assert record.details["domains"] == "counselling-psychologist, health-psychologist"
    (claimed,) = lookup(registry_server, by_number("PYL000102", "health-psychologist")).records
    assert claimed.tier == "health-psychologist"  # the claimed domain, when the page shows it


def test_a_lapsed_registrant_with_no_domain_is_a_practitioner_psychologist(
    registry_server: RegistryServer,
) -> None:
    serve(registry_server, fixture("detail-lapsed.html"))
    (record,) = lookup(registry_server, by_number("PYL000103")).records
    assert (record.status, record.active) == ("Lapsed", False)
    assert record.tier == "practitioner-psychologist"
    assert record.valid_until == date(2023, 5, 31)
    assert "modalities" not in record.details


def test_a_domain_it_does_not_know_is_quoted_never_guessed(
    registry_server: RegistryServer,
) -> None:
    page = fixture("detail-registered.html").replace(
        b"Clinical psychologist", b"Clinical neuropsychologist"
    )
    serve(registry_server, page)
    with pytest.raises(UnknownWording, match="'Clinical neuropsychologist'"):
        lookup(registry_server, by_number())


@pytest.mark.parametrize(
    ("modalities", "tier"),
    [
        ("Educational psychologist", "educational-psychologist"),
        ("Forensic psychologist", "forensic-psychologist"),
        ("Occupational psychologist", "occupational-psychologist"),
        ("Sport and exercise psychologist", "sport-and-exercise-psychologist"),
    ],
)
def test_each_domain_maps_to_its_tier(
    registry_server: RegistryServer, modalities: str, tier: str
) -> None:
    page = fixture("detail-registered.html").replace(b"Clinical psychologist", modalities.encode())
    serve(registry_server, page)
    (record,) = lookup(registry_server, by_number()).records
    assert record.tier == tier


# No such registrant, and pages that are not an answer


def test_the_no_results_wording_means_no_record(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    answer = lookup(registry_server, by_number("PYL999999"))
    assert answer.records == ()
    assert answer.no_result == "No results returned for PYL999999"
    assert answer.evidence
    assert len(registry_server.requests()) == 1


def test_an_unknown_number_is_not_found_quoting_the_register(
    registry_server: RegistryServer,
) -> None:
    from tests.test_verifier import fast_verifier

    claim = serve_happy(registry_server).model_copy(update={"identifier": "PYL999999"})
    check = fast_verifier(registry_server).verify(claim)
    assert check.status is CheckStatus.NOT_FOUND
    assert "No results returned for PYL999999" in check.reason


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (no_results_for("PYL000102"), "answered 'No results returned for PYL000102' when asked"),
        (
            fixture("detail-registered.html").replace(
                b"</table>", b"</table><p>No results returned for PYL000101</p>"
            ),
            "shows a registrant beside 'No results returned for PYL000101'",
        ),
        (
            fixture("no-results.html").replace(
                b"No results returned for PYL999999", b"No results returned for PYL000101 yet"
            ),
            "neither a registrant nor",
        ),
    ],
    ids=["another-number", "beside-a-registrant", "longer-sentence"],
)
def test_the_no_results_wording_counts_only_whole_and_for_the_number_asked(
    registry_server: RegistryServer, body: bytes, words: str
) -> None:
    serve(registry_server, body)
    with pytest.raises(LayoutChanged, match=words):
        lookup(registry_server, by_number())


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            fixture("maintenance.html"),
            "neither a registrant nor its 'No results returned for' wording",
        ),
        (fixture("consent-wall.html"), "page title: 'Just a moment...'"),
        (fixture("renamed-fields.html"), "neither a registrant"),
        (
            fixture("detail-registered.html").replace(b"<td>Status</td>", b"<td>State</td>"),
            "registrant PYL000101 without a 'status' field",
        ),
        (
            fixture("detail-registered.html").replace(b"<td>PYL000101</td>", b"<td>see below</td>"),
            "registration number it cannot read",
        ),
        (b"", "sent an empty page"),
        (b"  \r\n ", "sent an empty page"),
    ],
    ids=["maintenance", "bot-wall", "renamed", "no-status", "bad-number", "empty", "blank"],
)
def test_a_page_that_is_not_an_answer_is_a_layout_change(
    registry_server: RegistryServer, body: bytes, words: str
) -> None:
    serve(registry_server, body)
    with pytest.raises(LayoutChanged, match=words) as caught:
        lookup(registry_server, by_number())
    assert str(caught.value).startswith("layout changed: HCPC")
    assert caught.value.evidence  # the page that was not understood is kept


def test_a_no_results_string_inside_a_script_is_not_the_page_saying_it(
    registry_server: RegistryServer,
) -> None:
    assert b"No results returned for" in fixture("maintenance.html")
    serve(registry_server, fixture("maintenance.html"))
    with pytest.raises(LayoutChanged):
        lookup(registry_server, by_number())


def test_json_instead_of_html_is_a_layout_change(registry_server: RegistryServer) -> None:
    serve(registry_server, b'{"name": "Alex Synthetic", "status": "Active"}', "application/json")
    with pytest.raises(LayoutChanged, match="expected an HTML page, got 'application/json'"):
        lookup(registry_server, by_number())


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (Query(scheme="gb.hcpc", identifier="XX000101"), "not an HCPC registration number"),
        (Query(scheme="gb.hcpc", identifier="PYL1234567"), "not an HCPC registration number"),
        (Query(scheme="gb.hcpc", holder="  "), "give the registration number"),
        (Query(scheme="gb.bacp", identifier=ALEX), "not 'gb.bacp'"),
    ],
)
def test_a_query_the_register_cannot_answer_is_refused_unsent(
    registry_server: RegistryServer, query: Query, words: str
) -> None:
    serve_happy(registry_server)
    with pytest.raises(LookupFailed, match=words):
        lookup(registry_server, query)
    assert registry_server.requests() == []


def test_the_adapter_is_registered() -> None:
    assert adapter_class(ADAPTER_ID) is HcpcRegisterAdapter
    assert HcpcRegisterAdapter.schemes == ("gb.hcpc",)
    assert HcpcRegisterAdapter.rate_limit == 1.0


# Transport faults and HTTP statuses (the shared policy, observed through this adapter)


def test_a_429_with_retry_after_is_retried_and_then_answers(
    registry_server: RegistryServer,
) -> None:
    serve_happy(registry_server)
    registry_server.fault(Fault("status", Response(429, b"", "text/plain", {"Retry-After": "1"})))
    answer = lookup(registry_server, by_number())
    assert [r.identifier for r in answer.records] == [ALEX]
    first, second = registry_server.requests(DETAIL)
    assert second.at - first.at >= 0.9


def test_lookups_are_paced_at_one_page_a_second(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)

    async def go() -> list[Answer | LookupFailed]:
        http = fast_http()
        try:
            adapter = HcpcRegisterAdapter(http, base_url=registry_server.url)
            return await adapter.lookup_many([by_number(), by_number("PYL999999")])
        finally:
            await http.aclose()

    found, missing = asyncio.run(go())
    assert isinstance(found, Answer)
    assert isinstance(missing, Answer)
    assert (len(found.records), len(missing.records)) == (1, 0)
    first, second = registry_server.requests(DETAIL)
    assert second.at - first.at >= 0.9
