"""FHIR R4 output: each check as a VerificationResult, a batch as a streamed Bundle.

Field names are those of R4 VerificationResult (https://hl7.org/fhir/R4/verificationresult.html).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credverify.records import Check, CheckStatus, Claim
from credverify.reports import write_report
from credverify.reports.fhir import CHECK_EXTENSION, check_to_verification_result
from tests.reports import samples

# R4 VerificationResult elements, plus those every DomainResource may carry.
RESOURCE_FIELDS = {"resourceType", "id", "meta", "implicitRules", "language", "text",
    "contained", "extension", "modifierExtension"}  # fmt: skip
VERIFICATION_RESULT_FIELDS = RESOURCE_FIELDS | {
    "target", "targetLocation", "need", "status", "statusDate", "validationType",
    "validationProcess", "frequency", "lastPerformed", "nextScheduled", "failureAction",
    "primarySource", "attestation", "validator",
}  # fmt: skip
PRIMARY_SOURCE_FIELDS = {"who", "type", "communicationMethod", "validationStatus",
    "validationDate", "canPushUpdates", "pushTypeAvailable"}  # fmt: skip
ATTESTATION_FIELDS = {"who", "onBehalfOf", "communicationMethod", "date",
    "sourceIdentityCertificate", "proxyIdentityCertificate", "proxySignature",
    "sourceSignature"}  # fmt: skip
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"
STATUSES = {"attested", "validated", "in-process", "req-revalid", "val-fail", "reval-fail"}


def codes(concept: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["system"], c["code"]) for c in concept["coding"]]


def own(resource: dict[str, Any]) -> dict[str, Any]:
    """credverify's extension, as {name: value}."""
    [extension] = [x for x in resource["extension"] if x["url"] == CHECK_EXTENSION]
    result: dict[str, Any] = {}
    for part in extension["extension"]:
        value = next(v for k, v in part.items() if k.startswith("value") or k == "extension")
        result.setdefault(part["url"], []).append(value)
    return result


def assert_r4_shape(resource: dict[str, Any]) -> None:
    assert resource["resourceType"] == "VerificationResult"
    assert set(resource) <= VERIFICATION_RESULT_FIELDS
    assert resource["status"] in STATUSES
    for target in resource["target"]:
        assert set(target) <= {"reference", "type", "identifier", "display"}
    for source in resource.get("primarySource", []):
        assert set(source) <= PRIMARY_SOURCE_FIELDS
        for concept in [
            *source["type"],
            *source["communicationMethod"],
            source["validationStatus"],
        ]:
            assert all(
                system.startswith("http://terminology.hl7.org/CodeSystem/")
                for system, _ in codes(concept)
            )
    if "attestation" in resource:
        assert set(resource["attestation"]) <= ATTESTATION_FIELDS
    for extension in resource["extension"]:
        assert extension["url"]
        assert all(part["url"] for part in extension["extension"])
    json.dumps(resource)  # JSON-ready


def test_a_verified_check_is_validated_against_its_primary_source() -> None:
    check = samples.verified().checks[0]
    resource = check_to_verification_result(check, row=2)

    assert_r4_shape(resource)
    assert resource["status"] == "validated"
    assert resource["statusDate"] == "2026-03-02T09:30:00Z"
    assert resource["target"] == [
        {"display": "gb.eori GB123456789000, held by Acme Freight Ltd (GB)"}
    ]
    assert codes(resource["validationType"]) == [
        ("http://terminology.hl7.org/CodeSystem/validation-type", "primary")
    ]
    [source] = resource["primarySource"]
    assert source["validationDate"] == "2026-03-02T09:30:00Z"  # the evidence's retrieval time
    assert source["who"]["display"]
    assert codes(source["validationStatus"])[0][1] == "successful"
    assert codes(source["communicationMethod"][0])[0][1] == "pull"
    mine = own(resource)
    assert mine["status"] == ["verified"]
    assert mine["reason"] == [check.reason]
    assert mine["row"] == [2]
    [evidence] = mine["evidence"]
    assert {"url": "sha256", "valueString": samples.HMRC_SHA} in evidence
    assert {"url": "url", "valueUri": samples.HMRC_URL} in evidence


