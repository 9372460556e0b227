"""The batch runner: a supplier list or a clinician roster in, every row verified, screened and
assessed, and a report out.

read (CSV with sniffed delimiter and detected encoding, or XLSX, streamed) -> map columns to claim
fields (common English headers, or ``--map COL=FIELD``) -> verify a chunk of rows at once (the
verifier dedupes and batches identical lookups; the store answers repeats across chunks) -> screen
clinicians against the exclusion list -> assess each row for the target -> checkpoint every
finished row in the store -> write the report from the checkpoints, in row order.

Every input row comes out exactly once, with a status or a clear error; a killed run continues
with ``resume=True`` and loses or repeats nothing, because a row is either checkpointed or redone.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from credverify.adapters.snapshot import detect_encoding
from credverify.errors import InputError, LookupFailed
from credverify.records import Check, Claim, RowResult, Screening, Target
from credverify.reports import RunInfo, Summary, write_report
from credverify.verifier import Verifier

__all__ = ["FIELDS", "BatchOptions", "read_rows", "run_batch"]

# Claim fields a column can feed, and the header names that map to each without --map.
FIELDS: dict[str, tuple[str, ...]] = {
    "holder": ("name", "supplier", "supplier name", "company", "company name", "holder",
               "trader", "legal name", "business name", "clinician", "practitioner"),
    "country": ("country", "country code", "jurisdiction", "issuing country"),
    "eori": ("eori", "eori number"),
    "aeo_number": ("aeo", "aeo number", "aeo_number", "aeo authorisation"),
    "aeo_tier": ("aeo tier", "aeo_tier", "aeo type", "tier", "aeo level"),
    "uscc": ("uscc", "social credit code", "unified social credit code"),
    "corporate_number": ("corporate number", "corporate_number", "houjin bangou"),
    "npi": ("npi",),
    "licence_type": ("licence type", "license type", "licence_type", "license_type",
                     "profession"),
    "licence_state": ("licence state", "license state", "licence_state", "license_state",
                      "state"),
    "hcpc_number": ("hcpc", "hcpc number", "hcpc_number"),
    "bacp_number": ("bacp", "bacp number", "bacp_number"),
    "psypact": ("psypact", "psypact authority"),
    "ctpat": ("ctpat", "ctpat tier"),
}  # fmt: skip
LICENCES = {
    "psychologist": "us.licence.psychologist",
    "counselor": "us.licence.counselor",
    "counsellor": "us.licence.counselor",
    "lpc": "us.licence.counselor",
    "lmhc": "us.licence.counselor",
    "social-worker": "us.licence.social-worker",
    "social worker": "us.licence.social-worker",
    "lcsw": "us.licence.social-worker",
    "mft": "us.licence.mft",
    "lmft": "us.licence.mft",
}
# Schemes that identify a business or a person rather than a credential: verified, not assessed.
IDENTITY_SCHEMES = frozenset({"eu.eori", "gb.eori", "us.npi", "us.oig.leie"})
CHUNK = 500
DELIMITERS = (",", ";", "\t", "|")
# A supplier's address or notes can be long; a cell larger than this is not a supplier list.
csv.field_size_limit(16 * 1024 * 1024)


@dataclass
class BatchOptions:
    target: Target | None
    as_of: date | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    resume: bool = False


@dataclass(frozen=True)
class InputRow:
    row: int
    values: dict[str, str]
    error: str | None = None


def read_rows(path: Path) -> tuple[list[str], Iterator[InputRow]]:
    """The header and a stream of rows. CSV: delimiter sniffed, encoding detected; XLSX: the
    first sheet, read-only. A file that cannot be read at all raises InputError."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    return _csv_rows(path)


