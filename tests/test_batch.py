"""The batch job as a compliance team meets it: every row out exactly once, identical lookups
asked once, encodings read right, bad rows explained, a killed run resumed, reports inert."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from credverify.adapters.gb_hmrc import HmrcEoriAdapter
from credverify.batch import BatchOptions, run_batch
from credverify.cli import main
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
    assert "expected an ISO country code" in str(by_row[3]["error"])
    assert "2 columns, expected 4" in str(by_row[4]["error"])
    assert by_row[6]["status"] == "invalid"
    assert by_row[2]["status"] == "unverifiable"  # offline, nothing cached: never "verified"


def test_chinese_in_gb18030_and_japanese_in_shift_jis_are_read_right(tmp_path: Path) -> None:
    chinese = write_csv(
        tmp_path / "cn.csv", ["supplier", "country"], [["深圳合成电子有限公司", "CN"]], "gb18030"
    )
    japanese = write_csv(
        tmp_path / "jp.csv", ["supplier", "country"], [["株式会社サンプル商事", "JP"]], "shift_jis"
    )
    for source, name in ((chinese, "深圳合成电子有限公司"), (japanese, "株式会社サンプル商事")):
        out = tmp_path / f"{source.stem}.jsonl"
        run(source, out)
        assert jsonl(out)[0]["values"]["supplier"] == name


def test_a_formula_in_the_input_is_inert_in_csv_and_xlsx(tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://x","y")'
    source = write_csv(tmp_path / "s.csv", ["supplier", "country"], [[formula, "DE"]])
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
