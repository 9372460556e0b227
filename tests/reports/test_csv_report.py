"""The CSV report, as a compliance officer opens it in a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

from credverify.reports import write_report
from tests.reports import samples

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_one_line_per_row_input_columns_then_ours(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_report(path, "csv", iter(samples.sample_rows()), samples.run_info())
    header, *lines = read(path)

    assert header == [
        "input.supplier", "input.country", "input.scheme", "input.identifier",
        "status", "outcome", "gaps", "top_remedy", "evidence", "error", "notes",
    ]  # fmt: skip
    assert len(lines) == 6
    by_supplier = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    acme = by_supplier["Acme Freight Ltd"]
    assert acme["status"] == "verified"
    assert acme["outcome"] == "recognized"
    assert acme["evidence"] == f"gb.hmrc.eori:{samples.HMRC_SHA[:16]}"
    kogyo = by_supplier["Example Kogyo K.K."]
    assert kogyo["gaps"] == "benefit-not-covered identifier-mapping-required"
    assert kogyo["top_remedy"].startswith("Declare the JP MRA code")
    nameless = by_supplier["Nameless BV"]
    assert nameless["status"] == "error"
    assert "expected a scheme id" in nameless["error"]


def test_a_formula_in_the_input_comes_out_inert(tmp_path: Path) -> None:
    values = {**samples.verified().values, "@evil": "", "supplier": '=HYPERLINK("http://x","y")'}
    row = samples.verified().model_copy(update={"values": values})
    run = samples.run_info(columns=("supplier", "@evil"))
    path = tmp_path / "out.csv"
    write_report(path, "csv", [row], run)
    header, line = read(path)

    assert line[0] == '\'=HYPERLINK("http://x","y")'
    assert header[:2] == ["input.supplier", "input.@evil"]  # the prefix makes the name inert
    assert not any(cell.startswith(TRIGGERS) for cell in header + line)


def test_non_latin_names_survive_for_excel(tmp_path: Path) -> None:
    row = samples.mismatch()
    row = row.model_copy(update={"values": {**row.values, "supplier": "深圳市示例贸易有限公司"}})
    path = tmp_path / "out.csv"
    write_report(path, "csv", [row], samples.run_info())
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    assert read(path)[1][0] == "深圳市示例贸易有限公司"


def test_a_synthetic_run_says_so_on_every_line(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_report(path, "csv", iter(samples.sample_rows()), samples.run_info(synthetic=True))
    header, *lines = read(path)
    assert header[-1] == "synthetic"
    assert [line[-1] for line in lines] == ["true"] * 6


def test_twenty_thousand_streamed_rows_each_appear_once(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    summary = write_report(path, "csv", samples.generated(20_000), samples.run_info())
    _, *lines = read(path)

    assert summary.rows == 20_000
    assert len(lines) == 20_000
    assert {line[3] for line in lines} == {f"GB{i:012d}" for i in range(20_000)}
