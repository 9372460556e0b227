"""The batch job's report writers: CSV, JSONL, XLSX, HTML and a FHIR R4 Bundle.

Every writer streams: ``rows`` may be an iterator over a million results read back from the
store, and only the HTML page keeps anything per row (in temporary files, not in memory), because
its summary comes before its table. Every report is written under a temporary name next to the
target and moved into place when complete.

Reliability rules that hold in every format: every row appears exactly once; spreadsheet cells are
neutralised against formula injection (:func:`safe_cell`); every value in HTML is escaped; a
synthetic (demo) run says so in every output; input columns never shadow credverify's own (in the
tables they are ``input.<name>``); every URL is shown without user info or secret query values
(:func:`shown_url`, :func:`redact_urls`), even in evidence kept by older versions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from credverify.errors import UnknownName
from credverify.records import RowResult
from credverify.reports._common import (
    INPUT_PREFIX,
    RunInfo,
    Summary,
    counted,
    redact_urls,
    replacing,
    safe_cell,
    shown_url,
)

__all__ = [
    "COLUMNS_SIDECAR_FORMATS",
    "FORMATS",
    "INPUT_PREFIX",
    "RunInfo",
    "Summary",
    "columns_sidecar",
    "redact_urls",
    "safe_cell",
    "shown_url",
    "write_report",
]

FORMATS = ("html", "csv", "jsonl", "xlsx", "fhir")


def write_report(path: Path, fmt: str, rows: Iterable[RowResult], run: RunInfo) -> Summary:
    """Write ``rows`` to ``path`` as ``fmt`` (one of :data:`FORMATS`) and count them.

    ``rows`` is consumed once. Raises :class:`~credverify.errors.UnknownName` for an unknown
    format, before anything is written.
    """
    if fmt not in FORMATS:
        raise UnknownName("report format", fmt, difflib.get_close_matches(fmt, FORMATS))
    # Writers are imported on use: openpyxl alone costs more than the CLI's start-up budget.
    if fmt == "csv":
        from credverify.reports.csv_report import write
    elif fmt == "jsonl":
        from credverify.reports.jsonl import write
    elif fmt == "xlsx":
        from credverify.reports.xlsx import write
    elif fmt == "html":
        from credverify.reports.html_report import write
    else:
        from credverify.reports.fhir import write
    holder = next((column for column, role in run.mapping if role == "holder"), "")
    summary = Summary(holder_column=holder)
    with replacing(path) as part:
        write(part, counted(rows, summary), run, summary)
    if fmt in COLUMNS_SIDECAR_FORMATS and run.mapping and (path.is_file() or not path.exists()):
        with replacing(columns_sidecar(path)) as part:
            _write_columns(part, run)
    return summary


COLUMNS_SIDECAR_FORMATS = ("csv", "jsonl")
"""Formats whose file holds rows only: the column mapping goes in a sidecar beside it (HTML
shows it in its header, XLSX in its summary sheet, FHIR carries no input column at all)."""


def columns_sidecar(path: Path) -> Path:
    """Where a CSV or JSONL report's column mapping is written: ``report.csv.columns.csv``."""
    return path.with_name(f"{path.name}.columns.csv")


def _write_columns(path: Path, run: RunInfo) -> None:
    """The sidecar: one line per input column, ``position,column,role,header_row`` (``role``
    is ``ignored`` for a column no role was read from), neutralised like the report."""
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["position", "column", "role", "header_row"])
        for position, column, role in run.mapping_rows():
            writer.writerow([position, safe_cell(column), role, str(run.header_row)])
