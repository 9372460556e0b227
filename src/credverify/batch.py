"""The batch runner: a supplier list or a clinician roster in, every row verified, screened and
assessed, and a report out.

read (CSV with sniffed delimiter and detected encoding, or XLSX, streamed) -> map columns to claim
fields (common English headers, or ``--map COL=FIELD``) -> verify a chunk of rows at once (the
verifier dedupes and batches identical lookups; the store answers repeats across chunks) -> screen
clinicians against the exclusion list -> assess each row for the target -> checkpoint every
finished row in the store -> write the report from the checkpoints, in row order.

Every input row comes out exactly once, with a status or a clear error; a killed run continues
with ``resume=True`` and loses or repeats nothing, because a row is either checkpointed or redone.
A report that would not hold every row read is never written: the run fails instead.

A run has an identity: everything that decides its rows (the input's content, the target, the
as-of date, the mode, the endpoint of every adapter the schemes can use, the knowledge-base
fingerprint, the column map, the screening list, the name thresholds and the credverify version).
Each run gets its own id (identity plus a unique part) and its own checkpoints, and a record of the
process holding it, so two runs of one file never touch each other's rows. ``resume=True`` takes
the newest unfinished run of the same file whose identity matches and that no live process holds;
when the newest unfinished run differs, it stops and says which parts differ, rather than mix
verdicts reached under different conditions (a demo verdict in a live report) or silently redo the
work. A finished run's checkpoints are deleted once its report is written; unfinished runs that
nobody resumes are deleted after :data:`KEEP_UNFINISHED`.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from credverify.adapters.base import AdapterKind, adapter_class, plugins
from credverify.adapters.snapshot import detect_encoding
from credverify.errors import InputError, LookupFailed, ReportIncomplete
from credverify.headers import CLAIM_ROLES, ROLES, header_key, header_synonyms, role_of
from credverify.inputs import Role, is_assessed
from credverify.records import Check, Claim, RowResult, Screening, Target
from credverify.reports import RunInfo, Summary, write_report
from credverify.store import Store
from credverify.verifier import DEMO_ADAPTER, SCREENING_LIST, Verifier

if TYPE_CHECKING:
    from credverify.knowledge import KnowledgeBase

__all__ = [
    "FIELDS",
    "BatchOptions",
    "ColumnMapping",
    "InputTable",
    "RunIdentity",
    "claims_of",
    "column_map",
    "map_columns",
    "read_rows",
    "read_table",
    "require_claim_columns",
    "run_batch",
    "run_identity",
]

# Claim fields a column can feed (the roles), and the header names that map to each without
# --map: data, in registries/headers.toml.
FIELDS: dict[str, tuple[str, ...]] = {
    role: header_synonyms().by_role.get(role, ()) for role in ROLES
}
CHUNK = 500
KEEP_UNFINISHED = timedelta(days=30)
"""An unfinished run nobody resumes is forgotten after this long without a checkpoint."""
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


@dataclass(frozen=True)
class InputTable:
    """A file's header, where it was found, the rows above it that were skipped, and its rows."""

    header: list[str]
    rows: Iterator[InputRow]
    header_row: int = 1
    """The header's row number in the file (1 unless a title sits above it)."""
    skipped: tuple[tuple[int, str], ...] = ()
    """The non-blank rows above the header: their numbers and their text."""


def read_rows(path: Path) -> tuple[list[str], Iterator[InputRow]]:
    """The header and a stream of rows. CSV: delimiter sniffed, encoding detected; XLSX: the
    first sheet, read-only. A file that cannot be read at all raises InputError."""
    table = read_table(path)
    return table.header, table.rows


