"""The CSV report: one line per input row, the input columns as read, then credverify's columns.

Every cell, header included, goes through :func:`~credverify.reports.safe_cell`, so a supplier
list cannot smuggle a formula into the spreadsheet that opens the report. The file is UTF-8 with a
byte-order mark, so Excel shows Chinese and Japanese names correctly, and uses the ``excel``
dialect (CRLF, quotes where needed).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from credverify.records import RowResult
from credverify.reports._common import RunInfo, Summary, safe_cell, table_cells, table_header

__all__ = ["write"]


def write(path: Path, rows: Iterable[RowResult], run: RunInfo, summary: Summary) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([safe_cell(cell) for cell in table_header(run)])
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in table_cells(row, run)])
