"""FHIR R4 output: each check as a ``VerificationResult``, a batch as a ``Bundle`` (collection).

Field names and value sets follow the R4 ``VerificationResult`` resource
(https://hl7.org/fhir/R4/verificationresult.html).

``status`` (required; value set ``attested | validated | in-process | req-revalid | val-fail |
reval-fail``) from credverify's check status:

    ============== =============== ====================================================
    check status   FHIR status     why
    ============== =============== ====================================================
    verified       validated       the primary source confirmed every claimed field it shows
    partial        in-process      some fields confirmed; a person must finish the review
    attested       attested        evidence from the holder or a third party, not the source
    mismatch       val-fail        the source contradicts the claim
    not-found      val-fail        the source answered: no such record
    inactive       val-fail        expired, lapsed, suspended, revoked or deactivated
    invalid        val-fail        the identifier fails its format; nothing to validate
    unverifiable   req-revalid     the source could not answer (down, faulted, offline):
                                   validate again; never reported as validated or failed
    ============== =============== ====================================================

``reval-fail`` is never used: credverify does not know whether an earlier validation existed.

Other fields: ``statusDate`` is when the check ran (else its latest evidence); ``target`` is a
display-only reference to the claim (scheme, tier, identifier, holder, jurisdiction);
``validationType`` is ``primary`` when a registry answered (``multiple`` when more than one did),
``nothing`` otherwise; ``primarySource`` has one entry per exchange with a source (``who`` = the
adapter's official name, ``type``, ``communicationMethod`` from the adapter's kind,
``validationStatus`` successful / failed / unknown, ``validationDate`` = the evidence's retrieval
time); an attested check carries ``attestation``. credverify's own status, reason, findings and
evidence (URL, sha256) travel in one complex extension, ``urn:credverify:fhir:check``; a synthetic
check is tagged ``HTEST`` (test health data) in ``meta.security`` and flagged in that extension.

In a batch Bundle a row that has no check still appears once: as an ``OperationOutcome`` carrying
the row's error (severity ``error``) or saying it had no claim (severity ``information``). The
Bundle is streamed entry by entry, one entry per line, so a million rows never sit in memory.

Ids: every resource id is a name-based UUID (RFC 9562 version 5) of the run's identity, the row's
number, its position in the row and the row's content (its input values), so it satisfies FHIR's id
rule ``[A-Za-z0-9-.]{1,64}`` (https://hl7.org/fhir/R4/datatypes.html#id) whatever the input
file is called, and a re-run of the same input and options gives the same ids (a re-import
updates rather than duplicates). The Bundle's id is the UUID of the run's identity alone. Every
URL (evidence, messages) is shown without user info or secret query values.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from credverify.records import Check, CheckStatus, Claim, Evidence, RowResult
from credverify.reports._common import RunInfo, Summary, scrub

__all__ = [
    "CHECK_EXTENSION",
    "STATUS",
    "check_to_verification_result",
    "row_to_resources",
    "write",
]

CHECK_EXTENSION = "urn:credverify:fhir:check"
"""The complex extension carrying credverify's own verdict on a check."""

STATUS: dict[CheckStatus, str] = {
    CheckStatus.VERIFIED: "validated",
    CheckStatus.PARTIAL: "in-process",
    CheckStatus.ATTESTED: "attested",
    CheckStatus.MISMATCH: "val-fail",
    CheckStatus.NOT_FOUND: "val-fail",
    CheckStatus.INACTIVE: "val-fail",
    CheckStatus.INVALID: "val-fail",
    CheckStatus.UNVERIFIABLE: "req-revalid",
}

_VALIDATION_STATUS: dict[CheckStatus, tuple[str, str]] = {
    CheckStatus.VERIFIED: ("successful", "Successful"),
    CheckStatus.MISMATCH: ("failed", "Failed"),
    CheckStatus.NOT_FOUND: ("failed", "Failed"),
    CheckStatus.INACTIVE: ("failed", "Failed"),
}
_UNKNOWN = ("unknown", "Unknown")

# Statuses that mean a registry answered about the claim (a primary-source validation took place).
_ANSWERED = {
    CheckStatus.VERIFIED,
    CheckStatus.PARTIAL,
    CheckStatus.MISMATCH,
    CheckStatus.NOT_FOUND,
    CheckStatus.INACTIVE,
}

