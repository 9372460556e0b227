"""credverify: verify credentials against their primary sources, keep the evidence, and explain
whether they count in another jurisdiction.

    >>> import credverify as cv
    >>> [c.kind for c in cv.identify("1234567893") if c.valid][0]
    'us.npi'

The public names below are loaded on first use, so ``import credverify`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> the private module that defines it.
_PUBLIC: dict[str, str] = {
    "Assessment": "credverify.records",
    "Candidate": "credverify.identifiers",
    "Check": "credverify.records",
    "CheckStatus": "credverify.records",
    "Claim": "credverify.records",
    "CredverifyError": "credverify.errors",
    "Evidence": "credverify.records",
    "Gap": "credverify.records",
    "GapCode": "credverify.records",
    "InvalidIdentifier": "credverify.errors",
    "KnowledgeBase": "credverify.knowledge",
    "Outcome": "credverify.records",
    "RegistryRecord": "credverify.records",
    "Screening": "credverify.records",
    "ScreeningResult": "credverify.records",
    "Severity": "credverify.records",
    "Target": "credverify.records",
    "Verifier": "credverify.verifier",
    "assess": "credverify.recognition",
    "claim_from": "credverify.inputs",
    "identify": "credverify.identifiers",
    "load_knowledge": "credverify.knowledge",
    "parse_place": "credverify.places",
}
_RENAMED = {"load_knowledge": "load"}

__all__ = [
    "Assessment",
    "Candidate",
    "Check",
    "CheckStatus",
    "Claim",
    "CredverifyError",
    "Evidence",
    "Gap",
    "GapCode",
    "InvalidIdentifier",
    "KnowledgeBase",
    "Outcome",
    "RegistryRecord",
    "Screening",
    "ScreeningResult",
    "Severity",
    "Target",
    "Verifier",
    "__version__",
    "assess",
    "claim_from",
    "identify",
    "load_knowledge",
    "parse_place",
]

if TYPE_CHECKING:
    from credverify.errors import CredverifyError, InvalidIdentifier
    from credverify.identifiers import Candidate, identify
    from credverify.inputs import claim_from
    from credverify.knowledge import KnowledgeBase
    from credverify.knowledge import load as load_knowledge
    from credverify.places import parse_place
    from credverify.recognition import assess
    from credverify.records import (
        Assessment,
        Check,
        CheckStatus,
        Claim,
        Evidence,
        Gap,
        GapCode,
        Outcome,
        RegistryRecord,
        Screening,
        ScreeningResult,
        Severity,
        Target,
    )
    from credverify.verifier import Verifier


def __getattr__(name: str) -> Any:
    module_name = _PUBLIC.get(name)
    if module_name is None:
        raise AttributeError(f"module 'credverify' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
