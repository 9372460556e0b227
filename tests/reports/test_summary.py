"""The end-of-run counts, and what every format shares: the format list, the formula
neutraliser, and a report that is either complete or not there at all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from credverify.errors import UnknownName
from credverify.records import Claim, RowResult
from credverify.reports import FORMATS, Summary, safe_cell, write_report
from tests.reports import samples


def test_summary_counts_rows_by_status_outcome_gap_and_country() -> None:
    summary = Summary.of(samples.sample_rows())

    assert summary.rows == 6
    assert summary.errors == 1
    assert summary.blocked == 1  # the mismatch's credential-not-verified gap
    assert summary.by_status == Counter(
        {"verified": 2, "mismatch": 1, "error": 1, "unverifiable": 1, "no-claim": 1}
    )
    assert summary.by_outcome == Counter(
        {"recognized": 1, "not-recognized": 1, "partial": 1, "unassessed": 3}
    )
    assert summary.by_gap == Counter(
        {"credential-not-verified": 1, "identifier-mapping-required": 1, "benefit-not-covered": 1}
    )
    # Claim jurisdiction first, then the `country` column, then "?".
    assert summary.by_country["GB"] == Counter({"recognized": 1})
    assert summary.by_country["CN"] == Counter({"not-recognized": 1})
    assert summary.by_country["NL"] == Counter({"unassessed": 1})  # the error row's column
    assert summary.by_country["?"] == Counter({"unassessed": 1})  # no claim, empty country
    assert summary.gaps_by_country["JP"] == Counter(
        {"identifier-mapping-required": 1, "benefit-not-covered": 1}
    )


def test_a_us_state_counts_under_its_country() -> None:
    row = RowResult(
        row=2,
        values={"country": "GB"},
        claims=(Claim(scheme="us.licence.psychologist", jurisdiction="US-CA"),),
    )
    assert Summary.of([row]).by_country == {"US": Counter({"unassessed": 1})}


def test_built_row_by_row_it_matches_the_whole() -> None:
    summary = Summary()
    for row in samples.sample_rows():
        summary.add(row)
    assert summary == Summary.of(samples.sample_rows())


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_returns_the_summary_of_what_it_wrote(tmp_path: Path, fmt: str) -> None:
    summary = write_report(
        tmp_path / f"report.{fmt}", fmt, iter(samples.sample_rows()), samples.run_info()
    )
    assert summary == Summary.of(samples.sample_rows())
    assert [p.name for p in tmp_path.iterdir()] == [f"report.{fmt}"]


def test_an_unknown_format_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(UnknownName, match="did you mean 'xlsx'"):
        write_report(tmp_path / "out.xls", "xls", [], samples.run_info())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failed_run_leaves_no_half_written_report(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "report.out"
    target.write_text("the previous complete report")

    def rows() -> Iterator[RowResult]:
        yield samples.verified()
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError):
        write_report(target, fmt, rows(), samples.run_info())
    assert target.read_text() == "the previous complete report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.out"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Acme Ltd", "Acme Ltd"),
        ("GB123456789000", "GB123456789000"),
        (" =1", " =1"),
        ("", ""),
    ],
)
def test_safe_cell_defuses_what_a_spreadsheet_would_run(value: str, expected: str) -> None:
    assert safe_cell(value) == expected
