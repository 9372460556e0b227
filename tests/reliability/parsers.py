"""Every response parser, fed whatever a test wants, without sockets.

Each HTTP adapter runs its real ``lookup`` code through the shared HTTP policy
(:class:`~credverify.adapters.http.Http`) over an ``httpx.MockTransport`` that answers with the
given status, media type and body: so the policy's status table, the media-type checks, the
XML/JSON/HTML parsing and the record building all run, and nothing leaves the process. The
snapshot adapters' file parsers (``parse`` / ``read_json``) are called directly.

The contract every test here checks: a parser gives an :class:`Answer` or a
:class:`LookupFailed` (a :class:`SnapshotError` for files), never any other exception.

Also the hypothesis strategies that build hostile bodies in each registry's own shape, shared by
``tests/reliability/test_properties.py`` and the longer run in ``tests/fuzz/fuzz_parsers.py``.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import httpx
from hypothesis import strategies as st

from credverify.adapters.base import Adapter, Answer, Query
from credverify.adapters.cn_gacc_credit import ChinaCreditAdapter
from credverify.adapters.eu_eos_aeo import EosAeoAdapter
from credverify.adapters.eu_eos_eori import EosEoriAdapter
from credverify.adapters.gb_bacp import BacpRegisterAdapter
from credverify.adapters.gb_hcpc import HcpcRegisterAdapter
from credverify.adapters.gb_hmrc import HmrcEoriAdapter
from credverify.adapters.http import Http
from credverify.adapters.jp_customs_aeo import JapanAeoAdapter
from credverify.adapters.snapshot import SnapshotAdapter, sync
from credverify.adapters.us_nppes import NppesAdapter
from credverify.adapters.us_oig_leie import LeieAdapter
from credverify.adapters.us_psypact import PsypactRegisterAdapter
from credverify.batch import FIELDS, InputRow, claims_of, column_map, read_rows
from credverify.errors import LookupFailed
from credverify.records import Claim
from credverify.store import Store

__all__ = [
    "BASE_URL",
    "COLUMN_NAMES",
    "FIXTURES",
    "HTTP_TARGETS",
    "IDENTIFIER_LIKE",
    "SNAPSHOT_TARGETS",
    "HttpTarget",
    "SnapshotTarget",
    "body_for",
    "check_contract",
    "claims_for",
    "content_type_for",
    "feed",
    "import_snapshot",
    "json_values",
    "read_all",
    "snapshot_body_for",
    "status_for",
    "unthrottled",
]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BASE_URL = "http://127.0.0.1:9"  # never dialled: the mock transport answers
SOAP_XML = "text/xml; charset=utf-8"
JSON = "application/json"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class HttpTarget:
    """One HTTP adapter as the parser tests drive it."""

    adapter: type[Adapter]
    queries: tuple[Query, ...]
    """What is asked: the parser sees these identifiers and names."""
    fixtures: tuple[str, ...]
    """Real-format answers (``tests/fixtures/<adapter id>/``) to mutate."""
    media_types: tuple[str, ...]
    shape: str
    """``json``, ``xml`` or ``html``: which structured strategy builds plausible bodies."""
    words: tuple[str, ...]
    """Element names, keys, labels and values of the registry's format."""
    statuses: tuple[int, ...] = (200,)
    """Statuses whose body the adapter reads (HMRC reads a 400, SOAP a 500 Fault)."""

    @property
    def id(self) -> str:
        return self.adapter.id

    def fixture_bodies(self) -> list[bytes]:
        return [(FIXTURES / self.id / name).read_bytes() for name in self.fixtures]

    def asked(self) -> list[str]:
        return [q.identifier or q.holder or "" for q in self.queries]


def _w(words: str) -> tuple[str, ...]:
    return tuple(words.split("|"))


