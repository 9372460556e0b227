"""credverify synthetic demo registry (SYNTHETIC, not a primary source): the files of
``registries/snapshots/demo/``, offline; ``https://credverify.invalid/demo`` is never called.

Only ``--demo`` runs (``Verifier(demo=True)``) ask it, in place of every live source it stands in
for. Each file is in its registry's real format and read by that registry's own parser (snapshot
``parse``; the HMRC and NPPES answer parsers; the EU AEO directory's result parser, one ``result``
per CSV row; the HCPC and BACP page readers, each CSV row laid out as their pages lay it out),
once per process, on the first lookup of its scheme; every record is marked ``synthetic``. Lookups
go by identifier (exact; one the file lacks is "not found") where the source shows identifiers,
else by name (blocked fuzzy search, best five); the exclusion list is also searched by name when
the NPI is not on it. The evidence names the file and its sha256; every answer says synthetic.
"""

from __future__ import annotations

import csv
import hashlib
import html
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement

import httpx

from credverify.adapters import snapshot
from credverify.adapters.base import Adapter, AdapterKind, Answer, Query, register
from credverify.adapters.cn_gacc_credit import ChinaCreditAdapter
from credverify.adapters.eu_eos_aeo import NUMBER_NOTE, EosAeoAdapter
from credverify.adapters.gb_bacp import DATES_NOTE, BacpRegisterAdapter, _category
from credverify.adapters.gb_hcpc import HcpcRegisterAdapter
from credverify.adapters.gb_hmrc import HmrcEoriAdapter
from credverify.adapters.html_register import HtmlPage
from credverify.adapters.http import Exchange, Http
from credverify.adapters.jp_customs_aeo import JapanAeoAdapter
from credverify.adapters.us_nppes import SELF_REPORTED_NOTE, NppesAdapter
from credverify.adapters.us_oig_leie import LeieAdapter, unknown_npi
from credverify.adapters.us_psypact import PsypactRegisterAdapter
from credverify.errors import LookupFailed
from credverify.knowledge import bundled_registries_dir
from credverify.matching import NameIndex
from credverify.records import Evidence, RegistryRecord

__all__ = ["DEMO_NOTE", "FILES", "DemoSnapshotAdapter"]

DEMO_ID = "demo.snapshot"
DEMO_NOTE = "SYNTHETIC DEMO DATA: not a primary source"
SCREENING = "us.oig.leie"  # an exclusion list: screened by name when the NPI is not on it
NAME_HITS = 5


@dataclass(frozen=True)
class _Entry:
    """One entry of a demo file as its registry's parser read it, with what an answer holding it
    says: fields the source cannot confirm, caveats. An HMRC ``valid: false`` has no record."""

    record: RegistryRecord | None
    unconfirmable: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # searched names; by default the record's holder and aliases
    identifier: str | None = None  # by default the record's


Reader = Callable[[Path, Evidence], Iterable[_Entry]]
_HTTP = Http(offline=True)  # the real adapters lend only their parsers: offline, nothing is sent


def _exchange(path: Path, evidence: Evidence, media: str, body: bytes | None = None) -> Exchange:
    """The file as if a registry had answered with it (the parsers read an Exchange)."""
    headers = httpx.Headers({"content-type": f"{media}; charset=utf-8"})
    return Exchange(200, headers, path.read_bytes() if body is None else body, evidence)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as text:
        return list(csv.DictReader(text))


def _snapshot(cls: type[snapshot.SnapshotAdapter]) -> Reader:
    def read(path: Path, evidence: Evidence) -> Iterator[_Entry]:
        adapter = cls(_HTTP)
        with path.open("rb") as raw:
            encoding = snapshot.detect_encoding(raw.read(snapshot.SNIFF_BYTES))
        for row in adapter.parse(snapshot._entries(adapter, path, encoding)):
            yield _Entry(row.record, names=row.names, identifier=row.identifier)

    return read


