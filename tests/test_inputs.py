"""What a user writes becomes the claim they meant: identifiers routed by what they are, places
and tiers as people spell them, and a one-line error naming the row and column otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import credverify as cv
from credverify.errors import InputError, KnowledgeBaseError
from credverify.inputs import (
    claim_from,
    decide,
    default_activity,
    input_rules,
    is_assessed,
    normalise_tier,
    require_state,
    schemes_named,
)
from credverify.knowledge import bundled_registries_dir, load


@pytest.mark.parametrize(
    ("identifier", "country", "scheme"),
    [
        ("DEAEOF1234", "Germany", "eu.aeo"),
        ("NLAEOC0001234", None, "eu.aeo"),
        ("GBAEOF123456789", "UK", "gb.aeo"),
        ("CHAEOF1234", "Switzerland", "ch.aeo"),
        ("CHAEOF1234", None, "ch.aeo"),
        ("NOAEOF00001", "Norway", "no.aeo"),
        ("DE123456789", None, "eu.eori"),
        ("GB123456789000", None, "gb.eori"),
        ("1234567893", None, "us.npi"),
        ("91110000600037341L", None, "cn.aeo"),
        ("AEOCN1234567890", "China", "cn.aeo"),
        ("PYL000101", None, "gb.hcpc"),
        ("KR-AEO-0042", "South Korea", "kr.aeo"),
    ],
)
def test_an_identifier_and_a_country_name_their_scheme(
    identifier: str, country: str | None, scheme: str
) -> None:
    assert claim_from(identifier, country=country).scheme == scheme


def test_every_trusted_trader_programme_is_reached_from_its_country() -> None:
    kb = load()
    for scheme_id in schemes_named("AEO", kb):
        scheme = kb.scheme(scheme_id)
        place = scheme.jurisdiction if scheme.jurisdiction != "EU" else "FR"
        assert claim_from(country=place, scheme="AEO").scheme == scheme_id


def test_the_claim_says_where_it_was_issued_and_what_kind_it_was_read_as() -> None:
    decision = decide("DE AEOF 1234", country="DE", tier="AEO-S", holder="Synthetic GmbH")
    assert decision.kind == "eu.aeo-number"
    assert decision.claim.jurisdiction == "DE"
    assert decision.claim.tier == "AEOS"
    assert decision.claim.holder == "Synthetic GmbH"
    assert decide("CHAEOF1234").kind is None  # no modelled kind: kept as written


@pytest.mark.parametrize(
    ("scheme", "text", "tier"),
    [
        ("eu.aeo", "AEO-S", "AEOS"),
        ("eu.aeo", "aeo f", "AEOF"),
        ("gb.aeo", "Security and Safety", "AEOS"),
        ("us.ctpat", "Tier 2", "tier-2"),
        ("us.ctpat", "Tier II", "tier-2"),
        ("us.ctpat", "tier2", "tier-2"),
        ("cn.aeo", "高级认证", "advanced"),
        ("cn.aeo", "高级认证企业", "advanced"),
        ("cn.aeo", "一般认证", "general"),
        ("jp.aeo", "認定製造者", "manufacturer"),
        ("sg.stp", "STP+", "stp-plus"),
        ("kr.aeo", "AA등급", "AA"),
    ],
)
def test_tiers_are_read_as_people_write_them(scheme: str, text: str, tier: str) -> None:
    assert normalise_tier(scheme, text) == tier


def test_an_unknown_tier_lists_the_schemes_tiers() -> None:
    with pytest.raises(InputError) as raised:
        normalise_tier("us.ctpat", "Tier 4")
    assert "unknown tier 'Tier 4' of us.ctpat" in raised.value.message
    assert "tier-1 (CTPAT Tier 1), tier-2 (CTPAT Tier 2), tier-3" in raised.value.message


def test_a_spelling_that_names_two_tiers_is_a_load_error(tmp_path: Path) -> None:
    source = (bundled_registries_dir() / "schemes" / "us.ctpat.toml").read_text(encoding="utf-8")
    clash = source.replace('aliases = ["Tier 1",', 'aliases = ["Tier II", "Tier 1",', 1)
    assert clash != source
    (tmp_path / "schemes").mkdir()
    (tmp_path / "schemes" / "us.ctpat.toml").write_text(clash, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="'Tier II' also names tier 'tier-1'"):
        load(tmp_path)


def test_licence_types_and_states_come_from_the_aliases() -> None:
    claim = claim_from(scheme="LPC", country="Texas")
    assert (claim.scheme, claim.jurisdiction) == ("us.licence.counselor", "US-TX")
    assert claim_from(scheme="lcsw", country="US-NY").scheme == "us.licence.social-worker"
    assert claim_from(scheme="Psychologist", country="US-CA").scheme == "us.licence.psychologist"


def test_a_hint_that_contradicts_the_identifier_names_row_column_and_value() -> None:
    with pytest.raises(InputError) as raised:
        claim_from("DE123456789", scheme="NPI", row=7, column="ID")
    message = raised.value.message
    assert message.startswith("row 7, column ID: 'DE123456789' is a valid EU")
    assert "not an identifier of us.npi" in message


def test_a_credential_from_another_country_than_the_one_given_is_refused() -> None:
    with pytest.raises(InputError, match=r"row 3, column AEO: 'DEAEOF1234' reads as .*\(CH\)"):
        claim_from("DEAEOF1234", country="CH", row=3, column="AEO")


def test_an_eori_of_another_country_is_an_ordinary_supplier() -> None:
    # A Chinese supplier declares goods into the EU with a German EORI.
    assert claim_from("DE123456789", country="CN").scheme == "eu.eori"


@pytest.mark.parametrize(
    ("identifier", "country", "expected"),
    [
        ("hello", None, "cannot tell which scheme 'hello' belongs to"),
        ("X123", "Hong Kong", "no trusted-trader (AEO) programme issued in Hong Kong (HK)"),
        (None, None, "give a country or an identifier"),
        ("DEAEOF1234", "Germny", "unknown place 'Germny'; did you mean 'Germany' (DE)?"),
    ],
)
def test_what_cannot_be_decided_is_an_input_error(
    identifier: str | None, country: str | None, expected: str
) -> None:
    with pytest.raises(InputError, match=re.escape(expected)):
        claim_from(identifier, country=country, tier="AEOS" if identifier is None else None)


def test_a_typo_keeps_its_scheme_so_the_verifier_can_say_invalid() -> None:
    claim = claim_from("GB12", country="GB", scheme="EORI")
    assert claim.scheme == "gb.eori"
    check = cv.Verifier(offline=True).verify(claim)
    assert check.status.value == "invalid"


def test_a_tier_alone_names_the_only_programme_that_spells_it() -> None:
    assert claim_from(tier="高级认证").scheme == "cn.aeo"
    assert claim_from(tier="認定製造者").scheme == "jp.aeo"


def test_identity_numbers_are_verified_not_assessed_and_families_give_default_activities() -> None:
    assert not is_assessed("eu.eori")
    assert not is_assessed("us.npi")
    assert is_assessed("ch.aeo")
    assert default_activity("ch.aeo", "NL") == "aeo-security-benefits"
    assert default_activity("us.licence.psychologist", "US-TX") == "practise:psychology"
    assert default_activity("gb.hcpc", "GB") == "title:practitioner-psychologist"
    assert default_activity("us.licence.social-worker", "US-TX") is None


def test_a_country_is_not_enough_for_an_activity_its_states_regulate() -> None:
    with pytest.raises(InputError, match=re.escape("give a state, e.g. US-TX")):
        require_state("US", "practise:psychology")
    require_state("US-TX", "practise:psychology")
    require_state("US", "aeo-security-benefits")
    require_state("NL", "aeo-security-benefits")


def test_an_alias_to_an_unknown_scheme_is_a_load_error(tmp_path: Path) -> None:
    overrides = tmp_path
    (overrides / "jurisdictions.toml").write_text("", encoding="utf-8")
    (overrides / "inputs.toml").write_text('[aliases]\n"lpc" = "us.licence.councelor"\n')
    assert (bundled_registries_dir() / "inputs.toml").is_file()
    with pytest.raises(KnowledgeBaseError, match=re.escape("did you mean 'us.licence.counselor'")):
        input_rules(load(overrides))


def test_claim_from_and_parse_place_are_public() -> None:
    assert cv.claim_from("DEAEOF1234").scheme == "eu.aeo"
    assert cv.parse_place("Holland") == "NL"
