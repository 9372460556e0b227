"""The batch job as a compliance team meets it: every row out exactly once, identical lookups
asked once, encodings read right, bad rows explained, a killed run resumed, reports inert."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from credverify.adapters.gb_hmrc import HmrcEoriAdapter
from credverify.batch import BatchOptions, read_rows, run_batch
from credverify.cli import main
from credverify.errors import InputError
from credverify.records import Target
from credverify.verifier import Verifier
from tests.adapters import test_gb_hmrc
from tests.registry_server import RegistryServer

NL = Target("NL", "aeo-security-benefits")


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def run(path: Path, out: Path, *, target: Target | None = NL, offline: bool = True) -> None:
    verifier = Verifier(offline=offline)
    run_batch(path, verifier, BatchOptions(target=target), out=out, fmt=out.suffix.lstrip("."))


def test_every_row_comes_out_once_with_a_status_or_an_error(tmp_path: Path) -> None:
    rows = [
        ["Synthetic Trading Ltd", "GB", "GB100200300000", ""],
        ["Bad Country GmbH", "Germny", "", "AEOS"],
        ["Only two", "columns"],
        ["", "", "", ""],  # blank: skipped, not a row
        ["Wrong EORI", "GB", "GB12", ""],
    ]
    source = write_csv(
        tmp_path / "suppliers.csv", ["supplier", "country", "eori", "aeo_tier"], rows
    )
    out = tmp_path / "report.jsonl"
    run(source, out)
    lines = jsonl(out)
    assert [line["row"] for line in lines] == [2, 3, 4, 6]
    by_row = {line["row"]: line for line in lines}
    assert "column country" in str(by_row[3]["error"])
    assert "unknown place 'Germny'; did you mean 'Germany' (DE)?" in str(by_row[3]["error"])
    assert "2 columns, expected 4" in str(by_row[4]["error"])
    assert by_row[6]["status"] == "invalid"
    assert by_row[2]["status"] == "unverifiable"  # offline, nothing cached: never "verified"


def test_chinese_in_gb18030_and_japanese_in_shift_jis_are_read_right(tmp_path: Path) -> None:
    # A tier column, even empty, gives the file a column that can make a claim.
    header = ["supplier", "country", "aeo_tier"]
    chinese = write_csv(
        tmp_path / "cn.csv", header, [["深圳合成电子有限公司", "CN", ""]], "gb18030"
    )
    japanese = write_csv(
        tmp_path / "jp.csv", header, [["株式会社サンプル商事", "JP", ""]], "shift_jis"
    )
    for source, name in ((chinese, "深圳合成电子有限公司"), (japanese, "株式会社サンプル商事")):
        out = tmp_path / f"{source.stem}.jsonl"
        run(source, out)
        assert jsonl(out)[0]["values"]["supplier"] == name


def test_a_formula_in_the_input_is_inert_in_csv_and_xlsx(tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://x","y")'
    source = write_csv(
        tmp_path / "s.csv", ["supplier", "country", "aeo_tier"], [[formula, "DE", ""]]
    )
    run(source, tmp_path / "r.csv")
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as report:
        cells = next(csv.DictReader(report))
    assert cells["input.supplier"] == "'" + formula
    run(source, tmp_path / "r.xlsx")
    sheet = load_workbook(tmp_path / "r.xlsx").active
    assert sheet is not None
    values = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in values)
    assert any(c.value == "'" + formula for c in values)


def test_duplicate_identifiers_are_asked_once(
    tmp_path: Path, registry_server: RegistryServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    test_gb_hmrc.serve_happy(registry_server)
    monkeypatch.setattr(HmrcEoriAdapter, "rate_limit", 10_000.0)
    monkeypatch.setattr(HmrcEoriAdapter, "concurrency", 16)
    distinct = [f"GB{100200300000 + 10 * i:012d}" for i in range(7_000)]
    eoris = distinct + distinct[:3_000]  # 10,000 rows, 30% duplicates
    source = write_csv(
        tmp_path / "big.csv",
        ["supplier", "eori"],
        [[f"Supplier {i}", e] for i, e in enumerate(eoris)],
    )
    verifier = Verifier(base_urls={"gb.hmrc.eori": registry_server.url})
    out = tmp_path / "big.jsonl"
    run_batch(source, verifier, BatchOptions(target=None), out=out, fmt="jsonl")
    asked = [
        e for r in registry_server.requests(test_gb_hmrc.PATH) for e in json.loads(r.body)["eoris"]
    ]
    assert len(asked) == len(set(asked)) == 7_000
    assert sum(1 for _ in out.open(encoding="utf-8")) == 10_000


def test_a_killed_run_resumes_with_every_row_exactly_once(tmp_path: Path) -> None:
    rows = [[f"Supplier {i}", "DE", "", "AEOS"] for i in range(6_000)]
    source = write_csv(tmp_path / "s.csv", ["supplier", "country", "eori", "aeo_tier"], rows)
    home = tmp_path / "home"
    env = {**os.environ, "CREDVERIFY_HOME": str(home)}
    out = tmp_path / "r.jsonl"
    command = [
        sys.executable, "-m", "credverify", "batch", str(source), "--to", "NL",
        "--offline", "--out", str(out),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    database = home / "credverify.sqlite3"
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and process.poll() is None:
        if database.exists():
            try:
                with sqlite3.connect(database, timeout=1) as db:
                    done = db.execute("SELECT count(*) FROM batch_rows").fetchone()[0]
            except sqlite3.Error:
                done = 0
            if done >= 1_000:
                break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 0 < done < 6_000, "the run should be killed halfway"
    finished = subprocess.run(
        [*command, "--resume"], env=env, capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 0, finished.stderr
    numbers = [line["row"] for line in jsonl(out)]
    assert numbers == list(range(2, 6_002))


def test_the_cli_summary_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_csv(
        tmp_path / "s.csv", ["supplier", "country", "aeo_tier"], [["A", "CN", "general"]]
    )
    out = tmp_path / "r.csv"
    with pytest.raises(SystemExit) as done:
        main(
            [
                "batch",
                str(source),
                "--to",
                "NL",
                "--offline",
                "--out",
                str(out),
                "--fail-on",
                "blocker",
            ]
        )
    assert done.value.code == 1
    printed = capsys.readouterr().out
    assert "1 rows" in printed
    assert "tier-not-covered" in printed
    with pytest.raises(SystemExit) as bad:
        main(["batch", str(tmp_path / "missing.csv"), "--to", "NL"])
    assert bad.value.code == 2
    assert "no such file" in capsys.readouterr().err


def test_an_unknown_map_field_names_the_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "s.csv", ["Vendor"], [["A"]])
    with pytest.raises(SystemExit) as done:
        main(["batch", str(source), "--offline", "--map", "Vendor=vendor_name"])
    assert done.value.code == 2
    assert "expected one of holder" in capsys.readouterr().err


def test_an_empty_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(SystemExit) as done:
        main(["batch", str(empty), "--offline"])
    assert done.value.code == 2
    assert "empty" in capsys.readouterr().err


def test_a_screening_that_could_not_run_is_said_on_the_row(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "roster.csv",
        ["name", "licence_type", "licence_state"],
        [["Jane Synthetic", "psychologist", "CA"]],
    )
    out = tmp_path / "roster.jsonl"
    run(source, out, target=Target("US-CA", "practise:psychology"))
    (row,) = jsonl(out)
    assert row["screening"] is None
    assert "exclusion screening not done" in " ".join(row["notes"])
    assert "registries sync us.oig.leie" in " ".join(row["notes"])


def test_a_duplicated_column_is_named_with_its_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(
        tmp_path / "dup.csv", ["supplier", "country", "eori", "country"], [["A", "GB", "", "GB"]]
    )
    with pytest.raises(SystemExit) as done:
        main(["batch", str(source), "--offline", "--out", str(tmp_path / "r.csv")])
    err = capsys.readouterr().err
    assert done.value.code == 2
    [line] = [line for line in err.splitlines() if line.strip()]
    assert "duplicated column name(s) country (columns 2, 4)" in line


def test_a_fifty_thousand_column_header_is_checked_and_its_duplicates_named(
    tmp_path: Path,
) -> None:
    header = ["supplier", *(f"c{i}" for i in range(50_000)), "c7", "c49999"]
    source = write_csv(tmp_path / "wide.csv", header, [["A", *([""] * (len(header) - 1))]])
    with pytest.raises(InputError) as problem:
        read_rows(source)
    assert "c7 (columns 9, 50002)" in problem.value.message
    assert "c49999 (columns 50001, 50003)" in problem.value.message


def patched_workbook(path: Path, rows: list[list[object]], raw: dict[str, str]) -> Path:
    """A workbook of ``rows``, then each cell named in ``raw`` (``"C3"``) rewritten in the
    sheet's XML to hold that raw text as a number: what a broken exporter writes."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    sheet["B3"].value = "#REF!"  # an error value, as Excel stores it (t="e")
    sheet["C4"].value = 2_958_466 * 10  # past 9999-12-31, in a date format
    sheet["C4"].number_format = "yyyy-mm-dd"
    for coordinate in raw:
        sheet[coordinate].value = 1
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for coordinate, text in raw.items():
        xml = re.sub(rf'(<c r="{coordinate}"[^>]*>)<v>1</v>', rf"\g<1><v>{text}</v>", xml, count=1)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def test_bad_xlsx_cells_are_their_rows_errors_and_every_other_row_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[list[object]] = [
        ["supplier", "country", "eori"],
        ["Synthetic Trading Ltd", "GB", "GB100200300000"],
        ["Broken Ref Ltd", None, "GB100200300000"],
        ["Far Future Ltd", "GB", None],
        ["Not A Number Ltd", "GB", None],
        ["Synthetic Last Ltd", "GB", "GB100200300000"],
    ]
    source = patched_workbook(tmp_path / "bad.xlsx", rows, {"C5": "twelve"})
    out = tmp_path / "report.jsonl"
    code = 0
    try:
        main(["batch", str(source), "--offline", "--format", "jsonl", "--out", str(out)])
    except SystemExit as done:
        code = int(done.code or 0)
    err = capsys.readouterr().err
    assert code in (0, 1), err
    assert "Traceback" not in err
    assert "Cell C4" not in err
    lines = {line["row"]: line for line in jsonl(out)}
    assert sorted(lines) == [2, 3, 4, 5, 6]
    assert lines[2]["error"] is None
    assert lines[6]["error"] is None
    assert lines[3]["error"] == (
        "row 3, column country: the cell holds the spreadsheet error #REF!; "
        "expected a value (text, a number, a date or a boolean)"
    )
    assert "row 4, column eori: the cell holds a date outside the dates" in str(lines[4]["error"])
    assert "row 5, column eori: the cell holds a value that cannot be read ('twelve'" in str(
        lines[5]["error"]
    )
    assert all(lines[n]["status"] == "error" for n in (3, 4, 5))