_SYSTEM = "http://terminology.hl7.org/CodeSystem/"
_SOURCE_TYPES = {
    "issuer": "Issuing source",
    "lic-board": "License Board",
    "reg-auth": "Registration Authority",
    "auth-source": "Authoritative source",
}
_SOURCE_TYPE_BY_ADAPTER = {
    "gb.hmrc.eori": "issuer",
    "jp.customs.aeo": "issuer",
    "cn.gacc.credit": "issuer",
    "us.nppes.npi": "issuer",
    "us.cbp.ctpat": "issuer",
    "gb.hcpc.register": "lic-board",
    "us.psypact.register": "lic-board",
    "gb.bacp.register": "reg-auth",
}  # anything else (the EU's EOS directories, the demo snapshot, plugins): auth-source
_METHODS = {"manual": "Manual", "portal": "Portal", "pull": "Pull"}
_METHOD_BY_KIND = {
    "api": "pull",
    "soap": "pull",
    "snapshot": "pull",
    "html": "portal",
    "attestation": "manual",
}
_HTEST = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
    "code": "HTEST",
    "display": "test health data",
}
_ID_NAMESPACE = uuid.UUID("5b0e2f8c-4f7e-5d39-9a53-6c7265647665")


def check_to_verification_result(
    check: Check, *, row: int | None = None, synthetic: bool = False
) -> dict[str, Any]:
    """An R4 ``VerificationResult`` for one check, as a JSON-ready dict.

    ``row`` (the input line) and ``synthetic`` (a demo run) are recorded in the extension;
    the check's own ``synthetic`` flag counts too.
    """
    synthetic = synthetic or check.synthetic or any(e.synthetic for e in check.evidence)
    resource: dict[str, Any] = {"resourceType": "VerificationResult"}
    if synthetic:
        resource["meta"] = {"security": [_HTEST]}
    resource["extension"] = [_check_extension(check, row=row, synthetic=synthetic)]
    resource["target"] = [{"display": _claim_display(check.claim)}]
    resource["status"] = STATUS[check.status]
    status_date = check.checked_at or max((e.retrieved_at for e in check.evidence), default=None)
    if status_date is not None:
        resource["statusDate"] = _datetime(status_date)
    resource["validationType"] = _validation_type(check)
    if check.status in _ANSWERED and status_date is not None:
        resource["lastPerformed"] = _datetime(status_date)
    sources = [_primary_source(check, e.adapter, e.retrieved_at) for e in check.evidence]
    if not sources and check.adapter and check.status in _ANSWERED:
        sources = [_primary_source(check, check.adapter, check.checked_at)]
    if sources:
        resource["primarySource"] = sources
    if check.status is CheckStatus.ATTESTED:
        attestation: dict[str, Any] = {
            "who": {"display": check.claim.holder or "the credential holder"},
            "communicationMethod": _concept("verificationresult-communication-method", "manual"),
        }
        if status_date is not None:
            attestation["date"] = status_date.date().isoformat()
        resource["attestation"] = attestation
    scrubbed: dict[str, Any] = scrub(resource)
    return scrubbed


def row_to_resources(row: RowResult, run: RunInfo) -> list[dict[str, Any]]:
    """The resources of one batch row: a ``VerificationResult`` per check, or one
    ``OperationOutcome`` when the row has an error or no check."""
    synthetic = row.synthetic or run.synthetic
    if row.error is None and row.checks:
        return [
            check_to_verification_result(check, row=row.row, synthetic=synthetic)
            for check in row.checks
        ]
    if row.error is not None:
        severity, code, text = "error", "processing", row.error
    else:
        severity, code, text = "information", "informational", "the row has no claim to verify"
    outcome: dict[str, Any] = {"resourceType": "OperationOutcome"}
    if synthetic:
        outcome["meta"] = {"security": [_HTEST]}
    outcome["extension"] = [_extension([("row", "valueInteger", row.row)], synthetic)]
    outcome["issue"] = [
        {"severity": severity, "code": code, "diagnostics": f"row {row.row}: {text}"}
    ]
    scrubbed: dict[str, Any] = scrub(outcome)
    return [scrubbed]