def read_table(path: Path, overrides: Mapping[str, str] | None = None) -> InputTable:
    """The file's header and rows, as :func:`read_rows`. A title above the header ("Supplier
    list Q3 2026", a date line) is skipped: the header is the first row that names at least one
    role (a known header, or a ``--map`` column in ``overrides``) and has several non-empty
    cells. Row numbers stay the file's."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, overrides or {})
    return _csv_rows(path, overrides or {})


HEADER_SEARCH = 20
"""How many non-blank rows are searched for the header before the first one is taken."""

_Record = TypeVar("_Record")


def _find_header(
    records: Iterator[_Record],
    texts: Callable[[_Record], list[str]],
    overrides: Mapping[str, str],
) -> tuple[_Record | None, list[_Record], list[_Record]]:
    """The header record, the non-blank records above it and the records read past it (to be
    read again as data). The header is the first row that names a role and has two or more
    non-empty cells, more than any row above it (a title, a date line); otherwise (none of the
    first :data:`HEADER_SEARCH` does) the first row with two or more, a header credverify cannot
    map (the run stops and names its columns), else the first row."""
    read: list[_Record] = []
    non_blank: list[int] = []
    chosen: int | None = None
    widest = 0
    for record in records:
        read.append(record)
        cells = [text.strip() for text in texts(record)]
        named = [cell for cell in cells if cell]
        if not named:
            continue
        non_blank.append(len(read) - 1)
        if len(named) >= 2 and any(cell in overrides or role_of(cell) for cell in named):
            # A row above it as wide as it is no title: it is the header, one credverify
            # cannot map, and this is a data row with a value that reads like a header.
            if len(named) > widest:
                chosen = len(read) - 1
            break
        widest = max(widest, len(named))
        if len(non_blank) >= HEADER_SEARCH:
            break
    if not non_blank or (chosen is None and non_blank[0] != 0):
        # Nothing like a header, and a blank first row where it should be: no header row.
        return None, [], []
    if chosen is None:
        wide = [i for i in non_blank if sum(1 for t in texts(read[i]) if t.strip()) >= 2]
        chosen = wide[0] if wide else non_blank[0]
    above = [read[i] for i in non_blank if i < chosen]
    return read[chosen], above, read[chosen + 1 :]


def _shown_row(cells: Sequence[object]) -> str:
    text = " | ".join(str(c).strip() for c in cells if c is not None and str(c).strip())
    return text if len(text) <= 60 else text[:57] + "..."


def _csv_rows(path: Path, overrides: Mapping[str, str]) -> InputTable:
    with path.open("rb") as raw:
        head = raw.read(256 * 1024)
    if not head.strip(b"\x00 \r\n\t\xef\xbb\xbf"):
        raise InputError(f"{path}: the file is empty")
    encoding = detect_encoding(head)
    sample = head.decode(encoding, errors="replace").replace("\x00", "")
    # The first line with a delimiter decides which (a title line above the header may have
    # none): csv.Sniffer guesses wrong on files with multi-line quoted cells and may pick ' as
    # the quote character.
    lines = [line for line in sample.lstrip("\ufeff").splitlines() if line.strip()]
    first_line = next(
        (line for line in lines[:HEADER_SEARCH] if any(d in line for d in DELIMITERS)), ""
    )
    delimiter = max(DELIMITERS, key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    text = path.open(encoding=encoding, errors="replace", newline="")
    # NUL bytes break the csv module; they carry nothing in a supplier list.
    reader = csv.reader((line.replace("\x00", "") for line in text), delimiter=delimiter)
    records = enumerate(reader, start=1)
    try:
        found, above, again = _find_header(records, lambda record: record[1], overrides)
        header_row, first = found if found is not None else (1, [])
        header = [h.strip().lstrip("\ufeff") for h in first]
        _check_header(path, header)
    except (InputError, csv.Error) as problem:
        text.close()
        if isinstance(problem, InputError):
            raise
        raise InputError(f"{path}: the header row cannot be read: {problem}") from None

    def rows() -> Iterator[InputRow]:
        with text:
            number = header_row
            try:
                for number, values in itertools.chain(again, records):
                    row = _row(number, values, header)
                    if row is not None:
                        yield row
            except csv.Error as problem:
                raise InputError(
                    f"{path}: row {number + 1}: the file breaks off ({problem}); the rows "
                    "before it are in the checkpoints"
                ) from None

    skipped = tuple((number, _shown_row(values)) for number, values in above)
    return InputTable(header, rows(), header_row, skipped)


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
    """No header, or a name given to two columns, is an error that names them by position.

    Linear in the header's width: a 50,000-column header is checked as fast as it is read."""
    if not any(header):
        raise InputError(f"{path}: no header row")
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(header, start=1):
        if name:
            positions.setdefault(name, []).append(position)
    duplicated = [(name, where) for name, where in positions.items() if len(where) > 1]
    if duplicated:
        shown = "; ".join(
            f"{name} (columns {_positions(where)})"
            for name, where in duplicated[:_DUPLICATES_SHOWN]
        )
        more = len(duplicated) - _DUPLICATES_SHOWN
        tail = f"; and {more} more duplicated name(s)" if more > 0 else ""
        raise InputError(
            f"{path}: duplicated column name(s) {shown}{tail}; expected each name once"
        )


