"""The XLSX report, read back with openpyxl as a spreadsheet would load it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from credverify.reports import write_report
from tests.reports import samples

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def sheet_values(path: Path, name: str = "results") -> tuple[Worksheet, list[list[object]]]:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[name]
    assert isinstance(sheet, Worksheet)
    return sheet, [list(r) for r in sheet.iter_rows(values_only=True)]


def test_one_row_per_input_row_under_the_header(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_report(path, "xlsx", iter(samples.sample_rows()), samples.run_info())
    _, rows = sheet_values(path)
    header, *body = rows

    assert header == [
        "input.supplier", "input.country", "input.scheme", "input.identifier",
        "status", "outcome", "gaps", "top_remedy", "evidence", "error", "notes",
    ]  # fmt: skip
    assert [r[0] for r in body] == [r.values["supplier"] for r in samples.sample_rows()]
    assert body[1][4:7] == ["mismatch", "not-recognized", "credential-not-verified"]


def test_formulas_and_error_values_come_out_as_inert_text(tmp_path: Path) -> None:
    row = samples.verified()
    values = {
        "supplier": '=HYPERLINK("http://x","y")',
        "country": "#N/A",
        "scheme": "-1+2",
        "identifier": "00123",
    }
    path = tmp_path / "out.xlsx"
    write_report(path, "xlsx", [row.model_copy(update={"values": values})], samples.run_info())
    sheet, rows = sheet_values(path)

    assert rows[1][:4] == ['\'=HYPERLINK("http://x","y")', "#N/A", "'-1+2", "00123"]
    cells = [cell for line in sheet.iter_rows() for cell in line]
    assert cells
    assert all(cell.data_type == "s" for cell in cells if cell.value is not None)
    assert not any(cell.data_type == "f" for cell in cells)
    assert not any(str(cell.value).startswith(TRIGGERS) for cell in cells)


def test_control_characters_do_not_break_the_workbook(tmp_path: Path) -> None:
    row = samples.verified()
    values = {**row.values, "supplier": "Acme\x00\x07 Ltd"}
    path = tmp_path / "out.xlsx"
    write_report(path, "xlsx", [row.model_copy(update={"values": values})], samples.run_info())
    assert sheet_values(path)[1][1][0] == "Acme\ufffd\ufffd Ltd"


def test_a_synthetic_run_has_a_banner_and_a_column(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_report(path, "xlsx", iter(samples.sample_rows()), samples.run_info(synthetic=True))
    sheet, rows = sheet_values(path)

    assert str(rows[0][0]).startswith("SYNTHETIC DEMO DATA")
    assert rows[1][-1] == "synthetic"
    assert [r[-1] for r in rows[2:]] == ["true"] * 6
    assert sheet.freeze_panes == "A3"  # the banner and the header stay in view


def test_the_summary_sheet_counts_the_run(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_report(path, "xlsx", iter(samples.sample_rows()), samples.run_info())
    _, rows = sheet_values(path, "summary")
    facts = {r[0]: r[1] for r in rows if r and r[0]}

    assert facts["source"] == "suppliers.csv"
    assert facts["target"] == "aeo-security-benefits in NL"
    assert facts["rows"] == 6
    assert facts["errors"] == 1
    assert facts["not-recognized"] == 1
