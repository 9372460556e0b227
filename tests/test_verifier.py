"""The verifier end to end: real adapters over real sockets to a loopback registry, the store,
batching and dedupe, offline mode, and every fault ending as ``unverifiable``."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import httpx
import pytest

from credverify.adapters.base import base_url_env
from credverify.adapters.http import Http
from credverify.cli import main
from credverify.records import CheckStatus, Claim, FindingOutcome
from credverify.store import Store
from credverify.verifier import Verifier
from tests.adapters import (
    test_eu_eos_aeo,
    test_eu_eos_eori,
    test_gb_bacp,
    test_gb_hcpc,
    test_gb_hmrc,
    test_us_nppes,
)
from tests.registry_server import Fault, RegistryServer, Response

ADAPTER_TESTS: list[types.ModuleType] = [
    test_gb_hmrc,
    test_eu_eos_eori,
    test_eu_eos_aeo,
    test_us_nppes,
    test_gb_hcpc,
    test_gb_bacp,
]
HMRC = test_gb_hmrc.PATH


def fast_verifier(server: RegistryServer, store: Store | None = None, **http: object) -> Verifier:
    store = store or Store()
    settings: dict[str, object] = {
        "timeout": httpx.Timeout(0.5, connect=0.5),
        "attempts": 3,
        "backoff": 0.01,
        "max_backoff": 0.05,
    }
    settings.update(http)
    policy = Http(store, **settings)  # type: ignore[arg-type]
    urls = {module.ADAPTER_ID: server.url for module in ADAPTER_TESTS}
    return Verifier(store=store, http=policy, base_urls=urls)


@pytest.mark.parametrize("module", ADAPTER_TESTS, ids=lambda m: m.ADAPTER_ID)
def test_every_adapter_confirms_its_happy_claim(
    registry_server: RegistryServer, module: types.ModuleType
) -> None:
    claim = module.serve_happy(registry_server)
    check = fast_verifier(registry_server).verify(claim)
    assert check.status in (CheckStatus.VERIFIED, CheckStatus.PARTIAL), check.reason
    assert check.adapter == module.ADAPTER_ID
    assert check.evidence
    assert check.record is not None


FAULTS: dict[str, tuple[Fault, str]] = {
    "timeout": (Fault("hang", seconds=1.2), "timeout"),
    "reset": (Fault("reset"), "connection"),
    "500": (Fault("status", Response(500, b"internal error", "text/plain")), "500"),
    "503": (Fault("status", Response(503, b"maintenance", "text/plain")), "503"),
    "429": (
        Fault("status", Response(429, b"slow down", "text/plain", {"Retry-After": "0"})),
        "429",
    ),
    "truncated": (Fault("truncate"), "truncated"),
    "wrong content type": (
        Fault("status", Response(200, b"<html><body>Maintenance</body></html>", "text/html")),
        "layout changed",
    ),
}


def test_a_gb_eori_is_verified_with_company_details_and_evidence(
    registry_server: RegistryServer,
) -> None:
    test_gb_hmrc.serve_happy(registry_server)
    check = fast_verifier(registry_server).verify(
        Claim(scheme="gb.eori", identifier=test_gb_hmrc.WITH_NAME)
    )
    assert check.status is CheckStatus.VERIFIED
    assert check.record is not None
    assert check.record.holder == "Synthetic Trading Ltd"
    sent = test_gb_hmrc.check_multiple_eori(registry_server.requests(HMRC)[0]).body
    evidence = check.evidence[0]
    store = Store()
    assert store.get_blob(evidence.sha256) == sent


def test_a_name_the_source_does_not_show_leaves_the_check_partial(
    registry_server: RegistryServer,
) -> None:
    test_gb_hmrc.serve_happy(registry_server)
    claim = Claim(
        scheme="gb.eori", identifier=test_gb_hmrc.WITHOUT_NAME, holder="Synthetic Imports Ltd"
    )
    check = fast_verifier(registry_server).verify(claim)
    assert check.status is CheckStatus.PARTIAL
    holder = next(f for f in check.findings if f.field == "holder")
    assert holder.outcome is FindingOutcome.UNCONFIRMABLE


def test_a_wrong_name_is_a_mismatch(registry_server: RegistryServer) -> None:
    test_gb_hmrc.serve_happy(registry_server)
    claim = Claim(
        scheme="gb.eori", identifier=test_gb_hmrc.WITH_NAME, holder="Completely Different plc"
    )
    check = fast_verifier(registry_server).verify(claim)
    assert check.status is CheckStatus.MISMATCH
    assert "holder" in check.reason


def test_an_eori_hmrc_does_not_know_is_not_found(registry_server: RegistryServer) -> None:
    test_gb_hmrc.serve_happy(registry_server)
    check = fast_verifier(registry_server).verify(
        Claim(scheme="gb.eori", identifier=test_gb_hmrc.NOT_VALID)
    )
    assert check.status is CheckStatus.NOT_FOUND


def test_an_answer_for_another_identifier_is_a_fault(registry_server: RegistryServer) -> None:
    asked = test_gb_hmrc.WITH_NAME
    echoed = json.dumps([{"eori": "GB100200300024", "valid": True}]).encode()
    registry_server.route("POST", HMRC, lambda _: Response(200, echoed))
    check = fast_verifier(registry_server).verify(Claim(scheme="gb.eori", identifier=asked))
    assert check.status is CheckStatus.UNVERIFIABLE
    assert "different" in check.reason


def test_an_invalid_identifier_is_refused_without_a_request(
    registry_server: RegistryServer,
) -> None:
    test_gb_hmrc.serve_happy(registry_server)
    check = fast_verifier(registry_server).verify(Claim(scheme="gb.eori", identifier="GB12"))
    assert check.status is CheckStatus.INVALID
    assert registry_server.requests() == []


def test_an_eu_aeo_number_cannot_be_confirmed_by_the_directory(
    registry_server: RegistryServer,
) -> None:
    claim = test_eu_eos_aeo.serve_happy(registry_server)
    with_number = claim.model_copy(update={"identifier": "DEAEOF1234567"})
    check = fast_verifier(registry_server).verify(with_number)
    assert check.status is CheckStatus.PARTIAL
    number = next(f for f in check.findings if f.field == "identifier")
    assert number.outcome is FindingOutcome.UNCONFIRMABLE
    assert "cannot be confirmed" in check.reason


def test_a_scheme_without_a_public_source_is_unverifiable() -> None:
    check = Verifier().verify(Claim(scheme="us.licence.psychologist", jurisdiction="US-CA"))
    assert check.status is CheckStatus.UNVERIFIABLE


def gb_eoris(count: int) -> list[str]:
    return [f"GB{100200300000 + 10 * i:012d}" for i in range(count)]


def test_25_eoris_go_out_as_3_requests_and_a_fresh_process_sends_none(
    registry_server: RegistryServer, tmp_path: Path
) -> None:
    test_gb_hmrc.serve_happy(registry_server)
    claims = [Claim(scheme="gb.eori", identifier=e) for e in gb_eoris(25)]
    claims += claims[:5]  # duplicates are asked once
    checks = fast_verifier(registry_server).verify_many(claims)
    assert len(checks) == 30
    assert len(registry_server.requests(HMRC)) == 3
    script = (
        "from credverify import Verifier, Claim\n"
        f"eoris = {gb_eoris(25)!r}\n"
        "checks = Verifier().verify_many([Claim(scheme='gb.eori', identifier=e) for e in eoris])\n"
        "print(sum(c.from_cache for c in checks))\n"
    )
    env = {**os.environ, base_url_env("gb.hmrc.eori"): registry_server.url}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "25"
    assert len(registry_server.requests(HMRC)) == 3


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_lookup_a_gb_eori_as_json(
    registry_server: RegistryServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = json.dumps(
        [
            {
                "eori": "GB123456789000",
                "valid": True,
                "processingDate": "2026-11-29T09:00:00+00:00",
                "companyDetails": {
                    "traderName": "Synthetic Example Ltd",
                    "address": {"streetAndNumber": "1 Example Street", "cityName": "Leeds",
                                "postcode": "LS1 1AA"},
                },
            }
        ]
    ).encode()  # fmt: skip
    registry_server.route("POST", HMRC, lambda _: Response(200, body))
    monkeypatch.setenv(base_url_env("gb.hmrc.eori"), registry_server.url)
    code, out, _ = run_cli(capsys, "lookup", "GB123456789000", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "verified"
    assert data["record"]["holder"] == "Synthetic Example Ltd"
    assert data["record"]["details"]["city_name"] == "Leeds"
    assert data["evidence"][0]["sha256"] == hashlib.sha256(body).hexdigest()
    for key in ("claim", "findings", "evidence"):
        assert key in data


def test_lookup_offline_with_an_empty_then_a_warm_store(
    registry_server: RegistryServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    test_gb_hmrc.serve_happy(registry_server)
    monkeypatch.setenv(base_url_env("gb.hmrc.eori"), registry_server.url)
    eori = test_gb_hmrc.WITH_NAME
    _, out, _ = run_cli(capsys, "lookup", eori, "--offline", "--json")
    assert json.loads(out)["status"] == "unverifiable"
    assert "offline" in json.loads(out)["reason"]
    assert registry_server.requests() == []
    run_cli(capsys, "lookup", eori, "--json")  # warms the store
    _, out, _ = run_cli(capsys, "lookup", eori, "--offline", "--json")
    data = json.loads(out)
    assert data["status"] == "verified"
    assert data["from_cache"] is True
    assert "retrieved" in data["reason"]
    assert len(registry_server.requests()) == 1


def test_lookup_with_an_assessment(
    registry_server: RegistryServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    test_eu_eos_aeo.serve_happy(registry_server)
    monkeypatch.setenv(base_url_env("eu.eos.aeo"), registry_server.url)
    code, out, _ = run_cli(
        capsys, "lookup", "DEAEOF1234567", "--holder", "Synthetic Trading GmbH",
        "--to", "US", "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "partial"
    assert data["assessment"]["outcome"] in ("recognized", "partial", "unknown")
    assert data["assessment"]["hypothetical"] is False
