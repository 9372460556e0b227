"""What every report writer shares: the run's description, the end-of-run counts, the
formula-injection neutraliser, the flat table row of CSV and XLSX, and the replace-on-success
file handling (a killed run never leaves a half-written report under the final name).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from credverify.records import CheckStatus, RowResult

__all__ = [
    "NO_OUTCOME",
    "RESULT_COLUMNS",
    "STATUS_ORDER",
    "RunInfo",
    "Summary",
    "counted",
    "country_of",
    "replacing",
    "safe_cell",
    "table_cells",
    "table_header",
]

RESULT_COLUMNS = ("status", "outcome", "gaps", "top_remedy", "evidence", "error", "notes")
"""What the tabular reports (CSV, XLSX) add after the input columns, in this order."""

NO_OUTCOME = "unassessed"
"""The outcome a summary counts for a row without an assessment (an error, or no target)."""

STATUS_ORDER = ("error", "no-claim", *(s.value for s in CheckStatus))
"""Row statuses in the order reports list them."""

# OWASP "CSV Injection": a spreadsheet treats a cell starting with one of these as a formula
# (tab and carriage return because some importers strip them and then see the next character).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """``value`` made inert for a spreadsheet: a leading ``'`` when it could start a formula.

    >>> safe_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> safe_cell("-5"), safe_cell("Acme Ltd"), safe_cell("")
    ("'-5", 'Acme Ltd', '')
    """
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


@dataclass(frozen=True)
class RunInfo:
    """The batch run a report describes."""

    source: str
    """The input file name."""
    columns: tuple[str, ...]
    """The input columns, in order."""
    target: str
    """``"aeo-security-benefits in NL"``, or ``""`` when the run had no target."""
    started: datetime
    finished: datetime
    synthetic: bool
    """A demo run against the synthetic registry: every output says so."""


BLOCKED_SHOWN = 12


@dataclass
class Summary:
    """The end-of-run counts: built with :meth:`of`, or row by row with :meth:`add`.

    ``by_gap`` counts rows per gap code (a row with two gaps of one code counts once);
    ``by_country`` and ``gaps_by_country`` are keyed by :func:`country_of`; a row without an
    assessment counts as outcome ``"unassessed"``; ``blocked`` counts rows with a blocker gap,
    ``flagged`` rows with a blocker or a warning (what ``--fail-on`` looks at).
    """

    rows: int = 0
    errors: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_outcome: Counter[str] = field(default_factory=Counter)
    by_gap: Counter[str] = field(default_factory=Counter)
    by_country: dict[str, Counter[str]] = field(default_factory=dict)
    gaps_by_country: dict[str, Counter[str]] = field(default_factory=dict)
    blocked: int = 0
    flagged: int = 0
    blocked_rows: list[str] = field(default_factory=list)
    """The first few rows with a blocker, as one line each, for the end-of-run summary."""

    @classmethod
    def of(cls, rows: Iterable[RowResult]) -> Summary:
        summary = cls()
        for row in rows:
            summary.add(row)
        return summary

    def add(self, row: RowResult) -> None:
        self.rows += 1
        if row.error is not None:
            self.errors += 1
        self.by_status[row.status] += 1
        outcome = row.outcome or NO_OUTCOME
        self.by_outcome[outcome] += 1
        gaps = row.gap_codes
        self.by_gap.update(gaps)
        country = country_of(row)
        self.by_country.setdefault(country, Counter())[outcome] += 1
        if gaps:
            self.gaps_by_country.setdefault(country, Counter()).update(gaps)
        if row.assessment is not None and row.assessment.blockers:
            self.blocked += 1
            if len(self.blocked_rows) < BLOCKED_SHOWN:
                first = next((v for v in row.values.values() if v.strip()), "")
                codes = ", ".join(sorted({g.code.value for g in row.assessment.blockers}))
                self.blocked_rows.append(f"row {row.row} {first[:60]!r}: {row.outcome} ({codes})")
        if row.assessment is not None and any(
            g.severity.value in ("blocker", "warning") for g in row.assessment.gaps
        ):
            self.flagged += 1


def country_of(row: RowResult) -> str:
    """The country a row counts under: its first claim's jurisdiction (``US-CA`` counts as
    ``US``), else its ``country`` column, else ``"?"``."""
    for claim in row.claims:
        if claim.jurisdiction and claim.jurisdiction.strip():
            return claim.jurisdiction.strip().split("-", 1)[0].upper()
    for column, value in row.values.items():
        if column.strip().lower() == "country" and value.strip():
            return value.strip().upper()
    return "?"


def counted(rows: Iterable[RowResult], summary: Summary) -> Iterator[RowResult]:
    """``rows``, each added to ``summary`` as it passes: the writers stream, the summary counts."""
    for row in rows:
        summary.add(row)
        yield row


def table_header(run: RunInfo) -> list[str]:
    """The header of the tabular reports (not yet neutralised)."""
    return [*run.columns, *RESULT_COLUMNS, *(["synthetic"] if run.synthetic else [])]


def table_cells(row: RowResult, run: RunInfo) -> list[str]:
    """One row of the tabular reports, matching :func:`table_header` (not yet neutralised)."""
    cells = [row.values.get(column, "") for column in run.columns]
    cells += [
        row.status,
        row.outcome,
        " ".join(row.gap_codes),
        row.top_remedy,
        " ".join(row.evidence_refs),
        row.error or "",
        "; ".join(row.notes),
    ]
    if run.synthetic:
        cells.append("true")
    return cells


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path next to ``path`` that replaces it once the block succeeds.

    A special file (``/dev/stdout``, a named pipe) is written in place.
    """
    if path.exists() and not path.is_file():
        yield path
        return
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        yield part
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
