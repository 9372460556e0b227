"""What the primary source confirmed decides the assessment: the record's tier, issuer and
validity, the claim's only where the record shows none, and an EU AEO number's type letters
when nothing else shows the tier (said to be read from the number)."""

from __future__ import annotations

from datetime import date

from credverify.recognition import assess
from credverify.records import Check, CheckStatus, Claim, FindingOutcome, Outcome, Severity, Target
from credverify.verifier import Verifier

ON = date(2026, 6, 1)
CLINICAL = "PYL057623"  # demo HCPC register: Tamsin Gralismore, clinical psychologist
GENERAL_CERTIFIED = "91310115MADEM18624"  # demo GACC list: manaType 1 since 2019-03-15
IN_NL = Target("NL", "aeo-security-benefits")


def demo_check(claim: Claim) -> Check:
    return Verifier(demo=True, as_of=ON).verify(claim)


def test_an_hcpc_number_looked_up_for_the_clinical_title_uses_the_tier_the_register_shows() -> None:
    check = demo_check(Claim(scheme="gb.hcpc", identifier=CLINICAL))
    assert check.status is CheckStatus.VERIFIED
    assert check.record is not None
    assert check.record.tier == "clinical-psychologist"

    verdict = assess([check], Target("GB", "title:clinical-psychologist"), ON)

    assert verdict.outcome is Outcome.RECOGNIZED
    assert "clinical-psychologist" in verdict.bases[0].message
    assert "No tier was given" not in verdict.explain()


def test_the_record_tier_rules_out_a_title_of_another_domain() -> None:
    check = demo_check(Claim(scheme="gb.hcpc", identifier=CLINICAL))

    verdict = assess([check], Target("GB", "title:counselling-psychologist"), ON)

    assert verdict.outcome is Outcome.NOT_RECOGNIZED
    assert any(g.facts.get("tier") == "clinical-psychologist" for g in verdict.gaps)
    assert all(g.facts.get("tier_source", "record") == "record" for g in verdict.gaps)


def test_a_claimed_tier_the_register_contradicts_is_a_mismatch_judged_on_the_record_tier() -> None:
    claim = Claim(scheme="gb.hcpc", identifier=CLINICAL, tier="counselling-psychologist")
    check = demo_check(claim)
    tier = next(f for f in check.findings if f.field == "tier")
    assert (check.status, tier.outcome) == (CheckStatus.MISMATCH, FindingOutcome.CONTRADICTED)

    verdict = assess([check], Target("GB", "title:counselling-psychologist"), ON)

    assert verdict.outcome is Outcome.NOT_RECOGNIZED
    tiers_judged = {g.facts.get("tier") for g in verdict.gaps}
    assert tiers_judged == {"clinical-psychologist"}


def test_a_general_certified_chinese_enterprise_is_not_recognised_in_the_netherlands() -> None:
    check = demo_check(Claim(scheme="cn.aeo", identifier=GENERAL_CERTIFIED))
    assert check.record is not None
    assert check.record.tier == "general"

    verdict = assess([check], IN_NL, ON)

    assert verdict.outcome is Outcome.NOT_RECOGNIZED
    assert {"scheme-superseded", "tier-not-covered"} <= {g.code.value for g in verdict.blockers}
    assert "No tier was given" not in verdict.explain()


def test_the_record_issuer_and_validity_outrank_the_claim() -> None:
    # The register's period ended in 2023: inactive at the source, and the assessment says when.
    lapsed = demo_check(Claim(scheme="gb.hcpc", identifier="PYL065461"))
    assert lapsed.status is CheckStatus.INACTIVE

    verdict = assess([lapsed], Target("GB", "title:clinical-psychologist"), ON)

    assert verdict.outcome is Outcome.NOT_RECOGNIZED
    assert any("2023-05-31" in g.message for g in verdict.blockers)


def test_an_eu_aeo_number_gives_its_tier_when_nothing_else_does_and_says_so() -> None:
    claim = Claim(scheme="eu.aeo", identifier="DEAEOF1234", jurisdiction="DE")

    verdict = assess([claim], IN_NL, ON)

    assert verdict.outcome is Outcome.RECOGNIZED
    assert "read from the number" in verdict.bases[0].message
    note = next(g for g in verdict.gaps if g.facts.get("tier_source") == "number")
    assert note.severity is Severity.INFO
    assert "not from the registry" in note.message


def test_the_type_letters_of_a_customs_simplifications_number_are_not_enough() -> None:
    verdict = assess(
        [Claim(scheme="eu.aeo", identifier="NLAEOC98765", jurisdiction="NL")], IN_NL, ON
    )

    assert verdict.outcome is Outcome.NOT_RECOGNIZED
    assert "tier-not-covered" in {g.code.value for g in verdict.blockers}


def test_a_claimed_tier_the_number_does_not_carry_leaves_the_verdict_open() -> None:
    claim = Claim(scheme="eu.aeo", identifier="NLAEOC98765", jurisdiction="NL", tier="AEOF")

    verdict = assess([claim], IN_NL, ON)

    assert verdict.outcome is Outcome.UNKNOWN
    assert any("type letters AEOC" in g.message for g in verdict.gaps)
