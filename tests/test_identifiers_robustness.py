"""Junk in, a clean False out: every identifier kind, whatever it is fed (as stdnum's robustness
test does)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credverify.errors import InvalidFormat, InvalidIdentifier
from credverify.identifiers import KINDS, IdentifierKind, identify

FULL_WIDTH_NPI = "".join(chr(0xFF10 + int(digit)) for digit in "1234567893")  # the CMS example
CYRILLIC_E = "\u0415"  # looks like a Latin E

JUNK: list[object] = [
    None,
    b"bytes",
    b"1234567893",
    12345,
    1234567893,
    3.5,
    [],
    {},
    object(),
    "",
    "   ",
    "-./",
    "\x00",
    "\x00" * 10,
    "\U0001f600",  # an emoji
    "1234567893\U0001f600",
    "x" * 10_000,
    "1" * 10_000,
    "\ud800",  # a lone surrogate
    "\u0391\u0392\u0393123456789",  # Greek capitals alpha, beta, gamma: look like Latin A, B
    f"D{CYRILLIC_E}123456789",  # a Latin D and a Cyrillic E: mixed scripts
    "PSY" + "\u0660" * 9 + "\u0661",  # Arabic-Indic digits: NFKC keeps them, they are not ASCII
    "91110000600037341L\n91110000600037341L",
]

KIND_IDS = list(KINDS)


def junk_id(junk: object) -> str:
    """A test id that is the same in every process (a bare object's repr holds its address)."""
    return "object()" if type(junk) is object else repr(junk)


@pytest.mark.parametrize("kind_id", KIND_IDS)
@pytest.mark.parametrize("junk", JUNK, ids=junk_id)
def test_junk_is_never_valid_and_never_crashes(kind_id: str, junk: object) -> None:
    each = KINDS[kind_id]
    assert each.is_valid(junk) is False
    with pytest.raises(InvalidIdentifier):
        each.validate(junk)


@pytest.mark.parametrize("kind_id", KIND_IDS)
@pytest.mark.parametrize("junk", [None, b"1234567893", 1234567893, 3.5, []], ids=repr)
def test_non_text_is_an_invalid_format_for_compact_and_format(kind_id: str, junk: object) -> None:
    each = KINDS[kind_id]
    with pytest.raises(InvalidFormat, match="not text"):
        each.compact(junk)
    with pytest.raises(InvalidFormat):
        each.format(junk)


@pytest.mark.parametrize("junk", JUNK, ids=junk_id)
def test_identify_junk_never_raises(junk: object) -> None:
    assert isinstance(identify(junk), list)


@pytest.mark.parametrize(
    "junk", [None, b"bytes", 12345, 3.5, [], "", "   ", "\U0001f600", "\x00"], ids=repr
)
def test_identify_obvious_junk_finds_nothing(junk: object) -> None:
    assert identify(junk) == []


def test_full_width_digits_are_a_valid_npi_after_nfkc() -> None:
    # The one junk item that is not junk: NFKC turns full-width digits into ASCII ones, so this is
    # the CMS example NPI as typed on a Japanese or Chinese keyboard. It is valid for us.npi (and,
    # format only, cn.customs-code); every other kind still says no.
    full_width = FULL_WIDTH_NPI
    valid_kinds = {kind_id for kind_id, each in KINDS.items() if each.is_valid(full_width)}
    assert valid_kinds == {"us.npi", "cn.customs-code"}
    assert identify(full_width)[0].kind == "us.npi"
    assert KINDS["us.npi"].validate(full_width) == "1234567893"


def test_mixed_scripts_are_not_taken_for_latin() -> None:
    mixed = f"D{CYRILLIC_E}123456789"
    assert not KINDS["eu.eori"].is_valid(mixed)
    assert all(not c.valid for c in identify(mixed))


@pytest.mark.parametrize("kind_id", KIND_IDS)
@given(text=st.text())
def test_any_text_validates_to_a_valid_number_or_raises_invalid_identifier(
    kind_id: str, text: str
) -> None:
    each: IdentifierKind = KINDS[kind_id]
    assert isinstance(each.is_valid(text), bool)
    try:
        compacted = each.validate(text)
    except InvalidIdentifier:
        return
    assert isinstance(compacted, str)
    assert each.is_valid(compacted)
    assert isinstance(each.format(compacted), str)
    assert isinstance(each.details(compacted), dict)


@given(text=st.one_of(st.text(), st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -")))
def test_identify_never_raises_and_only_lists_kinds_that_agree(text: str) -> None:
    for candidate in identify(text):
        assert candidate.valid == KINDS[candidate.kind].is_valid(text)
        assert (candidate.formatted is not None) == candidate.valid
