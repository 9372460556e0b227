"""The synthetic demo registry: its files are in the real registry formats (each read by that
registry's own parser, every identifier valid), ``Verifier(demo=True)`` answers from them offline
and labels every answer synthetic, and no other run ever uses them."""

from __future__ import annotations

import asyncio
import csv
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from credverify import identifiers
from credverify.adapters import demo, snapshot
from credverify.adapters.base import AdapterKind, Query, available
from credverify.adapters.demo import DEMO_NOTE, FILES, DemoSnapshotAdapter
from credverify.adapters.http import Http
from credverify.errors import LookupFailed
from credverify.knowledge import bundled_registries_dir
from credverify.records import CheckStatus, Claim, Outcome, ScreeningResult, Target
from credverify.store import Store
from credverify.verifier import Verifier

DEMO = bundled_registries_dir() / "snapshots" / "demo"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCHEMES = {"eu.aeo", "cn.aeo", "jp.aeo", "gb.eori", "us.npi", "gb.hcpc", "gb.bacp",
           "us.psypact", "us.oig.leie"}  # fmt: skip
# The demo files that are the registries' own download formats: imported by the real sync.
SNAPSHOT_FILES = {
    "us.oig.leie": "leie.csv",
    "jp.customs.aeo": "jp-aeo.csv",
    "cn.gacc.credit": "cn-credit.json",
    "us.psypact.register": "psypact.csv",
}
# Scheme -> the adapter whose format (and parser) its demo file follows.
FORMATS = {
    "eu.aeo": "eu.eos.aeo", "cn.aeo": "cn.gacc.credit", "jp.aeo": "jp.customs.aeo",
    "gb.eori": "gb.hmrc.eori", "us.npi": "us.nppes.npi", "gb.hcpc": "gb.hcpc.register",
    "gb.bacp": "gb.bacp.register", "us.psypact": "us.psypact.register",
    "us.oig.leie": "us.oig.leie",
}  # fmt: skip
TODAY = Target("NL", "aeo-security-benefits")


def read_json(name: str) -> Any:
    return json.loads((DEMO / name).read_text(encoding="utf-8"))


def read_csv(name: str) -> list[dict[str, str]]:
    with (DEMO / name).open(encoding="utf-8-sig", newline="") as text:
        return list(csv.DictReader(text))


def cn_entries(mana_type: str) -> list[dict[str, str]]:
    return [
        e for e in read_json("cn-credit.json")["data"]["copInfoList"] if e["manaType"] == mana_type
    ]


@pytest.fixture
def verifier(tmp_path: Path) -> Verifier:
    return Verifier(demo=True, store=tmp_path / "store.sqlite3")


# -- the files -------------------------------------------------------------------------------------


def test_the_demo_adapter_is_registered_for_every_scheme_its_files_cover() -> None:
    assert available()["demo.snapshot"] is DemoSnapshotAdapter
    assert DemoSnapshotAdapter.kind is AdapterKind.SNAPSHOT
    assert set(DemoSnapshotAdapter.schemes) == SCHEMES == set(FILES)
    assert DemoSnapshotAdapter.default_base_url == "https://credverify.invalid/demo"
    for name, _ in FILES.values():
        assert (DEMO / name).is_file(), name


def test_the_folder_says_its_data_is_synthetic() -> None:
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC DATA: every name and every number in this folder is invented" in readme
    assert (DEMO / "generate.py").is_file()


def test_the_leie_file_has_the_real_18_column_header() -> None:
    header = (DEMO / "leie.csv").read_bytes().split(b"\r\n", 1)[0].decode()
    assert header == (
        "LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,"
        "EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE"
    )


