"""A company's English name against the registered name in Chinese or Japanese characters, for
the same identifier: a name for a person to confirm (the check is partial), never a mismatch
that blocks the verdict; a registry's own English name that differs still contradicts."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from credverify.adapters import snapshot
from credverify.adapters.http import Http
from credverify.adapters.jp_customs_aeo import JapanAeoAdapter
from credverify.recognition import assess
from credverify.records import Check, CheckStatus, Claim, Finding, FindingOutcome, Outcome, Target
from credverify.store import Store
from credverify.verifier import Verifier

ON = date(2026, 6, 1)
KAKUU_SEIKI = "1701000000001"  # synthetic corporate number, valid check digit
HEADER = "事業者名,英語名,法人番号,区分,監督税関\n"


def japan_verifier(tmp_path: Path, english_name: str) -> Verifier:
    """A Verifier over a synced Japanese AEO list holding 架空精機株式会社 as an exporter."""
    rows = HEADER + f'架空精機株式会社,"{english_name}",{KAKUU_SEIKI},特定輸出者,東京税関\n'
    export = tmp_path / "aeo-list.csv"
    export.write_text(rows, encoding="utf-8-sig")
    store = Store(tmp_path / "store.sqlite3")
    snapshot.sync(JapanAeoAdapter(Http(store)), file=export)
    return Verifier(offline=True, store=store, as_of=ON)


def holder(check: Check) -> Finding:
    return next(f for f in check.findings if f.field == "holder")


@pytest.mark.parametrize("claimed", ["Kakuu Seiki K.K.", "Kakuu Precision Corporation"])
def test_an_english_name_against_the_japanese_record_is_no_mismatch(
    tmp_path: Path, claimed: str
) -> None:
    verifier = japan_verifier(tmp_path, english_name="")
    claim = Claim(scheme="jp.aeo", identifier=KAKUU_SEIKI, holder=claimed, tier="exporter")

    check = verifier.verify(claim)

    assert check.status is CheckStatus.PARTIAL
    assert holder(check).outcome is FindingOutcome.UNCONFIRMABLE
    assert "another script" in holder(check).note
    assert "kakuu seiki" in holder(check).note  # the Hepburn reading shown to the reviewer
    verdict = assess([check], Target("NL", "aeo-security-benefits"), ON)
    assert verdict.outcome is not Outcome.NOT_RECOGNIZED


def test_the_romanised_name_reads_through_even_when_the_list_gives_another_english_name(
    tmp_path: Path,
) -> None:
    verifier = japan_verifier(tmp_path, english_name="Kakuu Precision Co., Ltd.")
    claim = Claim(scheme="jp.aeo", identifier=KAKUU_SEIKI, holder="Kakuu Seiki Kabushiki Kaisha")

    check = verifier.verify(claim)

    assert check.status is CheckStatus.PARTIAL
    assert "0.9" in holder(check).note or "1.00" in holder(check).note


def test_the_english_name_of_the_list_still_confirms(tmp_path: Path) -> None:
    verifier = japan_verifier(tmp_path, english_name="Kakuu Precision Co., Ltd.")
    claim = Claim(scheme="jp.aeo", identifier=KAKUU_SEIKI, holder="KAKUU PRECISION CO LTD")

    assert verifier.verify(claim).status is CheckStatus.VERIFIED


def test_another_company_s_name_still_contradicts_the_registry_s_own_english_name(
    tmp_path: Path,
) -> None:
    verifier = japan_verifier(tmp_path, english_name="Kakuu Precision Co., Ltd.")
    claim = Claim(scheme="jp.aeo", identifier=KAKUU_SEIKI, holder="Globex Trading Ltd")

    check = verifier.verify(claim)

    assert check.status is CheckStatus.MISMATCH
    assert holder(check).outcome is FindingOutcome.CONTRADICTED


def test_the_english_name_of_a_chinese_enterprise_is_a_name_to_review() -> None:
    claim = Claim(
        scheme="cn.aeo",
        identifier="91310115MADEM7851B",  # demo GACC list: 上海骏澜物流有限公司, Advanced Certified
        holder="Shanghai Junlan Logistics Co., Ltd.",
    )

    check = Verifier(demo=True, as_of=ON).verify(claim)

    assert check.status is CheckStatus.PARTIAL
    assert "shang hai jun lan" in holder(check).note
    verdict = assess([check], Target("NL", "aeo-security-benefits"), ON)
    assert verdict.outcome is Outcome.PARTIAL


def test_a_name_found_by_name_search_is_not_read_across_scripts() -> None:
    # Without an identifier nothing ties the two names together: a different-script name found
    # by a name search is not a match (the search itself decides, as before).
    claim = Claim(scheme="cn.aeo", holder="Shanghai Junlan Logistics Co., Ltd.")

    check = Verifier(demo=True, as_of=ON).verify(claim)

    assert check.status is not CheckStatus.VERIFIED


def test_importing_credverify_loads_no_transliteration_library() -> None:
    code = (
        "import sys, credverify, credverify.cli, credverify.verifier; "
        "print(sorted(m for m in ('pypinyin', 'pykakasi') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