def _positions(where: list[int]) -> str:
    shown = ", ".join(map(str, where[:_POSITIONS_SHOWN]))
    more = len(where) - _POSITIONS_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


_DUPLICATES_SHOWN = 10
_POSITIONS_SHOWN = 5
_XLSX_EXPECTED = "a value (text, a number, a date or a boolean)"


def _xlsx_rows(path: Path, overrides: Mapping[str, str]) -> InputTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(f"{path}: not a readable Excel workbook: {exc}") from None
    sheet = workbook.active
    try:
        rows = _xlsx_cells(workbook, sheet) if sheet is not None else iter(())
        found, above, again = _find_header(rows, _xlsx_texts, overrides)
        header_row, first, problems = found if found is not None else (1, [], {})
        if problems:
            problem = next(iter(problems.values()))
            raise InputError(
                f"{path}: the header row ({header_row}) holds {problem}; expected a column name"
            )
        header = ["" if h is None else str(h).strip() for h in first]
        _check_header(path, header)
    except Exception as problem:
        workbook.close()
        if isinstance(problem, InputError):
            raise
        raise InputError(f"{path}: the header row cannot be read: {problem}") from None

    def stream() -> Iterator[InputRow]:
        last = header_row
        try:
            for last, values, problems in itertools.chain(again, rows):
                row = _xlsx_row(last, values, problems, header)
                if row is not None:
                    yield row
        except InputError:
            raise
        except Exception as problem:  # the sheet's XML itself breaks off: no later row is readable
            raise InputError(
                f"{path}: the sheet cannot be read past row {last}: {problem}; the rows before "
                "it are in the checkpoints"
            ) from None
        finally:
            workbook.close()

    skipped = tuple((number, _shown_row(values)) for number, values, _ in above)
    return InputTable(header, stream(), header_row, skipped)


def _xlsx_texts(record: _XlsxRow) -> list[str]:
    """A sheet row's cells as text, for finding the header; a cell with a problem is blank."""
    _, values, problems = record
    return [
        "" if value is None or index in problems else str(value)
        for index, value in enumerate(values)
    ]


_XlsxRow = tuple[int, list[object], dict[int, str]]
"""A sheet row: its number, its cells' values, and what is wrong with cells that hold none a
batch can use (by 0-based column)."""