@pytest.mark.parametrize(("adapter_id", "name"), SNAPSHOT_FILES.items())
def test_a_download_format_file_imports_with_its_registrys_own_sync(
    adapter_id: str, name: str, tmp_path: Path
) -> None:
    adapter = available()[adapter_id](Http(Store(tmp_path / "store.sqlite3")))
    assert isinstance(adapter, snapshot.SnapshotAdapter)
    info = snapshot.sync(adapter, file=DEMO / name)
    scheme = adapter.schemes[0]
    assert info.rows == len(demo._register(scheme).entries) >= 20


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_every_demo_file_parses_with_its_registrys_parser_into_synthetic_records(
    scheme: str,
) -> None:
    loaded = demo._register(scheme)
    records = [e.record for e in loaded.entries if e.record is not None]
    assert len(records) >= 20
    for record in records:
        assert record.synthetic is True
        assert record.adapter == "demo.snapshot"
        assert record.details["demo_format"] == FORMATS[scheme]
        assert record.scheme == scheme
    assert loaded.evidence.url == f"demo:{FILES[scheme][0]}"
    assert loaded.evidence.synthetic is True


def demo_identifiers() -> list[tuple[str, str]]:
    found = [("gb.eori", a["eori"]) for a in read_json("gb-eori.json")]
    found += [
        ("cn.uscc", e["socialCreditCode"])
        for e in read_json("cn-credit.json")["data"]["copInfoList"]
    ]
    found += [("jp.corporate-number", r["法人番号"]) for r in read_csv("jp-aeo.csv")]
    found += [("us.npi", str(r["number"])) for r in read_json("nppes.json")["results"]]
    found += [("us.npi", r["NPI"]) for r in read_csv("leie.csv") if r["NPI"] != "0000000000"]
    found += [("gb.hcpc-number", r["Registration number"]) for r in read_csv("hcpc.csv")]
    return found


def test_every_identifier_in_the_demo_files_passes_its_checks() -> None:
    checked = demo_identifiers()
    assert len(checked) > 200
    invalid = [(k, n) for k, n in checked if not identifiers.kind(k).is_valid(n)]
    assert invalid == []
    assert all(r["Membership number"].isdigit() for r in read_csv("bacp.csv"))


def test_the_gacc_list_holds_advanced_and_one_pre_2021_general_certified_enterprise() -> None:
    assert len(cn_entries("0")) >= 20
    general = [e for e in cn_entries("1") if e["manatypeUseTime"] < "2021-11-01"]
    assert len(general) == 1


# -- demo runs -------------------------------------------------------------------------------------


def test_a_gb_eori_is_verified_from_the_demo_registry(verifier: Verifier) -> None:
    answer = next(a for a in read_json("gb-eori.json") if a.get("companyDetails"))
    check = verifier.verify(
        Claim(scheme="gb.eori", identifier=answer["eori"],
              holder=answer["companyDetails"]["traderName"])
    )  # fmt: skip
    assert check.status is CheckStatus.VERIFIED, check.reason
    assert check.adapter == "demo.snapshot"
    assert check.synthetic is True
    assert DEMO_NOTE in check.reason
    (evidence,) = check.evidence
    assert (evidence.method, evidence.url, evidence.synthetic) == (
        "DEMO",
        "demo:gb-eori.json",
        True,
    )


def test_an_advanced_certified_uscc_is_verified_with_its_tier(verifier: Verifier) -> None:
    entry = cn_entries("0")[0]
    check = verifier.verify(
        Claim(scheme="cn.aeo", tier="advanced", identifier=entry["socialCreditCode"],
              holder=entry["nameSaic"], jurisdiction="CN")
    )  # fmt: skip
    assert check.status is CheckStatus.VERIFIED, check.reason
    assert check.record is not None
    assert check.record.tier == "advanced"
    assert check.synthetic is True


def test_a_japanese_aeo_is_verified_by_corporate_number(verifier: Verifier) -> None:
    row = read_csv("jp-aeo.csv")[0]
    tier = {"特定輸出者": "exporter", "特例輸入者": "importer", "特定保税承認者": "warehouse",
            "認定通関業者": "customs-broker", "特定保税運送者": "logistics",
            "認定製造者": "manufacturer"}[row["区分"]]  # fmt: skip
    check = verifier.verify(
        Claim(scheme="jp.aeo", tier=tier, identifier=row["法人番号"], holder=row["英語名"])
    )
    assert check.status is CheckStatus.VERIFIED, check.reason
    assert check.synthetic is True