HTTP_TARGETS: dict[str, HttpTarget] = {
    t.id: t
    for t in (
        HttpTarget(
            adapter=HmrcEoriAdapter,
            queries=(
                Query("gb.eori", "GB100200300000"),
                Query("gb.eori", "GB100200300017"),
            ),
            fixtures=(
                "check-multiple-eori-response.json",
                "response-echoes-another-eori.json",
                "error-400-invalid.json",
                "error-400-plain.txt",
                "error-400-xi.json",
                "error-500.json",
            ),
            media_types=(JSON, "application/vnd.hmrc.1.0+json", "text/plain", ""),
            shape="json",
            words=_w(
                "eori|valid|processingDate|companyDetails|traderName|address|"
                "streetAndNumber|cityName|postcode|code|message|GB100200300000|"
                "GB100200300017|2026-11-27T10:15:00+00:00"
            ),
            statuses=(200, 400),
        ),
        HttpTarget(
            adapter=EosEoriAdapter,
            queries=(
                Query("eu.eori", "DE9000000000001"),
                Query("eu.eori", "XI900000000000"),
            ),
            fixtures=(
                "validateEORI-response.xml",
                "soap-fault.xml",
                "soap-fault-busy.xml",
                "billion-laughs.xml",
                "external-entity.xml",
            ),
            media_types=(SOAP_XML, "application/xml", "application/soap+xml", "text/html"),
            shape="xml",
            words=_w(
                "Envelope|Body|Fault|faultcode|faultstring|validateEORIResponse|return|"
                "requestDate|result|eori|status|statusDescr|name|address|street|"
                "postalCode|city|country|errorDescription|errorReason|DE9000000000001|"
                "XI900000000000|0|1|Valid|MS_MAX_CONCURRENT_REQ"
            ),
            statuses=(200, 500),
        ),
        HttpTarget(
            adapter=EosAeoAdapter,
            queries=(Query("eu.aeo", holder="Synthetic Trading", tier="AEOF", jurisdiction="DE"),),
            fixtures=(
                "found.xml",
                "found-several.xml",
                "not-found.xml",
                "error-description.xml",
                "fault-client.xml",
                "changed-layout.xml",
                "billion-laughs.xml",
                "external-entity.xml",
            ),
            media_types=(SOAP_XML, "application/xml", "text/plain"),
            shape="xml",
            words=_w(
                "Envelope|Body|Fault|faultstring|retrieveAEOResponse|return|"
                "requestDate|result|authorisationHolderName|issuingCountry|"
                "competentCustomsAuthority|authorisation.type|authorisationType|"
                "effectiveDate|errorDescription|Synthetic Trading GmbH|Germany|AEOF|"
                "AEOC|03/04/2019|31/02/2019"
            ),
            statuses=(200, 500),
        ),
        HttpTarget(
            adapter=NppesAdapter,
            queries=(
                Query("us.npi", "1900000013"),
                Query("us.npi", holder="Jane Synthetic", jurisdiction="US-CA"),
            ),
            fixtures=(
                "individual-today.json",
                "individual-2019.json",
                "organisation-today.json",
                "name-search-today.json",
                "zero-results.json",
                "errors-generic-04.json",
                "errors-enumeration-type-09.json",
                "result-count-200-2019.json",
            ),
            media_types=(JSON, "text/html", ""),
            shape="json",
            words=_w(
                "result_count|results|Errors|number|basic|status|enumeration_type|"
                "NPI-1|NPI-2|first_name|last_name|organization_name|enumeration_date|"
                "created_epoch|last_updated_epoch|addresses|address_purpose|LOCATION|"
                "state|country_code|taxonomies|code|desc|primary|license|"
                "practiceLocations|description|field|1900000013|A|D"
            ),
        ),
        HttpTarget(
            adapter=HcpcRegisterAdapter,
            queries=(Query("gb.hcpc", "PYL000101", tier="clinical-psychologist"),),
            fixtures=(
                "detail-registered.html",
                "detail-conditions.html",
                "detail-lapsed.html",
                "no-results.html",
                "maintenance.html",
                "consent-wall.html",
                "renamed-fields.html",
            ),
            media_types=(HTML, "application/xhtml+xml", "text/html; charset=bogus", JSON),
            shape="html",
            words=_w(
                "Name|Registration number|Status|Period|Modalities|Profession|Location|"
                "Additional entitlements|Registered|Suspended|PYL000101|PYL|Clinical|"
                "Counselling|01/06/2025 to 31/05/2027|31/02/2025|"
                "No results returned for|Data valid on: 27/11/2026, 10:00"
            ),
        ),
        HttpTarget(
            adapter=BacpRegisterAdapter,
            queries=(Query("gb.bacp", "009001"), Query("gb.bacp", holder="Sam Synthetic")),
            fixtures=(
                "search-by-number.html",
                "search-by-name.html",
                "no-results.html",
                "maintenance.html",
                "renamed-fields.html",
            ),
            media_types=(HTML, "application/xhtml+xml", JSON),
            shape="html",
            words=_w(
                "Membership number: 009001|Membership number|Registered Member MBACP|"
                "MBACP (Accred)|MBACP (Snr Accred)|Status|Suspended|Location|Leeds|"
                "Sam Synthetic|no results|3 results|009001"
            ),
        ),
    )
}


