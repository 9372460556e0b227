"""Japan's AEO lists as a snapshot: a CSV export synced into the store, then looked up by
Corporate Number and by name (Japanese or English), in UTF-8 or Shift-JIS."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from credverify.adapters import snapshot
from credverify.adapters.base import Answer, Query, available
from credverify.adapters.http import Http
from credverify.adapters.jp_customs_aeo import CATEGORIES, JapanAeoAdapter
from credverify.adapters.snapshot import SnapshotError
from credverify.errors import LookupFailed
from credverify.knowledge import load
from credverify.store import Store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "jp.customs.aeo"
KAKUU_SEIKI = "1701000000001"  # synthetic, passes the check digit: exporter and importer
MINATO = "3101000000002"  # synthetic: warehouse operator


@pytest.fixture
def adapter(tmp_path: Path) -> JapanAeoAdapter:
    return JapanAeoAdapter(Http(Store(tmp_path / "s.sqlite3")))


@pytest.fixture
def synced(adapter: JapanAeoAdapter) -> JapanAeoAdapter:
    snapshot.sync(adapter, file=FIXTURES / "aeo-list.csv")
    return adapter


def lookup(adapter: JapanAeoAdapter, **fields: str) -> Answer:
    return asyncio.run(adapter.lookup(Query(scheme="jp.aeo", **fields)))


def test_the_adapter_is_registered_as_a_snapshot_of_the_jp_aeo_lists() -> None:
    assert available()["jp.customs.aeo"] is JapanAeoAdapter
    assert JapanAeoAdapter.schemes == ("jp.aeo",)
    columns = ("事業者名", "英語名", "法人番号", "区分", "監督税関")
    assert JapanAeoAdapter.required_columns == columns


def test_every_category_of_the_lists_is_a_jp_aeo_tier() -> None:
    scheme = load().scheme("jp.aeo")
    tiers = [CATEGORIES(wording) for wording in CATEGORIES.wordings]
    assert sorted(tiers) == sorted(t.id for t in scheme.tiers)


def test_a_utf8_excel_export_syncs(adapter: JapanAeoAdapter) -> None:
    info = snapshot.sync(adapter, file=FIXTURES / "aeo-list.csv")
    assert info.rows == 6
    assert info.encoding == "utf-8-sig"  # Excel's "CSV UTF-8" writes a BOM


def test_lookup_by_corporate_number_gives_each_category_held(synced: JapanAeoAdapter) -> None:
    answer = lookup(synced, identifier=KAKUU_SEIKI)
    assert [r.tier for r in answer.records] == ["exporter", "importer"]
    exporter = answer.records[0]
    assert exporter.identifier == KAKUU_SEIKI
    assert exporter.holder == "架空精機株式会社"
    assert exporter.scheme == "jp.aeo"
    assert exporter.jurisdiction == "JP"
    assert exporter.status == "approved"
    assert exporter.active is True
    assert exporter.details == {
        "japanese_name": "架空精機株式会社",
        "english_name": "Kakuu Precision Co., Ltd.",
        "corporate_number": KAKUU_SEIKI,
        "category": "特定輸出者",
        "supervising_customs": "東京税関",
    }
    assert answer.evidence[0].method == "SNAPSHOT"
    assert "6 rows" in answer.notes[0]


def test_a_hyphenated_corporate_number_in_the_list_is_stored_compact(
    synced: JapanAeoAdapter,
) -> None:
    (record,) = lookup(synced, identifier="1501000000005").records
    assert record.holder == "有限会社テスト製作所"
    assert record.tier == "manufacturer"


def test_lookup_by_english_name_finds_the_japanese_holder(synced: JapanAeoAdapter) -> None:
    answer = lookup(synced, holder="KAKUU PRECISION CO LTD")
    assert answer.records[0].holder == "架空精機株式会社"
    assert "'Kakuu Precision Co., Ltd.' 1.00 match" in answer.notes[1]


def test_lookup_by_japanese_name_ignores_the_kabushiki_kaisha_affix(
    synced: JapanAeoAdapter,
) -> None:
    # Listed as 株式会社みなと架空物流 (株式会社 first); claimed with it last, or without it.
    for claimed in ("みなと架空物流株式会社", "みなと架空物流"):
        answer = lookup(synced, holder=claimed)
        assert answer.records[0].identifier == MINATO
        assert answer.records[0].tier == "warehouse"
        assert "'株式会社みなと架空物流' 1.00 match" in answer.notes[1]


def test_a_shift_jis_list_is_read_with_its_japanese_names(adapter: JapanAeoAdapter) -> None:
    info = snapshot.sync(adapter, file=FIXTURES / "aeo-list-shift-jis.csv")
    assert info.encoding == "shift_jis"
    answer = lookup(adapter, holder="さくら架空商事")
    record = answer.records[0]
    assert record.holder == "株式会社さくら架空商事"
    assert record.details["supervising_customs"] == "門司税関"
    assert record.details["category"] == "特定輸出者"
    assert lookup(adapter, holder="Kakuu Logistics Corp").records[0].tier == "logistics"


def test_english_headers_are_not_the_supported_format(synced: JapanAeoAdapter) -> None:
    with pytest.raises(SnapshotError) as failure:
        snapshot.sync(synced, file=FIXTURES / "english-headers.csv")
    message = str(failure.value)
    assert "english-headers.csv: header" in message
    assert "missing column(s) 事業者名, 英語名, 法人番号, 区分, 監督税関" in message
    # The previous snapshot still answers.
    assert lookup(synced, identifier=MINATO).records[0].tier == "warehouse"


def test_an_unknown_category_names_the_row_and_column(synced: JapanAeoAdapter) -> None:
    with pytest.raises(SnapshotError) as failure:
        snapshot.sync(synced, file=FIXTURES / "bad-category.csv")
    message = str(failure.value)
    assert "row 3: column 区分: unknown category '特定輸入者'" in message
    assert "expected one of 特定輸出者, 特例輸入者" in message
    assert len(lookup(synced, identifier=KAKUU_SEIKI).records) == 2


def test_an_invalid_corporate_number_names_the_row_and_column(synced: JapanAeoAdapter) -> None:
    with pytest.raises(SnapshotError) as failure:
        snapshot.sync(synced, file=FIXTURES / "bad-corporate-number.csv")
    message = str(failure.value)
    assert "row 4: column 法人番号: '2301000000003' is not a valid Corporate Number" in message
    assert "check digit" in message
    assert lookup(synced, identifier="7301000000003").records[0].tier == "customs-broker"


def test_without_a_snapshot_the_lookup_says_to_sync(adapter: JapanAeoAdapter) -> None:
    with pytest.raises(LookupFailed, match=r"registries sync jp\.customs\.aeo --file"):
        lookup(adapter, identifier=KAKUU_SEIKI)


def test_a_corporate_number_not_on_the_lists_is_not_found_naming_the_snapshot(
    synced: JapanAeoAdapter,
) -> None:
    answer = lookup(synced, identifier="8999900000001")  # synthetic, valid, not listed
    assert answer.records == ()
    assert answer.no_result is not None
    assert answer.no_result.startswith("no entry for 8999900000001 in the snapshot of Japan")
