"""The public face of the package is deliberate: exactly these names, each importable."""

from __future__ import annotations

import credverify

INTENDED = {
    "Assessment", "Candidate", "Check", "CheckStatus", "Claim", "CredverifyError", "Evidence",
    "Gap", "GapCode", "InvalidIdentifier", "KnowledgeBase", "Outcome", "RegistryRecord",
    "Screening", "ScreeningResult", "Severity", "Target", "Verifier", "__version__", "assess",
    "claim_from", "identify", "load_knowledge", "parse_place",
}  # fmt: skip


def test_all_is_sorted_and_exactly_the_intended_names() -> None:
    assert credverify.__all__ == sorted(credverify.__all__)
    assert set(credverify.__all__) == INTENDED


def test_every_exported_name_resolves() -> None:
    for name in credverify.__all__:
        assert getattr(credverify, name) is not None, name
