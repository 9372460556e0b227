"""Property tests: every response parser, every registry-file parser and the batch reader take
whatever they are fed and answer within their contract, never with another exception.

- HTTP adapters (HMRC, EOS EORI, EOS AEO, NPPES, HCPC, BACP): any status, media type and body
  (raw bytes, any JSON, real answers with bytes cut or replaced, real answers with values swapped
  for boundary values, documents in the registry's own shape) gives an ``Answer`` or a
  ``LookupFailed`` per query. The bodies go through the real adapter code and the shared HTTP
  policy over a mock transport (``tests/reliability/parsers.py``).
- Snapshot files (GACC, Japan AEO, PSYPACT, LEIE): any file is imported or refused with an
  ``InputError``, and a refused file leaves the previous snapshot answering.
- The batch reader: any bytes give rows or an ``InputError``; a list written by a spreadsheet
  comes back row for row; any cells give claims or an ``InputError``.

Identifiers and name matching have their own properties in ``tests/test_identifiers_robustness.py``
and ``tests/test_matching.py``; they are not repeated here. The longer run of the same
strategies is ``tests/fuzz/fuzz_parsers.py``. Examples are derandomised: a failure here
reproduces on every run.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credverify.adapters.base import Answer, Query
from credverify.errors import InputError, LookupFailed
from credverify.knowledge import load
from credverify.records import Claim
from credverify.reports import safe_cell
from credverify.store import Store
from tests.reliability.parsers import (
    COLUMN_NAMES,
    FIXTURES,
    HTTP_TARGETS,
    IDENTIFIER_LIKE,
    SNAPSHOT_TARGETS,
    body_for,
    check_contract,
    claims_for,
    content_type_for,
    feed,
    import_snapshot,
    read_all,
    snapshot_body_for,
    status_for,
)

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -- response parsers ---------------------------------------------------------------------------


@pytest.mark.parametrize("adapter_id", HTTP_TARGETS)
def test_any_answer_gives_an_answer_or_a_lookup_failure(adapter_id: str) -> None:
    target = HTTP_TARGETS[adapter_id]

    @PROPERTY
    @given(body=body_for(target), content_type=content_type_for(target), status=status_for(target))
    def holds(body: bytes, content_type: str, status: int) -> None:
        check_contract(target, body, content_type, status)

    holds()


@pytest.mark.parametrize("adapter_id", HTTP_TARGETS)
def test_every_real_answer_still_parses(adapter_id: str) -> None:
    """The control: the strategies start from these answers, which the adapters accept."""
    target = HTTP_TARGETS[adapter_id]
    answered = 0
    for body in target.fixture_bodies():
        for status in target.statuses:
            results = feed(target, body, target.media_types[0], status)
            assert all(isinstance(r, Answer | LookupFailed) for r in results)
            answered += sum(isinstance(r, Answer) for r in results)
    assert answered, "at least one real answer gives records or a definite no-record"


NPPES_TODAY = json.loads((FIXTURES / "us.nppes.npi" / "individual-today.json").read_bytes())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("created_epoch", "999999999999999"),
        ("last_updated_epoch", "999999999999999"),
        ("created_epoch", 253402300800000),
    ],
)
def test_an_nppes_epoch_past_year_9999_is_a_layout_change_not_a_crash(
    field: str, value: object
) -> None:
    answer = json.loads(json.dumps(NPPES_TODAY))
    answer["results"][0][field] = value
    body = json.dumps(answer).encode()
    by_number = [Query("us.npi", "1900000013")]
    (result,) = feed(HTTP_TARGETS["us.nppes.npi"], body, "application/json", queries=by_number)
    assert isinstance(result, Answer | LookupFailed)


# -- registry files -----------------------------------------------------------------------------


@pytest.mark.parametrize("adapter_id", SNAPSHOT_TARGETS)
def test_any_registry_file_is_imported_or_refused_with_an_input_error(adapter_id: str) -> None:
    target = SNAPSHOT_TARGETS[adapter_id]
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        store = Store(where / "store.sqlite3")
        import_snapshot(target, target.fixture_bodies()[0], store, where)
        first = store.snapshot_active(adapter_id)
        assert first is not None

        @PROPERTY
        @given(body=snapshot_body_for(target))
        def holds(body: bytes) -> None:
            before = store.snapshot_active(adapter_id)
            try:
                import_snapshot(target, body, store, where)
            except InputError:
                assert store.snapshot_active(adapter_id) == before, "the old snapshot answers"
            else:
                after = store.snapshot_active(adapter_id)
                assert after is not None
                assert after.rows > 0

        try:
            holds()
        finally:
            store.close()


CN_ENTRY = {
    "nameSaic": "深圳虚构电子有限公司",
    "socialCreditCode": "91440300MA5F00001A",
    "manaType": "0",
}


@pytest.mark.parametrize("when", [10**20, 1e300, -(10**18), float("nan")])
def test_a_gacc_date_out_of_range_is_refused_with_an_input_error(
    when: float, tmp_path: Path
) -> None:
    body = json.dumps({"data": {"copInfoList": [{**CN_ENTRY, "manatypeUseTime": when}]}})
    store = Store(tmp_path / "store.sqlite3")
    try:
        with pytest.raises(InputError, match="manatypeUseTime"):
            import_snapshot(SNAPSHOT_TARGETS["cn.gacc.credit"], body.encode(), store, tmp_path)
    finally:
        store.close()


# -- the batch reader ---------------------------------------------------------------------------

SUFFIXES = st.sampled_from([".csv", ".xlsx", ".txt", ".tsv"])
TEXTISH = st.lists(st.lists(IDENTIFIER_LIKE, max_size=5).map(",".join), max_size=6).map(
    lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")
)


def test_any_input_file_gives_rows_or_an_input_error() -> None:
    with tempfile.TemporaryDirectory() as folder:

        @PROPERTY
        @given(body=st.one_of(st.binary(max_size=600), TEXTISH), suffix=SUFFIXES)
        def holds(body: bytes, suffix: str) -> None:
            path = Path(folder) / f"input{suffix}"
            path.write_bytes(body)
            try:
                header, rows = read_all(path)
            except InputError:
                return
            numbers = [r.row for r in rows]
            assert numbers == sorted(set(numbers)), "rows in order, none twice"
            assert all(n >= 2 for n in numbers)
            assert all(set(r.values) <= set(header) for r in rows)

        holds()


PLAIN = st.text(alphabet=st.sampled_from([*"abcXYZ 019.-_()&/\n\r,", "é", "中"]), max_size=12)
"""Cells a spreadsheet writes: text with the delimiter and line breaks (so, quoted cells)."""


def test_a_list_written_by_a_spreadsheet_comes_back_row_for_row() -> None:
    with tempfile.TemporaryDirectory() as folder:

        @PROPERTY
        @given(
            width=st.integers(min_value=2, max_value=5),
            records=st.lists(st.lists(PLAIN, min_size=5, max_size=5), max_size=8),
            bom=st.booleans(),
        )
        def holds(width: int, records: list[list[str]], bom: bool) -> None:
            header = [f"column {i}" for i in range(width)]
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(header)
            writer.writerows(r[:width] for r in records)
            path = Path(folder) / "list.csv"
            path.write_bytes(text.getvalue().encode("utf-8-sig" if bom else "utf-8"))
            got_header, rows = read_all(path)
            wanted = [
                (number, record[:width])
                for number, record in enumerate(records, start=2)
                if any(cell.strip() for cell in record[:width])
            ]
            assert got_header == header
            assert [r.row for r in rows] == [n for n, _ in wanted], "every row exactly once"
            assert [r.error for r in rows] == [None] * len(rows)
            # A sniffed "skipinitialspace" may drop a cell's leading blanks: nothing else changes.
            assert [[v.lstrip(" ") for v in r.values.values()] for r in rows] == [
                [v.lstrip(" ") for v in record] for _, record in wanted
            ]

        holds()


def test_any_cells_give_claims_or_an_input_error() -> None:
    knowledge = load()

    @PROPERTY
    @given(values=st.dictionaries(COLUMN_NAMES, IDENTIFIER_LIKE, max_size=7))
    def holds(values: dict[str, str]) -> None:
        try:
            claims = claims_for(values)
        except InputError as bad:
            claims, refused = [], bad.message
        else:
            refused = "row 2, column "
        assert refused.startswith("row 2, column "), "a refusal names the row and the column"
        for claim in claims:
            assert isinstance(claim, Claim)
            knowledge.scheme(claim.scheme)  # a scheme the knowledge base knows

    holds()


def test_safe_cell_makes_any_text_inert_and_keeps_it_recoverable() -> None:
    @PROPERTY
    @given(value=st.one_of(st.text(), st.sampled_from(["=", "+", "-", "@", "\t", "\r"]).map(
        lambda c: c + "1+1"
    )))  # fmt: skip
    def holds(value: str) -> None:
        cell = safe_cell(value)
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert cell in (value, "'" + value)

    holds()