def feed(
    target: HttpTarget,
    body: bytes,
    content_type: str,
    status: int = 200,
    *,
    queries: Sequence[Query] | None = None,
) -> list[Answer | LookupFailed]:
    """Ask ``target``'s adapter its queries once, the source answering with ``body``."""

    def answer(request: httpx.Request) -> httpx.Response:
        # A header is bytes on the wire: whatever the media type, it arrives as latin-1.
        raw = content_type.encode("latin-1", "replace")
        headers = [(b"content-type", raw)] if content_type else []
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))

    async def go() -> list[Answer | LookupFailed]:
        http = Http(None, attempts=1, transport=httpx.MockTransport(answer))
        try:
            adapter = unthrottled(target.adapter)(http, BASE_URL)
            return await adapter.lookup_many(list(queries or target.queries))
        finally:
            await http.aclose()

    return asyncio.run(go())


_UNTHROTTLED: dict[type[Adapter], type[Adapter]] = {}


def unthrottled(cls: type[Adapter]) -> type[Adapter]:
    """``cls`` without its politeness pacing: the mock source needs none, and the tests are fast.
    A plain subclass, never registered: the parsing code is the adapter's own."""
    if cls not in _UNTHROTTLED:
        _UNTHROTTLED[cls] = type(cls.__name__, (cls,), {"rate_limit": 1e9, "concurrency": 64})
    return _UNTHROTTLED[cls]


# -- strategies -------------------------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
json_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=25,
)
"""Any JSON document."""

_NUMBERS = st.sampled_from(
    ["999999999999999", "99999999999", "1e309", "-1", "0", "", "00000000", "99999999", "1.5",
     "NaN", "29/02/2023", "31/12/9999", "00/00/0000", "9999-12-31", "0001-01-01"]
)  # fmt: skip
"""Boundary values: huge epochs, impossible dates, empty and non-numbers."""


def _words(target: HttpTarget | SnapshotTarget) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(target.words), _NUMBERS, st.text(max_size=20))


def _shaped_json(target: HttpTarget) -> st.SearchStrategy[Any]:
    """JSON built from the registry's own keys and values, so parsing goes deep."""
    keys = st.one_of(st.sampled_from(target.words), st.text(max_size=8))
    leaves = st.one_of(
        _words(target),
        st.integers(min_value=-(10**16), max_value=10**16),
        st.booleans(),
        st.none(),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=6)
        ),
        max_leaves=40,
    )