def _xlsx_cells(workbook: Any, sheet: Any) -> Iterator[_XlsxRow]:
    """The sheet's rows, each cell converted on its own: a cell openpyxl cannot convert becomes a
    problem of that cell instead of ending the whole stream, as it does in ``iter_rows``
    (openpyxl converts a whole row at once, inside its generator). Rows the sheet leaves out are
    blank: they keep their numbers and are not yielded."""
    from openpyxl.worksheet.formula import ArrayFormula

    parser_class = _tolerant_parser()
    with sheet._get_source() as source:
        parser = parser_class(
            source,
            sheet._shared_strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, parsed in parser.parse():
            values: list[object] = [None] * max((c["column"] for c in parsed), default=0)
            problems: dict[int, str] = {}
            for cell in parsed:
                index, value = cell["column"] - 1, cell["value"]
                if cell["data_type"] == "e":
                    problems[index] = cell.get("problem") or f"the spreadsheet error {value}"
                elif isinstance(value, ArrayFormula):  # read as its text, like any formula
                    values[index] = value.text or ""
                elif cell["data_type"] == "f" and not isinstance(value, str):
                    problems[index] = "a data-table formula, which has no text to read"
                else:
                    values[index] = value
            yield int(number), values, problems


def _tolerant_parser() -> type[Any]:
    """openpyxl's sheet parser, with each cell converted under its own guard."""
    import warnings

    from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser

    class TolerantParser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            try:
                style = element.get("s")
                if style and int(style) in self.date_formats:
                    # openpyxl warns about a date out of range; the row's error says it instead.
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        cell: dict[str, Any] = super().parse_cell(element)
                else:
                    cell = super().parse_cell(element)
            except Exception as problem:  # a value openpyxl cannot convert
                raw = element.findtext(VALUE_TAG, None)
                return {
                    "row": self.row_counter,
                    "column": self.col_counter or 1,
                    "value": raw,
                    "data_type": "e",
                    "problem": f"a value that cannot be read ({raw!r}: {problem})",
                }
            if cell["data_type"] == "e" and element.get("t", "n") != "e":
                raw = element.findtext(VALUE_TAG, None)
                cell["problem"] = f"a date outside the dates Excel can hold (serial {raw})"
            return cell

    return TolerantParser


def _xlsx_row(
    number: int, cells: list[object], problems: dict[int, str], header: list[str]
) -> InputRow | None:
    """One data row, or None for a blank one. A cell that holds no usable value is the row's
    error, naming its column; cells past the header belong to no column and are not read."""
    texts = ["" if v is None else str(v) for v in cells[: len(header)]]
    problems = {i: p for i, p in problems.items() if i < len(header)}
    if not problems and not any(t.strip() for t in texts):
        return None
    texts += [""] * (len(header) - len(texts))
    values = dict(zip(header, texts, strict=True))
    if not problems:
        return InputRow(number, values)
    from openpyxl.utils import get_column_letter

    index = min(problems)
    name = header[index] or get_column_letter(index + 1)
    others = f" (and {len(problems) - 1} more cell(s))" if len(problems) > 1 else ""
    return InputRow(
        number,
        values,
        f"row {number}, column {name}: the cell holds {problems[index]}; "
        f"expected {_XLSX_EXPECTED}{others}",
    )


@dataclass(frozen=True)
class ColumnMapping:
    """Which column plays which role, and which columns are ignored and why."""

    roles: dict[str, str]
    """role -> column, what the claim builder reads."""
    columns: tuple[tuple[str, str], ...]
    """Every input column in file order with its role, ``""`` when it is ignored."""
    ignored: dict[str, str]
    """column -> why it is ignored."""
    overridden: frozenset[str] = frozenset()
    """The columns mapped by ``--map``."""

    def describe(self) -> list[str]:
        """What a person is told before the run: one line of mapped columns, one of ignored."""
        mapped = "; ".join(
            f"{column!r} -> {role}" + (" (--map)" if column in self.overridden else "")
            for column, role in self.columns
            if role
        )
        lines = [f"columns mapped: {mapped or 'none'}"]
        if self.ignored:
            lines.append(
                "columns ignored: "
                + "; ".join(f"{column!r} ({why})" for column, why in self.ignored.items())
            )
        return lines


def map_columns(header: Sequence[str], overrides: Mapping[str, str]) -> ColumnMapping:
    """Each column's role: ``--map`` first, then the header synonyms of
    ``registries/headers.toml`` (in the languages of the schemes). When two columns name one
    role, the first gives it and the other is ignored, and said so."""
    taken: dict[str, str] = {}
    for column, role in overrides.items():
        if column not in header:
            raise InputError(f"--map {column}={role}: no column {column!r} in the file")
        if role not in FIELDS:
            raise InputError(
                f"--map {column}={role}: unknown field; expected one of {', '.join(FIELDS)}"
            )
        if role in taken:
            raise InputError(
                f"--map {column}={role}: {role} is already mapped to {taken[role]!r}; "
                "a role takes one column"
            )
        taken[role] = column
    roles = dict(taken)
    columns: list[tuple[str, str]] = []
    ignored: dict[str, str] = {}
    for column in header:
        if column in overrides:
            columns.append((column, overrides[column]))
            continue
        found = role_of(column) if column else None
        if found is None:
            ignored[column or "(unnamed)"] = "no known role"
        elif found in roles:
            ignored[column] = f"{found} is {roles[found]!r}"
        else:
            roles[found] = column
            columns.append((column, found))
            continue
        columns.append((column, ""))
    return ColumnMapping(roles, tuple(columns), ignored, frozenset(overrides))


def column_map(header: Sequence[str], overrides: Mapping[str, str]) -> dict[str, str]:
    """role -> column: ``--map`` first, then the header synonyms (:func:`map_columns`)."""
    return map_columns(header, overrides).roles


# Words in a header that suggest what an unmapped column holds, for the --map hint.
_IDENTIFIER_WORDS = frozenset(
    {"no", "nr", "number", "nummer", "numero", "numer", "code", "id", "ref", "reg"}
)
_SCHEME_WORDS = frozenset({"type", "typ", "cert", "certificate", "scheme", "programme", "program"})
_IDENTIFIER_SIGNS = ("号", "码", "碼", "番号")
_SCHEME_SIGNS = ("类型", "種別", "认证", "認証", "認定")


def _guessed_role(column: str) -> str | None:
    words = {header_key(word) for word in re.split(r"[\W_]+", column)}
    if words & _SCHEME_WORDS or any(sign in column for sign in _SCHEME_SIGNS):
        return "scheme"
    if words & _IDENTIFIER_WORDS or any(sign in column for sign in _IDENTIFIER_SIGNS):
        return "identifier"
    return None


def require_claim_columns(path: Path, table: InputTable, mapping: ColumnMapping) -> None:
    """Stop before any row is read when no column can make a claim (an identifier, a scheme,
    a tier, a licence...): every row would come out with nothing checked. The message lists
    the headers found and the ``--map`` lines that would help."""
    if CLAIM_ROLES & set(mapping.roles):
        return
    unmapped = [column for column, role in mapping.columns if not role and column]
    hints = [(column, _guessed_role(column)) for column in unmapped]
    helpful = [f'--map "{column}={role}"' for column, role in hints if role]
    if not helpful:
        example = unmapped[0] if unmapped else "COLUMN"
        helpful = [f'--map "{example}=identifier"']
    found = ", ".join(repr(column) for column in table.header if column)
    raise InputError(
        f"{path.name}: no column carries an identifier or a scheme (headers found on row "
        f"{table.header_row}: {found}); say which column holds what, e.g. {' '.join(helpful)}; "
        f"roles: {', '.join(sorted(CLAIM_ROLES))}"
    )


def claims_of(
    values: Mapping[str, str],
    fields: Mapping[str, str],
    row: int,
    knowledge: KnowledgeBase | None = None,
) -> list[Claim]:
    """The claims a row makes, from its mapped columns (role -> column), each decided by
    :func:`credverify.inputs.claim_from`'s rules against ``knowledge`` (the verifier's, so
    ``--registries`` overrides count; default: bundled). What each role says is data
    (``[roles]`` of ``registries/inputs.toml``); every identifier is routed by what it is."""
    from credverify.inputs import _decide, _place, _Where, input_rules, is_assessed
    from credverify.knowledge import load

    kb = knowledge or load()
    roles = input_rules(kb).roles

    def get(role: str) -> str:
        column = fields.get(role)
        return (values.get(column) or "").strip() if column else ""

    present = [(name, r) for name, r in roles.items() if name in fields and get(name)]

    def mapped(test: Callable[[Role], object]) -> list[tuple[str, Role]]:
        return [(name, r) for name, r in present if test(r)]

    holder = get("holder") or None
    hint_role = next((n for n, _ in mapped(lambda r: r.scheme)), None)
    tier_role = next((n for n, _ in mapped(lambda r: r.tier)), None)
    place_roles = {str(r.place): n for n, r in mapped(lambda r: r.place)}
    # Messages name the column a value came from, whichever role it was read in.
    columns = {**fields}
    for kind, role_name in (*place_roles.items(), ("scheme", hint_role), ("tier", tier_role)):
        if role_name is not None:
            columns[kind] = fields[role_name]
    where = _Where(row, columns)
    places = {kind: _place(get(n), where, kind, roles[n].within) for kind, n in place_roles.items()}
    country, state = places.get("country"), places.get("state")
    # A licence is issued by a state; a country alone says only which country.
    issued = state or country
    hint = get(hint_role) if hint_role else None
    tier = get(tier_role) if tier_role else None
    claims: list[Claim] = []
    for name, role in mapped(lambda r: r.identifier):
        claims.append(
            _decide(get(name), issued, None, role.fallback, None, holder, kb,
                    _Where(row, {**columns, "identifier": fields[name]})).claim
        )  # fmt: skip
    hinted: Claim | None = None
    if hint:
        # The row names its credential: an identifier of it (an EU AEO's EORI) identifies it.
        from credverify.inputs import schemes_named

        try:
            named = schemes_named(hint, kb)
        except InputError as bad:
            raise where.error("scheme", bad.message) from None
        hinted = next((c for c in claims if c.scheme in named), None)
        if hinted is None:
            fitting = [
                c.identifier
                for c in claims
                if c.identifier and any(_identifies(kb, s, c.identifier) for s in named)
            ]
            by_hint = _Where(row, {**columns, "*": columns["scheme"]})
            hinted = _decide(fitting[0] if fitting else None, issued, hint, None, None, holder,
                             kb, by_hint).claim  # fmt: skip
            claims.append(hinted)
    if tier:
        # The tier is the row's credential's: the one named, else the first with tiers.
        holder_of_tier = hinted or next(
            (c for c in claims if is_assessed(c.scheme, kb) and kb.scheme(c.scheme).tiers), None
        )
        if holder_of_tier is None and not any(is_assessed(c.scheme, kb) for c in claims):
            by_tier = _Where(row, {**columns, "*": columns["tier"]})
            holder_of_tier = _decide(None, issued, None, None, tier, holder, kb, by_tier).claim
            claims.append(holder_of_tier)
        if holder_of_tier is not None and kb.scheme(holder_of_tier.scheme).tiers:
            by_tier = _Where(row, {**columns, "*": columns["tier"]})
            tiered = _decide(holder_of_tier.identifier, issued, holder_of_tier.scheme, None,
                             tier, holder, kb, by_tier).claim  # fmt: skip
            claims[claims.index(holder_of_tier)] = tiered
    for name, role in mapped(lambda r: r.tier_of):
        scheme_id = str(role.tier_of)
        claims = [c for c in claims if c.scheme != scheme_id]
        claims.append(
            _decide(None, None, scheme_id, None, get(name), holder, kb,
                    _Where(row, {"tier": fields[name]})).claim
        )  # fmt: skip
    return _distinct(claims, kb)


def _identifies(kb: KnowledgeBase, scheme_id: str, identifier: str) -> bool:
    from credverify.identifiers import kind

    return any(kind(k).is_valid(identifier) for k in kb.scheme(scheme_id).identifier_kinds)


def _distinct(claims: list[Claim], kb: KnowledgeBase) -> list[Claim]:
    """One claim per credential scheme (the first column's: an AEO number before the USCC of
    the same holder), one per identifier for identity schemes."""
    from credverify.inputs import is_assessed

    seen: set[tuple[str, str | None]] = set()
    kept = []
    for claim in claims:
        key = (claim.scheme, None if is_assessed(claim.scheme, kb) else claim.identifier)
        if key not in seen:
            seen.add(key)
            kept.append(claim)
    return kept


@dataclass(frozen=True)
class RunIdentity:
    """What decides a run's rows, part by part (``mode``, ``input``, ``endpoint gb.hmrc.eori``
    ...); runs with equal parts may share checkpoints, and no others."""

    parts: dict[str, str]

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.parts, sort_keys=True).encode()).hexdigest()

    def differences(self, earlier: Mapping[str, str]) -> list[str]:
        """How ``earlier`` differs from this identity, one phrase per part, the parts a person
        most likely changed first: ``["mode was demo, now live", ...]``."""
        order = {name: n for n, name in enumerate(_PART_ORDER)}
        names = sorted(
            set(earlier) | set(self.parts), key=lambda name: (order.get(name, len(order)), name)
        )
        return [
            f"{name} was {_shown(earlier.get(name))}, now {_shown(self.parts.get(name))}"
            for name in names
            if earlier.get(name) != self.parts.get(name)
        ]


