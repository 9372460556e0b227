"""Identifier kinds read like their published examples: valid numbers pass, typos are explained."""

from __future__ import annotations

import pytest

from credverify.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidIdentifier,
    InvalidLength,
    UnknownName,
)
from credverify.identifiers import KINDS, Candidate, IdentifierKind, identify, kind

DESIGN_KIND_IDS = [
    "eu.eori",
    "gb.eori",
    "eu.aeo-number",
    "cn.uscc",
    "cn.customs-code",
    "cn.aeo-code",
    "jp.corporate-number",
    "jp.mra-code",
    "us.npi",
    "us.ein",
    "us.mid",
    "gb.hcpc-number",
    "au.ahpra-number",
]

# (kind, as written by a user, compact form, presentation form): published examples
VALID = [
    ("eu.eori", "FR301272811", "FR301272811", "FR301272811"),
    ("eu.eori", "de 123456789012345", "DE123456789012345", "DE123456789012345"),
    ("gb.eori", "GB018384932372", "GB018384932372", "GB018384932372"),
    ("gb.eori", "GB 123 456 789 000", "GB123456789000", "GB123456789000"),
    ("gb.eori", "XI123456789000", "XI123456789000", "XI123456789000"),
    ("eu.aeo-number", "DEAEOF1234", "DEAEOF1234", "DEAEOF1234"),
    ("eu.aeo-number", "GBAEOF123456789", "GBAEOF123456789", "GBAEOF123456789"),
    ("cn.uscc", "91110000600037341L", "91110000600037341L", "91110000600037341L"),
    ("cn.customs-code", "0123456789", "0123456789", "0123456789"),
    ("cn.aeo-code", "AEOCN0123456789", "AEOCN0123456789", "AEOCN0123456789"),
    ("jp.corporate-number", "5-8356-7825-6246", "5835678256246", "5-8356-7825-6246"),
    ("jp.mra-code", "A12345678901", "A12345678901", "A12345678901"),
    ("us.npi", "1234567893", "1234567893", "1234567893"),
    ("us.npi", "1689872012", "1689872012", "1689872012"),
    ("us.ein", "04-2103594", "042103594", "04-2103594"),
    ("us.ein", "91-1144442", "911144442", "91-1144442"),
    ("us.mid", "AUOZR92MEL", "AUOZR92MEL", "AUOZR92MEL"),
    ("gb.hcpc-number", "PYL123456", "PYL123456", "PYL123456"),
    ("gb.hcpc-number", "ph 123456", "PH123456", "PH123456"),
    ("au.ahpra-number", "PSY0000000001", "PSY0000000001", "PSY0000000001"),
]

# (kind, number, the leaf it raises, words the message must contain)
INVALID = [
    ("eu.eori", "US301272811", InvalidComponent, "member-state"),
    ("eu.eori", "GB123456789000", InvalidComponent, "use gb.eori"),
    ("eu.eori", "DE1234567890123456", InvalidLength, "18 characters"),
    ("gb.eori", "GB12345678", InvalidLength, "12 to 15 digits"),
    ("gb.eori", "DE123456789000", InvalidComponent, "eu.eori"),
    ("gb.eori", "GB12345678900A", InvalidFormat, "GB or XI"),
    ("eu.aeo-number", "DEAEOX1234", InvalidComponent, "'AEOX' is not an AEO type"),
    ("eu.aeo-number", "USAEOF1234", InvalidComponent, "'US'"),
    ("eu.aeo-number", "DEAEOF", InvalidLength, "1 to 29"),
    ("cn.uscc", "91110000600037341M", InvalidChecksum, "check digit"),
    ("cn.uscc", "12345", InvalidLength, "18 characters"),
    ("cn.customs-code", "012345678", InvalidLength, "10 digits"),
    ("cn.aeo-code", "CN012345678", InvalidLength, "AEOCN"),
    ("cn.aeo-code", "CN01234567AB", InvalidFormat, "CN then 10 digits"),
    ("cn.aeo-code", "AEOJP0123456789", InvalidFormat, "AEOCN"),
    ("jp.corporate-number", "2-8356-7825-6246", InvalidChecksum, "check digit"),
    ("jp.mra-code", "A1234567890", InvalidLength, "12 letters or digits"),
    ("us.npi", "1234567890", InvalidChecksum, "check digit"),
    ("us.npi", "1234567898", InvalidChecksum, "check digit"),
    ("us.npi", "123456789A", InvalidFormat, "10 digits"),
    ("us.ein", "07-1144442", InvalidComponent, "campus"),
    ("us.mid", "CAACMCOR12TOR", InvalidComponent, "province codes"),
    ("us.mid", "QQACMCOR12TOR", InvalidComponent, "'QQ' is not an ISO country code"),
    ("us.mid", "AUOZR92MELBOURNE", InvalidLength, "at most 15"),
    ("gb.hcpc-number", "XX123456", InvalidComponent, "'XX' is not an HCPC prefix"),
    ("gb.hcpc-number", "PYL1234567", InvalidLength, "1 to 6 digits"),
    ("au.ahpra-number", "PSY000000001", InvalidLength, "10 digits"),
]