def write(path: Path, rows: Iterable[RowResult], run: RunInfo, summary: Summary) -> None:
    """A ``Bundle`` of type ``collection``, written one entry per line."""
    head: dict[str, Any] = {"resourceType": "Bundle", "id": str(_uuid(_run_key(run), "bundle"))}
    if run.synthetic:
        head["meta"] = {"security": [_HTEST]}
    head["type"] = "collection"
    head["timestamp"] = _datetime(run.finished)
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "entry": ['
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(opening)
        separator = "\n"
        for entry in _entries(rows, run):
            out.write(separator + json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
            separator = ",\n"
        out.write("\n]}\n")


def _entries(rows: Iterable[RowResult], run: RunInfo) -> Iterator[dict[str, Any]]:
    run_key = _run_key(run)
    for row in rows:
        content = hashlib.sha256(
            json.dumps(row.values, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        for index, resource in enumerate(row_to_resources(row, run)):
            ident = _uuid(run_key, f"{row.row}.{index}.{content}")
            yield {
                "fullUrl": f"urn:uuid:{ident}",
                "resource": {
                    "resourceType": resource["resourceType"],
                    "id": str(ident),
                    **resource,
                },
            }


def _run_key(run: RunInfo) -> str:
    """The run's identity; outside a batch run, what describes it (never the file's name, which
    may hold anything and says nothing about the content)."""
    if run.run_id:
        return run.run_id
    return json.dumps([list(run.columns), run.target, run.synthetic], ensure_ascii=False)


def _uuid(run_key: str, name: str) -> uuid.UUID:
    # Stable across re-runs of one input, so a re-import updates rather than duplicates.
    return uuid.uuid5(_ID_NAMESPACE, f"{run_key}#{name}")


def _claim_display(claim: Claim) -> str:
    parts = [claim.scheme, claim.tier, claim.identifier]
    text = " ".join(p for p in parts if p)
    if claim.holder:
        text += f", held by {claim.holder}"
    if claim.jurisdiction:
        text += f" ({claim.jurisdiction})"
    return text


def _validation_type(check: Check) -> dict[str, Any]:
    if check.status not in _ANSWERED or not (check.adapter or check.evidence):
        return _concept("validation-type", "nothing", "Nothing")
    adapters = {e.adapter for e in check.evidence} | ({check.adapter} if check.adapter else set())
    if len(adapters) > 1:
        return _concept("validation-type", "multiple", "Multiple Sources")
    return _concept("validation-type", "primary", "Primary Source")


def _primary_source(check: Check, adapter: str, when: datetime | None) -> dict[str, Any]:
    name, kind = _adapter_info(adapter)
    source_type = _SOURCE_TYPE_BY_ADAPTER.get(adapter, "auth-source")
    method = _METHOD_BY_KIND.get(kind, "pull")
    code, display = _VALIDATION_STATUS.get(check.status, _UNKNOWN)
    source: dict[str, Any] = {
        "who": {"display": name},
        "type": [_concept("primary-source-type", source_type, _SOURCE_TYPES[source_type])],
        "communicationMethod": [
            _concept("verificationresult-communication-method", method, _METHODS[method])
        ],
        "validationStatus": _concept("validation-status", code, display),
    }
    if when is not None:
        source["validationDate"] = _datetime(when)
    return source


@cache
def _adapter_names() -> dict[str, tuple[str, str]]:
    try:
        from credverify.adapters.base import available

        return {key: (cls.name, cls.kind.value) for key, cls in available().items()}
    except Exception:  # a report must not fail because an adapter cannot be imported
        return {}


def _adapter_info(adapter: str) -> tuple[str, str]:
    """The adapter's official name and kind; its id and ``api`` when it is not installed."""
    return _adapter_names().get(adapter, (adapter, "api"))


def _check_extension(check: Check, *, row: int | None, synthetic: bool) -> dict[str, Any]:
    claim = check.claim
    fields: list[tuple[str, str, Any]] = [
        ("status", "valueCode", check.status.value),
        ("reason", "valueString", check.reason),
        ("scheme", "valueString", claim.scheme),
        ("tier", "valueString", claim.tier),
        ("identifier", "valueString", claim.identifier),
        ("holder", "valueString", claim.holder),
        ("jurisdiction", "valueString", claim.jurisdiction),
        ("adapter", "valueString", check.adapter),
        ("fromCache", "valueBoolean", check.from_cache),
        ("row", "valueInteger", row),
    ]
    extension = _extension(fields, synthetic)
    for finding in check.findings:
        extension["extension"].append(
            _extension(
                [
                    ("field", "valueString", finding.field),
                    ("outcome", "valueCode", finding.outcome.value),
                    ("claimed", "valueString", finding.claimed),
                    ("found", "valueString", finding.found),
                    ("note", "valueString", finding.note),
                ],
                url="finding",
            )
        )
    extension["extension"].extend(_evidence_extension(e) for e in check.evidence)
    return extension


def _evidence_extension(evidence: Evidence) -> dict[str, Any]:
    return _extension(
        [
            ("adapter", "valueString", evidence.adapter),
            ("method", "valueString", evidence.method),
            ("url", "valueUri", evidence.url),
            ("statusCode", "valueInteger", evidence.status_code),
            ("retrievedAt", "valueDateTime", _datetime(evidence.retrieved_at)),
            ("sha256", "valueString", evidence.sha256),
            ("mediaType", "valueString", evidence.media_type),
        ],
        url="evidence",
    )


def _extension(
    fields: list[tuple[str, str, Any]], synthetic: bool = False, *, url: str = CHECK_EXTENSION
) -> dict[str, Any]:
    # FHIR forbids empty strings and nulls: absent values are left out.
    parts = [{"url": name, kind: value} for name, kind, value in fields if value not in (None, "")]
    if synthetic:
        parts.append({"url": "synthetic", "valueBoolean": True})
    return {"url": url, "extension": parts}


def _concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": _SYSTEM + system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _datetime(moment: datetime) -> str:
    """A FHIR dateTime: with a time zone (naive times are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat().replace("+00:00", "Z")
