"""The typed records that flow through credverify: what is claimed, what a registry said, the
evidence of the exchange, the verdict, and the cross-border assessment.

Every record is a frozen pydantic v2 model: hashable-by-value, JSON-serialisable
(``model_dump_json``) and exportable as JSON Schema (:func:`json_schemas`). The enum values are the
stable strings of the design document; reports, tests and users depend on them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "Assessment",
    "Attachment",
    "Basis",
    "Check",
    "CheckStatus",
    "Claim",
    "Evidence",
    "Finding",
    "FindingOutcome",
    "Gap",
    "GapCode",
    "Outcome",
    "RegistryRecord",
    "RowResult",
    "Screening",
    "ScreeningHit",
    "ScreeningResult",
    "Severity",
    "Target",
    "TraceStep",
    "TraceVerdict",
    "json_schemas",
]


class CheckStatus(StrEnum):
    """What the primary source said about a claim."""

    VERIFIED = "verified"
    PARTIAL = "partial"
    MISMATCH = "mismatch"
    NOT_FOUND = "not-found"
    INACTIVE = "inactive"
    INVALID = "invalid"
    ATTESTED = "attested"
    UNVERIFIABLE = "unverifiable"


class ScreeningResult(StrEnum):
    """A subject against an exclusion list."""

    CLEAR = "clear"
    POTENTIAL_MATCH = "potential-match"
    MATCH = "match"


class Outcome(StrEnum):
    """Whether a credential is recognised for an activity in a jurisdiction."""

    RECOGNIZED = "recognized"
    PARTIAL = "partial"
    NOT_RECOGNIZED = "not-recognized"
    UNKNOWN = "unknown"


class GapCode(StrEnum):
    """Why recognition falls short."""

    NO_ARRANGEMENT = "no-arrangement"
    TIER_NOT_COVERED = "tier-not-covered"
    NOT_IN_FORCE = "not-in-force"
    BENEFIT_NOT_COVERED = "benefit-not-covered"
    CONDITION_UNMET = "condition-unmet"
    IDENTIFIER_MAPPING_REQUIRED = "identifier-mapping-required"
    REGISTRATION_REQUIRED = "registration-required"
    PROTECTED_TITLE = "protected-title"
    CREDENTIAL_NOT_VERIFIED = "credential-not-verified"
    CREDENTIAL_INACTIVE = "credential-inactive"
    SCHEME_SUPERSEDED = "scheme-superseded"
    RULE_UNCERTAIN = "rule-uncertain"


class Severity(StrEnum):
    BLOCKER = "blocker"
    WARNING = "warning"
    INFO = "info"


class FindingOutcome(StrEnum):
    """One claimed field compared with what the source shows."""

    CONFIRMED = "confirmed"
    CONTRADICTED = "contradicted"
    UNCONFIRMABLE = "unconfirmable"


class TraceVerdict(StrEnum):
    """What a rule did during an assessment."""

    APPLIED = "applied"
    GAP = "gap"
    SKIPPED = "skipped"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Attachment(_Record):
    """A document the holder supplied (a certificate PDF, a certification email)."""

    name: str
    sha256: str
    media_type: str | None = None
    description: str | None = None


def _jurisdiction(value: str) -> str:
    """A place as people write it, as its ISO code: ``Texas`` -> ``US-TX``, ``Netherlands`` ->
    ``NL``; anything else is an InputError with suggestions.

    The parser is imported here, not at the top: records is the bottom layer, and the parser
    reads its spellings from the knowledge base's folder. Validating in the record itself, rather
    than at the verifier's and the engine's boundaries, means no caller can hand the engine a
    place it would silently fail to match (``Target("UK", ...)`` answering "unknown")."""
    from credverify.places import parse_place

    return parse_place(value)


class Claim(_Record):
    """A credential someone says they hold. Only ``scheme`` is required. ``jurisdiction`` is
    read as people write it (``Texas`` is ``US-TX``); an unknown place is an InputError."""

    scheme: str = Field(description="Scheme id, e.g. 'cn.aeo' or 'us.licence.psychologist'.")
    tier: str | None = Field(default=None, description="Tier id within the scheme, e.g. 'AEOS'.")
    identifier: str | None = None
    holder: str | None = Field(default=None, description="The holder's name as claimed.")
    jurisdiction: str | None = Field(
        default=None, description="Where it was issued: 'DE', 'CN', 'US-CA'."
    )
    valid_from: date | None = None
    valid_until: date | None = None
    evidence: tuple[Attachment, ...] = ()

    def __init__(self, **data: Any) -> None:
        # Normalised before pydantic's own validation, so a bad place raises InputError itself
        # (exit 2 at the CLI) rather than a ValidationError wrapping it.
        if isinstance(data.get("jurisdiction"), str):
            data["jurisdiction"] = _jurisdiction(data["jurisdiction"])
        super().__init__(**data)

    @field_validator("jurisdiction")
    @classmethod
    def _known_place(cls, value: str | None) -> str | None:
        return None if value is None else _jurisdiction(value)


class RegistryRecord(_Record):
    """What a primary source holds for a credential, in credverify's terms, raw fields kept."""

    adapter: str
    identifier: str | None = None
    holder: str | None = None
    aliases: tuple[str, ...] = Field(
        default=(), description="Other names the source gives (an English name, a trading name)."
    )
    scheme: str | None = None
    tier: str | None = None
    jurisdiction: str | None = None
    status: str | None = Field(default=None, description="The source's own status wording.")
    active: bool | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    details: dict[str, str] = Field(default_factory=dict)
    synthetic: bool = Field(default=False, description="True for the synthetic demo registry.")


