"""The files of the synthetic demo registry in their registries' real formats (SYNTHETIC).

For each scheme the demo covers: the file under ``registries/snapshots/demo/``, the real adapter
whose public ``parse`` reads it, how the file's entries are read, and how the answer that registry
would send for some of those entries is built (an HMRC ``check-multiple-eori`` array, a NPPES
result page, an EU AEO directory SOAP envelope, an HCPC detail page, a BACP search page, or a
lookup in the snapshot the registry's own import would make). Used by
:mod:`credverify.adapters.demo` only.
"""

from __future__ import annotations

import csv
import html
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx

from credverify.adapters import snapshot
from credverify.adapters.base import Adapter, Query
from credverify.adapters.cn_gacc_credit import ChinaCreditAdapter
from credverify.adapters.eu_eos_aeo import EosAeoAdapter
from credverify.adapters.gb_bacp import BacpRegisterAdapter
from credverify.adapters.gb_hcpc import HcpcRegisterAdapter
from credverify.adapters.gb_hmrc import HmrcEoriAdapter
from credverify.adapters.http import Exchange, Http
from credverify.adapters.jp_customs_aeo import JapanAeoAdapter
from credverify.adapters.soap import SOAP_ENV
from credverify.adapters.us_nppes import NppesAdapter
from credverify.adapters.us_oig_leie import LeieAdapter
from credverify.adapters.us_psypact import PsypactRegisterAdapter
from credverify.errors import LookupFailed
from credverify.records import Evidence
from credverify.store import SnapshotInfo

__all__ = ["FILES", "FORMATS", "HTTP", "DemoFormat"]

HTTP = Http(offline=True)  # the real adapters lend only their parsers: offline, nothing is sent


@dataclass(frozen=True)
class DemoFormat:
    """How one demo file stands in for its registry: the real adapter that reads it, the file's
    entries (one item each: a JSON object or a CSV row), an item's identifier, and the answer the
    registry would send holding some of those items."""

    file: str
    adapter: type[Adapter]
    items: Callable[[Path], list[Any]]
    identifier: Callable[[Any], str | None]
    answer: Callable[[Adapter, list[Any], Query, Evidence], Exchange]


def _headers(media: str) -> httpx.Headers:
    return httpx.Headers({"content-type": f"{media}; charset=utf-8"})


def _csv_items(path: Path) -> list[Any]:
    with path.open(encoding="utf-8-sig", newline="") as text:
        return list(csv.DictReader(text))


def _json_items(key: str | None) -> Callable[[Path], list[Any]]:
    def read(path: Path) -> list[Any]:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data[key] if key else data
        if not isinstance(items, list):
            raise LookupFailed(f"{path.name}: expected a list of entries")
        return items

    return read


def _http_answer(media: str, render: Callable[[list[Any]], bytes]) -> Callable[..., Exchange]:
    def answer(adapter: Adapter, items: list[Any], query: Query, evidence: Evidence) -> Exchange:
        return Exchange(200, _headers(media), render(items), evidence)

    return answer


def _nppes_page(items: list[Any]) -> bytes:
    return json.dumps({"result_count": len(items), "results": items}).encode()


def _eos_envelope(items: list[Any]) -> bytes:
    """A ``retrieveAEOResponse`` holding one ``result`` per CSV row, fields in the file's order."""
    results = "".join(
        "<result>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in row.items()) + "</result>"
        for row in items
    )
    day = datetime.now(UTC).strftime("%d/%m/%Y")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}">'
        '<soap:Body><ns2:retrieveAEOResponse xmlns:ns2="http://aeo.ws.eos.dds.s/"><return>'
        f"<requestDate>{day}</requestDate>{results}</return></ns2:retrieveAEOResponse>"
        "</soap:Body></soap:Envelope>"
    ).encode()


