"""Report integrity in every format: a supplier file's columns never pass for credverify's own,
FHIR ids never come from the file's name, and no URL is shown with its user info or a key."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from credverify.records import Check, Evidence, RowResult
from credverify.reports import FORMATS, RunInfo, write_report
from credverify.reports.fhir import check_to_verification_result
from tests.reports import samples

# Every name the reports use for their own columns and fields, as a hostile supplier file would.
HOSTILE = (
    "status", "outcome", "gaps", "top_remedy", "evidence", "error", "notes", "synthetic",
    "row", "values", "resourceType", "id", "input.status",
)  # fmt: skip
LIE = "verified-by-the-supplier"
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
SECRET_URL = "https://alice:hunter2@registry.example/v1/check?api_key=K3Y-S3CR3T&q=GB1"
SECRETS = ("alice", "hunter2", "K3Y-S3CR3T")


def hostile_run(**changes: Any) -> tuple[RunInfo, RowResult]:
    """The verified sample row, from a file whose columns are named like the report's."""
    run = samples.run_info(columns=("supplier", *HOSTILE))
    row = samples.verified()
    values = {**row.values, **dict.fromkeys(HOSTILE, LIE)}
    row = row.model_copy(update={"values": values, **changes})
    return run, row


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    header = lines[0]
    assert len(header) == len(set(header)), "no two columns share a name"
    return [dict(zip(header, line, strict=True)) for line in lines[1:]]


def read_xlsx(path: Path) -> list[dict[str, str]]:
    sheet = openpyxl.load_workbook(path)["results"]
    header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(header) == len(set(header)), "no two columns share a name"
    return [dict(zip(header, line, strict=True)) for line in body]  # type: ignore[misc]


@pytest.mark.parametrize("reader", [("csv", read_csv), ("xlsx", read_xlsx)], ids=["csv", "xlsx"])
def test_tables_keep_input_columns_apart_from_their_own(tmp_path: Path, reader: Any) -> None:
    fmt, read = reader
    run, row = hostile_run()
    path = tmp_path / f"out.{fmt}"
    write_report(path, fmt, [row], run)
    [line] = read(path)

    assert line["status"] == "verified"
    assert line["outcome"] == "recognized"
    assert not line["error"]
    for column in HOSTILE:
        assert line[f"input.{column}"] == LIE
    assert line["input.supplier"] == "Acme Freight Ltd"


def test_jsonl_keeps_the_input_in_its_values_object(tmp_path: Path) -> None:
    run, row = hostile_run()
    path = tmp_path / "out.jsonl"
    write_report(path, "jsonl", [row], run)
    [line] = [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]

    assert line["row"] == 2
    assert line["status"] == "verified"
    assert line["outcome"] == "recognized"
    assert line["error"] is None
    assert line["synthetic"] is False
    assert line["values"] == row.values


def test_html_headers_and_cells_keep_input_columns_apart(tmp_path: Path) -> None:
    run, row = hostile_run()
    path = tmp_path / "out.html"
    write_report(path, "html", [row], run)
    page = HTMLParser(path.read_text(encoding="utf-8"))

    headers = [th.text(strip=True) for th in page.css("#results thead th")][1:]
    assert len(headers) == len(set(headers))
    [tr] = page.css("#results tr.result-row")
    cells = dict(zip(headers, [td.text(strip=True) for td in tr.css("td")][1:], strict=True))
    assert cells["row"] == "2"
    assert cells["status"] == "verified"
    assert cells["outcome"] == "recognized"
    assert all(cells[f"input.{column}"] == LIE for column in HOSTILE)
    assert tr.attributes["data-status"] == "verified"


def test_fhir_resources_carry_nothing_from_hostile_columns(tmp_path: Path) -> None:
    run, row = hostile_run()
    path = tmp_path / "out.json"
    write_report(path, "fhir", [row], run)
    bundle = json.loads(path.read_text(encoding="utf-8"))

    [entry] = bundle["entry"]
    resource = entry["resource"]
    assert resource["resourceType"] == "VerificationResult"
    assert resource["status"] == "validated"
    assert LIE not in json.dumps(bundle)


