"""CTPAT has no public registry: the adapter reads the holder's evidence (the query's
attachments) through the base flow, records it as an attestation, and never sends a request."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from credverify.adapters.base import AdapterKind, Answer, Query, available
from credverify.adapters.http import Http
from credverify.adapters.us_cbp_ctpat import (
    ATTESTATION_NOTE,
    NO_REGISTRY,
    CtpatAttestationAdapter,
)
from credverify.errors import LookupFailed, Refused
from credverify.records import Attachment, CheckStatus, Claim
from credverify.store import Store
from credverify.verifier import Verifier

EMAIL = Attachment(
    name="ctpat-certification.eml",
    sha256="3f" * 32,
    media_type="message/rfc822",
    description="Send Certification Email from industry.partnership@dhs.gov",
)
EXPORT = Attachment(name="portal-export.pdf", sha256="A0" * 32)
CLAIM = Claim(
    scheme="us.ctpat",
    tier="tier-2",
    identifier="91-1234567",  # a made-up EIN that passes the format check
    holder="Synthetic Imports LLC",
    evidence=(EMAIL, EXPORT),
)


@pytest.fixture
def sent() -> list[httpx.Request]:
    return []


@pytest.fixture
def adapter(tmp_path: Path, sent: list[httpx.Request]) -> CtpatAttestationAdapter:
    def refuse(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    http = Http(Store(tmp_path / "s.sqlite3"), transport=httpx.MockTransport(refuse))
    return CtpatAttestationAdapter(http)


def attest(adapter: CtpatAttestationAdapter, claim: Claim = CLAIM) -> Answer:
    query = Query(scheme=claim.scheme, identifier=claim.identifier, holder=claim.holder,
                  tier=claim.tier, attachments=claim.evidence)  # fmt: skip
    return asyncio.run(adapter.lookup(query))


def test_the_adapter_is_an_attestation_for_ctpat() -> None:
    assert available()["us.cbp.ctpat"] is CtpatAttestationAdapter
    assert CtpatAttestationAdapter.kind is AdapterKind.ATTESTATION
    assert CtpatAttestationAdapter.schemes == ("us.ctpat",)
    assert CtpatAttestationAdapter.default_base_url == "https://ctpat.cbp.dhs.gov"


def test_a_lookup_with_evidence_records_what_the_holder_supplied(
    adapter: CtpatAttestationAdapter, sent: list[httpx.Request]
) -> None:
    answer = attest(adapter)
    (record,) = answer.records
    assert record.adapter == "us.cbp.ctpat"
    assert (record.holder, record.identifier, record.tier) == (
        "Synthetic Imports LLC",
        "91-1234567",
        "tier-2",
    )
    assert (record.scheme, record.jurisdiction) == ("us.ctpat", "US")
    assert record.status == "attested by the holder"
    assert record.details == {
        "evidence_count": "2",
        "attachment_1": "ctpat-certification.eml; sha256 " + "3f" * 32 + "; message/rfc822; "
        "Send Certification Email from industry.partnership@dhs.gov",
        "attachment_2": "portal-export.pdf; sha256 " + "a0" * 32,
    }
    assert answer.notes == (ATTESTATION_NOTE,)
    assert "not the primary source" in ATTESTATION_NOTE
    (evidence,) = answer.evidence  # the attachments as read, never a registry exchange
    assert evidence.method == "ATTESTATION"
    assert evidence.url == "attachments:ctpat-certification.eml,portal-export.pdf"
    assert sent == []


def test_a_lookup_without_evidence_is_refused_saying_what_to_supply(
    adapter: CtpatAttestationAdapter,
) -> None:
    with pytest.raises(Refused) as failure:
        attest(adapter, CLAIM.model_copy(update={"evidence": ()}))
    assert str(failure.value) == NO_REGISTRY
    assert "industry.partnership@dhs.gov" in str(failure.value)


def test_an_attachment_without_a_sha256_digest_is_refused(
    adapter: CtpatAttestationAdapter,
) -> None:
    unhashed = Attachment(name="certificate.png", sha256="not-a-digest")
    with pytest.raises(LookupFailed, match=r"attachment 2 \('certificate\.png'\): sha256"):
        attest(adapter, CLAIM.model_copy(update={"evidence": (EMAIL, unhashed)}))


def test_the_flow_is_the_base_one_and_never_asks_anyone(
    adapter: CtpatAttestationAdapter, sent: list[httpx.Request]
) -> None:
    assert "lookup" not in vars(CtpatAttestationAdapter)
    query = Query(scheme="us.ctpat", identifier="91-1234567", holder="Synthetic Imports LLC")
    with pytest.raises(LookupFailed) as failure:
        asyncio.run(adapter.lookup(query))
    assert str(failure.value) == NO_REGISTRY
    attest(adapter)
    assert sent == []


def test_other_evidence_for_the_same_identifier_is_another_answer(
    adapter: CtpatAttestationAdapter,
) -> None:
    only_email = CLAIM.model_copy(update={"evidence": (EMAIL,)})
    verifier = Verifier(offline=True)
    both, one = verifier.verify_many([CLAIM, only_email])
    assert both.record is not None
    assert one.record is not None
    assert (both.record.details["evidence_count"], one.record.details["evidence_count"]) == (
        "2",
        "1",
    )


def test_the_verifier_reports_evidence_as_attested_and_no_evidence_as_unverifiable() -> None:
    verifier = Verifier(offline=True)
    attested = verifier.verify(CLAIM)
    assert attested.status is CheckStatus.ATTESTED
    assert attested.reason == ATTESTATION_NOTE
    assert attested.record is not None
    assert attested.record.tier == "tier-2"
    bare = verifier.verify(CLAIM.model_copy(update={"evidence": ()}))
    assert bare.status is CheckStatus.UNVERIFIABLE
    assert NO_REGISTRY in bare.reason
