"""China's GACC credit lists as a snapshot: the platform's queryList JSON synced into the store,
each credit code read under the GACC order in force on its date, then looked up by USCC and by
Chinese name; never the live site, whose name search is behind a captcha. A code no table maps
(Order 282's unknown codes, a date no known order covers) is stored, and unverifiable at lookup."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest

from credverify.adapters import cn_gacc_credit, snapshot
from credverify.adapters.base import Answer, Query, available
from credverify.adapters.cn_gacc_credit import ChinaCreditAdapter
from credverify.adapters.http import Http
from credverify.adapters.snapshot import SnapshotError
from credverify.errors import LookupFailed, UnknownWording
from credverify.knowledge import load
from credverify.records import CheckStatus, Claim
from credverify.store import Store
from credverify.verifier import Verifier

FIXTURES = Path(__file__).parent.parent / "fixtures" / "cn.gacc.credit"
SHENZHEN = "91440300MA5F00001A"  # synthetic USCCs, valid check characters
SHANGHAI = "91310115MA1K000029"
QINGDAO = "91370200MA3C000066"  # code 2, dated under Order 282


@pytest.fixture
def adapter(tmp_path: Path) -> ChinaCreditAdapter:
    return ChinaCreditAdapter(Http(Store(tmp_path / "s.sqlite3")))


@pytest.fixture
def synced(adapter: ChinaCreditAdapter) -> ChinaCreditAdapter:
    snapshot.sync(adapter, file=FIXTURES / "querylist.json")
    return adapter


def lookup(adapter: ChinaCreditAdapter, **fields: str) -> Answer:
    return asyncio.run(adapter.lookup(Query(scheme="cn.aeo", **fields)))


def test_the_adapter_is_registered_for_china_aeo() -> None:
    assert available()["cn.gacc.credit"] is ChinaCreditAdapter
    assert ChinaCreditAdapter.schemes == ("cn.aeo",)
    assert ChinaCreditAdapter.file_format == "json"


def test_lookup_by_uscc(synced: ChinaCreditAdapter) -> None:
    (record,) = lookup(synced, identifier=SHENZHEN).records
    assert record.holder == "深圳虚构电子有限公司"
    assert record.scheme == "cn.aeo"
    assert record.tier == "advanced"
    assert record.active is True
    assert record.jurisdiction == "CN"
    assert record.valid_from == date(2016, 3, 1)
    assert record.details == {
        "seq_no": "1",
        "saic_sys_no": "4403960001",
        "mana_type": "0",
        "customs": "深圳海关",
        "mana_type_use_time": "2016-03-01",
        "legal_basis": "gacc-order-225",
    }


def test_lookup_by_chinese_name_ignores_the_youxian_gongsi_affix(
    synced: ChinaCreditAdapter,
) -> None:
    for claimed in ("上海样例贸易", "上海样例贸易有限公司"):
        answer = lookup(synced, holder=claimed)
        assert answer.records[0].identifier == SHANGHAI
        assert "'上海样例贸易有限公司' 1.00 match" in answer.notes[1]


@pytest.mark.parametrize(
    ("uscc", "tier", "active", "status", "basis"),
    [
        # Orders 225/237: both certified levels are AEO; B and C are not.
        (SHENZHEN, "advanced", True, "Advanced Certified Enterprise", "gacc-order-225"),
        (SHANGHAI, "general", True, "General Certified Enterprise", "gacc-order-237"),
        ("91500000MA5U00008M", None, False, "General Credit Enterprise", "gacc-order-225"),
        ("91110108MA0000004N", None, False, "Discredited Enterprise", "gacc-order-237"),
        # Order 251 (from 2021-11-01): General Certified is gone.
        ("91320500MA1M00003J", None, False, "General Certified no longer exists", "gacc-order-251"),
        # Order 282 (from 2026-04-01): 0 stays Advanced.
        ("91330200MA2H000059", "advanced", True, "Advanced Certified", "gacc-order-282"),
    ],
)
def test_the_credit_code_is_read_under_the_order_in_force_on_its_date(
    synced: ChinaCreditAdapter,
    uscc: str,
    tier: str | None,
    active: bool | None,
    status: str,
    basis: str,
) -> None:
    (record,) = lookup(synced, identifier=uscc).records
    assert (record.tier, record.active) == (tier, active)
    assert status in (record.status or "")
    assert record.details["legal_basis"] == basis
    assert tier is None or load().scheme("cn.aeo").tier(tier)


def test_an_order_282_code_it_cannot_map_is_stored_but_never_vouched_for(
    synced: ChinaCreditAdapter,
) -> None:
    with pytest.raises(UnknownWording) as failure:
        lookup(synced, identifier=QINGDAO)
    message = str(failure.value)
    assert "manaType) '2' is not known under GACC Order No. 282" in message
    assert failure.value.evidence  # the snapshot it read
    check = Verifier(store=synced.store, offline=True).verify(
        Claim(scheme="cn.aeo", identifier=QINGDAO, holder="青岛样本食品股份有限公司")
    )
    assert check.status is CheckStatus.UNVERIFIABLE
    assert "'2'" in check.reason
    assert "Order No. 282" in check.reason


def test_an_entry_dated_before_any_known_order_is_unverifiable_quoting_the_code(
    adapter: ChinaCreditAdapter, tmp_path: Path
) -> None:
    entry = {"nameSaic": "深圳虚构电子有限公司", "socialCreditCode": SHENZHEN, "manaType": "0",
             "manatypeUseTime": "2010-05-01"}  # fmt: skip
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"data": {"copInfoList": [entry]}}), encoding="utf-8")
    assert snapshot.sync(adapter, file=old).rows == 1  # the list is kept
    with pytest.raises(UnknownWording, match=r"'0' of 2010-05-01: no GACC credit order is known"):
        lookup(adapter, identifier=SHENZHEN)


@pytest.mark.parametrize(
    ("imported", "general_tier", "general_active", "basis"),
    [
        (date(2020, 6, 1), "general", True, "gacc-order-237"),
        (date(2023, 6, 1), None, False, "gacc-order-251"),
    ],
)
def test_an_entry_without_a_date_is_read_under_the_order_of_the_import_day(
    adapter: ChinaCreditAdapter,
    monkeypatch: pytest.MonkeyPatch,
    imported: date,
    general_tier: str | None,
    general_active: bool | None,
    basis: str,
) -> None:
    monkeypatch.setattr(cn_gacc_credit, "import_day", lambda: imported)
    snapshot.sync(adapter, file=FIXTURES / "no-dates.json")
    (advanced,) = lookup(adapter, identifier=SHENZHEN).records
    assert (advanced.tier, advanced.valid_from) == ("advanced", None)
    (general,) = lookup(adapter, identifier=SHANGHAI).records
    assert (general.tier, general.active) == (general_tier, general_active)
    assert general.details["legal_basis"] == basis


def test_an_undated_code_1_imported_under_order_282_is_unverifiable(
    adapter: ChinaCreditAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cn_gacc_credit, "import_day", lambda: date(2026, 11, 29))
    snapshot.sync(adapter, file=FIXTURES / "no-dates.json")
    assert lookup(adapter, identifier=SHENZHEN).records[0].tier == "advanced"
    with pytest.raises(UnknownWording, match=r"'1' is not known under GACC Order No\. 282"):
        lookup(adapter, identifier=SHANGHAI)


def test_a_gb18030_export_is_read_with_its_chinese_names(adapter: ChinaCreditAdapter) -> None:
    info = snapshot.sync(adapter, file=FIXTURES / "querylist-gb18030.json")
    assert info.encoding == "gb18030"
    answer = lookup(adapter, holder="厦门样例茶叶")
    record = answer.records[0]
    assert record.holder == "厦门样例茶叶有限公司"
    assert record.details["customs"] == "厦门海关"
    (dongguan,) = lookup(adapter, identifier="91441900MA4W00010Y").records
    assert dongguan.holder == "东莞虚构塑胶制品有限公司"


def test_without_a_snapshot_the_lookup_explains_the_captcha(adapter: ChinaCreditAdapter) -> None:
    with pytest.raises(LookupFailed) as failure:
        lookup(adapter, holder="上海样例贸易有限公司")
    message = str(failure.value)
    assert "live name search" in message
    assert "slider captcha" in message
    assert "credverify registries sync cn.gacc.credit --file FILE" in message


def test_another_platform_document_is_not_the_querylist_format(
    synced: ChinaCreditAdapter,
) -> None:
    with pytest.raises(SnapshotError, match="not the queryList format"):
        snapshot.sync(synced, file=FIXTURES / "abnormal-list.json")
    assert lookup(synced, identifier=SHENZHEN).records[0].tier == "advanced"


def test_an_invalid_uscc_names_the_entry_and_field(synced: ChinaCreditAdapter) -> None:
    with pytest.raises(SnapshotError) as failure:
        snapshot.sync(synced, file=FIXTURES / "bad-uscc.json")
    message = str(failure.value)
    assert "copInfoList entry 2: field socialCreditCode: '91310115MA1K000020'" in message
    assert "check digit" in message
    assert len(lookup(synced, holder="上海样例贸易").records) >= 1


def test_an_unknown_code_before_order_282_names_the_entry_and_field(
    synced: ChinaCreditAdapter,
) -> None:
    with pytest.raises(SnapshotError) as failure:
        snapshot.sync(synced, file=FIXTURES / "bad-mana-type.json")
    message = str(failure.value)
    assert "copInfoList entry 2: field manaType: unknown code 'A'" in message
    assert "expected one of 0, 1, B, C" in message


def test_a_uscc_not_on_the_list_is_not_found_naming_the_snapshot(
    synced: ChinaCreditAdapter,
) -> None:
    answer = lookup(synced, identifier="91440300MA5F00002D")
    assert answer.records == ()
    assert answer.no_result is not None
    assert "in the snapshot of GACC credit platform, 8 rows" in answer.no_result