_PART_ORDER = (
    "mode", "input", "target", "as-of", "map", "knowledge", "screening", "thresholds",
    "credverify",
)  # fmt: skip
_HASHED_PARTS = 64  # a sha256 in hex: shown shortened


def _shown(value: str | None) -> str:
    if value is None:
        return "none"
    if len(value) == _HASHED_PARTS and all(c in "0123456789abcdef" for c in value):
        return f"{value[:12]}..."
    return value


def run_identity(path: Path, verifier: Verifier, options: BatchOptions) -> RunIdentity:
    """The identity of a run of ``path`` with ``verifier`` and ``options``."""
    from credverify import __version__
    from credverify.knowledge import fingerprint

    digest = hashlib.sha256()
    with path.open("rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            digest.update(block)
    mode = "demo" if verifier.demo else "offline" if verifier.offline else "live"
    parts = {
        "mode": mode,
        "input": digest.hexdigest(),
        "target": str(options.target) if options.target else "none",
        # Without --as-of a run assesses on the day it starts: resuming it on another day
        # would mix two dates in one report.
        "as-of": (options.as_of or date.today()).isoformat(),
        "map": ", ".join(f"{c}={f}" for c, f in sorted(options.mapping.items())) or "none",
        "knowledge": fingerprint(verifier.knowledge),
        "screening": SCREENING_LIST,
        "thresholds": json.dumps(asdict(verifier.thresholds), sort_keys=True),
        "credverify": __version__,
    }
    for adapter_id, endpoint in _endpoints(verifier).items():
        parts[f"endpoint {adapter_id}"] = endpoint
    return RunIdentity(parts)


def _endpoints(verifier: Verifier) -> dict[str, str]:
    """The endpoint of every adapter the knowledge base's schemes can use in this mode (the
    demo registry alone in a demo), with its parser version and, for a snapshot, which one."""
    if verifier.demo:
        ids = {DEMO_ADAPTER}
    else:
        ids = {a for s in verifier.knowledge.schemes.values() for a in s.adapters}
        ids |= set(plugins())
        ids.discard(DEMO_ADAPTER)
    endpoints = {}
    for adapter_id in sorted(ids):
        if adapter_class(adapter_id) is None:
            endpoints[adapter_id] = "not available"
            continue
        adapter = verifier.adapter(adapter_id)
        shown = f"{adapter.endpoint_id} (parser {adapter.parser_version})"
        if adapter.kind is AdapterKind.SNAPSHOT and adapter_id != DEMO_ADAPTER:
            active = verifier.store.snapshot_active(adapter_id)
            shown += f" snapshot {active.sha256[:12] if active else 'none'}"
        endpoints[adapter_id] = shown
    return endpoints


def _open_run(
    store: Store,
    source: str,
    identity: RunIdentity,
    resume: bool,
    notice: Callable[[str], None],
) -> str:
    """The run to work on: with ``resume``, the newest unfinished run of ``source`` with the same
    identity that no live process holds (now held by this one); otherwise a new run."""
    name = Path(source).name
    store.batch_prune(KEEP_UNFINISHED)
    if resume:
        unfinished = store.batch_unfinished(source)
        matching = [run for run in unfinished if run.identity == identity.digest]
        for run in matching:
            if store.batch_claim(run.id) is None:
                return run.id
        if matching:
            holders = "; ".join(r.holder.describe() for r in matching if r.holder)
            raise InputError(
                f"--resume: every unfinished run of {name} with these options is still running "
                f"({holders}); wait for it, or run without --resume to start another"
            )
        if unfinished:
            newest = unfinished[0]
            differences = identity.differences(newest.parts)
            shown = "; ".join(differences[:4])
            if len(differences) > 4:
                shown += f"; and {len(differences) - 4} more"
            raise InputError(
                f"--resume: the unfinished run of {name} from "
                f"{newest.created_at.isoformat(timespec='seconds')} differs: {shown}; "
                "run with the same options to resume it, or without --resume to start afresh"
            )
        notice(f"--resume: no unfinished run of {name} to resume; starting a new run")
    return store.batch_start(source, identity.digest, identity.parts)


def run_batch(
    path: Path,
    verifier: Verifier,
    options: BatchOptions,
    *,
    out: Path,
    fmt: str,
    progress: Callable[[int, int], None] | None = None,
    notice: Callable[[str], None] | None = None,
) -> Summary:
    """Process every row of ``path`` and write the report to ``out``; returns the summary.
    ``notice`` receives remarks for a person (default: none are shown)."""
    started = datetime.now(UTC)
    say = notice or (lambda _: None)
    table = read_table(path, options.mapping)
    mapping = map_columns(table.header, options.mapping)
    require_claim_columns(path, table, mapping)  # its message names every header itself
    if table.skipped:
        above = "; ".join(f"row {number} {text!r}" for number, text in table.skipped[:3])
        more = f"; and {len(table.skipped) - 3} more" if len(table.skipped) > 3 else ""
        say(f"header on row {table.header_row}; skipped above it: {above}{more}")
    for line in mapping.describe():
        say(line)
    store = verifier.store
    identity = run_identity(path, verifier, options)
    run = _open_run(
        store, str(path.resolve()), identity, options.resume, notice or (lambda _: None)
    )
    finished = False
    try:
        summary = _run(run, path, table, mapping, verifier, options, started, out, fmt,
                       progress)  # fmt: skip
        finished = True
    finally:
        if finished:
            store.batch_finish(run)
        else:
            store.batch_release(run)
    return summary


def _run(
    run: str,
    path: Path,
    table: InputTable,
    mapping: ColumnMapping,
    verifier: Verifier,
    options: BatchOptions,
    started: datetime,
    out: Path,
    fmt: str,
    progress: Callable[[int, int], None] | None,
) -> Summary:
    store = verifier.store
    fields = mapping.roles
    done = store.batch_done(run)
    chunk: list[InputRow] = []
    faults = 0
    read = 0

    def flush() -> None:
        nonlocal faults
        results = asyncio.run(_process(chunk, fields, verifier, options))
        faults += sum(1 for r in results for c in r.checks if c.status.value == "unverifiable")
        store.batch_put(run, [(r.row, r.model_dump_json()) for r in results])
        if progress is not None:
            progress(len(results), faults)
        chunk.clear()

    for row in table.rows:
        read += 1
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
        columns=tuple(table.header),
        mapping=mapping.columns,
        header_row=table.header_row,
        target=str(options.target) if options.target else "",
        started=started,
        finished=datetime.now(UTC),
        synthetic=verifier.demo,
        run_id=run,
    )
    checkpointed = store.batch_count(run)
    if checkpointed != read:
        raise ReportIncomplete(
            f"{path.name}: {read:,} rows read but {checkpointed:,} checkpointed in run {run}; "
            "no report was written (run again with --resume)"
        )

    def every_row() -> Iterator[RowResult]:
        written = 0
        for result in store.batch_results(run):
            written += 1
            yield RowResult.model_validate_json(result)
        if written != read:  # raised inside the writer: the partial report is discarded
            raise ReportIncomplete(
                f"{path.name}: {read:,} rows read but {written:,} written; no report was written"
            )

    return write_report(out, fmt, every_row(), info)