@pytest.mark.parametrize(
    ("status", "fhir_status"),
    [
        (CheckStatus.VERIFIED, "validated"),
        (CheckStatus.PARTIAL, "in-process"),
        (CheckStatus.ATTESTED, "attested"),
        (CheckStatus.MISMATCH, "val-fail"),
        (CheckStatus.NOT_FOUND, "val-fail"),
        (CheckStatus.INACTIVE, "val-fail"),
        (CheckStatus.INVALID, "val-fail"),
        (CheckStatus.UNVERIFIABLE, "req-revalid"),
    ],
)
def test_every_check_status_has_its_fhir_status(status: CheckStatus, fhir_status: str) -> None:
    check = Check(claim=Claim(scheme="us.npi", identifier="1234567893"), status=status, reason="r")
    resource = check_to_verification_result(check)
    assert_r4_shape(resource)
    assert resource["status"] == fhir_status
    assert own(resource)["status"] == [status.value]


def test_no_registry_answer_means_no_primary_validation() -> None:
    unverifiable = samples.script_named().checks[0]
    resource = check_to_verification_result(unverifiable)
    assert codes(resource["validationType"])[0][1] == "nothing"
    assert "primarySource" not in resource

    mismatch = check_to_verification_result(samples.mismatch().checks[0])
    assert mismatch["status"] == "val-fail"
    assert codes(mismatch["primarySource"][0]["validationStatus"])[0][1] == "failed"


def test_an_attested_check_carries_the_attestation() -> None:
    claim = Claim(scheme="us.ctpat", tier="tier-2", holder="Acme Imports Inc")
    check = Check(
        claim=claim,
        status=CheckStatus.ATTESTED,
        reason="CTPAT status rests on the holder's certificate: CBP publishes no registry.",
        adapter="us.cbp.ctpat",
        checked_at=samples.T0,
    )
    resource = check_to_verification_result(check)
    assert_r4_shape(resource)
    assert resource["attestation"]["who"] == {"display": "Acme Imports Inc"}
    assert resource["attestation"]["date"] == "2026-03-02"
    assert codes(resource["validationType"])[0][1] == "nothing"


def test_the_batch_bundle_holds_every_row(tmp_path: Path) -> None:
    path = tmp_path / "out.fhir.json"
    write_report(path, "fhir", iter(samples.sample_rows()), samples.run_info())
    bundle = json.loads(path.read_text(encoding="utf-8"))

    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"
    assert bundle["timestamp"] == "2026-03-02T09:30:42Z"
    resources = [entry["resource"] for entry in bundle["entry"]]
    kinds = [r["resourceType"] for r in resources]
    assert kinds == ["VerificationResult", "VerificationResult", "OperationOutcome",
        "VerificationResult", "VerificationResult", "OperationOutcome"]  # fmt: skip
    for resource in resources:
        if resource["resourceType"] == "VerificationResult":
            assert_r4_shape(resource)
    rows = [own(r)["row"][0] for r in resources]
    assert rows == [2, 3, 4, 5, 6, 7]
    error = resources[2]["issue"][0]
    assert error["severity"] == "error"
    assert "expected a scheme id" in error["diagnostics"]
    assert resources[5]["issue"][0]["severity"] == "information"
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    assert all(url.startswith("urn:uuid:") for url in full_urls)


def test_a_synthetic_run_is_tagged_test_data_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "out.fhir.json"
    write_report(path, "fhir", iter(samples.sample_rows()), samples.run_info(synthetic=True))
    bundle = json.loads(path.read_text(encoding="utf-8"))
    htest = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "HTEST"}

    def tagged(resource: dict[str, Any]) -> bool:
        return any(htest.items() <= tag.items() for tag in resource["meta"]["security"])

    assert tagged(bundle)
    for entry in bundle["entry"]:
        assert tagged(entry["resource"])
        assert own(entry["resource"])["synthetic"] == [True]


def test_markup_stays_data(tmp_path: Path) -> None:
    resource = check_to_verification_result(samples.script_named().checks[0])
    assert samples.SCRIPT_NAME in resource["target"][0]["display"]