def _xml_tree(target: HttpTarget) -> st.SearchStrategy[str]:
    names = st.sampled_from([w for w in target.words if w.replace(".", "").isalnum()])
    prefixes = st.sampled_from(["", "S:", "soap:", "ns2:"])
    text = _words(target).map(lambda s: escape("".join(c for c in s if _xml_char(c))))

    def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(
            lambda prefix, name, kids, tail: (
                f"<{prefix}{name}>{''.join(kids)}{tail}</{prefix}{name}>"
            ),
            prefixes,
            names,
            st.lists(children, max_size=4),
            text,
        )

    tree = st.recursive(text, element, max_leaves=30)
    namespaces = (
        ' xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"'
        ' xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
        ' xmlns:ns2="http://eori.ws.eos.dds.s/"'
    )
    return st.builds(
        lambda inner: (
            f'<?xml version="1.0" encoding="UTF-8"?><S:Envelope{namespaces}>'
            f"<S:Body>{inner}</S:Body></S:Envelope>"
        ),
        tree,
    )


def _xml_char(c: str) -> bool:
    code = ord(c)
    return (
        code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or (code > 0xFFFF)
    )


def _html_page(target: HttpTarget) -> st.SearchStrategy[str]:
    tags = st.sampled_from(
        ["div", "table", "tr", "td", "th", "dl", "dt", "dd", "article", "header", "h2", "p",
         "span", "script", "title", "section", "template"]
    )  # fmt: skip
    text = _words(target).map(escape)
    attribute = st.one_of(
        st.just(""),
        _words(target).map(lambda w: f" aria-label={quoteattr(w)}"),
    )

    def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(
            lambda tag, attr, kids: f"<{tag}{attr}>{''.join(kids)}</{tag}>",
            tags,
            attribute,
            st.lists(children, max_size=5),
        )

    tree = st.recursive(text, element, max_leaves=40)
    return st.builds(lambda inner: f"<!DOCTYPE html><html><body>{inner}</body></html>", tree)


def _mutated(bodies: Iterable[bytes]) -> st.SearchStrategy[bytes]:
    """A real answer with a few byte ranges cut, replaced or repeated."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        body = bytearray(draw(st.sampled_from(list(bodies))))
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            if not body:
                break
            start = draw(st.integers(min_value=0, max_value=len(body) - 1))
            end = draw(st.integers(min_value=start, max_value=min(len(body), start + 64)))
            action = draw(st.sampled_from(["cut", "replace", "repeat"]))
            if action == "cut":
                del body[start:end]
            elif action == "replace":
                body[start:end] = draw(st.binary(max_size=32))
            else:
                body[start:start] = bytes(body[start:end]) * draw(st.integers(1, 3))
        return bytes(body)

    return build()


def _json_paths(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [path]
    if isinstance(doc, dict):
        for key, value in doc.items():
            paths += _json_paths(value, (*path, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            paths += _json_paths(value, (*path, index))
    return paths


def _replaced(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, dict):
        return {k: _replaced(v, rest, value) if k == head else v for k, v in doc.items()}
    return [_replaced(v, rest, value) if i == head else v for i, v in enumerate(doc)]


def _mutated_json(target: HttpTarget | SnapshotTarget) -> st.SearchStrategy[bytes]:
    """A real JSON answer with a few of its values (or subtrees) swapped for hostile ones."""
    documents = []
    for body in target.fixture_bodies():
        try:
            documents.append(json.loads(body))
        except ValueError:
            continue
    values = st.one_of(
        _NUMBERS,
        _NUMBERS.filter(str.isdigit).map(int),
        st.sampled_from(target.words),
        json_values,
    )

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        doc = draw(st.sampled_from(documents))
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            paths = _json_paths(doc)
            keys = sorted({str(p[-1]) for p in paths if p and isinstance(p[-1], str)})
            by_key = draw(st.booleans())
            if keys and by_key:  # every value under one key name
                key, value = draw(st.sampled_from(keys)), draw(values)
                for path in paths:
                    if path and path[-1] == key:
                        doc = _replaced(doc, path, value)
            else:
                doc = _replaced(doc, draw(st.sampled_from(paths)), draw(values))
        return json.dumps(doc).encode()

    return build()


_TEXT_NODE = re.compile(rb">([^<]*)<")


def _mutated_markup(target: HttpTarget) -> st.SearchStrategy[bytes]:
    """A real XML or HTML answer with a few text nodes swapped for hostile words."""
    bodies = [b for b in target.fixture_bodies() if _TEXT_NODE.search(b)]
    words = _words(target).map(lambda w: escape(w).encode("utf-8", "surrogatepass"))

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        body = draw(st.sampled_from(bodies))
        spans = [m.span(1) for m in _TEXT_NODE.finditer(body)]
        chosen = sorted(set(draw(st.lists(st.sampled_from(spans), min_size=1, max_size=4))))
        for start, end in reversed(chosen):
            body = body[:start] + draw(words) + body[end:]
        return body

    return build()


def body_for(target: HttpTarget) -> st.SearchStrategy[bytes]:
    """Bodies for ``target``: raw bytes, any JSON, mutated real answers, and documents in the
    registry's own shape (JSON keys, SOAP elements or HTML labels) with hostile values."""
    shaped: st.SearchStrategy[bytes]
    if target.shape == "json":
        shaped = _shaped_json(target).map(lambda v: json.dumps(v).encode())
    elif target.shape == "xml":
        shaped = _xml_tree(target).map(lambda s: s.encode("utf-8", "surrogatepass"))
    else:
        shaped = _html_page(target).map(lambda s: s.encode("utf-8", "surrogatepass"))
    structured = _mutated_json(target) if target.shape == "json" else _mutated_markup(target)
    return st.one_of(
        st.binary(max_size=512),
        json_values.map(lambda v: json.dumps(v).encode()),
        _mutated(target.fixture_bodies()),
        structured,
        shaped,
    )


