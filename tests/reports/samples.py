"""Batch rows a compliance team would meet, for the report tests: a verified supplier with its
evidence, a mismatch, a row that failed to parse, an assessment with gaps, a supplier whose name
is markup, a row without a claim, and a generator of many plain rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from credverify.records import (
    Assessment,
    Basis,
    Check,
    CheckStatus,
    Claim,
    Evidence,
    Finding,
    FindingOutcome,
    Gap,
    GapCode,
    Outcome,
    RegistryRecord,
    RowResult,
    Severity,
    Target,
)
from credverify.reports import RunInfo

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
COLUMNS = ("supplier", "country", "scheme", "identifier")
TARGET = Target("NL", "aeo-security-benefits")
SCRIPT_NAME = "<script>alert(1)</script>"
HMRC_URL = "https://api.service.hmrc.gov.uk/customs/eori/lookup/check-multiple-eori"
HMRC_SHA = "3f" * 32


def run_info(*, synthetic: bool = False, columns: tuple[str, ...] = COLUMNS) -> RunInfo:
    return RunInfo(
        source="suppliers.csv",
        columns=columns,
        target=str(TARGET),
        started=T0,
        finished=T0 + timedelta(seconds=42),
        synthetic=synthetic,
    )


def _values(supplier: str, country: str, scheme: str, identifier: str) -> dict[str, str]:
    return dict(zip(COLUMNS, (supplier, country, scheme, identifier), strict=True))


def verified() -> RowResult:
    """A UK supplier whose EORI HMRC confirms, recognised for the target."""
    claim = Claim(
        scheme="gb.eori", identifier="GB123456789000", holder="Acme Freight Ltd", jurisdiction="GB"
    )
    evidence = Evidence(
        adapter="gb.hmrc.eori",
        method="POST",
        url=HMRC_URL,
        status_code=200,
        retrieved_at=T0,
        sha256=HMRC_SHA,
        media_type="application/json",
        size=412,
    )
    check = Check(
        claim=claim,
        status=CheckStatus.VERIFIED,
        reason="HMRC confirms the EORI number and the trader's name.",
        adapter="gb.hmrc.eori",
        record=RegistryRecord(adapter="gb.hmrc.eori", identifier="GB123456789000", active=True),
        findings=(
            Finding(field="holder", outcome=FindingOutcome.CONFIRMED, claimed="Acme Freight Ltd"),
        ),
        evidence=(evidence,),
        checked_at=T0,
    )
    assessment = Assessment(
        outcome=Outcome.RECOGNIZED,
        target=TARGET,
        as_of=date(2026, 3, 2),
        hypothetical=False,
        bases=(
            Basis(
                rule="eu-gb-tca-aeo",
                message="The EU-UK TCA recognises UK AEOS for security benefits.",
                citation="TCA Annex 16",
            ),
        ),
    )
    return RowResult(
        row=2,
        values=_values("Acme Freight Ltd", "GB", "gb.eori", "GB123456789000"),
        claims=(claim,),
        checks=(check,),
        assessment=assessment,
    )


def mismatch() -> RowResult:
    """A Chinese supplier whose AEO code belongs to another company: not recognised."""
    claim = Claim(
        scheme="cn.aeo",
        tier="advanced",
        identifier="AEOCN4403960123",
        holder="Shenzhen Example Trading Co",
        jurisdiction="CN",
    )
    check = Check(
        claim=claim,
        status=CheckStatus.MISMATCH,
        reason="GACC lists AEOCN4403960123 for a different enterprise.",
        adapter="cn.gacc.credit",
        findings=(
            Finding(
                field="holder",
                outcome=FindingOutcome.CONTRADICTED,
                claimed="Shenzhen Example Trading Co",
                found="深圳市另一家贸易有限公司",
            ),
        ),
        evidence=(
            Evidence(
                adapter="cn.gacc.credit",
                method="GET",
                url="http://credit.customs.gov.cn/ccppserver/ccpp/queryList",
                status_code=200,
                retrieved_at=T0 + timedelta(seconds=3),
                sha256="a1" * 32,
            ),
        ),
        checked_at=T0 + timedelta(seconds=3),
    )
    gap = Gap(
        code=GapCode.CREDENTIAL_NOT_VERIFIED,
        severity=Severity.BLOCKER,
        message="The claimed AEO status could not be confirmed with GACC.",
        rule="credential-must-verify",
        citation="EU-China AEO MRA, Decision 2014/983/EU",
        remedy="Ask the supplier for its own AEOCN code and certificate.",
    )
    return RowResult(
        row=3,
        values=_values("Shenzhen Example Trading Co", "CN", "cn.aeo", "AEOCN4403960123"),
        claims=(claim,),
        checks=(check,),
        assessment=Assessment(
            outcome=Outcome.NOT_RECOGNIZED,
            target=TARGET,
            as_of=date(2026, 3, 2),
            hypothetical=False,
            gaps=(gap,),
        ),
    )


def error() -> RowResult:
    """A row the batch could not read: it still appears, with its error."""
    return RowResult(
        row=4,
        values=_values("Nameless BV", "NL", "", ""),
        error="row 4, column 'scheme': expected a scheme id such as 'eu.aeo', found nothing",
    )


def with_gaps() -> RowResult:
    """A Japanese exporter, verified, but recognised only in part: two gaps with remedies."""
    claim = Claim(
        scheme="jp.aeo",
        tier="exporter",
        identifier="1234567890123",
        holder="Example Kogyo K.K.",
        jurisdiction="JP",
    )
    check = Check(
        claim=claim,
        status=CheckStatus.VERIFIED,
        reason="Japan Customs lists the operator as an AEO exporter.",
        adapter="jp.customs.aeo",
        checked_at=T0,
    )
    gaps = (
        Gap(
            code=GapCode.IDENTIFIER_MAPPING_REQUIRED,
            severity=Severity.WARNING,
            message="EU customs need the 12-character Japanese MRA code, not the corporate number.",
            rule="jp-eu-mra-code",
            citation="Decision 2010/654/EU, Art. 4",
            url="https://eur-lex.europa.eu/eli/dec/2010/654/oj",
            remedy="Declare the JP MRA code (JPAEO + 7 digits) in the EU declaration.",
        ),
        Gap(
            code=GapCode.BENEFIT_NOT_COVERED,
            severity=Severity.INFO,
            message="The MRA covers security benefits only.",
            rule="jp-eu-mra-benefits",
            citation="Decision 2010/654/EU, Art. 3",
        ),
    )
    return RowResult(
        row=5,
        values=_values("Example Kogyo K.K.", "JP", "jp.aeo", "1234567890123"),
        claims=(claim,),
        checks=(check,),
        assessment=Assessment(
            outcome=Outcome.PARTIAL,
            target=TARGET,
            as_of=date(2026, 3, 2),
            hypothetical=False,
            gaps=gaps,
        ),
    )


def script_named() -> RowResult:
    """A supplier name that is markup: it must stay text in every report."""
    claim = Claim(scheme="eu.aeo", identifier="DEAEOF1234567", holder=SCRIPT_NAME)
    check = Check(
        claim=claim,
        status=CheckStatus.UNVERIFIABLE,
        reason=f"EOS did not answer for {SCRIPT_NAME} & co",
        adapter="eu.eos.aeo",
    )
    return RowResult(
        row=6,
        values=_values(SCRIPT_NAME, '"><img src=x onerror=alert(2)>', "eu.aeo", "DEAEOF1234567"),
        claims=(claim,),
        checks=(check,),
    )


def no_claim() -> RowResult:
    return RowResult(row=7, values=_values("Plain Supplies Ltd", "", "", ""))


def sample_rows() -> list[RowResult]:
    return [verified(), mismatch(), error(), with_gaps(), script_named(), no_claim()]


def generated(count: int) -> Iterator[RowResult]:
    """``count`` distinct verified rows, produced one at a time like rows read back from a store."""
    for index in range(count):
        identifier = f"GB{index:012d}"
        claim = Claim(scheme="gb.eori", identifier=identifier, jurisdiction="GB")
        check = Check(claim=claim, status=CheckStatus.VERIFIED, reason="HMRC confirms it.")
        yield RowResult(
            row=index + 2,
            values=_values(f"Supplier {index}", "GB", "gb.eori", identifier),
            claims=(claim,),
            checks=(check,),
        )
