"""Snapshot registries: sources that publish a file (a CSV, an Excel list, a JSON export) rather
than answer queries. ``credverify registries sync ID --file F`` (or ``--url U``) imports the file
into the store; the adapter then answers by identifier (exact, indexed) and by name (blocked fuzzy
matching from :mod:`credverify.matching`, with explained scores).

The import streams the file, detects its encoding (UTF-8 with or without BOM, cp1252, GB18030,
Shift-JIS), checks the columns against the registry's real format (each module's ``read_rows``),
records the file's sha256, row count, source and import time, and replaces the previous snapshot
atomically: a file that fails halfway leaves the previous snapshot answering.

A lookup goes through the base flow like any other source: :meth:`SnapshotAdapter.fetch` finds
the stored entries (no network) and hands them over as a :class:`SnapshotExchange`;
:meth:`SnapshotAdapter.parse` reads them. The list is complete, so an identifier or a name it does
not hold is an explicit no-result that names the snapshot ("no entry for X in the snapshot of
<source>, N rows, imported <date>"); no snapshot loaded is a fault, never "not found".
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import tempfile
import time
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import httpx

from credverify.adapters.base import Adapter, AdapterKind, Answer, Query
from credverify.adapters.http import (
    ACCEPT_ENCODING,
    MAX_REDIRECTS,
    REDIRECT_STATUSES,
    USER_AGENT,
    ContentDecoder,
    Exchange,
    redact,
    same_host_redirect,
)
from credverify.errors import InputError, LookupFailed
from credverify.matching import NameIndex, normalise_name
from credverify.records import Evidence, RegistryRecord
from credverify.store import SnapshotInfo, Store

__all__ = [
    "SnapshotAdapter",
    "SnapshotError",
    "SnapshotExchange",
    "SnapshotRow",
    "detect_encoding",
    "sync",
]

# Decoding candidates when a file is not UTF-8, in the order ties are broken.
LEGACY_ENCODINGS = ("gb18030", "shift_jis", "cp1252")
SNIFF_BYTES = 256 * 1024
NAME_HITS = 5


class SnapshotError(InputError):
    """The file is not in the registry's format: the message names the row and the column."""


@dataclass(frozen=True)
class SnapshotRow:
    """One entry of a registry file: its identifier (exact lookups), its names (fuzzy search)
    and the record it stands for."""

    identifier: str | None
    names: tuple[str, ...]
    record: RegistryRecord


@dataclass(frozen=True)
class SnapshotExchange(Exchange):
    """A lookup in a stored snapshot, as an exchange: the snapshot's evidence, what was asked
    (after :meth:`SnapshotAdapter.restate`) and the stored entries found; the body is those
    entries as JSON. ``notes`` say how they were found (name scores, a dropped identifier)."""

    snapshot: SnapshotInfo | None = None
    asked: Query | None = None
    found: tuple[RegistryRecord, ...] = ()
    notes: tuple[str, ...] = ()


