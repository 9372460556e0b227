"""credverify synthetic demo registry (SYNTHETIC, not a primary source): the files of
``registries/snapshots/demo/``, offline; ``https://credverify.invalid/demo`` is never called.

Only ``--demo`` runs (``Verifier(demo=True)``) ask it, in place of every live source it stands in
for. Each file is in its registry's real format, and every lookup is read by that registry's own
public ``parse``: the demo builds the answer the registry would send for the entries it holds (an
HMRC ``check-multiple-eori`` array, a NPPES result page, an EU AEO directory SOAP envelope, an
HCPC detail page, a BACP search page, a snapshot lookup) and hands it to the real adapter, so the
demo runs the real parsing code, closed vocabularies and fail-closed checks included. The files
are indexed once per process, on the first lookup of their scheme. Lookups go by identifier
(exact) where the source shows identifiers, else by name (blocked fuzzy search, best five); an
entry the file lacks is "not found" (the file is the whole synthetic register). Every record,
every piece of evidence and every answer says synthetic.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from credverify.adapters import snapshot
from credverify.adapters.base import Adapter, AdapterKind, Answer, Query, register
from credverify.adapters.demo_formats import FILES, FORMATS, HTTP, DemoFormat
from credverify.adapters.http import Exchange
from credverify.errors import LookupFailed
from credverify.knowledge import bundled_registries_dir
from credverify.matching import NameIndex
from credverify.records import Evidence, RegistryRecord

__all__ = ["DEMO_NOTE", "FILES", "DemoSnapshotAdapter"]

DEMO_ID = "demo.snapshot"
DEMO_NOTE = "SYNTHETIC DEMO DATA: not a primary source"
NAME_HITS = 5


@dataclass(frozen=True)
class _Entry:
    """One item of a demo file and what its registry's parser read in it (no record for an
    HMRC ``valid: false``)."""

    item: Any
    record: RegistryRecord | None
    identifier: str | None
    names: tuple[str, ...]


@dataclass
class _Register:
    """One demo file, read: its entries, indexed by identifier and by name."""

    format: DemoFormat
    adapter: Adapter
    evidence: Evidence
    entries: list[_Entry]
    by_identifier: dict[str, list[int]] = field(default_factory=dict)
    names: NameIndex = field(default_factory=NameIndex)


@dataclass(frozen=True)
class DemoExchange(Exchange):
    """The answer the imitated registry would send for the entries found (``registry``, in that
    registry's own exchange form), with what the demo asked its own files (the query as the
    registry can answer it) and how it found them."""

    registry: Exchange | None = None
    scheme: str = ""
    asked: Query | None = None
    hits: int = 0
    notes: tuple[str, ...] = ()


# -- reading the files once -----------------------------------------------------------------------


def _key(identifier: str) -> str:
    return "".join(identifier.split()).upper()


@cache
def _register(scheme: str) -> _Register:
    """The demo file of ``scheme``, read once per process: each entry through its registry's own
    ``parse``, alone, so that every entry is known by its identifier and its names."""
    format = FORMATS[scheme]
    path = bundled_registries_dir() / "snapshots" / "demo" / format.file
    adapter = format.adapter(HTTP)
    try:
        body = path.read_bytes()
        items = format.items(path)
        evidence = Evidence(
            adapter=DEMO_ID, method="DEMO", url=f"demo:{format.file}",
            retrieved_at=datetime.now(UTC), sha256=hashlib.sha256(body).hexdigest(),
            media_type="application/json" if format.file.endswith(".json") else "text/csv",
            size=len(items), synthetic=True,
        )  # fmt: skip
        entries = []
        for item in items:
            identifier = format.identifier(item)
            query = Query(scheme=scheme, identifier=identifier, holder=None)
            answer = adapter.parse(format.answer(adapter, [item], query, evidence), query)
            record = _synthetic(answer.records[0]) if answer.records else None
            names = (record.holder or "", *record.aliases) if record else ()
            entries.append(_Entry(item, record, identifier or None, names))
    except (OSError, ValueError, KeyError, snapshot.SnapshotError, LookupFailed) as exc:
        raise LookupFailed(
            f"the synthetic demo registry cannot read {format.file}: {exc}"
        ) from None
    loaded = _Register(format, adapter, evidence, entries)
    for number, entry in enumerate(entries):
        if entry.identifier:
            loaded.by_identifier.setdefault(_key(entry.identifier), []).append(number)
        for name in entry.names:
            if name.strip():
                loaded.names.add(number, name)
    return loaded


def _synthetic(record: RegistryRecord) -> RegistryRecord:
    """The demo registry's record, synthetic, naming the registry whose format it imitates."""
    details = {**record.details, "demo_format": record.adapter}
    return record.model_copy(update={"synthetic": True, "adapter": DEMO_ID, "details": details})