class Evidence(_Record):
    """One exchange with a source, as it happened; the raw body lives in the store by sha256."""

    adapter: str
    method: str
    url: str = Field(description="The URL with every secret removed.")
    status_code: int | None = None
    retrieved_at: datetime
    sha256: str
    media_type: str | None = None
    size: int = Field(default=0, description="The size of the body as received (as stored).")
    synthetic: bool = False
    content_encoding: str | None = Field(
        default=None,
        description="The body's Content-Encoding as received (e.g. gzip); None if sent as is.",
    )
    decoded_sha256: str | None = Field(
        default=None,
        description=(
            "The sha256 of the body once decoded; None when it was sent as is, as sha256 "
            "(the hash of the stored bytes as received) is then the hash of both forms."
        ),
    )

    @property
    def ref(self) -> str:
        """A short reference for reports: adapter and the first 16 hex digits of the body hash."""
        return f"{self.adapter}:{self.sha256[:16]}"


class Finding(_Record):
    """One claimed field against the source."""

    field: str
    outcome: FindingOutcome
    claimed: str | None = None
    found: str | None = None
    note: str = ""


class Check(_Record):
    """The verdict on one claim against its primary source."""

    claim: Claim
    status: CheckStatus
    reason: str = Field(description="One sentence a person can act on.")
    adapter: str | None = None
    record: RegistryRecord | None = None
    findings: tuple[Finding, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    checked_at: datetime | None = None
    from_cache: bool = False
    synthetic: bool = False


class ScreeningHit(_Record):
    record: RegistryRecord
    score: float = Field(ge=0.0, le=1.0)
    explanation: str = ""


class Screening(_Record):
    """A subject against an exclusion list such as the OIG LEIE."""

    subject: str
    adapter: str
    result: ScreeningResult
    hits: tuple[ScreeningHit, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    checked_at: datetime | None = None
    synthetic: bool = False
    notes: tuple[str, ...] = Field(
        default=(),
        description="What the screening could not use (an NPI it refused), and entries it found "
        "but did not count (an exclusion reinstated by the screening day).",
    )


class Target(_Record):
    """Where and for what a credential should count: ``Target("NL", "aeo-security-benefits")``.
    ``jurisdiction`` is read as people write it (``Netherlands`` is ``NL``); an unknown place is
    an InputError."""

    jurisdiction: str
    activity: str

    def __init__(
        self, jurisdiction: str | None = None, activity: str | None = None, /, **data: Any
    ) -> None:
        # Positional for people, keywords for pydantic's own validation path.
        if jurisdiction is not None:
            data["jurisdiction"] = jurisdiction
        if activity is not None:
            data["activity"] = activity
        if isinstance(data.get("jurisdiction"), str):
            data["jurisdiction"] = _jurisdiction(data["jurisdiction"])
        super().__init__(**data)

    @field_validator("jurisdiction")
    @classmethod
    def _known_place(cls, value: str) -> str:
        return _jurisdiction(value)

    def __str__(self) -> str:
        return f"{self.activity} in {self.jurisdiction}"


class Gap(_Record):
    """One reason a credential is not (fully) recognised, with its legal basis and the way out."""

    code: GapCode
    severity: Severity
    message: str
    rule: str = Field(description="The id of the rule that raised it.")
    citation: str
    url: str | None = None
    remedy: str | None = None
    facts: dict[str, str] = Field(default_factory=dict, description="The facts the rule used.")


class Basis(_Record):
    """A rule that establishes recognition (native scheme, MRA grant, compact authority)."""

    rule: str
    message: str
    citation: str
    url: str | None = None
    scheme: str | None = None


class TraceStep(_Record):
    rule: str
    verdict: TraceVerdict
    message: str


class Assessment(_Record):
    """Whether the credentials count for the target on ``as_of``, and every gap in the way."""

    outcome: Outcome
    target: Target
    as_of: date
    hypothetical: bool = Field(description="True when bare claims were assessed as if verified.")
    gaps: tuple[Gap, ...] = ()
    bases: tuple[Basis, ...] = ()
    trace: tuple[TraceStep, ...] = ()

    @property
    def blockers(self) -> tuple[Gap, ...]:
        return tuple(g for g in self.gaps if g.severity is Severity.BLOCKER)

    def explain(self) -> str:
        """The trace as text: which rules were considered, which fired, and why."""
        head = f"{self.outcome.value.upper()}: {self.target} as of {self.as_of.isoformat()}"
        if self.hypothetical:
            head += " (hypothetical: claims assessed as if verified)"
        lines = [head]
        for basis in self.bases:
            lines.append(f"  basis  [{basis.rule}] {basis.message} ({basis.citation})")
        for gap in self.gaps:
            lines.append(f"  {gap.severity.value:<7} {gap.code.value} [{gap.rule}] {gap.message}")
            lines.append(f"          citation: {gap.citation}")
            if gap.remedy:
                lines.append(f"          remedy: {gap.remedy}")
        if self.trace:
            lines.append("  trace:")
            lines.extend(f"    {s.verdict.value:<7} {s.rule}: {s.message}" for s in self.trace)
        return "\n".join(lines)


class RowResult(_Record):
    """One input row of a batch, as it comes out: its columns, its claims, what the sources
    said, the screening, the assessment, or the error that stopped it. One per input row."""

    row: int = Field(description="The row's line number in the input file (the header is 1).")
    values: dict[str, str] = Field(description="The input columns, as read.")
    claims: tuple[Claim, ...] = ()
    checks: tuple[Check, ...] = ()
    screening: Screening | None = None
    assessment: Assessment | None = None
    error: str | None = Field(default=None, description="Why the row could not be processed.")
    notes: tuple[str, ...] = Field(
        default=(), description="What could not be done for a processed row (a screening)."
    )
    synthetic: bool = False

    @property
    def status(self) -> str:
        """The row's headline status: the error, else the weakest check status."""
        if self.error is not None:
            return "error"
        if not self.checks:
            return "no-claim"
        order = [
            CheckStatus.INVALID, CheckStatus.MISMATCH, CheckStatus.INACTIVE,
            CheckStatus.NOT_FOUND, CheckStatus.UNVERIFIABLE, CheckStatus.ATTESTED,
            CheckStatus.PARTIAL, CheckStatus.VERIFIED,
        ]  # fmt: skip
        return min((c.status for c in self.checks), key=order.index).value

    @property
    def outcome(self) -> str:
        return self.assessment.outcome.value if self.assessment else ""

    @property
    def gap_codes(self) -> list[str]:
        return sorted({g.code.value for g in self.assessment.gaps}) if self.assessment else []

    @property
    def top_remedy(self) -> str:
        """The remedy of the most severe gap that has one."""
        if not self.assessment:
            return ""
        return next((g.remedy for g in self.assessment.gaps if g.remedy), None) or ""

    @property
    def evidence_refs(self) -> list[str]:
        return [e.ref for c in self.checks for e in c.evidence]


_EXPORTED_MODELS: tuple[type[BaseModel], ...] = (
    Assessment,
    Check,
    Claim,
    Evidence,
    Gap,
    RegistryRecord,
    RowResult,
    Screening,
    Target,
)


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema of every public record, by record name."""
    return {model.__name__: model.model_json_schema() for model in _EXPORTED_MODELS}