def test_an_hcpc_number_is_verified(verifier: Verifier) -> None:
    row = next(r for r in read_csv("hcpc.csv") if r["Status"] == "Registered")
    check = verifier.verify(
        Claim(scheme="gb.hcpc", identifier=row["Registration number"], holder=row["Name"])
    )
    assert check.status is CheckStatus.VERIFIED, check.reason
    assert check.record is not None
    assert check.record.valid_until is not None
    assert check.synthetic is True


def test_a_lapsed_hcpc_registrant_is_inactive(verifier: Verifier) -> None:
    row = next(r for r in read_csv("hcpc.csv") if r["Status"] == "Lapsed")
    check = verifier.verify(Claim(scheme="gb.hcpc", identifier=row["Registration number"]))
    assert check.status is CheckStatus.INACTIVE
    assert check.synthetic is True


def test_an_eu_aeo_is_found_by_name_and_its_number_stays_unconfirmed(verifier: Verifier) -> None:
    row = next(r for r in read_csv("eu-aeo.csv") if r["issuingCountry"] == "Germany")
    check = verifier.verify(
        Claim(scheme="eu.aeo", tier=row["authorisation.type"], identifier="DEAEOC123456",
              holder=row["authorisationHolderName"], jurisdiction="DE")
    )  # fmt: skip
    assert check.status is CheckStatus.PARTIAL, check.reason
    assert [f.field for f in check.findings if f.outcome.value == "unconfirmable"] == ["identifier"]
    assert check.synthetic is True


def test_a_leie_name_is_screened_against_the_demo_list(verifier: Verifier) -> None:
    row = next(r for r in read_csv("leie.csv") if r["LASTNAME"] and r["NPI"] == "0000000000")
    name = f"{row['FIRSTNAME']} {row['LASTNAME']}".title()
    screening = verifier.screen(name, state=f"US-{row['STATE']}")
    assert screening.result is ScreeningResult.MATCH
    assert screening.adapter == "demo.snapshot"
    assert screening.synthetic is True
    assert all(hit.record.synthetic for hit in screening.hits)


def test_an_npi_not_on_the_list_is_still_screened_by_name(verifier: Verifier) -> None:
    row = next(r for r in read_csv("leie.csv") if r["LASTNAME"] and r["NPI"] == "0000000000")
    nppes_npi = str(read_json("nppes.json")["results"][0]["number"])
    screening = verifier.screen(
        f"{row['FIRSTNAME']} {row['LASTNAME']}", npi=nppes_npi, state=f"US-{row['STATE']}"
    )
    assert screening.result is ScreeningResult.MATCH
    assert screening.synthetic is True


def test_the_rotterdam_style_supplier_is_general_certified(verifier: Verifier) -> None:
    (entry,) = [e for e in cn_entries("1") if e["manatypeUseTime"] < "2021-11-01"]
    claim = Claim(scheme="cn.aeo", tier="general", identifier=entry["socialCreditCode"],
                  holder=entry["nameSaic"], jurisdiction="CN")  # fmt: skip
    check = verifier.verify(claim)
    assert check.record is not None
    assert check.record.tier == "general"
    assert check.status is CheckStatus.VERIFIED, check.reason
    assert check.synthetic is True
    assessment = verifier.assess([check], TODAY)
    assert assessment.outcome is not Outcome.RECOGNIZED


def test_an_identifier_the_demo_data_lacks_is_not_found(verifier: Verifier) -> None:
    check = verifier.verify(Claim(scheme="gb.eori", identifier="GB123456789000", holder="Acme"))
    assert check.status is CheckStatus.NOT_FOUND
    assert check.adapter == "demo.snapshot"
    assert all(e.synthetic for e in check.evidence)


def test_a_scheme_the_demo_data_lacks_is_unverifiable(verifier: Verifier) -> None:
    check = verifier.verify(Claim(scheme="gb.aeo", identifier="GBAEOF1234"))
    assert check.status is CheckStatus.UNVERIFIABLE
    assert "synthetic demo registry" in check.reason