def test_kinds_are_the_design_vocabulary_in_order() -> None:
    assert list(KINDS) == DESIGN_KIND_IDS
    for kind_id, each in KINDS.items():
        assert isinstance(each, IdentifierKind)
        assert each.id == kind_id
        assert each.source.startswith(("https://", "http://"))
        assert each.check in ("checksum", "format")
        assert len(each.country) == 2
        assert type(each).__doc__, f"{kind_id} has no docstring"


@pytest.mark.parametrize(("kind_id", "number", "compact", "formatted"), VALID)
def test_published_examples_are_valid(
    kind_id: str, number: str, compact: str, formatted: str
) -> None:
    each = kind(kind_id)
    assert each.validate(number) == compact
    assert each.is_valid(number)
    assert each.format(number) == formatted


@pytest.mark.parametrize(("kind_id", "number", "leaf", "words"), INVALID)
def test_invalid_numbers_say_what_was_expected(
    kind_id: str, number: str, leaf: type[InvalidIdentifier], words: str
) -> None:
    each = kind(kind_id)
    with pytest.raises(leaf) as caught:
        each.validate(number)
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{kind_id}: ")
    assert not each.is_valid(number)


def test_invalid_identifier_is_a_value_error_for_callers_who_know_nothing_of_credverify() -> None:
    with pytest.raises(ValueError, match="check digit"):
        kind("us.npi").validate("1234567890")


def test_details_read_off_valid_numbers() -> None:
    assert kind("eu.eori").details("FR301272811") == {"country": "FR"}
    assert kind("gb.eori").details("GB123456789000") == {"country": "GB"}
    assert "Northern Ireland" in kind("gb.eori").details("XI123456789000")["note"]
    assert kind("eu.aeo-number").details("DEAEOF1234") == {
        "issuer": "DE",
        "type": "AEOF",
        "scheme": "eu.aeo",
    }
    assert kind("eu.aeo-number").details("GBAEOS99")["scheme"] == "gb.aeo"
    assert kind("cn.aeo-code").details("AEOCN0123456789") == {"customs_code": "0123456789"}
    assert kind("us.ein").details("042103594") == {"campus": "Brookhaven"}
    assert kind("us.mid").details("XOACMCOR12TOR") == {"country": "CA", "province": "Ontario"}
    assert kind("gb.hcpc-number").details("PYL123456") == {
        "profession": "practitioner psychologist"
    }
    assert kind("au.ahpra-number").details("PSY0000000001") == {"board_prefix": "PSY"}
    assert kind("us.npi").details("1234567893") == {}


def test_npi_not_starting_with_1_or_2_is_valid_with_a_warning() -> None:
    npi = kind("us.npi")
    number = "3000000000"  # Luhn over 80840 + number holds, but no NPI starts with 3 yet
    assert npi.is_valid(number)
    assert "start with 1 or 2" in npi.details(number)["warning"]


def test_canadian_mids_use_province_codes() -> None:
    mid = kind("us.mid")
    assert mid.is_valid("XOACMCOR12TOR")
    with pytest.raises(InvalidComponent, match="province codes"):
        mid.validate("CAACMCOR12TOR")