def _hmrc(path: Path, evidence: Evidence) -> Iterator[_Entry]:
    exchange = _exchange(path, evidence, "application/json")
    payload = exchange.json()
    items = payload if isinstance(payload, list) else []
    eoris = [i["eori"] for i in items if isinstance(i, dict) and isinstance(i.get("eori"), str)]
    for eori, result in HmrcEoriAdapter(_HTTP)._parse(exchange, eoris).items():
        if isinstance(result, LookupFailed):
            raise result
        record = result.records[0] if result.records else None
        yield _Entry(record, result.unconfirmable, result.notes, identifier=eori)


def _nppes(path: Path, evidence: Evidence) -> Iterator[_Entry]:
    adapter, exchange = NppesAdapter(_HTTP), _exchange(path, evidence, "application/json")
    for result in adapter._results(exchange)[0]:
        # As the live adapter says of every answer: an NPI has no end date to confirm.
        yield _Entry(adapter._record(result, exchange), ("valid_until",), (SELF_REPORTED_NOTE,))


def _eos(path: Path, evidence: Evidence) -> Iterator[_Entry]:
    adapter, exchange = EosAeoAdapter(_HTTP), _exchange(path, evidence, "text/xml")
    for row in _rows(path):
        result = Element("result")
        for name, value in row.items():
            SubElement(result, name).text = value
        yield _Entry(adapter._record(result, None, exchange), ("identifier",), (NUMBER_NOTE,))


def _page(path: Path, evidence: Evidence, markup: str, source: str) -> HtmlPage:
    body = f"<!DOCTYPE html><html><body>{markup}</body></html>".encode()
    return HtmlPage(_exchange(path, evidence, "text/html", body), source)


def _hcpc(path: Path, evidence: Evidence) -> Iterator[_Entry]:
    """Each row as the detail page lays a registrant out: a table of label / value rows."""
    e = html.escape
    tables = "".join(
        "<table>" + "".join(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in row.items())
        + "</table>"
        for row in _rows(path)
    )  # fmt: skip
    page = _page(path, evidence, tables, "HCPC")
    yield from map(_Entry, HcpcRegisterAdapter(_HTTP)._detail(page, None))


def _bacp(path: Path, evidence: Evidence) -> Iterator[_Entry]:
    """Each row as the search page lays a member out: an article, name and place in its header."""
    e = html.escape
    articles = "".join(
        f"<article><header><div>{e(row['Name'])}</div><div>{e(row['Location'])}</div></header>"
        f"<p>{e(row['Membership category'])}</p>"
        f'<p aria-label="Membership number: {e(row["Membership number"])}"></p>'
        + (f'<p aria-label="Status: {e(row["Status"])}"></p>' if row.get("Status") else "")
        + "</article>"
        for row in _rows(path)
    )
    page, adapter = _page(path, evidence, articles, "BACP"), BacpRegisterAdapter(_HTTP)
    for card in filter(_category, page.tree.css("article")):
        yield _Entry(adapter._record(page, card), ("valid_from", "valid_until"), (DATES_NOTE,))


FILES: dict[str, tuple[str, Reader]] = {
    "eu.aeo": ("eu-aeo.csv", _eos),
    "cn.aeo": ("cn-credit.json", _snapshot(ChinaCreditAdapter)),
    "jp.aeo": ("jp-aeo.csv", _snapshot(JapanAeoAdapter)),
    "gb.eori": ("gb-eori.json", _hmrc),
    "us.npi": ("nppes.json", _nppes),
    "gb.hcpc": ("hcpc.csv", _hcpc),
    "gb.bacp": ("bacp.csv", _bacp),
    "us.psypact": ("psypact.csv", _snapshot(PsypactRegisterAdapter)),
    "us.oig.leie": ("leie.csv", _snapshot(LeieAdapter)),
}
"""Scheme -> the demo file that covers it, and the reader that parses it with the real parser."""


