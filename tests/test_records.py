"""The records of DESIGN.md: exact vocabulary strings, frozen, JSON round trips, JSON Schema."""

from __future__ import annotations

from datetime import date

import pydantic
import pytest

from credverify.records import (
    Assessment,
    CheckStatus,
    Claim,
    Gap,
    GapCode,
    Outcome,
    ScreeningResult,
    Severity,
    Target,
    json_schemas,
)


def test_vocabularies_use_the_design_strings() -> None:
    assert [s.value for s in CheckStatus] == [
        "verified", "partial", "mismatch", "not-found",
        "inactive", "invalid", "attested", "unverifiable",
    ]  # fmt: skip
    assert [s.value for s in ScreeningResult] == ["clear", "potential-match", "match"]
    assert [s.value for s in Outcome] == ["recognized", "partial", "not-recognized", "unknown"]
    assert {c.value for c in GapCode} == {
        "no-arrangement", "tier-not-covered", "not-in-force", "benefit-not-covered",
        "condition-unmet", "identifier-mapping-required", "registration-required",
        "protected-title", "credential-not-verified", "credential-inactive",
        "scheme-superseded", "rule-uncertain",
    }  # fmt: skip
    assert [s.value for s in Severity] == ["blocker", "warning", "info"]


def test_a_claim_is_frozen_and_round_trips_through_json() -> None:
    claim = Claim(scheme="gb.eori", identifier="GB123456789000", holder="Acme Ltd")
    with pytest.raises(pydantic.ValidationError):
        claim.holder = "Someone else"  # type: ignore[misc]
    assert Claim.model_validate_json(claim.model_dump_json()) == claim


def test_a_claim_rejects_unknown_fields_with_their_name() -> None:
    with pytest.raises(pydantic.ValidationError, match="holdr"):
        Claim(scheme="gb.eori", holdr="Acme Ltd")  # type: ignore[call-arg]


def test_a_target_reads_positionally() -> None:
    target = Target("NL", "aeo-security-benefits")
    assert (target.jurisdiction, target.activity) == ("NL", "aeo-security-benefits")
    assert Target.model_validate({"jurisdiction": "NL", "activity": "x"}).jurisdiction == "NL"


def test_explain_names_the_gap_its_citation_and_remedy() -> None:
    gap = Gap(
        code=GapCode.TIER_NOT_COVERED,
        severity=Severity.BLOCKER,
        message="Only Advanced Certified Enterprises are recognised in the EU.",
        rule="eu-cn-mra",
        citation="Decision No 1/2014 (2014/772/EU)",
        remedy="Obtain Advanced Certified status.",
    )
    assessment = Assessment(
        outcome=Outcome.NOT_RECOGNIZED,
        target=Target("NL", "aeo-security-benefits"),
        as_of=date(2019, 6, 1),
        hypothetical=True,
        gaps=(gap,),
    )
    text = assessment.explain()
    assert "NOT-RECOGNIZED" in text
    assert "tier-not-covered" in text
    assert "2014/772/EU" in text
    assert "hypothetical" in text
    assert assessment.blockers == (gap,)


def test_every_public_record_exports_a_json_schema() -> None:
    schemas = json_schemas()
    assert {"Claim", "Check", "Assessment", "Gap", "Evidence", "Target"} <= set(schemas)
    assert schemas["Claim"]["properties"]["scheme"]["type"] == "string"
