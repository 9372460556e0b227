"""How serious a result is, on the scale that exit codes and ``--fail-on`` read.

One rule for every command that checks something (``lookup``, ``assess``, ``batch``):

- **blocker**: the credential does not count or cannot be relied on as claimed: an assessment
  ``not-recognized`` (or any blocker gap), a check ``invalid``, ``not-found``, ``inactive`` or
  ``mismatch``, an exclusion-list ``match``;
- **warning**: nothing is known to be wrong, but something could not be confirmed: an assessment
  ``partial`` or ``unknown`` (or a warning gap), a check ``partial``, ``attested`` or
  ``unverifiable``, a ``potential-match`` for review, a batch row that could not be processed;
- otherwise nothing (``None``): verified, recognized, clear.

>>> from credverify.records import Severity
>>> fails([Severity.WARNING], FailOn.BLOCKER), fails([Severity.WARNING], FailOn.WARNING)
(False, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from credverify.records import (
    Assessment,
    Check,
    CheckStatus,
    Outcome,
    RowResult,
    Screening,
    ScreeningResult,
    Severity,
)

__all__ = [
    "FailOn",
    "assessment_level",
    "check_level",
    "fails",
    "row_level",
    "screening_level",
    "worst",
]

Level = Severity | None


class FailOn(StrEnum):
    """The lowest level that makes a command exit 1."""

    BLOCKER = "blocker"
    WARNING = "warning"
    NEVER = "never"


_CHECK_LEVELS: dict[CheckStatus, Level] = {
    CheckStatus.VERIFIED: None,
    CheckStatus.PARTIAL: Severity.WARNING,
    CheckStatus.ATTESTED: Severity.WARNING,
    CheckStatus.UNVERIFIABLE: Severity.WARNING,
    CheckStatus.MISMATCH: Severity.BLOCKER,
    CheckStatus.NOT_FOUND: Severity.BLOCKER,
    CheckStatus.INACTIVE: Severity.BLOCKER,
    CheckStatus.INVALID: Severity.BLOCKER,
}

_SCREENING_LEVELS: dict[ScreeningResult, Level] = {
    ScreeningResult.CLEAR: None,
    ScreeningResult.POTENTIAL_MATCH: Severity.WARNING,
    ScreeningResult.MATCH: Severity.BLOCKER,
}

_OUTCOME_LEVELS: dict[Outcome, Level] = {
    Outcome.RECOGNIZED: None,
    Outcome.PARTIAL: Severity.WARNING,
    Outcome.UNKNOWN: Severity.WARNING,
    Outcome.NOT_RECOGNIZED: Severity.BLOCKER,
}

_RANK: dict[Level, int] = {None: 0, Severity.INFO: 0, Severity.WARNING: 1, Severity.BLOCKER: 2}


def worst(levels: Iterable[Level]) -> Level:
    """The most serious of ``levels`` (``None`` when there is nothing to report)."""
    found: Level = None
    for level in levels:
        if _RANK[level] > _RANK[found]:
            found = level
    return found


def check_level(check: Check) -> Level:
    return _CHECK_LEVELS[check.status]


def screening_level(screening: Screening) -> Level:
    return _SCREENING_LEVELS[screening.result]


def assessment_level(assessment: Assessment) -> Level:
    """The outcome's level, raised by any gap more serious than the outcome says."""
    gaps = (gap.severity for gap in assessment.gaps)
    return worst([_OUTCOME_LEVELS[assessment.outcome], *gaps])


def row_level(row: RowResult) -> Level:
    """A batch row: its checks, screening and assessment. A row that could not be processed, or
    whose screening could not be done, is a warning: nothing is known to be wrong, nor right."""
    if row.error is not None:
        return Severity.WARNING
    levels = [check_level(check) for check in row.checks]
    if row.notes:  # something the row needed was not done (an exclusion screening)
        levels.append(Severity.WARNING)
    if row.screening is not None:
        levels.append(screening_level(row.screening))
    if row.assessment is not None:
        levels.append(assessment_level(row.assessment))
    return worst(levels)


def fails(levels: Iterable[Level], fail_on: FailOn) -> bool:
    """Whether results at ``levels`` reach the ``fail_on`` threshold (exit 1)."""
    if fail_on is FailOn.NEVER:
        return False
    threshold = Severity.BLOCKER if fail_on is FailOn.BLOCKER else Severity.WARNING
    return _RANK[worst(levels)] >= _RANK[threshold]