def _synthetic(record: RegistryRecord) -> RegistryRecord:
    """The demo registry's record, synthetic, naming the registry whose format it imitates."""
    details = {**record.details, "demo_format": record.adapter}
    return record.model_copy(update={"synthetic": True, "adapter": DEMO_ID, "details": details})


def _key(identifier: str) -> str:
    return "".join(identifier.split()).upper()


@dataclass
class _Register:
    """One demo file, parsed: its entries, indexed by identifier and by name."""

    evidence: Evidence
    entries: list[_Entry]
    never: frozenset[str] = frozenset()  # what its source never confirms, found or not
    by_identifier: dict[str, list[int]] = field(default_factory=dict)
    names: NameIndex = field(default_factory=NameIndex)

    def answer(self, keys: Iterable[int], *notes: str) -> Answer:
        hits = [self.entries[k] for k in keys]
        unconfirmable = self.never.union(*(e.unconfirmable for e in hits))
        said = dict.fromkeys([DEMO_NOTE, *(n for e in hits for n in e.notes), *notes])
        records = tuple(e.record for e in hits if e.record is not None)
        return Answer(records, (self.evidence,), tuple(sorted(unconfirmable)), tuple(said))


@cache
def _register(scheme: str) -> _Register:
    """The demo file of ``scheme``, parsed once per process by its registry's own parser."""
    name, read = FILES[scheme]
    path = bundled_registries_dir() / "snapshots" / "demo" / name
    try:
        body = path.read_bytes()
        evidence = Evidence(
            adapter=DEMO_ID, method="DEMO", url=f"demo:{name}",
            retrieved_at=datetime.now(UTC), sha256=hashlib.sha256(body).hexdigest(),
            media_type="application/json" if name.endswith(".json") else "text/csv",
            size=len(body), synthetic=True,
        )  # fmt: skip
        entries = [
            replace(e, record=e.record and _synthetic(e.record)) for e in read(path, evidence)
        ]
    except (OSError, snapshot.SnapshotError, LookupFailed) as exc:
        raise LookupFailed(f"the synthetic demo registry cannot read {name}: {exc}") from None
    never = frozenset.intersection(*(frozenset(e.unconfirmable) for e in entries))
    loaded = _Register(evidence, entries, never)
    for number, entry in enumerate(entries):
        record = entry.record
        identifier = entry.identifier or (record.identifier if record else None)
        if identifier:
            loaded.by_identifier.setdefault(_key(identifier), []).append(number)
        for holder in entry.names or ((record.holder or "", *record.aliases) if record else ()):
            if holder.strip():
                loaded.names.add(number, holder)
    return loaded


@register
class DemoSnapshotAdapter(Adapter):
    """The synthetic demo registry: every scheme its files cover, offline, labelled synthetic."""

    id = DEMO_ID
    name = "credverify synthetic demo registry"
    schemes = tuple(FILES)
    kind = AdapterKind.SNAPSHOT
    default_base_url = "https://credverify.invalid/demo"  # never contacted

    async def lookup(self, query: Query) -> Answer:
        if query.scheme not in FILES:
            raise LookupFailed(f"the synthetic demo registry holds no {query.scheme} data")
        data = _register(query.scheme)
        identifier = query.identifier
        if identifier and query.scheme == SCREENING and unknown_npi(identifier):
            identifier = None  # the LEIE's all-zero NPI means "unknown", never a number
        if identifier and data.by_identifier:
            found = data.by_identifier.get(_key(identifier), [])
            if found or query.scheme != SCREENING or not query.holder:
                return data.answer(found)
        if not query.holder or not query.holder.strip():
            raise LookupFailed(f"{self.id}: give an identifier or a name to look up")
        hits = data.names.search(query.holder, limit=NAME_HITS)
        scores = "; ".join(f"{s.found!r} {s.score:.2f} {s.band.value}" for _, s in hits)
        return data.answer((k for k, _ in hits), f"name search: {scores or 'no candidate'}")
