"""The snapshot machinery with a small stand-in format: encodings, header checks, atomic
re-sync, lookups by identifier and by name through the base flow (explicit no-result, no snapshot
a fault), download by URL, and the registries CLI."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from credverify.adapters.base import Answer, Query
from credverify.adapters.http import Http
from credverify.adapters.snapshot import (
    SnapshotAdapter,
    SnapshotError,
    SnapshotExchange,
    SnapshotRow,
    detect_encoding,
    sync,
)
from credverify.errors import LookupFailed, Refused
from credverify.records import RegistryRecord
from credverify.store import Store
from tests.registry_server import RegistryServer, Response


class Roster(SnapshotAdapter):
    """A stand-in registry file: ``Number,Name,Country`` (not registered)."""

    id = "test.roster"
    name = "Test roster"
    schemes = ("eu.eori",)
    default_base_url = "https://example.invalid/roster.csv"
    required_columns = ("Number", "Name", "Country")

    def read_rows(self, rows: Iterable[dict[str, str]]) -> Iterator[SnapshotRow]:
        for number, row in enumerate(rows, start=2):
            if not row["Number"].strip():
                raise SnapshotError(f"row {number}, column Number: expected an identifier")
            record = RegistryRecord(
                adapter=self.id,
                identifier=row["Number"],
                holder=row["Name"],
                jurisdiction=row["Country"],
            )
            yield SnapshotRow(row["Number"], (row["Name"],), record)


ROWS = [
    ("DE100", "Synthetische Handels GmbH", "DE"),
    ("CN200", "深圳合成电子有限公司", "CN"),
    ("JP300", "株式会社サンプル商事", "JP"),
    ("FR400", "Société Exemple SARL", "FR"),
]


def write(path: Path, encoding: str, rows: list[tuple[str, str, str]] = ROWS) -> Path:
    lines = ["Number,Name,Country"] + [",".join(r) for r in rows]
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


@pytest.fixture
def roster(tmp_path: Path) -> Roster:
    return Roster(Http(Store(tmp_path / "store.sqlite3")))


def ask(adapter: Roster, query: Query) -> Answer:
    return asyncio.run(adapter.lookup(query))


@pytest.mark.parametrize(
    ("encoding", "rows"),
    [
        ("utf-8", ROWS),
        ("utf-8-sig", ROWS),
        ("gb18030", [ROWS[1], ("CN201", "北京示例贸易有限公司", "CN")]),
        ("shift_jis", [ROWS[2], ("JP301", "合同会社テスト物流", "JP")]),
        ("cp1252", [ROWS[0], ROWS[3]]),
    ],
)
def test_files_in_every_registry_encoding_are_read_correctly(
    roster: Roster, tmp_path: Path, encoding: str, rows: list[tuple[str, str, str]]
) -> None:
    info = sync(roster, file=write(tmp_path / "roster.csv", encoding, rows))
    assert info.rows == len(rows)
    number, name, _ = rows[-1]
    record = ask(roster, Query(scheme="eu.eori", identifier=number)).records[0]
    assert record.holder == name


def test_detect_encoding_prefers_utf8_and_reads_the_bom() -> None:
    assert detect_encoding("Ünïcödé".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfNumber") == "utf-8-sig"


def test_a_name_search_returns_the_closest_with_an_explained_score(
    roster: Roster, tmp_path: Path
) -> None:
    sync(roster, file=write(tmp_path / "roster.csv", "utf-8"))
    answer = ask(roster, Query(scheme="eu.eori", holder="Synthetische Handels"))
    assert answer.records[0].identifier == "DE100"
    assert any("name search" in note and "match" in note for note in answer.notes)
    assert answer.evidence[0].method == "SNAPSHOT"


def test_a_wrong_header_names_the_missing_column_and_keeps_the_old_snapshot(
    roster: Roster, tmp_path: Path
) -> None:
    sync(roster, file=write(tmp_path / "good.csv", "utf-8"))
    bad = tmp_path / "bad.csv"
    bad.write_text("Number,Nmae,Country\nXX1,Someone,DE\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match=r"missing column\(s\) Name \(found 'Nmae'\)"):
        sync(roster, file=bad)
    assert ask(roster, Query(scheme="eu.eori", identifier="DE100")).records


def test_a_file_that_breaks_halfway_leaves_the_previous_snapshot(
    roster: Roster, tmp_path: Path
) -> None:
    sync(roster, file=write(tmp_path / "good.csv", "utf-8"))
    broken = write(tmp_path / "broken.csv", "utf-8", [("NEW1", "New Ltd", "GB"), ("", "x", "GB")])
    with pytest.raises(SnapshotError, match="row 3, column Number"):
        sync(roster, file=broken)
    store = roster.store
    info = store.snapshot_active(roster.id)
    assert info is not None
    assert info.rows == len(ROWS)
    assert not ask(roster, Query(scheme="eu.eori", identifier="NEW1")).records


def test_an_identifier_not_in_the_list_is_its_explicit_no_result(
    roster: Roster, tmp_path: Path
) -> None:
    sync(roster, file=write(tmp_path / "roster.csv", "utf-8"))
    answer = ask(roster, Query(scheme="eu.eori", identifier="XX999", holder="Synthetische"))
    assert answer.records == ()  # by identifier only: the name does not widen the search
    assert answer.no_result is not None
    assert answer.no_result.startswith("no entry for XX999 in the snapshot of Test roster, 4 rows")
    assert "imported 20" in answer.no_result


def test_a_name_with_no_candidate_is_a_no_result_that_quotes_the_name(
    roster: Roster, tmp_path: Path
) -> None:
    sync(roster, file=write(tmp_path / "roster.csv", "utf-8"))
    answer = ask(roster, Query(scheme="eu.eori", holder="Zzyzx Quorble"))
    assert answer.records == ()
    assert answer.no_result is not None
    assert "no entry for the name 'Zzyzx Quorble'" in answer.no_result


def test_a_query_with_neither_identifier_nor_name_is_refused(roster: Roster) -> None:
    with pytest.raises(Refused, match="give an identifier or a name"):
        ask(roster, Query(scheme="eu.eori"))


def test_the_lookup_is_the_base_flow_over_a_snapshot_exchange(
    roster: Roster, tmp_path: Path
) -> None:
    sync(roster, file=write(tmp_path / "roster.csv", "utf-8"))
    query = Query(scheme="eu.eori", identifier="DE100")
    exchange = asyncio.run(roster.fetch(query))
    assert isinstance(exchange, SnapshotExchange)
    assert exchange.status_code == 200
    assert json.loads(exchange.body)[0]["holder"] == "Synthetische Handels GmbH"
    assert roster.parse(exchange, query).records[0].identifier == "DE100"
    assert "lookup" not in vars(SnapshotAdapter)
    assert "lookup" not in vars(Roster)


def test_a_resync_replaces_the_snapshot(roster: Roster, tmp_path: Path) -> None:
    sync(roster, file=write(tmp_path / "one.csv", "utf-8"))
    sync(roster, file=write(tmp_path / "two.csv", "utf-8", [("NEW1", "New Ltd", "GB")]))
    assert ask(roster, Query(scheme="eu.eori", identifier="NEW1")).records
    assert not ask(roster, Query(scheme="eu.eori", identifier="DE100")).records


def test_a_missing_snapshot_is_a_fault_that_says_how_to_sync(roster: Roster) -> None:
    with pytest.raises(LookupFailed, match=r"registries sync test\.roster"):
        ask(roster, Query(scheme="eu.eori", identifier="DE100"))


def test_a_snapshot_downloads_from_a_url(
    roster: Roster, tmp_path: Path, registry_server: RegistryServer
) -> None:
    body = write(tmp_path / "served.csv", "utf-8").read_bytes()
    registry_server.route("GET", "/roster.csv", lambda _: Response(200, body, "text/csv"))
    info = sync(roster, url=f"{registry_server.url}/roster.csv")
    assert info.source.endswith("/roster.csv")
    assert info.rows == len(ROWS)


def test_registries_list_shows_every_adapter(capsys: pytest.CaptureFixture[str]) -> None:
    from credverify.cli import main

    with pytest.raises(SystemExit) as done:
        main(["registries", "list", "--json"])
    assert done.value.code in (0, None)
    rows = json.loads(capsys.readouterr().out)
    assert {"gb.hmrc.eori", "eu.eos.aeo"} <= {r["id"] for r in rows}