def content_type_for(target: HttpTarget) -> st.SearchStrategy[str]:
    header_text = st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
        max_size=30,
    )
    mangled = st.builds(
        lambda media, tail: media + tail,
        st.sampled_from(target.media_types),
        st.sampled_from(["", "; charset=", "; charset=utf-16", "; charset=ebcdic", ";;;", "+json"]),
    )
    return st.one_of(st.sampled_from(target.media_types), mangled, header_text)


def status_for(target: HttpTarget) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(target.statuses), st.sampled_from([302, 404, 429, 503]))


def check_contract(target: HttpTarget, body: bytes, content_type: str, status: int) -> None:
    """The parser contract: one Answer or LookupFailed per query, and nothing else."""
    results = feed(target, body, content_type, status)
    assert len(results) == len(target.queries)
    for result in results:
        assert isinstance(result, Answer | LookupFailed), result


# -- snapshot files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotTarget:
    """One file-based registry: its adapter, its real files, and the words of its format."""

    adapter: type[SnapshotAdapter]
    fixtures: tuple[str, ...]
    words: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.adapter.id

    def fixture_bodies(self) -> list[bytes]:
        return [(FIXTURES / self.id / name).read_bytes() for name in self.fixtures]


SNAPSHOT_TARGETS: dict[str, SnapshotTarget] = {
    t.id: t
    for t in (
        SnapshotTarget(
            ChinaCreditAdapter,
            ("querylist.json", "no-dates.json", "abnormal-list.json", "querylist-gb18030.json"),
            _w(
                "data|copInfoList|nameSaic|socialCreditCode|manaType|manatypeUseTime|seqNo|"
                "91440300MA5F00001A|0|1|B|C|2016-03-01|2021-11-01|20190520|1262304000000"
            ),
        ),
        SnapshotTarget(
            JapanAeoAdapter,
            ("aeo-list.csv", "aeo-list-shift-jis.csv"),
            _w("事業者名|英語名|法人番号|区分|監督税関|1701000000001|特定輸出者|東京税関"),
        ),
        SnapshotTarget(
            PsypactRegisterAdapter,
            ("holders.csv",),
            _w("Last Name|First Name|Home State|License Number|Authority|CO|APIT|TAP|2025-03-01"),
        ),
        SnapshotTarget(
            LeieAdapter,
            ("UPDATED.csv", "2606rein.csv"),
            _w("LASTNAME|BUSNAME|NPI|STATE|EXCLTYPE|EXCLDATE|1128b4|0000000000|20190315|CA"),
        ),
    )
}


