"""What every report writer shares: the run's description, the end-of-run counts, the
formula-injection neutraliser, the flat table row of CSV and XLSX, the secret guard on every URL a
report shows, and the replace-on-success file handling (a killed run never leaves a half-written
report under the final name).

Namespaces: a supplier file may name a column anything, ``status`` or ``outcome`` included, so the
input never shares a name with credverify's own columns. In the tables (CSV, XLSX, HTML) every
input column is shown as ``input.<name>`` (:data:`INPUT_PREFIX`), and credverify's columns
(:data:`RESULT_COLUMNS`) never start with that prefix; in JSONL the input is the nested ``values``
object; the FHIR resources carry no input column at all.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from credverify.levels import row_level
from credverify.records import CheckStatus, RowResult

__all__ = [
    "INPUT_PREFIX",
    "NO_OUTCOME",
    "RESULT_COLUMNS",
    "SECRET_PARAMETERS",
    "STATUS_ORDER",
    "RunInfo",
    "Summary",
    "counted",
    "country_of",
    "input_column",
    "redact_urls",
    "replacing",
    "row_name",
    "safe_cell",
    "scrub",
    "shown_url",
    "table_cells",
    "table_header",
]

RESULT_COLUMNS = ("status", "outcome", "gaps", "top_remedy", "evidence", "error", "notes")
"""What the tabular reports (CSV, XLSX) add after the input columns, in this order."""

INPUT_PREFIX = "input."
"""What every input column's name carries in the tables, so it cannot shadow a report column."""

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


def input_column(name: str) -> str:
    """The name an input column has in a table report.

    >>> input_column("status"), input_column("input.status")
    ('input.status', 'input.input.status')
    """
    return INPUT_PREFIX + name


SECRET_PARAMETERS = (
    "api_key", "apikey", "key", "token", "access_token", "password", "secret", "signature", "sig",
)  # fmt: skip
"""Query parameters whose values a report never shows, whatever the adapter declared."""

_SECRET_NAMES = frozenset(SECRET_PARAMETERS)
# A URL inside free text (a reason, an error, a note): up to the first space, quote or bracket.
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s\"'<>]+")
_WITHHELD = "(URL withheld: it cannot be read safely)"


def shown_url(url: str) -> str:
    """``url`` as a report may show it: user info and secret query values removed.

    Evidence kept by older versions may still hold them, so every report passes its URLs through
    here; a URL with nothing secret is returned unchanged (fragment, order and spelling kept).

    >>> shown_url("https://user:pass@registry.example/v1?api_key=K&q=GB1")
    'https://registry.example/v1?api_key=REDACTED&q=GB1'
    >>> shown_url("https://registry.example/v1?q=GB1#top")
    'https://registry.example/v1?q=GB1#top'
    """
    try:
        parts = urlsplit(url)
        secret = "@" in parts.netloc or any(
            name.lower() in _SECRET_NAMES
            for name, _ in parse_qsl(parts.query, keep_blank_values=True)
        )
        if not secret:
            return url
        from credverify.adapters.http import redact  # httpx is too heavy for start-up

        return redact(url, SECRET_PARAMETERS)
    except ValueError:  # a port out of range, a broken IPv6 host: nothing can be kept safely
        return _WITHHELD


def redact_urls(text: str) -> str:
    """``text`` with every URL in it passed through :func:`shown_url`.

    >>> redact_urls("GET http://u:p@127.0.0.1:8080/x?token=T failed")
    'GET http://127.0.0.1:8080/x?token=REDACTED failed'
    """
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda match: shown_url(match.group(0)), text)


def scrub(value: Any) -> Any:
    """A JSON-ready value (dicts, lists, strings...) with :func:`redact_urls` on every string."""
    if isinstance(value, str):
        return redact_urls(value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


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
    run_id: str = ""
    """The batch run's identity (input hash and options); FHIR ids derive from it and from each
    row's content. Empty outside a batch run: the run's description stands in for it."""
    mapping: tuple[tuple[str, str], ...] = ()
    """Every input column with the role it was read as (``("EORI / AEO No.", "identifier")``),
    ``""`` for a column that was ignored; empty when the run did not say."""
    header_row: int = 1
    """The input's header row (below a title, it is not row 1)."""

    def mapping_rows(self) -> list[tuple[str, str, str]]:
        """The column mapping as a table: position, column, role (``ignored`` when none)."""
        return [
            (str(position), column, role or "ignored")
            for position, (column, role) in enumerate(self.mapping, start=1)
        ]


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
    by_level: Counter[str] = field(default_factory=Counter)
    """Rows per level of :func:`credverify.levels.row_level` (``"none"`` for nothing to report):
    what the exit code and ``--fail-on`` read."""
    holder_column: str = ""
    """The input column mapped to the holder, naming rows that make no claim."""

    @classmethod
    def of(cls, rows: Iterable[RowResult]) -> Summary:
        summary = cls()
        for row in rows:
            summary.add(row)
        return summary

    def add(self, row: RowResult) -> None:
        self.rows += 1
        self.by_level[row_level(row) or "none"] += 1
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
                codes = ", ".join(sorted({g.code.value for g in row.assessment.blockers}))
                self.blocked_rows.append(
                    f"{row_name(row, self.holder_column)}: {row.outcome} ({codes})"
                )
        if row.assessment is not None and any(
            g.severity.value in ("blocker", "warning") for g in row.assessment.gaps
        ):
            self.flagged += 1


def row_name(row: RowResult, holder_column: str = "") -> str:
    """How a summary names a row: its number and, when a claim or the ``holder_column`` names
    one, its holder (shown
    without URL secrets, cut at 60 characters). Never another input value: a first column may
    hold anything, an identifier or a note.

    >>> from credverify.records import Claim
    >>> row_name(RowResult(row=7, values={"id": "X1"}, claims=(Claim(scheme="eu.aeo",
    ...     holder="Fensta Logistik GmbH"),)))
    "row 7 'Fensta Logistik GmbH'"
    >>> row_name(RowResult(row=8, values={"notes": "see https://u:p@x.example/"}))
    'row 8'
    """
    holder = next((c.holder.strip() for c in row.claims if c.holder and c.holder.strip()), "")
    holder = holder or row.values.get(holder_column, "").strip()
    if not holder:
        return f"row {row.row}"
    shown = redact_urls(" ".join(holder.split()))
    return f"row {row.row} {(shown if len(shown) <= 60 else shown[:57] + '...')!r}"


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
    """The header of the tabular reports (not yet neutralised): the input columns, each as
    :func:`input_column`, then :data:`RESULT_COLUMNS`, then ``synthetic`` in a demo run."""
    columns = [input_column(column) for column in run.columns]
    return [*columns, *RESULT_COLUMNS, *(["synthetic"] if run.synthetic else [])]


def table_cells(row: RowResult, run: RunInfo) -> list[str]:
    """One row of the tabular reports, matching :func:`table_header` (not yet neutralised);
    every URL in it is shown without secrets."""
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
    return [redact_urls(cell) for cell in cells]


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