class SnapshotAdapter(Adapter):
    """Base of the file-based registries. Subclasses name the file format and read its rows
    (:meth:`read_rows`); the lookup is the base flow, with the store in place of the network."""

    kind = AdapterKind.SNAPSHOT
    file_format: ClassVar[str] = "csv"
    """``csv``, ``xlsx`` or ``json``."""
    required_columns: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def read_rows(self, rows: Iterable[dict[str, str]]) -> Iterator[SnapshotRow]:
        """Turn the file's rows (dicts by column, or JSON objects) into snapshot rows; raise
        SnapshotError naming the row and the column for a row that breaks the format."""

    def read_json(self, data: Any) -> Iterable[dict[str, str]]:
        """JSON formats: the list of entries inside the document (override as needed)."""
        if isinstance(data, list):
            return data
        raise SnapshotError(f"{self.id}: expected a JSON list of entries")

    @property
    def store(self) -> Store:
        if self.http.store is None:
            self.http.store = Store()
        return self.http.store

    # -- the lookup: the base flow, answered from the store --------------------------------------

    def refuses(self, query: Query) -> str | None:
        if not query.identifier and not (query.holder and query.holder.strip()):
            return f"{self.id}: give an identifier or a name to look up"
        return None

    def restate(self, query: Query) -> tuple[Query, tuple[str, ...]]:
        """The query as this list can answer it, and notes saying what was changed (by default,
        the query as asked). The LEIE drops its all-zero "unknown" NPI here."""
        return query, ()

    def missing_snapshot(self) -> LookupFailed:
        """The fault of a lookup before any snapshot was imported: says how to import one."""
        return LookupFailed(
            f"no snapshot of {self.id} is loaded: run `credverify registries sync {self.id} "
            "--file FILE` first"
        )

    async def fetch(self, query: Query) -> SnapshotExchange:
        """The stored entries for ``query``: by identifier (exact) when it has one, else by name
        (the best few of a blocked fuzzy search). No network."""
        info = self.store.snapshot_active(self.id)
        if info is None:
            raise self.missing_snapshot()
        asked, notes = self.restate(query)
        if asked.identifier:
            found = self.store.snapshot_find(info.id, self.identifier_key(asked.identifier))
            records = tuple(RegistryRecord.model_validate_json(r) for r in found)
            return self.exchange(info, asked, records, notes)
        hits = _index(self.store, info).search(asked.holder or "", limit=NAME_HITS)
        by_row = self.store.snapshot_records(info.id, [row for row, _ in hits])
        records = tuple(RegistryRecord.model_validate_json(by_row[row]) for row, _ in hits)
        scores = "; ".join(f"{s.found!r} {s.score:.2f} {s.band.value}" for _, s in hits)
        return self.exchange(
            info, asked, records, (f"name search: {scores or 'no candidate'}", *notes)
        )

    def exchange(
        self,
        info: SnapshotInfo,
        asked: Query,
        found: tuple[RegistryRecord, ...],
        notes: tuple[str, ...] = (),
    ) -> SnapshotExchange:
        """The entries found in ``info`` for ``asked``, as the exchange :meth:`parse` reads."""
        body = json.dumps([r.model_dump(mode="json") for r in found], ensure_ascii=False)
        headers = httpx.Headers({"content-type": "application/json; charset=utf-8"})
        return SnapshotExchange(
            200, headers, body.encode(), self.evidence(info),
            snapshot=info, asked=asked, found=found, notes=notes,
        )  # fmt: skip

    def parse(self, exchange: Exchange, query: Query) -> Answer:
        """The entries found, or the list's own no-result: the snapshot is the complete list,
        so an identifier (or a name) it does not hold is not in it."""
        if not isinstance(exchange, SnapshotExchange) or exchange.snapshot is None:
            raise self.layout_changed(exchange, "sent no snapshot lookup to read")
        info, asked = exchange.snapshot, exchange.asked or query
        summary = (
            f"snapshot of {info.source} ({info.rows:,} rows, sha256 {info.sha256[:12]}...), "
            f"imported {info.imported_at.isoformat(timespec='seconds')}"
        )
        # An identifier the list cannot use was dropped (restate): the answer is by name only.
        unconfirmable = ("identifier",) if query.identifier and not asked.identifier else ()
        answer = Answer(
            exchange.found, (exchange.evidence,), unconfirmable, (summary, *exchange.notes)
        )
        if exchange.found:
            return answer
        what = asked.identifier or f"the name {asked.holder!r}"
        return replace(
            answer,
            no_result=(
                f"no entry for {what} in the snapshot of {self.source}, {info.rows:,} rows, "
                f"imported {info.imported_at.date().isoformat()}"
            ),
        )

    def identifier_key(self, identifier: str) -> str:
        """How identifiers are compared: without spaces, upper case."""
        return "".join(identifier.split()).upper()

    def evidence(self, info: SnapshotInfo) -> Evidence:
        return Evidence(
            adapter=self.id,
            method="SNAPSHOT",
            url=info.source,
            retrieved_at=info.imported_at,
            sha256=info.sha256,
            media_type=self.file_format,
            size=info.rows,
        )