@register
class DemoSnapshotAdapter(Adapter):
    """The synthetic demo registry: every scheme its files cover, offline, labelled synthetic."""

    id = DEMO_ID
    name = "credverify synthetic demo registry"
    short_name = "the synthetic demo registry"
    schemes = tuple(FORMATS)
    kind = AdapterKind.SNAPSHOT
    default_base_url = "https://credverify.invalid/demo"  # never contacted
    parser_version = 2

    def refuses(self, query: Query) -> str | None:
        if not query.identifier and not (query.holder and query.holder.strip()):
            return f"{self.id}: give an identifier or a name to look up"
        return None

    async def fetch(self, query: Query) -> Exchange:
        """The registry's answer for the entries the demo file holds for ``query``."""
        data = _register(query.scheme)
        asked, notes = query, tuple[str, ...]()
        if isinstance(data.adapter, snapshot.SnapshotAdapter):
            asked, notes = data.adapter.restate(query)  # the LEIE's all-zero NPI, for one
        if asked.identifier and data.by_identifier:
            found = data.by_identifier.get(_key(asked.identifier), [])
        elif asked.holder and asked.holder.strip():
            hits = data.names.search(asked.holder, limit=NAME_HITS)
            found = [k for k, _ in hits]
            scores = "; ".join(f"{s.found!r} {s.score:.2f} {s.band.value}" for _, s in hits)
            notes = (f"name search: {scores or 'no candidate'}", *notes)
        else:
            raise LookupFailed(f"{self.id}: this file is searched by name; give a name")
        items = [data.entries[k].item for k in found]
        exchange = data.format.answer(data.adapter, items, asked, data.evidence)
        return DemoExchange(
            exchange.status_code, exchange.headers, exchange.body, exchange.evidence,
            registry=exchange, scheme=query.scheme, asked=asked, hits=len(items), notes=notes,
        )  # fmt: skip

    def parse(self, exchange: Exchange, query: Query) -> Answer:
        """The imitated registry's own ``parse`` of the synthetic answer, labelled synthetic; no
        entry in the file is the demo's own no-result (the file is the whole register)."""
        if not isinstance(exchange, DemoExchange) or exchange.registry is None:
            raise self.layout_changed(exchange, "sent no demo lookup to read")
        data = _register(exchange.scheme)
        asked, notes = exchange.asked or query, (DEMO_NOTE, *exchange.notes)
        if not exchange.hits:
            by_identifier = bool(asked.identifier and data.by_identifier)
            what = asked.identifier if by_identifier else f"the name {asked.holder!r}"
            return Answer(
                (), (data.evidence,), data.adapter.never_confirms, notes,
                no_result=f"no entry for {what} in the synthetic demo file {data.format.file}",
            )  # fmt: skip
        # The imitated source's own checks too: its no-result rule, what it never confirms.
        answer = data.adapter.checked(
            exchange.registry, data.adapter.parse(exchange.registry, asked)
        )
        said = dict.fromkeys([*notes, *answer.notes])
        return replace(
            answer,
            records=tuple(_synthetic(r) for r in answer.records),
            evidence=(data.evidence,),
            notes=tuple(said),
        )
