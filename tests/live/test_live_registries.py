"""Live checks against the real registries. They run only with CREDVERIFY_LIVE=1, by hand: never
in CI, never in `make test`. They assert shapes, not values a registry may change."""

from __future__ import annotations

import os

import pytest

from credverify.records import CheckStatus, Claim
from credverify.verifier import Verifier

pytestmark = pytest.mark.skipif(
    os.environ.get("CREDVERIFY_LIVE") != "1", reason="live registries: set CREDVERIFY_LIVE=1"
)

NEVER_A_FAULT_IN_DISGUISE = {
    CheckStatus.VERIFIED,
    CheckStatus.PARTIAL,
    CheckStatus.NOT_FOUND,
    CheckStatus.UNVERIFIABLE,
}


@pytest.mark.parametrize(
    "claim",
    [
        # HMRC's published test EORI (reference/formats/hmrc-check-eori/testing.md).
        Claim(scheme="gb.eori", identifier="GB018384932372"),
        # The CMS check-digit example: a well-formed NPI that may or may not be enumerated.
        Claim(scheme="us.npi", identifier="1234567893"),
        Claim(scheme="eu.aeo", holder="Siemens", jurisdiction="DE", tier="AEOF"),
        Claim(scheme="eu.eori", identifier="DE1234567890123"),
    ],
    ids=lambda c: c.scheme,
)
def test_a_live_registry_answers_in_a_shape_we_parse(claim: Claim) -> None:
    check = Verifier().verify(claim)
    assert check.status in NEVER_A_FAULT_IN_DISGUISE
    if check.status is not CheckStatus.UNVERIFIABLE:
        assert check.evidence
        assert check.evidence[0].sha256