def test_an_array_formula_is_read_as_its_text(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["supplier", "country"])
    sheet["A2"] = ArrayFormula("A2:A2", "=SUM(1,2)")
    sheet["B2"] = "DE"
    workbook.save(tmp_path / "array.xlsx")
    _, rows = read_rows(tmp_path / "array.xlsx")
    [row] = list(rows)
    assert row.values == {"supplier": "=SUM(1,2)", "country": "DE"}
    assert row.error is None


def test_aeo_rows_of_every_partner_are_assessed_under_their_own_scheme(tmp_path: Path) -> None:
    rows = [
        ["Synthetic Uhren AG", "Switzerland", "CHAEOF1234", ""],
        ["Synthetic Fisk AS", "Norway", "NOAEOF00001", ""],
        ["Synthetic Goods Ltd", "UK", "GBAEOF123456789", "AEO-F"],
        ["Synthetic Maschinen GmbH", "Germany", "DEAEOF1234", "AEO-S"],
        ["Synthetic Trading Ltd", "CN", "", "高级认证"],
    ]
    source = write_csv(tmp_path / "partners.csv", ["supplier", "country", "aeo", "tier"], rows)
    out = tmp_path / "partners.jsonl"
    run(source, out)
    lines = {line["row"]: line for line in jsonl(out)}
    assert all(line["error"] is None for line in lines.values()), lines
    schemes = {row: [c["scheme"] for c in line["claims"]] for row, line in lines.items()}
    assert schemes == {
        2: ["ch.aeo"], 3: ["no.aeo"], 4: ["gb.aeo"], 5: ["eu.aeo"], 6: ["cn.aeo"]
    }  # fmt: skip
    assert lines[4]["claims"][0]["tier"] == "AEOF"
    assert lines[5]["claims"][0]["jurisdiction"] == "DE"
    assert lines[6]["claims"][0]["tier"] == "advanced"
    for line in lines.values():
        assessment = line["assessment"]
        assert assessment is not None
        assert assessment["target"]["jurisdiction"] == "NL"
        claimed = json.dumps(assessment)
        assert line["claims"][0]["scheme"] in claimed