_INDEXES: dict[tuple[str, int], NameIndex] = {}


def _index(store: Store, info: SnapshotInfo) -> NameIndex:
    """The name index of a snapshot, built once per process and snapshot."""
    key = (str(store.path), info.id)
    if key not in _INDEXES:
        index = NameIndex()
        for row_no, names in store.snapshot_names(info.id):
            for name in names.split("\n"):
                index.add(row_no, name)
        _INDEXES.clear()  # keep one index at a time: they can be large
        _INDEXES[key] = index
    return _INDEXES[key]


def detect_encoding(head: bytes) -> str:
    """The encoding of a file from its first bytes: UTF-8 (BOM or not), else the legacy encoding
    that decodes it best (charset-normalizer, limited to the ones registries use)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise SnapshotError(
            "cannot tell the file's encoding (tried UTF-8, GB18030, Shift-JIS, cp1252)"
        )
    return str(best.encoding)


# A registry file is a few MB to some tens of MB (the LEIE CSV is about 15 MB); far more is
# something else.
DOWNLOAD_LIMIT = 200_000_000
DOWNLOAD_DEADLINE = 600.0


def sync(
    adapter: SnapshotAdapter,
    *,
    file: Path | None = None,
    url: str | None = None,
    max_bytes: int = DOWNLOAD_LIMIT,
    deadline: float = DOWNLOAD_DEADLINE,
) -> SnapshotInfo:
    """Import a registry file (a local path or a URL) as the adapter's active snapshot.

    A download stops with InputError past ``max_bytes`` (decoded) or ``deadline`` seconds in
    all; the URL is kept and shown without its secrets.
    """
    if (file is None) == (url is None):
        raise InputError("give exactly one of --file or --url")
    if url is not None:
        with tempfile.TemporaryDirectory() as folder:
            downloaded = Path(folder) / "snapshot"
            _download(url, downloaded, max_bytes=max_bytes, deadline=deadline)
            return _import(adapter, downloaded, redact(url))
    assert file is not None
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    return _import(adapter, file, str(file.resolve()))


def _download(url: str, target: Path, *, max_bytes: int, deadline: float) -> None:
    """Fetch ``url`` into ``target``, decoded, under the same redirect rule as lookups."""
    shown = redact(url)
    started = time.monotonic()

    def check_deadline() -> None:
        if time.monotonic() - started > deadline:
            raise InputError(f"{shown}: the download took longer than {deadline:g} s")

    timeout = httpx.Timeout(min(60.0, deadline), connect=min(10.0, deadline))
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING}
    try:
        with httpx.Client(timeout=timeout, headers=headers, follow_redirects=False) as client:
            location = httpx.URL(url)
            for _ in range(MAX_REDIRECTS + 1):
                with client.stream("GET", location) as response:
                    if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                        location = same_host_redirect(location, response)
                        check_deadline()
                        continue
                    if response.status_code != 200:
                        raise InputError(
                            f"{shown}: cannot download the registry file: "
                            f"HTTP {response.status_code}"
                        )
                    decoder = ContentDecoder(response.headers.get("content-encoding"))
                    size = 0
                    with target.open("wb") as out:
                        for piece in _pieces(response, decoder, check_deadline):
                            size += len(piece)
                            if size > max_bytes:
                                raise InputError(
                                    f"{shown}: the registry file is larger than the "
                                    f"{max_bytes:,} byte cap"
                                )
                            out.write(piece)
                    return
            raise InputError(f"{shown}: redirected more than {MAX_REDIRECTS} times")
    except httpx.InvalidURL:
        raise InputError(f"{shown}: not a usable URL") from None
    except httpx.TimeoutException:
        raise InputError(f"{shown}: cannot download the registry file: timed out") from None
    except httpx.HTTPError as exc:
        # httpx's transport messages name the fault (refused, reset, protocol), never the URL.
        raise InputError(f"{shown}: cannot download the registry file: {exc}") from None
    except LookupFailed as failure:
        raise InputError(f"{shown}: {failure.message}") from None


def _pieces(
    response: httpx.Response, decoder: ContentDecoder, check_deadline: Callable[[], None]
) -> Iterator[bytes]:
    for chunk in response.iter_raw():
        check_deadline()
        yield from decoder.feed(chunk)
    yield from decoder.finish()


def _import(adapter: SnapshotAdapter, path: Path, source: str) -> SnapshotInfo:
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            digest.update(block)
    encoding = None if adapter.file_format == "xlsx" else detect_encoding(_head(path))
    store = adapter.store
    snapshot = store.snapshot_begin(adapter.id, source=source, encoding=encoding)
    count = 0

    def rows() -> Iterator[tuple[int, str | None, str | None, str, str]]:
        nonlocal count
        for count, row in enumerate(adapter.read_rows(_entries(adapter, path, encoding)), start=1):
            identifier = adapter.identifier_key(row.identifier) if row.identifier else None
            names = [n for n in row.names if n and n.strip()]
            key = normalise_name(names[0]) if names else None
            yield (count, identifier, key, "\n".join(names), row.record.model_dump_json())

    try:
        store.snapshot_add(snapshot, rows())
        if count == 0:
            raise SnapshotError(f"{path.name}: the file has no entries")
        store.snapshot_activate(snapshot, sha256=digest.hexdigest(), rows=count)
    except BaseException:
        store.snapshot_discard(snapshot)
        raise
    info = store.snapshot_active(adapter.id)
    assert info is not None
    return info


def _head(path: Path) -> bytes:
    with path.open("rb") as raw:
        return raw.read(SNIFF_BYTES)


def _entries(
    adapter: SnapshotAdapter, path: Path, encoding: str | None
) -> Iterable[dict[str, str]]:
    if adapter.file_format == "json":
        try:
            data = json.loads(path.read_text(encoding=encoding or "utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise SnapshotError(f"{path.name}: not valid JSON: {exc}") from None
        except RecursionError:
            raise SnapshotError(f"{path.name}: JSON nested too deep for a registry list") from None
        return adapter.read_json(data)
    if adapter.file_format == "xlsx":
        return _xlsx_rows(adapter, path)
    return _csv_rows(adapter, path, encoding or "utf-8")


def _check_header(adapter: SnapshotAdapter, header: list[str], where: str) -> None:
    import difflib

    missing = [c for c in adapter.required_columns if c not in header]
    if missing:
        hints = []
        for column in missing:
            close = difflib.get_close_matches(column, header, n=1)
            hints.append(f"{column}" + (f" (found {close[0]!r})" if close else ""))
        raise SnapshotError(
            f"{where}: not the {adapter.name} format: missing column(s) {', '.join(hints)}; "
            f"expected {', '.join(adapter.required_columns)}"
        )


def _csv_rows(adapter: SnapshotAdapter, path: Path, encoding: str) -> Iterator[dict[str, str]]:
    with path.open(encoding=encoding, errors="strict", newline="") as text:
        try:
            reader = csv.reader(text)
            header = [h.strip() for h in next(reader, [])]
            _check_header(adapter, header, f"{path.name}: header")
            for number, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(header):
                    raise SnapshotError(
                        f"{path.name}: row {number}: {len(values)} columns, expected {len(header)}"
                    )
                yield dict(zip(header, values, strict=True))
        except UnicodeDecodeError as exc:
            raise SnapshotError(f"{path.name}: not {encoding} throughout: {exc}") from None


def _xlsx_rows(adapter: SnapshotAdapter, path: Path) -> Iterator[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SnapshotError(f"{path.name}: not an Excel workbook: {exc}") from None
    try:
        rows = workbook.active.iter_rows(values_only=True) if workbook.active else iter(())
        header = [str(h or "").strip() for h in next(rows, ())]
        _check_header(adapter, header, f"{path.name}: header")
        for values in rows:
            cells = ["" if v is None else str(v).strip() for v in values]
            if any(cells):
                yield dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
    finally:
        workbook.close()