def import_snapshot(target: SnapshotTarget, body: bytes, store: Store, folder: Path) -> None:
    """Import ``body`` as ``target``'s registry file into ``store`` (``credverify registries
    sync ID --file F``): returns when imported, raises InputError when the file is refused."""
    suffix = ".json" if target.adapter.file_format == "json" else ".csv"
    path = folder / f"{target.id}{suffix}"
    path.write_bytes(body)
    adapter = target.adapter(Http(store, offline=True), BASE_URL)
    sync(adapter, file=path)


def snapshot_body_for(target: SnapshotTarget) -> st.SearchStrategy[bytes]:
    """Registry files: raw bytes, mutated real files, and CSV/JSON rows of hostile values."""
    words = st.one_of(st.sampled_from(target.words), _NUMBERS, st.text(max_size=15))
    if target.adapter.file_format == "json":
        numbers = st.one_of(st.integers(), st.floats(), _NUMBERS.filter(str.isdigit).map(int))
        entry = st.dictionaries(
            st.sampled_from(target.words), st.one_of(words, numbers, st.none()), max_size=8
        )
        shaped = st.one_of(
            st.lists(entry, max_size=5),
            st.lists(entry, max_size=5).map(lambda e: {"data": {"copInfoList": e}}),
            json_values,
        ).map(lambda doc: json.dumps(doc, ensure_ascii=False).encode())
    else:
        header = ",".join(target.adapter.required_columns)
        cell = words.map(lambda w: '"' + w.replace('"', '""') + '"')
        line = st.lists(cell, max_size=len(target.adapter.required_columns) + 2).map(",".join)
        encoding = st.sampled_from(["utf-8", "utf-8-sig", "shift_jis", "gb18030", "cp1252"])
        shaped = st.builds(
            lambda lines, enc: "\n".join([header, *lines]).encode(enc, "replace"),
            st.lists(line, max_size=5),
            encoding,
        )
    mutated = [_mutated(target.fixture_bodies()), shaped]
    if target.adapter.file_format == "json":
        mutated.append(_mutated_json(target))
    return st.one_of(st.binary(max_size=300), *mutated)


# -- the batch reader -------------------------------------------------------------------------


def read_all(path: Path) -> tuple[list[str], list[InputRow]]:
    """The batch reader on ``path``, its rows all read (as the batch runner reads them)."""
    header, rows = read_rows(path)
    return header, list(rows)


def claims_for(values: dict[str, str]) -> list[Claim]:
    """The claims a row of ``values`` makes, its columns mapped by their header names."""
    return claims_of(values, column_map(list(values), {}), 2)


COLUMN_NAMES = st.sampled_from(
    [name for names in FIELDS.values() for name in names] + ["Vendor", "", "notes"]
)
"""Header names the batch maps, and some it does not."""

IDENTIFIER_LIKE = st.one_of(
    _NUMBERS,
    st.sampled_from(
        ["GB100200300000", "XI900000000000", "DE9000000000001", "DEAEOF1234567", "1900000013",
         "PYL000101", "009001", "91110000600037341L", "AEOCN1234567890", "CN", "US-CA", "us-",
         "psychologist", "LCSW", "tier-1", "apit", "AEOS", "general", "\u200b",
         "\uff27\uff22\uff11\uff12\uff13"]
    ),
    st.text(max_size=20),
)  # fmt: skip
"""Cell values that look like the identifiers, codes and tiers the batch reads."""