def test_compact_normalises_what_users_paste() -> None:
    npi = kind("us.npi")
    assert npi.compact(" 123-456.789/3 ") == "1234567893"
    full_width = "".join(chr(0xFF10 + int(digit)) for digit in "1234567893")  # full-width digits
    assert npi.compact(full_width) == "1234567893"  # NFKC makes the digits ASCII
    assert kind("eu.eori").compact("fr301272811") == "FR301272811"
    with pytest.raises(InvalidFormat, match="got int"):
        npi.compact(1234567893)


def test_unknown_kind_suggests_the_nearest() -> None:
    with pytest.raises(UnknownName) as caught:
        kind("us.np")
    assert caught.value.suggestions[0] == "us.npi"
    assert "did you mean 'us.npi'" in str(caught.value)


def test_identify_a_uscc() -> None:
    found = {c.kind: c for c in identify("91110000600037341L")}
    assert found["cn.uscc"].valid
    assert found["cn.uscc"].reason == "valid: check digit matches"


def test_identify_a_valid_npi_puts_the_checksum_kind_first() -> None:
    candidates = identify("1234567893")
    assert candidates[0].kind == "us.npi"
    assert candidates[0].valid
    assert [c.kind for c in candidates] == ["us.npi", "cn.customs-code"]
    assert candidates[1].reason == "valid format (no check digit is published)"


def test_identify_explains_a_bad_npi_check_digit() -> None:
    npi = next(c for c in identify("1234567890") if c.kind == "us.npi")
    assert not npi.valid
    assert "check digit" in npi.reason
    assert npi.formatted is None
    assert npi.details == {}


def test_identify_a_gb_eori_and_why_it_is_not_an_eu_one() -> None:
    found = {c.kind: c for c in identify("GB123456789000")}
    assert found["gb.eori"].valid
    assert found["gb.eori"].details == {"country": "GB"}
    assert not found["eu.eori"].valid
    assert "use gb.eori" in found["eu.eori"].reason
    assert "HMRC" in found["eu.eori"].reason


def test_identify_an_aeo_number_before_the_eori_it_also_looks_like() -> None:
    candidates = identify("DE AEOF 1234")
    first = candidates[0]
    assert (first.kind, first.valid) == ("eu.aeo-number", True)
    assert first.details["issuer"] == "DE"
    assert first.details["type"] == "AEOF"
    assert [c.kind for c in candidates].index("eu.eori") > 0


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("5-8356-7825-6246", "jp.corporate-number"),
        ("04-2103594", "us.ein"),
        ("AUOZR92MEL", "us.mid"),
        ("PYL123456", "gb.hcpc-number"),
        ("PSY0000000001", "au.ahpra-number"),
        ("AEOCN0123456789", "cn.aeo-code"),
        ("GB018384932372", "gb.eori"),
    ],
)
def test_identify_puts_the_most_specific_valid_kind_first(text: str, first: str) -> None:
    candidate = identify(text)[0]
    assert (candidate.kind, candidate.valid) == (first, True)


def test_identify_puts_a_checksum_typo_before_a_format_only_match() -> None:
    # Ten digits with a wrong NPI check digit are most likely a mistyped NPI, even though they
    # also pass the format-only check of a Chinese customs code.
    candidates = identify("1234567890")
    assert [(c.kind, c.valid) for c in candidates] == [
        ("us.npi", False),
        ("cn.customs-code", True),
    ]


def test_identify_ignores_plain_words_and_junk() -> None:
    assert identify("ITALY") == []
    assert identify("") == []
    assert identify(None) == []


def test_candidate_to_dict_is_plain_data() -> None:
    candidate = identify("DEAEOF1234")[0]
    assert isinstance(candidate, Candidate)
    assert candidate.to_dict() == {
        "kind": "eu.aeo-number",
        "name": "EU Authorised Economic Operator (AEO) authorisation number",
        "valid": True,
        "reason": "valid format (no check digit is published)",
        "compact": "DEAEOF1234",
        "formatted": "DEAEOF1234",
        "check": "format",
        "details": {"issuer": "DE", "type": "AEOF", "scheme": "eu.aeo"},
    }
