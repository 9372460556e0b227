"""CBP Customs Trade Partnership Against Terrorism (CTPAT), United States: attestation only.

https://ctpat.cbp.dhs.gov (the CTPAT Security Link Portal, login only);
https://www.cbp.gov/border-security/ports-entry/cargo-security/ctpat (the programme).

No public CTPAT registry exists. The Status Verification Interface moved into the portal in 2006
and is consent-based between certified partners; a non-member can only be shown evidence by the
partner, such as the portal's "Send Certification Email" (from industry.partnership@dhs.gov) or a
portal export. So this adapter never sends a request: its "source" is the claim's own evidence
(``Query.attachments``). :meth:`~CtpatAttestationAdapter.fetch` turns the attachments into an
exchange (their names, digests and media types as JSON; no network) and
:meth:`~CtpatAttestationAdapter.parse` records them as an *attestation*: the verifier reports it
as ``attested``, never ``verified``. A query without attachments is refused with the same
explanation; an attachment without a name or a SHA-256 digest is a fault. There is no no-result
signal: this source can never say "no such record".
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx

from credverify.adapters.base import Adapter, AdapterKind, Answer, Query, register
from credverify.adapters.http import Exchange
from credverify.adapters.text import clean
from credverify.errors import LookupFailed
from credverify.records import Attachment, Evidence, RegistryRecord

__all__ = ["ATTESTATION_NOTE", "NO_REGISTRY", "CtpatAttestationAdapter"]

NO_REGISTRY = (
    "no public CTPAT registry exists: supply the holder's evidence (the certification email from "
    "industry.partnership@dhs.gov or a portal export) to record an attestation"
)
ATTESTATION_NOTE = (
    "no public CTPAT registry exists; this is evidence the holder supplied, not the primary source"
)
STATUS = "attested by the holder"
MEDIA_TYPE = "application/json"

_SHA256 = re.compile(r"[0-9a-f]{64}")


@register
class CtpatAttestationAdapter(Adapter):
    """CTPAT status as the holder's evidence shows it: an attestation, never a verification."""

    id = "us.cbp.ctpat"
    name = "CBP CTPAT (attestation: no public registry)"
    short_name = "CTPAT"
    schemes = ("us.ctpat",)
    kind = AdapterKind.ATTESTATION
    default_base_url = "https://ctpat.cbp.dhs.gov"
    parser_version = 2

    def refuses(self, query: Query) -> str | None:
        return None if query.attachments else NO_REGISTRY

    def request_key(self, query: Query) -> str:
        # The answer is the evidence itself: two claims with other documents are other answers.
        return query.key()

    async def fetch(self, query: Query) -> Exchange:
        """The holder's attachments as an exchange; nothing is sent anywhere."""
        body = json.dumps(
            [a.model_dump(mode="json") for a in query.attachments], ensure_ascii=False
        ).encode()
        digest = hashlib.sha256(body).hexdigest()
        if self.http.store is not None:
            self.http.store.put_blob(body, MEDIA_TYPE)
        evidence = Evidence(
            adapter=self.id,
            method="ATTESTATION",
            url="attachments:" + ",".join(clean(a.name) for a in query.attachments),
            retrieved_at=datetime.now(UTC),
            sha256=digest,
            media_type=MEDIA_TYPE,
            size=len(body),
        )
        headers = httpx.Headers({"content-type": f"{MEDIA_TYPE}; charset=utf-8"})
        return Exchange(200, headers, body, evidence)

    def parse(self, exchange: Exchange, query: Query) -> Answer:
        """One record of what the attachments support; a fault when one cannot be identified."""
        items: Any = exchange.json()
        if not isinstance(items, list) or not items:
            raise LookupFailed(NO_REGISTRY)
        attachments = [Attachment.model_validate(item) for item in items]
        details = {"evidence_count": str(len(attachments))}
        for number, attachment in enumerate(attachments, start=1):
            details[f"attachment_{number}"] = _describe(number, attachment)
        record = RegistryRecord(
            adapter=self.id,
            identifier=query.identifier,
            holder=query.holder,
            scheme="us.ctpat",
            tier=query.tier,
            jurisdiction="US",
            status=STATUS,
            details=details,
        )
        return Answer(records=(record,), evidence=(exchange.evidence,), notes=(ATTESTATION_NOTE,))


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
        parts.append(clean(attachment.description))
    return "; ".join(parts)