def _csv_rows(path: Path) -> tuple[list[str], Iterator[InputRow]]:
    with path.open("rb") as raw:
        head = raw.read(256 * 1024)
    if not head.strip(b"\x00 \r\n\t\xef\xbb\xbf"):
        raise InputError(f"{path}: the file is empty")
    encoding = detect_encoding(head)
    sample = head.decode(encoding, errors="replace").replace("\x00", "")
    # The header line decides the delimiter: csv.Sniffer guesses wrong on files with multi-line
    # quoted cells and may pick ' as the quote character.
    first_line = sample.lstrip("\ufeff").splitlines()[0] if sample.strip() else ""
    delimiter = max(DELIMITERS, key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    text = path.open(encoding=encoding, errors="replace", newline="")
    # NUL bytes break the csv module; they carry nothing in a supplier list.
    reader = csv.reader((line.replace("\x00", "") for line in text), delimiter=delimiter)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
        _check_header(path, header)
    except (InputError, csv.Error) as problem:
        text.close()
        if isinstance(problem, InputError):
            raise
        raise InputError(f"{path}: the header row cannot be read: {problem}") from None

    def rows() -> Iterator[InputRow]:
        with text:
            number = 1
            try:
                for values in reader:
                    number += 1
                    row = _row(number, values, header)
                    if row is not None:
                        yield row
            except csv.Error as problem:
                raise InputError(
                    f"{path}: row {number + 1}: the file breaks off ({problem}); the rows "
                    "before it are in the checkpoints"
                ) from None

    return header, rows()


def _row(number: int, values: list[str], header: list[str]) -> InputRow | None:
    """One data row, or None for a blank line (not a row)."""
    if not any(v.strip() for v in values):
        return None
    if len(values) != len(header):
        return InputRow(
            number,
            dict(zip(header, values, strict=False)),
            f"row {number}: {len(values)} columns, expected {len(header)} ({', '.join(header)})",
        )
    return InputRow(number, dict(zip(header, values, strict=True)))


def _check_header(path: Path, header: list[str]) -> None:
    if not any(header):
        raise InputError(f"{path}: no header row")
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        raise InputError(f"{path}: duplicated column name(s) {', '.join(duplicated)}")


def _xlsx_rows(path: Path) -> tuple[list[str], Iterator[InputRow]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(f"{path}: not a readable Excel workbook: {exc}") from None
    sheet = workbook.active
    rows = sheet.iter_rows(values_only=True) if sheet is not None else iter(())
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    try:
        _check_header(path, header)
    except InputError:
        workbook.close()
        raise

    def stream() -> Iterator[InputRow]:
        try:
            for number, values in enumerate(rows, start=2):
                cells = ["" if v is None else str(v) for v in values]
                if any(c.strip() for c in cells):
                    cells += [""] * (len(header) - len(cells))
                    yield InputRow(number, dict(zip(header, cells[: len(header)], strict=True)))
        finally:
            workbook.close()

    return header, stream()


def column_map(header: Sequence[str], overrides: Mapping[str, str]) -> dict[str, str]:
    """field -> column: ``--map`` first, then the common header names."""
    for column, field_name in overrides.items():
        if column not in header:
            raise InputError(f"--map {column}={field_name}: no column {column!r} in the file")
        if field_name not in FIELDS:
            raise InputError(
                f"--map {column}={field_name}: unknown field; expected one of {', '.join(FIELDS)}"
            )
    mapping = {f: c for c, f in overrides.items()}
    for column in header:
        key = " ".join(column.casefold().replace("_", " ").split())
        for field_name, names in FIELDS.items():
            if field_name not in mapping and (key in names or key.replace(" ", "_") in names):
                mapping[field_name] = column
    return mapping


def claims_of(values: Mapping[str, str], fields: Mapping[str, str], row: int) -> list[Claim]:
    """The claims a row makes, from its mapped columns."""

    def get(name: str) -> str:
        column = fields.get(name)
        return (values.get(column) or "").strip() if column else ""

    holder = get("holder") or None
    country = get("country").upper() or None
    if country is not None and not _plausible_country(country):
        raise InputError(
            f"row {row}, column {fields['country']}: expected an ISO country code such as DE or "
            f"US-CA, got {country!r}"
        )
    claims: list[Claim] = []
    if eori := get("eori"):
        eori_scheme = "gb.eori" if eori.upper().startswith(("GB", "XI")) else "eu.eori"
        claims.append(Claim(scheme=eori_scheme, identifier=eori, holder=holder))
    tier = get("aeo_tier") or None
    aeo_id = get("aeo_number") or get("uscc") or get("corporate_number")
    if aeo_id or tier:
        aeo_scheme = _aeo_scheme(country, aeo_id)
        if aeo_scheme is not None and tier is not None:
            _check_tier(aeo_scheme, _tier(aeo_scheme, tier), row, fields["aeo_tier"])
        if aeo_scheme is not None:
            claims.append(
                Claim(
                    scheme=aeo_scheme, tier=_tier(aeo_scheme, tier), identifier=aeo_id or None,
                    holder=holder, jurisdiction=country,
                )
            )  # fmt: skip
    if ctpat := get("ctpat"):
        claims.append(Claim(scheme="us.ctpat", tier=ctpat.lower(), holder=holder))
    state = get("licence_state").upper() or None
    if state and not state.startswith("US-") and len(state) == 2:
        state = f"US-{state}"
    if npi := get("npi"):
        claims.append(Claim(scheme="us.npi", identifier=npi, holder=holder))
    if licence := get("licence_type"):
        licence_scheme = LICENCES.get(licence.casefold())
        if licence_scheme is None:
            raise InputError(
                f"row {row}, column {fields['licence_type']}: unknown licence type {licence!r}; "
                f"expected one of {', '.join(sorted(LICENCES))}"
            )
        claims.append(Claim(scheme=licence_scheme, holder=holder, jurisdiction=state))
    if number := get("hcpc_number"):
        claims.append(Claim(scheme="gb.hcpc", identifier=number, holder=holder))
    if number := get("bacp_number"):
        claims.append(Claim(scheme="gb.bacp", identifier=number, holder=holder))
    if authority := get("psypact"):
        claims.append(Claim(scheme="us.psypact", tier=authority.lower(), holder=holder))
    return claims


def _check_tier(scheme_id: str, tier: str | None, row: int, column: str) -> None:
    """An unknown tier is this row's error, with what the scheme's tiers are."""
    from credverify.errors import UnknownName
    from credverify.knowledge import load

    scheme = load().scheme(scheme_id)
    try:
        scheme.tier(tier or "")
    except UnknownName as unknown:
        tiers = ", ".join(t.id for t in scheme.tiers)
        raise InputError(
            f"row {row}, column {column}: {unknown.message}; {scheme_id} tiers are {tiers}"
        ) from None


def _plausible_country(code: str) -> bool:
    base = code.split("-", 1)[0]
    return len(base) == 2 and base.isascii() and base.isalpha()


def _aeo_scheme(country: str | None, identifier: str) -> str | None:
    from credverify.knowledge import load

    prefix = (country or identifier[:2]).upper()
    if prefix in ("GB", "XI"):
        return "gb.aeo"
    if prefix == "CN" or (len(identifier) == 18 and not country):
        return "cn.aeo"
    if prefix == "JP":
        return "jp.aeo"
    if prefix == "US":
        return "us.ctpat"
    if load().within(prefix, "EU", date.today()):
        return "eu.aeo"
    return None


def _tier(scheme: str, tier: str | None) -> str | None:
    if tier is None:
        return None
    return tier.upper() if scheme in ("eu.aeo", "gb.aeo") else tier.lower()


def run_id(path: Path, options: BatchOptions) -> str:
    """A run is its input file and its options: the same pair resumes the same run."""
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            digest.update(block)
    digest.update(
        json.dumps(
            {
                "target": str(options.target) if options.target else None,
                "as_of": options.as_of.isoformat() if options.as_of else None,
                "map": options.mapping,
            },
            sort_keys=True,
        ).encode()
    )
    return digest.hexdigest()[:32]


def run_batch(
    path: Path,
    verifier: Verifier,
    options: BatchOptions,
    *,
    out: Path,
    fmt: str,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Process every row of ``path`` and write the report to ``out``; returns the summary."""
    started = datetime.now(UTC)
    header, rows = read_rows(path)
    fields = column_map(header, options.mapping)
    run = run_id(path, options)
    store = verifier.store
    if not options.resume:
        store.batch_clear(run)
    done = store.batch_done(run)
    chunk: list[InputRow] = []
    faults = 0

    def flush() -> None:
        nonlocal faults
        results = asyncio.run(_process(chunk, fields, verifier, options))
        faults += sum(1 for r in results for c in r.checks if c.status.value == "unverifiable")
        store.batch_put(run, [(r.row, r.model_dump_json()) for r in results])
        if progress is not None:
            progress(len(results), faults)
        chunk.clear()

    for row in rows:
        if row.row in done:
            if progress is not None:
                progress(1, faults)
            continue
        chunk.append(row)
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()
    info = RunInfo(
        source=path.name,
        columns=tuple(header),
        target=str(options.target) if options.target else "",
        started=started,
        finished=datetime.now(UTC),
        synthetic=verifier.demo,
    )
    results = (RowResult.model_validate_json(r) for r in store.batch_results(run))
    return write_report(out, fmt, results, info)


async def _process(
    rows: Sequence[InputRow], fields: Mapping[str, str], verifier: Verifier, options: BatchOptions
) -> list[RowResult]:
    try:
        planned: list[tuple[InputRow, list[Claim], str | None]] = []
        for row in rows:
            if row.error is not None:
                planned.append((row, [], row.error))
                continue
            try:
                planned.append((row, claims_of(row.values, fields, row.row), None))
            except InputError as bad:
                planned.append((row, [], bad.message))
        claims = [c for _, row_claims, _ in planned for c in row_claims]
        checks = iter(await verifier.averify_many(claims))
        results = []
        for row, row_claims, error in planned:
            row_checks = [next(checks) for _ in row_claims]
            results.append(await _finish(row, row_claims, row_checks, error, verifier, options))
        return results
    finally:
        await verifier.http.aclose()


async def _finish(
    row: InputRow,
    claims: list[Claim],
    checks: list[Check],
    error: str | None,
    verifier: Verifier,
    options: BatchOptions,
) -> RowResult:
    if error is not None:
        return RowResult(row=row.row, values=row.values, error=error, synthetic=verifier.demo)
    screening, screening_failure = await _screen(claims, verifier)
    assessment = None
    if options.target is not None:
        credentials = [c for c in checks if c.claim.scheme not in IDENTITY_SCHEMES]
        assessment = verifier.assess(credentials, options.target, options.as_of)
    return RowResult(
        row=row.row,
        values=row.values,
        claims=tuple(claims),
        checks=tuple(checks),
        screening=screening,
        assessment=assessment,
        notes=(screening_failure,) if screening_failure else (),
        synthetic=verifier.demo or any(c.synthetic for c in checks),
    )


async def _screen(claims: list[Claim], verifier: Verifier) -> tuple[Screening | None, str]:
    """Clinicians in the US are screened against the OIG exclusion list. A list that could not
    be read is said so on the row; it is never shown as "clear"."""
    person = next((c for c in claims if c.scheme.startswith("us.") and c.holder), None)
    if person is None:
        return None, ""
    npi = next((c.identifier for c in claims if c.scheme == "us.npi"), None)
    state = next((c.jurisdiction for c in claims if c.jurisdiction), None)
    try:
        screening = await verifier.ascreen(person.holder, npi=npi, state=state)
    except LookupFailed as failure:
        return None, f"exclusion screening not done: {failure.message}"
    # What the screening could not use (an invalid NPI), or did not count (a reinstatement).
    return screening, "; ".join(f"exclusion screening: {note}" for note in screening.notes)