def fhir_ids(path: Path) -> list[str]:
    bundle = json.loads(path.read_text(encoding="utf-8"))
    return [bundle["id"], *(entry["resource"]["id"] for entry in bundle["entry"])]


@pytest.mark.parametrize(
    "source", ["../../etc/passwd", "Liste des fournisseurs (2026) é 🚚.csv", "a" * 300, ""]
)
def test_fhir_ids_follow_the_id_rule_whatever_the_file_is_called(
    tmp_path: Path, source: str
) -> None:
    rows = samples.sample_rows()
    named = RunInfo(**{**samples.run_info().__dict__, "source": source, "run_id": "r1"})
    plain = RunInfo(**{**samples.run_info().__dict__, "source": "suppliers.csv", "run_id": "r1"})
    write_report(tmp_path / "named.json", "fhir", rows, named)
    write_report(tmp_path / "plain.json", "fhir", rows, plain)

    ids = fhir_ids(tmp_path / "named.json")
    assert all(FHIR_ID.match(ident) for ident in ids), ids
    assert len(ids) == len(set(ids)), "every resource has its own id"
    assert ids == fhir_ids(tmp_path / "plain.json"), "the file's name plays no part"


def test_fhir_ids_change_with_the_run_and_the_row_content(tmp_path: Path) -> None:
    row = samples.verified()
    edited = row.model_copy(update={"values": {**row.values, "supplier": "Acme Freight plc"}})
    first = RunInfo(**{**samples.run_info().__dict__, "run_id": "run-one"})
    second = RunInfo(**{**samples.run_info().__dict__, "run_id": "run-two"})
    write_report(tmp_path / "a.json", "fhir", [row], first)
    write_report(tmp_path / "b.json", "fhir", [row], first)
    write_report(tmp_path / "c.json", "fhir", [row], second)
    write_report(tmp_path / "d.json", "fhir", [edited], first)
    a, b, c, d = (fhir_ids(tmp_path / f"{n}.json") for n in "abcd")

    assert a == b, "a re-run of the same input gives the same ids"
    assert a[0] != c[0], "another run, another bundle id"
    assert a[1] != c[1], "another run, other resource ids"
    assert a[0] == d[0], "the same run, the same bundle id"
    assert a[1] != d[1], "an edited row, a new resource id"


def leaky_row() -> RowResult:
    """A row whose evidence was stored by an older version, its URL holding user info and a key,
    and whose error and note quote that URL too."""
    row = samples.verified()
    [check] = row.checks
    [evidence] = check.evidence
    leaky: Evidence = evidence.model_copy(update={"url": SECRET_URL})
    leaky_check: Check = check.model_copy(
        update={"evidence": (leaky,), "reason": f"HMRC at {SECRET_URL} confirms the EORI."}
    )
    return row.model_copy(
        update={
            "checks": (leaky_check,),
            "notes": (f"exclusion screening not done: {SECRET_URL} refused",),
        }
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_report_shows_a_url_with_its_secrets(tmp_path: Path, fmt: str) -> None:
    errored = samples.error().model_copy(update={"error": f"row 4: cannot fetch {SECRET_URL}"})
    path = tmp_path / f"out.{fmt}"
    write_report(path, fmt, [leaky_row(), errored], samples.run_info())
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(path)["results"]
        text = json.dumps([list(r) for r in sheet.iter_rows(values_only=True)])
    else:
        text = path.read_text(encoding="utf-8-sig")

    for secret in SECRETS:
        assert secret not in text, (fmt, secret)
    if fmt in ("jsonl", "html", "fhir"):
        assert "registry.example/v1/check?api_key=REDACTED" in text.replace("\\u0026", "&")
    assert "cannot fetch https://registry.example" in text


def test_a_single_check_as_fhir_shows_no_secret() -> None:
    [check] = leaky_row().checks
    text = json.dumps(check_to_verification_result(check))
    assert not any(secret in text for secret in SECRETS)
    assert "https://registry.example/v1/check?api_key=REDACTED&q=GB1" in text
