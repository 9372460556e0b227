"""CBP Customs Trade Partnership Against Terrorism (CTPAT), United States: attestation only.

https://ctpat.cbp.dhs.gov (the CTPAT Security Link Portal, login only);
https://www.cbp.gov/border-security/ports-entry/cargo-security/ctpat (the programme).

No public CTPAT registry exists. The Status Verification Interface moved into the portal in 2006
and is consent-based between certified partners; a non-member can only be shown evidence by the
partner, such as the portal's "Send Certification Email" (from industry.partnership@dhs.gov) or a
portal export (shared/reference/trade.md §3.7). So this adapter never sends a request:
``CtpatAttestationAdapter.attest(claim)`` records the holder's evidence as an *attestation* (the
verifier reports it as ``attested``, never ``verified``), and ``lookup`` always fails with the
same explanation.
"""

from __future__ import annotations

import re

from credverify.adapters.base import Adapter, AdapterKind, Answer, Query, register
from credverify.errors import LookupFailed
from credverify.records import Attachment, Claim, RegistryRecord

__all__ = ["ATTESTATION_NOTE", "NO_REGISTRY", "CtpatAttestationAdapter"]

NO_REGISTRY = (
    "no public CTPAT registry exists: supply the holder's evidence (the certification email from "
    "industry.partnership@dhs.gov or a portal export) to record an attestation"
)
ATTESTATION_NOTE = (
    "no public CTPAT registry exists; this is evidence the holder supplied, not the primary source"
)
STATUS = "attested by the holder"

_SHA256 = re.compile(r"[0-9a-f]{64}")


@register
class CtpatAttestationAdapter(Adapter):
    """CTPAT status as the holder's evidence shows it: an attestation, never a verification."""

    id = "us.cbp.ctpat"
    name = "CBP CTPAT (attestation: no public registry)"
    schemes = ("us.ctpat",)
    kind = AdapterKind.ATTESTATION
    default_base_url = "https://ctpat.cbp.dhs.gov"

    async def lookup(self, query: Query) -> Answer:
        """A query carries no evidence, and there is no registry to ask: always fails."""
        raise LookupFailed(NO_REGISTRY)

    def attest(self, claim: Claim) -> Answer:
        """Record the claim as the holder's attachments support it; no request is made.

        Raises LookupFailed when the claim has no evidence, or an attachment has no name or no
        sha256 (64 hex digits) to identify the document by.
        """
        if not claim.evidence:
            raise LookupFailed(NO_REGISTRY)
        details = {"evidence_count": str(len(claim.evidence))}
        for number, attachment in enumerate(claim.evidence, start=1):
            details[f"attachment_{number}"] = _describe(number, attachment)
        record = RegistryRecord(
            adapter=self.id,
            identifier=claim.identifier,
            holder=claim.holder,
            scheme="us.ctpat",
            tier=claim.tier,
            jurisdiction="US",
            status=STATUS,
            details=details,
        )
        return Answer(records=(record,), evidence=(), notes=(ATTESTATION_NOTE,))


def _describe(number: int, attachment: Attachment) -> str:
    """One attachment as a line of the record's details: name, sha256, media type, description."""
    name = attachment.name.strip()
    digest = attachment.sha256.strip().lower()
    if not name:
        raise LookupFailed(f"CTPAT evidence: attachment {number} has no name")
    if not _SHA256.fullmatch(digest):
        raise LookupFailed(
            f"CTPAT evidence: attachment {number} ({name!r}): sha256 {attachment.sha256!r} is not "
            "64 hex digits; expected the document's SHA-256 digest"
        )
    parts = [name, f"sha256 {digest}"]
    if attachment.media_type:
        parts.append(attachment.media_type.strip())
    if attachment.description:
        parts.append(" ".join(attachment.description.split()))
    return "; ".join(parts)