async def _process(
    rows: Sequence[InputRow], fields: Mapping[str, str], verifier: Verifier, options: BatchOptions
) -> list[RowResult]:
    try:
        planned: list[tuple[InputRow, list[Claim], str | None]] = []
        unread: dict[int, str] = {}
        for row in rows:
            if row.error is not None:
                planned.append((row, [], row.error))
                continue
            try:
                claims = claims_of(row.values, fields, row.row, verifier.knowledge)
                planned.append((row, claims, None))
                unread[row.row] = _unread_tier(row.values, fields, claims, verifier.knowledge)
            except InputError as bad:
                planned.append((row, [], bad.message))
        claims = [c for _, row_claims, _ in planned for c in row_claims]
        checks = iter(await verifier.averify_many(claims))
        results = []
        for row, row_claims, error in planned:
            row_checks = [next(checks) for _ in row_claims]
            result = await _finish(row, row_claims, row_checks, error, verifier, options)
            if unread.get(row.row):
                result = result.model_copy(update={"notes": (unread[row.row], *result.notes)})
            results.append(result)
        return results
    finally:
        await verifier.http.aclose()


def _unread_tier(
    values: Mapping[str, str], fields: Mapping[str, str], claims: list[Claim], kb: KnowledgeBase
) -> str:
    """A tier the row gives that no claim could take (the scheme has no modelled tiers), said
    on the row rather than dropped."""
    column = fields.get("aeo_tier") or fields.get("tier")
    given = (values.get(column) or "").strip() if column else ""
    if not given or any(c.tier for c in claims):
        return ""
    untiered = [c.scheme for c in claims if not kb.scheme(c.scheme).tiers]
    where = (
        f"the knowledge base models no tiers for {', '.join(untiered)}"
        if untiered
        else ("no claim of this row has tiers")
    )
    return f"column {column}: tier {given!r} not read: {where}"


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
        # Identity numbers and screening lists (EORI, NPI) are verified, not assessed.
        credentials = [c for c in checks if is_assessed(c.claim.scheme, verifier.knowledge)]
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
