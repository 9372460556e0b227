"""The BACP Register adapter over real sockets: searches by membership number and by name."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest

from credverify.adapters.base import Answer, Query, adapter_class
from credverify.adapters.gb_bacp import BacpRegisterAdapter
from credverify.adapters.http import Http
from credverify.errors import (
    LayoutChanged,
    LookupFailed,
    UnknownWording,
)
from credverify.records import CheckStatus, Claim
from tests.registry_server import Fault, RegistryServer, Request, Response

ADAPTER_ID = "gb.bacp.register"
FIXTURES = Path(__file__).parent.parent / "fixtures" / ADAPTER_ID
PATH = "/search/Register"
HTML = "text/html; charset=utf-8"
SAM = "009001"  # synthetic: Registered Member MBACP (Accred), Leeds


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def serve(server: RegistryServer, body: bytes, content_type: str = HTML) -> None:
    server.route("GET", PATH, lambda _: Response(200, body, content_type))


def serve_happy(server: RegistryServer) -> Claim:
    """The BACP search page: Sam by membership number, three members by the name "Synthetic"."""

    def answer(request: Request) -> Response:
        asked = request.query.get("q", [""])[0]
        if asked == SAM:
            return Response(200, fixture("search-by-number.html"), HTML)
        if "synthetic" in asked.casefold():
            return Response(200, fixture("search-by-name.html"), HTML)
        return Response(200, fixture("no-results.html"), HTML)

    server.route("GET", PATH, answer)
    return Claim(
        scheme="gb.bacp",
        identifier=SAM,
        holder="Sam Synthetic",
        tier="accredited",
        jurisdiction="GB",
    )


def fast_http() -> Http:
    return Http(timeout=httpx.Timeout(0.5, connect=0.5), attempts=3, backoff=0.01, max_backoff=0.05)


def lookup(server: RegistryServer, query: Query) -> Answer:
    async def go() -> Answer:
        http = fast_http()
        try:
            return await BacpRegisterAdapter(http, base_url=server.url).lookup(query)
        finally:
            await http.aclose()

    return asyncio.run(go())


def by_number(number: str = SAM) -> Query:
    return Query(scheme="gb.bacp", identifier=number)


def by_name(name: str = "Synthetic") -> Query:
    return Query(scheme="gb.bacp", holder=name)


def with_count(line: bytes, page: str = "search-by-name.html") -> bytes:
    """A results page whose count line reads ``line``."""
    return re.sub(
        rb'(<p class="template-search__count">)[^<]*(</p>)',
        rb"\g<1>" + line + rb"\g<2>",
        fixture(page),
    )


def without_cards(page: bytes) -> bytes:
    """The page with its member cards gone (a redesign the parser cannot read)."""
    return re.sub(rb"<article.*?</article>", b"", page, flags=re.DOTALL)


def with_card_extra(markup: bytes) -> bytes:
    """The by-number page with ``markup`` added to Sam's card."""
    return fixture("search-by-number.html").replace(b"</article>", markup + b"</article>", 1)


# Happy paths


def test_a_member_is_found_by_membership_number(registry_server: RegistryServer) -> None:
    claim = serve_happy(registry_server)
    answer = lookup(registry_server, by_number())
    (record,) = answer.records
    assert record.identifier == claim.identifier == SAM
    assert record.holder == claim.holder == "Sam Synthetic"
    assert (record.scheme, record.tier, record.jurisdiction) == ("gb.bacp", "accredited", "GB")
    assert (record.status, record.active) == ("Registered Member MBACP (Accred)", True)
    assert record.details["location"] == "Leeds, LS1"
    assert record.details["membership_category"] == "Registered Member MBACP (Accred)"
    assert set(answer.unconfirmable) == {"valid_from", "valid_until"}
    assert any("no dates" in note for note in answer.notes)
    (request,) = registry_server.requests()
    assert (request.path, request.query) == (PATH, {"q": [SAM]})