def _hcpc_page(items: list[Any]) -> bytes:
    """Each row as the detail page lays a registrant out: a table of label / value rows."""
    e = html.escape
    tables = "".join(
        "<table>" + "".join(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in row.items())
        + "</table>"
        for row in items
    )  # fmt: skip
    return f"<!DOCTYPE html><html><body>{tables}</body></html>".encode()


def _bacp_page(items: list[Any]) -> bytes:
    """Each row as the search page lays a member out: an article, name and place in its header."""
    e = html.escape
    articles = "".join(
        f"<article><header><div>{e(row['Name'])}</div><div>{e(row['Location'])}</div></header>"
        f"<p>{e(row['Membership category'])}</p>"
        f'<p aria-label="Membership number: {e(row["Membership number"])}"></p>'
        + (f'<p aria-label="Status: {e(row["Status"])}"></p>' if row.get("Status") else "")
        + "</article>"
        for row in items
    )
    return f"<!DOCTYPE html><html><body>{articles}</body></html>".encode()


def _snapshot_answer(
    adapter: Adapter, items: list[Any], query: Query, evidence: Evidence
) -> Exchange:
    """A lookup in the snapshot the registry's own import would have made of the demo file."""
    assert isinstance(adapter, snapshot.SnapshotAdapter)
    records = tuple(row.record for row in items)
    info = SnapshotInfo(
        id=0, adapter=adapter.id, source=evidence.url, encoding="utf-8",
        sha256=evidence.sha256, rows=evidence.size, imported_at=evidence.retrieved_at,
    )  # fmt: skip
    return replace(adapter.exchange(info, query, records), evidence=evidence)


def _snapshot_items(cls: type[snapshot.SnapshotAdapter]) -> Callable[[Path], list[Any]]:
    def read(path: Path) -> list[Any]:
        adapter = cls(HTTP)
        with path.open("rb") as raw:
            encoding = snapshot.detect_encoding(raw.read(snapshot.SNIFF_BYTES))
        return list(adapter.read_rows(snapshot._entries(adapter, path, encoding)))

    return read


def _snapshot(file: str, cls: type[snapshot.SnapshotAdapter]) -> DemoFormat:
    return DemoFormat(file, cls, _snapshot_items(cls), lambda row: row.identifier, _snapshot_answer)


FORMATS: dict[str, DemoFormat] = {
    "eu.aeo": DemoFormat(
        "eu-aeo.csv", EosAeoAdapter, _csv_items, lambda row: None,
        _http_answer("text/xml", _eos_envelope),
    ),
    "cn.aeo": _snapshot("cn-credit.json", ChinaCreditAdapter),
    "jp.aeo": _snapshot("jp-aeo.csv", JapanAeoAdapter),
    "gb.eori": DemoFormat(
        "gb-eori.json", HmrcEoriAdapter, _json_items(None), lambda item: str(item["eori"]),
        _http_answer("application/json", lambda items: json.dumps(items).encode()),
    ),
    "us.npi": DemoFormat(
        "nppes.json", NppesAdapter, _json_items("results"), lambda item: str(item["number"]),
        _http_answer("application/json", _nppes_page),
    ),
    "gb.hcpc": DemoFormat(
        "hcpc.csv", HcpcRegisterAdapter, _csv_items, lambda row: row["Registration number"],
        _http_answer("text/html", _hcpc_page),
    ),
    "gb.bacp": DemoFormat(
        "bacp.csv", BacpRegisterAdapter, _csv_items, lambda row: row["Membership number"],
        _http_answer("text/html", _bacp_page),
    ),
    "us.psypact": _snapshot("psypact.csv", PsypactRegisterAdapter),
    "us.oig.leie": _snapshot("leie.csv", LeieAdapter),
}  # fmt: skip
"""Scheme -> the demo file that covers it, read by the registry whose format it imitates."""

FILES: dict[str, tuple[str, type[Adapter]]] = {s: (f.file, f.adapter) for s, f in FORMATS.items()}
"""Scheme -> the demo file and the adapter whose parser reads it."""
