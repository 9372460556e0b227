"""Places as people write them: one parser behind Claim, Target, flags and columns."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from credverify.errors import InputError
from credverify.places import parse_place
from credverify.records import Claim, Target


@pytest.mark.parametrize(
    ("written", "code"),
    [("Netherlands", "NL"), ("holland", "NL"), ("NLD", "NL"), ("UK", "GB"), ("Deutschland", "DE"),
     ("US-CA", "US-CA"), ("Texas", "US-TX"), ("EU", "EU"), ("Northern Ireland", "XI")],
)  # fmt: skip
def test_names_codes_and_aliases_are_one_place(written: str, code: str) -> None:
    assert parse_place(written) == code


def test_a_state_column_reads_two_letters_as_a_state() -> None:
    assert parse_place("CA", country="US") == "US-CA"
    assert parse_place("CA") == "CA"  # Canada, where no state is expected


def test_a_claim_issued_in_texas_is_us_tx() -> None:
    assert Claim(scheme="us.licence.psychologist", jurisdiction="Texas").jurisdiction == "US-TX"
    assert Claim(scheme="eu.aeo", jurisdiction="nl").jurisdiction == "NL"


def test_a_target_reads_country_names() -> None:
    assert Target("Netherlands", "aeo-security-benefits") == Target("NL", "aeo-security-benefits")
    assert Target("UK", "aeo-security-benefits").jurisdiction == "GB"


def test_an_unknown_place_is_an_input_error_with_suggestions() -> None:
    with pytest.raises(InputError, match="unknown place 'XX'"):
        Target("XX", "aeo-security-benefits")
    with pytest.raises(InputError, match="did you mean 'Germany'"):
        Claim(scheme="eu.aeo", jurisdiction="Germny")


def test_records_read_back_from_json_are_checked_too() -> None:
    assert (
        Claim.model_validate({"scheme": "eu.aeo", "jurisdiction": "Holland"}).jurisdiction == "NL"
    )
    with pytest.raises(ValidationError, match="unknown place"):
        Target.model_validate({"jurisdiction": "Atlantis", "activity": "aeo-security-benefits"})


@pytest.mark.parametrize(
    ("written", "code"),
    [("Norvège", "NO"), ("Niederlande", "NL"), ("Pays-Bas", "NL"), ("Noruega", "NO"),
     ("Szwajcaria", "CH"), ("荷兰", "NL"), ("オランダ", "NL"), ("Corée du Sud", "KR")],
)  # fmt: skip
def test_country_names_in_the_languages_of_the_schemes_come_from_iso_translations(
    written: str, code: str
) -> None:
    assert parse_place(written) == code