def test_a_spaced_number_is_sent_compact(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    lookup(registry_server, by_number("009 001"))
    assert registry_server.requests()[0].query == {"q": [SAM]}


def test_a_name_search_maps_each_category_to_its_tier(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    answer = lookup(registry_server, by_name("Sam Synthetic"))
    assert registry_server.requests()[0].query == {"q": ["Sam Synthetic"]}
    assert [(r.identifier, r.holder, r.tier, r.active) for r in answer.records] == [
        (SAM, "Sam Synthetic", "accredited", True),
        ("009002", "Alex Synthetic", "registered", True),
        ("009003", "Jamie Synthetic", "senior-accredited", True),
    ]
    assert [r.status for r in answer.records] == [
        "Registered Member MBACP (Accred)",
        "Registered Member MBACP",
        "Registered Member MBACP (Snr Accred)",
    ]
    assert not any("first" in note for note in answer.notes)


def test_a_longer_result_list_says_only_its_first_page_was_read(
    registry_server: RegistryServer,
) -> None:
    page = fixture("search-by-name.html").replace(b"of 3 results", b"of 57 results")
    serve(registry_server, page)
    answer = lookup(registry_server, by_name())
    assert any("first 3 of 57" in note for note in answer.notes)


# Statuses


@pytest.mark.parametrize(
    ("label", "active"),
    [
        ("Status: Registered", True),
        ("Status: Suspended", False),
        ("Status: Lapsed", False),
        ("Status: Membership withdrawn", False),
        ("Status: Membership suspended", False),
        ("Status: Removed", False),
    ],
)
def test_an_explicit_status_label_is_the_status(
    registry_server: RegistryServer, label: str, active: bool
) -> None:
    serve(registry_server, with_card_extra(f'<div aria-label="{label}"></div>'.encode()))
    (record,) = lookup(registry_server, by_number()).records
    assert (record.status, record.active) == (label.removeprefix("Status: "), active)
    assert record.tier == "accredited"  # the category still gives the tier


@pytest.mark.parametrize("wording", ["Under investigation", "Expired", "Not suspended"])
def test_a_status_wording_it_does_not_know_is_quoted_never_guessed(
    registry_server: RegistryServer, wording: str
) -> None:
    serve(registry_server, with_card_extra(f'<div aria-label="Status: {wording}"></div>'.encode()))
    with pytest.raises(UnknownWording, match=f"BACP: unknown status wording '{wording}'"):
        lookup(registry_server, by_number())


@pytest.mark.parametrize(
    "wording", ["Registered Member MBACP (Provisional)", "Student Member MBACP", "MBACP (Accred)"]
)
def test_a_category_it_does_not_know_is_quoted_never_guessed(
    registry_server: RegistryServer, wording: str
) -> None:
    page = fixture("search-by-number.html").replace(
        b"Registered Member MBACP (Accred)", wording.encode()
    )
    serve(registry_server, page)
    with pytest.raises(UnknownWording, match=re.escape(f"membership category wording {wording!r}")):
        lookup(registry_server, by_number())


def test_a_category_read_only_from_its_aria_label_still_counts(
    registry_server: RegistryServer,
) -> None:
    page = fixture("search-by-number.html").replace(
        b"<span>Registered Member MBACP (Accred)</span>", b""
    )
    serve(registry_server, page)
    (record,) = lookup(registry_server, by_number()).records
    assert record.tier == "accredited"


# No such member, and pages that are not an answer


def test_the_no_results_wording_means_no_record(registry_server: RegistryServer) -> None:
    serve_happy(registry_server)
    answer = lookup(registry_server, by_number("009999"))
    assert answer.records == ()
    assert answer.no_result == "Sorry, no results were found for your search."
    assert len(registry_server.requests()) == 1


def test_an_exact_count_of_zero_means_no_record(registry_server: RegistryServer) -> None:
    serve(registry_server, with_count(b"Showing 0 results", "no-results.html"))
    answer = lookup(registry_server, by_number("009999"))
    assert (answer.records, answer.no_result) == ((), "Showing 0 results")


def test_an_unknown_member_is_not_found_quoting_the_register(
    registry_server: RegistryServer,
) -> None:
    from tests.test_verifier import fast_verifier

    claim = serve_happy(registry_server).model_copy(update={"identifier": "009999"})
    check = fast_verifier(registry_server).verify(claim)
    assert check.status is CheckStatus.NOT_FOUND
    assert "Sorry, no results were found for your search." in check.reason


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            without_cards(with_count(b"Showing 1 - 3 of 10 results")),
            "counts 'Showing 1 - 3 of 10 results' but shows 0 member",
        ),
        (without_cards(fixture("search-by-number.html")), "counts 'Showing 1 result' but shows 0"),
        (
            with_count(b"Showing 1 - 2 of 3 results"),
            "counts 'Showing 1 - 2 of 3 results' but shows 3",
        ),
        (with_count(b"Showing 0 results"), "counts 'Showing 0 results' but shows 3"),
        (with_count(b"Showing 1 - 3 of 2 results"), "count line it cannot read"),
        (with_count(b"Showing 1 - 3 of 10 results, 0 results hidden"), "count line it cannot read"),
        (
            without_cards(with_count(b"Showing 1 - 3 of 10 results. Sorry, 0 results match.")),
            "count line it cannot read",
        ),
        (
            with_count(b"Sorry, no results were found for your search."),
            "shows results beside 'Sorry, no results were found for your search.'",
        ),
        (
            without_cards(with_count(b"Showing 1 - 3 of 10 results")).replace(
                b"</form>", b"<p>Sorry, no results were found for your search.</p></form>"
            ),
            "shows results beside",
        ),
        (
            fixture("no-results.html").replace(
                b"Sorry, no results were found for your search.",
                b"Sorry, no results were found for your search in Leeds.",
            ),
            "neither a registered member nor its 'no results' wording",
        ),
    ],
    ids=[
        "count-10-no-cards",
        "count-1-no-cards",
        "fewer-counted-than-cards",
        "zero-beside-cards",
        "range-past-total",
        "count-with-trailing-words",
        "count-and-zero-sentence",
        "no-results-beside-cards",
        "no-results-beside-a-count",
        "no-results-sentence-reworded",
    ],
)
def test_a_count_or_no_results_wording_that_contradicts_the_page_is_a_layout_change(
    registry_server: RegistryServer, body: bytes, words: str
) -> None:
    serve(registry_server, body)
    with pytest.raises(LayoutChanged, match=re.escape(words)):
        lookup(registry_server, by_number())


