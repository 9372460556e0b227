"""The JSONL report: everything about each row, one object per line, for scripts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from credverify.records import RowResult
from credverify.reports import write_report
from tests.reports import samples


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_each_line_is_the_whole_row_plus_its_headline(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    rows = samples.sample_rows()
    write_report(path, "jsonl", iter(rows), samples.run_info())
    lines = read(path)

    assert [line["row"] for line in lines] == [r.row for r in rows]
    kogyo = lines[3]
    assert kogyo["status"] == "verified"
    assert kogyo["outcome"] == "partial"
    assert kogyo["gaps"] == ["benefit-not-covered", "identifier-mapping-required"]
    assert kogyo["assessment"]["gaps"][0]["citation"] == "Decision 2010/654/EU, Art. 4"
    assert lines[0]["checks"][0]["evidence"][0]["sha256"] == samples.HMRC_SHA
    assert lines[2]["status"] == "error"
    assert lines[2]["outcome"] == ""
    # Nothing is lost: the record itself reads back from each line.
    for line, row in zip(lines, rows, strict=True):
        extras = {"status", "outcome", "gaps", "top_remedy"}
        record = RowResult.model_validate({k: v for k, v in line.items() if k not in extras})
        assert record == row


def test_markup_stays_data(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_report(path, "jsonl", [samples.script_named()], samples.run_info())
    assert read(path)[0]["values"]["supplier"] == samples.SCRIPT_NAME


def test_a_synthetic_run_marks_every_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_report(path, "jsonl", iter(samples.sample_rows()), samples.run_info(synthetic=True))
    assert [line["synthetic"] for line in read(path)] == [True] * 6


def test_twenty_thousand_streamed_rows_each_appear_once(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_report(path, "jsonl", samples.generated(20_000), samples.run_info())
    rows = [line["row"] for line in read(path)]
    assert sorted(rows) == list(range(2, 20_002))
