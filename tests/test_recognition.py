"""The rule engine, as scenarios a compliance officer or a clinic would recognise."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from credverify.errors import UnknownName
from credverify.knowledge import load
from credverify.recognition import assess
from credverify.records import (
    Assessment,
    Check,
    CheckStatus,
    Claim,
    GapCode,
    Outcome,
    Severity,
    Target,
)


def codes(assessment: Assessment) -> set[str]:
    return {g.code.value for g in assessment.gaps}


def blockers(assessment: Assessment) -> set[str]:
    return {g.code.value for g in assessment.blockers}


CHINA_AEO = "cn.aeo"
IN_NL = Target("NL", "aeo-security-benefits")


# -- The Rotterdam case ------------------------------------------------------------------------


def test_a_general_certified_chinese_supplier_is_not_recognised_in_rotterdam() -> None:
    a = assess([Claim(scheme=CHINA_AEO, tier="general")], IN_NL, date(2019, 6, 1))
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert "tier-not-covered" in blockers(a)
    gap = next(g for g in a.gaps if g.code is GapCode.TIER_NOT_COVERED)
    assert "advanced" in gap.message
    assert "2014/772/EU" in gap.citation
    assert a.hypothetical


def test_an_advanced_certified_supplier_before_the_mra_applied_is_not_in_force() -> None:
    a = assess([Claim(scheme=CHINA_AEO, tier="advanced")], IN_NL, date(2015, 6, 1))
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert "not-in-force" in blockers(a)


def test_an_advanced_certified_supplier_is_recognised_with_the_aeo_code_mapping() -> None:
    a = assess([Claim(scheme=CHINA_AEO, tier="advanced")], IN_NL, date(2016, 1, 1))
    assert a.outcome is Outcome.RECOGNIZED
    mapping = next(g for g in a.gaps if g.code is GapCode.IDENTIFIER_MAPPING_REQUIRED)
    assert mapping.facts["arrangement"] == "eu-cn-mra"
    assert "AEO" in (mapping.remedy or "")
    assert a.bases[0].rule.startswith("eu-cn-mra#")


def test_an_mra_never_covers_customs_simplifications() -> None:
    target = Target("NL", "customs-simplifications")
    a = assess([Claim(scheme=CHINA_AEO, tier="advanced")], target, date(2016, 1, 1))
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert "benefit-not-covered" in blockers(a)


def test_general_certified_after_order_251_no_longer_exists() -> None:
    a = assess([Claim(scheme=CHINA_AEO, tier="general")], IN_NL, date(2022, 3, 1))
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert "scheme-superseded" in blockers(a)


def test_the_new_certified_level_is_an_open_question_not_a_yes() -> None:
    a = assess([Claim(scheme=CHINA_AEO, tier="certified")], IN_NL, date(2026, 11, 29))
    assert a.outcome is Outcome.UNKNOWN
    assert "rule-uncertain" in codes(a)


# -- EU, US, UK ---------------------------------------------------------------------------------


def test_an_eu_aeoc_holder_gets_no_security_benefits_in_the_us() -> None:
    target = Target("US", "aeo-security-benefits")
    a = assess([Claim(scheme="eu.aeo", tier="AEOC", jurisdiction="DE")], target, date(2026, 1, 1))
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert "tier-not-covered" in blockers(a)


def test_an_eu_aeos_holder_is_recognised_in_the_us_with_the_eori_mid_link() -> None:
    target = Target("US", "aeo-security-benefits")
    a = assess([Claim(scheme="eu.aeo", tier="AEOS", jurisdiction="DE")], target, date(2026, 1, 1))
    assert a.outcome is Outcome.RECOGNIZED
    mappings = [g for g in a.gaps if g.code is GapCode.IDENTIFIER_MAPPING_REQUIRED]
    assert any(g.facts["arrangement"] == "eu-us-mra" for g in mappings)
    assert any("MID" in (g.remedy or "") for g in mappings)


def test_refused_data_sharing_consent_blocks_mra_benefits() -> None:
    target = Target("US", "aeo-security-benefits")
    claim = Claim(scheme="eu.aeo", tier="AEOS", jurisdiction="DE")
    a = assess([claim], target, date(2026, 1, 1), facts={"data-sharing-consent": False})
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert "condition-unmet" in blockers(a)


def test_ctpat_has_no_arrangement_with_china() -> None:
    a = assess([Claim(scheme="us.ctpat", tier="tier-2")], Target("CN", "aeo-security-benefits"))
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert blockers(a) == {"no-arrangement"}


def test_a_uk_aeos_is_recognised_in_the_netherlands_under_the_tca_but_aeoc_is_not() -> None:
    aeos = assess([Claim(scheme="gb.aeo", tier="AEOS")], IN_NL, date(2022, 6, 1))
    assert aeos.outcome is Outcome.RECOGNIZED
    assert aeos.bases[0].rule.startswith("eu-gb-tca")
    aeoc = assess([Claim(scheme="gb.aeo", tier="AEOC")], IN_NL, date(2022, 6, 1))
    assert aeoc.outcome in (Outcome.NOT_RECOGNIZED, Outcome.UNKNOWN)
    assert aeoc.outcome is not Outcome.RECOGNIZED
    assert "tier-not-covered" in blockers(aeoc)


def test_a_uk_issued_eu_aeo_stopped_counting_in_the_eu_after_the_transition() -> None:
    claim = Claim(scheme="eu.aeo", tier="AEOS", jurisdiction="GB")
    assert assess([claim], IN_NL, date(2020, 6, 1)).outcome is Outcome.RECOGNIZED
    after = assess([claim], IN_NL, date(2021, 6, 1))
    assert after.outcome is Outcome.NOT_RECOGNIZED
    assert "scheme-superseded" in blockers(after)


def test_an_eu_aeo_counts_natively_anywhere_in_the_union() -> None:
    a = assess([Claim(scheme="eu.aeo", tier="AEOF", jurisdiction="DE")], IN_NL, date(2026, 1, 1))
    assert a.outcome is Outcome.RECOGNIZED
    assert a.gaps == ()
    assert a.bases[0].rule == "activity:aeo-security-benefits@EU"


def test_an_eu_aeoc_does_not_give_security_benefits_even_at_home() -> None:
    a = assess([Claim(scheme="eu.aeo", tier="AEOC", jurisdiction="NL")], IN_NL, date(2026, 1, 1))
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert "tier-not-covered" in blockers(a)


# -- Practitioners ------------------------------------------------------------------------------

PSYCHOLOGIST = "us.licence.psychologist"


def test_a_us_psychologist_may_not_call_themselves_clinical_psychologist_in_the_uk() -> None:
    a = assess(
        [Claim(scheme=PSYCHOLOGIST, jurisdiction="US-CA", holder="Dr Synthetic Example")],
        Target("GB", "title:clinical-psychologist"),
    )
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert {"registration-required", "protected-title"} <= blockers(a)
    registration = next(g for g in a.gaps if g.code is GapCode.REGISTRATION_REQUIRED)
    assert "international route" in (registration.remedy or "").lower()


def test_an_hcpc_clinical_psychologist_may_use_the_title() -> None:
    claim = Claim(scheme="gb.hcpc", tier="clinical-psychologist", identifier="PYL123456")
    a = assess([claim], Target("GB", "title:clinical-psychologist"))
    assert a.outcome is Outcome.RECOGNIZED


def test_a_psypact_apit_lets_a_pennsylvania_psychologist_see_texas_clients_online() -> None:
    claims = [
        Claim(scheme=PSYCHOLOGIST, jurisdiction="US-PA"),
        Claim(scheme="us.psypact", tier="apit"),
    ]
    a = assess(claims, Target("US-TX", "telehealth:psychology"), date(2026, 11, 29))
    assert a.outcome is Outcome.RECOGNIZED
    assert a.bases[0].rule == "psypact#apit"


def test_a_california_psychologist_without_psypact_may_not_see_texas_clients_online() -> None:
    a = assess(
        [Claim(scheme=PSYCHOLOGIST, jurisdiction="US-CA")],
        Target("US-TX", "telehealth:psychology"),
        date(2026, 11, 29),
    )
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert "registration-required" in blockers(a)


def test_an_apit_is_worthless_when_the_home_state_is_not_a_member() -> None:
    claims = [
        Claim(scheme=PSYCHOLOGIST, jurisdiction="US-CA"),
        Claim(scheme="us.psypact", tier="apit"),
    ]
    a = assess(claims, Target("US-TX", "telehealth:psychology"), date(2026, 11, 29))
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert "condition-unmet" in blockers(a)


def test_a_tap_is_recognised_only_within_its_thirty_day_limit() -> None:
    claims = [
        Claim(scheme=PSYCHOLOGIST, jurisdiction="US-PA"),
        Claim(scheme="us.psypact", tier="tap"),
    ]
    a = assess(claims, Target("US-TX", "practise:psychology"), date(2026, 11, 29))
    assert a.outcome is Outcome.PARTIAL
    assert any("30" in g.message for g in a.gaps)


def test_a_licence_counts_in_its_own_state() -> None:
    a = assess(
        [Claim(scheme=PSYCHOLOGIST, jurisdiction="US-TX")],
        Target("US-TX", "telehealth:psychology"),
    )
    assert a.outcome is Outcome.RECOGNIZED


def test_a_us_counselor_in_the_uk_lacks_the_expected_registration_but_breaks_no_law() -> None:
    a = assess(
        [Claim(scheme="us.licence.counselor", jurisdiction="US-NY")],
        Target("GB", "practise:counselling"),
    )
    assert a.outcome is Outcome.NOT_RECOGNIZED
    gap = next(g for g in a.gaps if g.code is GapCode.REGISTRATION_REQUIRED)
    assert gap.severity is Severity.WARNING
    assert "BACP" in (gap.remedy or "")


# -- Checks, not just claims -------------------------------------------------------------------


def _check(claim: Claim, status: CheckStatus) -> Check:
    return Check(
        claim=claim,
        status=status,
        reason="synthetic test check",
        adapter="demo.snapshot",
        checked_at=datetime(2026, 11, 29, tzinfo=UTC),
    )


def test_a_verified_check_is_not_hypothetical() -> None:
    claim = Claim(scheme=CHINA_AEO, tier="advanced")
    a = assess([_check(claim, CheckStatus.VERIFIED)], IN_NL, date(2026, 1, 1))
    assert a.outcome is Outcome.RECOGNIZED
    assert not a.hypothetical


def test_a_registry_fault_never_becomes_recognised() -> None:
    claim = Claim(scheme=CHINA_AEO, tier="advanced")
    a = assess([_check(claim, CheckStatus.UNVERIFIABLE)], IN_NL, date(2026, 1, 1))
    assert a.outcome is Outcome.UNKNOWN
    assert "credential-not-verified" in codes(a)


def test_an_inactive_credential_is_a_blocker() -> None:
    claim = Claim(scheme="eu.aeo", tier="AEOS", jurisdiction="DE")
    a = assess([_check(claim, CheckStatus.INACTIVE)], IN_NL, date(2026, 1, 1))
    assert a.outcome is Outcome.NOT_RECOGNIZED
    assert "credential-inactive" in blockers(a)


def test_an_expired_claim_is_a_blocker() -> None:
    claim = Claim(scheme="eu.aeo", tier="AEOS", jurisdiction="DE", valid_until=date(2025, 1, 1))
    a = assess([claim], IN_NL, date(2026, 1, 1))
    assert "credential-inactive" in blockers(a)


# -- Honest unknowns and bad input --------------------------------------------------------------


def test_an_activity_without_a_rule_in_the_target_is_unknown() -> None:
    a = assess([Claim(scheme="eu.aeo", tier="AEOS")], Target("BR", "aeo-security-benefits"))
    assert a.outcome is Outcome.UNKNOWN
    assert codes(a) == {"rule-uncertain"}


def test_an_unknown_activity_or_tier_is_an_input_error_with_a_suggestion() -> None:
    with pytest.raises(UnknownName, match="did you mean"):
        assess([Claim(scheme="eu.aeo", tier="AEOS")], Target("NL", "aeo-security-benefit"))
    with pytest.raises(UnknownName, match="did you mean 'AEOS'"):
        assess([Claim(scheme="eu.aeo", tier="AEOs")], IN_NL)


def test_the_same_inputs_give_the_same_assessment() -> None:
    claim = Claim(scheme=CHINA_AEO, tier="general")
    first = assess([claim], IN_NL, date(2019, 6, 1))
    assert first == assess([claim], IN_NL, date(2019, 6, 1))


def test_explain_shows_the_rules_considered() -> None:
    a = assess([Claim(scheme=CHINA_AEO, tier="general")], IN_NL, date(2019, 6, 1))
    text = a.explain()
    assert "eu-cn-mra" in text
    assert "trace:" in text


# -- The knowledge base behind it -------------------------------------------------------------


def test_every_arrangement_carries_a_citation_and_dates_or_a_confirmation() -> None:
    kb = load()
    assert len(kb.arrangements) >= 25
    for arrangement in kb.arrangements.values():
        assert len(arrangement.citation) > 10, arrangement.id
        for grant in arrangement.grants:
            assert grant.start or grant.confirmed_from or grant.confidence.value == "uncertain", (
                arrangement.id,
                grant.id,
            )


def test_there_is_no_us_china_arrangement() -> None:
    kb = load()
    pairs = {frozenset(a.parties) for a in kb.arrangements.values()}
    assert frozenset({"US", "CN"}) not in pairs