def test_an_unreadable_page_counting_ten_results_is_unverifiable_never_not_found(
    registry_server: RegistryServer,
) -> None:
    from tests.test_verifier import fast_verifier

    claim = serve_happy(registry_server)
    serve(registry_server, without_cards(with_count(b"Showing 1 - 3 of 10 results")))
    check = fast_verifier(registry_server).verify(claim)
    assert check.status is CheckStatus.UNVERIFIABLE
    assert "layout changed: BACP" in check.reason


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (fixture("maintenance.html"), "neither a registered member nor its 'no results'"),
        (fixture("renamed-fields.html"), "without a readable 'Membership number'"),
        (
            fixture("search-by-number.html").replace(b"Registered Member MBACP (Accred)", b"Mbr"),
            "member 009001 without a membership category",
        ),
        (
            fixture("search-by-number.html")
            .replace(b">Sam Synthetic<", b"><")
            .replace(b">Leeds, LS1<", b"><"),
            "member 009001 without a name",
        ),
        (
            b"<html><head><title>Just a moment...</title></head>"
            b"<body><h1>Verify you are human</h1></body></html>",
            "page title: 'Just a moment...'",
        ),
        (b"", "sent an empty page"),
    ],
    ids=["maintenance", "renamed-number", "renamed-category", "no-name", "bot-wall", "empty"],
)
def test_a_page_that_is_not_an_answer_is_a_layout_change(
    registry_server: RegistryServer, body: bytes, words: str
) -> None:
    serve(registry_server, body)
    with pytest.raises(LayoutChanged, match=words) as caught:
        lookup(registry_server, by_number())
    assert str(caught.value).startswith("layout changed: BACP")
    assert caught.value.evidence


def test_json_instead_of_html_is_a_layout_change(registry_server: RegistryServer) -> None:
    serve(registry_server, b'{"results": [{"name": "Sam Synthetic"}]}', "application/json")
    with pytest.raises(LayoutChanged, match="expected an HTML page, got 'application/json'"):
        lookup(registry_server, by_number())


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (by_number("MBACP-9001"), "not a BACP membership number"),
        (by_name("   "), "a name or a membership number"),
        (Query(scheme="gb.hcpc", identifier=SAM), "not 'gb.hcpc'"),
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
    assert adapter_class(ADAPTER_ID) is BacpRegisterAdapter
    assert BacpRegisterAdapter.schemes == ("gb.bacp",)
    assert BacpRegisterAdapter.rate_limit == 1.0


# Transport faults and HTTP statuses (the shared policy, observed through this adapter)


def test_a_429_with_retry_after_is_retried_and_then_answers(
    registry_server: RegistryServer,
) -> None:
    serve_happy(registry_server)
    registry_server.fault(Fault("status", Response(429, b"", "text/plain", {"Retry-After": "1"})))
    answer = lookup(registry_server, by_number())
    assert [r.identifier for r in answer.records] == [SAM]
    first, second = registry_server.requests(PATH)
    assert second.at - first.at >= 0.9
