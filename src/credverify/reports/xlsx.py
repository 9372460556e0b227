"""The XLSX report: the CSV's rows in a workbook, streamed with openpyxl's write-only mode.

Sheet ``results``: one row per input row (the input columns as read, then ``status``, ``outcome``,
``gaps``, ``top_remedy``, ``evidence``, ``error``, and ``synthetic`` in a demo run, under a red
banner row). Sheet ``summary``: the run and its counts, then each input column with the role it
was read as (``ignored`` when none).

Every value is neutralised (:func:`~credverify.reports.safe_cell`) and written as a string cell:
openpyxl would otherwise store ``=...`` as a formula and ``#N/A`` as an error value, and
identifiers such as ``00123`` keep their leading zeros. Characters XML cannot carry become U+FFFD,
and values past Excel's 32,767-character cell limit are cut with a note.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from credverify.records import RowResult
from credverify.reports._common import (
    STATUS_ORDER,
    RunInfo,
    Summary,
    safe_cell,
    table_cells,
    table_header,
)

__all__ = ["SYNTHETIC_BANNER", "write"]

SYNTHETIC_BANNER = (
    "SYNTHETIC DEMO DATA: these results come from the synthetic demo registry, "
    "not from any primary source."
)
EXCEL_CELL_LIMIT = 32_767
_CUT_NOTE = " [cut: see the JSONL report]"
_BOLD = Font(bold=True)
_BANNER_FONT = Font(bold=True, color="FFFFFF")
_BANNER_FILL = PatternFill("solid", fgColor="B00020")


def write(path: Path, rows: Iterable[RowResult], run: RunInfo, summary: Summary) -> None:
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet("results")
    header = table_header(run)
    for index, name in enumerate(header, start=1):
        _width(sheet, get_column_letter(index), max(10, min(40, len(name) + 4)))
    first_row = 2 if run.synthetic else 1
    sheet.freeze_panes = f"A{first_row + 1}"  # banner and header stay in view
    try:
        if run.synthetic:
            sheet.append([_cell(sheet, SYNTHETIC_BANNER, font=_BANNER_FONT, fill=_BANNER_FILL)])
        sheet.append([_cell(sheet, name, font=_BOLD) for name in header])
        last_row = first_row
        for row in rows:
            sheet.append([_cell(sheet, value) for value in table_cells(row, run)])
            last_row += 1
    except BaseException:
        _discard(sheet)
        raise
    # Written with the sheet's tail, so it may be set once the rows are known.
    sheet.auto_filter.ref = f"A{first_row}:{get_column_letter(len(header))}{last_row}"  # type: ignore[attr-defined]
    _write_summary(workbook.create_sheet("summary"), run, summary)
    workbook.save(path)


def _write_summary(sheet: WriteOnlyWorksheet, run: RunInfo, summary: Summary) -> None:
    _width(sheet, "A", 28)
    _width(sheet, "B", 60)

    def line(*values: str | int, bold: bool = False) -> None:
        sheet.append([_cell(sheet, v, font=_BOLD if bold else None) for v in values])

    if run.synthetic:
        sheet.append([_cell(sheet, SYNTHETIC_BANNER, font=_BANNER_FONT, fill=_BANNER_FILL)])
    line("source", run.source)
    if run.header_row != 1:
        line("header row", run.header_row)
    line("target", run.target or "none (verification only)")
    line("started", run.started.isoformat(timespec="seconds"))
    line("finished", run.finished.isoformat(timespec="seconds"))
    line("rows", summary.rows)
    line("errors", summary.errors)
    line("rows with a blocker", summary.blocked)
    statuses = sorted(summary.by_status, key=_status_key)
    sections: Sequence[tuple[str, Sequence[tuple[str, int]]]] = (
        ("status", [(s, summary.by_status[s]) for s in statuses]),
        ("outcome", summary.by_outcome.most_common()),
        ("gap", summary.by_gap.most_common()),
    )
    for title, counts in sections:
        line()
        line(title, "rows", bold=True)
        for name, count in counts:
            line(name, count)
    if run.mapping:
        line()
        line("column", "read as", bold=True)
        for _, column, role in run.mapping_rows():
            line(column, role)


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """Close a half-written sheet and delete its temporary file, which openpyxl would otherwise
    keep until the process exits (gigabytes, for a large batch)."""
    with contextlib.suppress(Exception):
        sheet.close()
    writer = getattr(sheet, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.cleanup()


def _width(sheet: WriteOnlyWorksheet, column: str, width: float) -> None:
    # Write-only sheets have column dimensions (Worksheet._setup); the stubs do not say so.
    sheet.column_dimensions[column].width = width  # type: ignore[attr-defined]


def _status_key(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def _cell(
    sheet: WriteOnlyWorksheet,
    value: str | int,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
) -> Cell:
    # Our own counts stay numbers a spreadsheet can add up; everything else is text.
    cell = WriteOnlyCell(sheet, value=value) if isinstance(value, int) else _text_cell(sheet, value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _text_cell(sheet: WriteOnlyWorksheet, value: str) -> Cell:
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", safe_cell(value))
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - len(_CUT_NOTE)] + _CUT_NOTE
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, an error value or a number
    return cell