def test_the_adapter_answers_by_identifier_and_else_by_name() -> None:
    adapter = DemoSnapshotAdapter(Http(offline=True))
    row = read_csv("psypact.csv")[0]
    by_name = asyncio.run(
        adapter.lookup(Query(scheme="us.psypact", holder=f"{row['First Name']} {row['Last Name']}"))
    )
    assert by_name.records[0].details["license_number"] == row["License Number"]
    assert by_name.notes[0] == DEMO_NOTE
    assert any(n.startswith("name search:") for n in by_name.notes)
    missing = asyncio.run(adapter.lookup(Query(scheme="us.npi", identifier="1234567893")))
    assert missing.records == ()
    assert missing.unconfirmable == ("valid_until",)


def test_a_demo_run_touches_no_network(verifier: Verifier, monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the demo registry sent a request")

    monkeypatch.setattr(Http, "request", refuse)
    answer = next(a for a in read_json("gb-eori.json") if a.get("companyDetails"))
    checks = verifier.verify_many([
        Claim(scheme="gb.eori", identifier=answer["eori"]),
        Claim(scheme="us.npi", identifier=str(read_json("nppes.json")["results"][0]["number"])),
        Claim(scheme="gb.bacp", identifier=read_csv("bacp.csv")[0]["Membership number"]),
    ])  # fmt: skip
    assert [c.status for c in checks] == [CheckStatus.VERIFIED] * 3
    assert verifier.http.offline is True


def test_the_demo_files_are_parsed_once_per_process() -> None:
    demo._register.cache_clear()
    adapter = DemoSnapshotAdapter(Http(offline=True))
    for _ in range(3):
        asyncio.run(adapter.lookup(Query(scheme="gb.hcpc", identifier="PYL000001")))
    assert demo._register.cache_info().misses == 1


# -- runs without --demo ---------------------------------------------------------------------------


def same_claims() -> list[Claim]:
    answer = next(a for a in read_json("gb-eori.json") if a.get("companyDetails"))
    entry = cn_entries("0")[0]
    return [
        Claim(scheme="gb.eori", identifier=answer["eori"]),
        Claim(scheme="cn.aeo", tier="advanced", identifier=entry["socialCreditCode"]),
        Claim(scheme="jp.aeo", identifier=read_csv("jp-aeo.csv")[0]["法人番号"]),
        Claim(scheme="gb.hcpc", identifier=read_csv("hcpc.csv")[0]["Registration number"]),
    ]


def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.mark.parametrize("offline", [True, False], ids=["offline", "online"])
def test_a_run_without_demo_never_uses_the_demo_registry(tmp_path: Path, offline: bool) -> None:
    store = Store(tmp_path / "store.sqlite3")
    dead = closed_port()  # online: every live source points at a closed loopback port
    urls = dict.fromkeys(available(), dead)
    live = Verifier(offline=offline, store=store, http=Http(store, attempts=1, offline=offline),
                    base_urls=urls)  # fmt: skip
    for check in live.verify_many(same_claims()):
        assert check.adapter != "demo.snapshot"
        assert check.synthetic is False
        assert check.status is not CheckStatus.VERIFIED
    with pytest.raises(LookupFailed, match=r"no snapshot of us\.oig\.leie"):
        live.screen("Anyone At All")


# -- the examples ----------------------------------------------------------------------------------


def test_the_example_supplier_list_meets_the_demo_data() -> None:
    with (EXAMPLES / "suppliers.csv").open(encoding="utf-8", newline="") as text:
        rows = list(csv.DictReader(text))
    assert 180 <= len(rows) <= 220
    (general,) = [e for e in cn_entries("1") if e["manatypeUseTime"] < "2021-11-01"]
    (rotterdam,) = [r for r in rows if r["notes"].startswith("Rotterdam case")]
    assert (rotterdam["uscc"], rotterdam["aeo_tier"]) == (general["socialCreditCode"], "general")
    suppliers = {r["supplier"] for r in rows}
    assert {"<script>alert(1)</script>", '=HYPERLINK("http://x","y")'} <= suppliers
    with (EXAMPLES / "clinicians.csv").open(encoding="utf-8", newline="") as text:
        assert 40 <= len(list(csv.DictReader(text))) <= 60
