"""HMRC "Check an EORI number" API v1.0, United Kingdom: https://api.service.hmrc.gov.uk

The same check for people: https://www.gov.uk/check-eori-number. Spec: the public repository
hmrc/check-eori-number-api, ``public/api/conf/1.0/application.yaml`` (reference/trade.md §3.1).

``POST /customs/eori/lookup/check-multiple-eori`` with ``{"eoris": [...]}``, 1 to 10 numbers, open
access. The answer is an array of ``{eori, valid, processingDate, companyDetails?}``;
``companyDetails`` (trader name and address) is there only when the trader agreed to share it.
HMRC's own material is inconsistent in ways this module guards against: the spec's example echoes
a different EORI from the one asked (``GB123456729136`` for ``GB123456789136``), a 400 may be plain
text rather than the JSON error schema, and one bad number fails the whole batch with a 400. XI
(Northern Ireland) numbers are refused by the service: the EU's EOS checks them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from typing import Any

from credverify.adapters.base import (
    AdapterKind,
    Answer,
    BatchAdapter,
    BatchResults,
    Query,
    missing_answer,
    register,
)
from credverify.adapters.http import STATUS_OUTCOMES, Exchange
from credverify.errors import LayoutChanged, LookupFailed
from credverify.records import Evidence, RegistryRecord

__all__ = ["HmrcEoriAdapter"]

_GB_EORI = re.compile(r"GB[0-9]{12,15}")
CONSENT_NOTE = (
    "HMRC shows a trader's name and address only with the trader's consent; "
    "this trader has not given it, so the name cannot be confirmed here"
)


def _with_prior(result: Answer | LookupFailed, prior: Evidence) -> Answer | LookupFailed:
    """The result with an earlier exchange (the batch that was split) added to its evidence."""
    if isinstance(result, Answer):
        return dataclasses.replace(result, evidence=(prior, *result.evidence))
    return type(result)(result.message, evidence=(prior, *result.evidence))


@register
class HmrcEoriAdapter(BatchAdapter):
    """HMRC "Check an EORI number": is a GB EORI valid, and whose is it (if the trader consents)."""

    id = "gb.hmrc.eori"
    name = 'HMRC "Check an EORI number" API'
    schemes = ("gb.eori",)
    kind = AdapterKind.API
    default_base_url = "https://api.service.hmrc.gov.uk"
    # HMRC's API platform throttles at about 3 requests per second (Developer Hub guidance;
    # not in reference/trade.md, so kept conservative rather than sourced).
    rate_limit = 3.0
    batch_size = 10

    def refuses(self, query: Query) -> str | None:
        identifier = query.identifier or ""
        if identifier.startswith("XI"):
            return "HMRC's service checks GB numbers; XI numbers are checked in the EU's EOS"
        if not _GB_EORI.fullmatch(identifier):
            return "HMRC's service checks GB EORI numbers only (GB then 12 to 15 digits)"
        return None

    async def lookup_batch(self, eoris: list[str]) -> BatchResults:
        exchange = await self.http.request(
            self,
            "POST",
            self.endpoint("/customs/eori/lookup/check-multiple-eori"),
            json={"eoris": eoris},
            headers={"Accept": "application/vnd.hmrc.1.0+json"},
            accept=(200, 400),
        )
        if exchange.status_code == 400:
            if len(eoris) > 1:
                # One bad number fails HMRC's whole batch: ask each alone, so it sinks only itself.
                singles = await asyncio.gather(*(self.settle([e]) for e in eoris))
                return {
                    eori: _with_prior(result, exchange.evidence)
                    for single in singles
                    for eori, result in single.items()
                }
            failure, _, _ = STATUS_OUTCOMES[400]
            raise failure(
                f"HMRC rejected {eoris[0]} (HTTP 400): {_error_message(exchange)}",
                evidence=(exchange.evidence,),
            )
        return self._parse(exchange, eoris)

    def _parse(self, exchange: Exchange, eoris: list[str]) -> BatchResults:
        evidence = (exchange.evidence,)
        media = exchange.media_type
        if media != "application/json" and not media.endswith("+json"):
            raise LayoutChanged(
                f"layout changed: expected JSON, got {media or 'no content type'}",
                evidence=evidence,
            )
        payload = exchange.json()
        if not isinstance(payload, list) or not all(isinstance(i, dict) for i in payload):
            raise LayoutChanged(
                "layout changed: the answer is not an array of EORI checks", evidence=evidence
            )
        by_eori: dict[str, dict[str, Any]] = {}
        for item in payload:
            if isinstance(item.get("eori"), str):
                by_eori.setdefault(item["eori"].strip().upper(), item)
        results: BatchResults = {}
        for eori in eoris:
            item = by_eori.get(eori)
            if item is None:
                results[eori] = missing_answer(eori, eoris, by_eori, evidence, what="EORI")
                continue
            try:
                results[eori] = self._answer(eori, item, evidence)
            except LayoutChanged as failure:
                results[eori] = failure
        return results

    def _answer(self, eori: str, item: dict[str, Any], evidence: tuple[Evidence, ...]) -> Answer:
        valid = item.get("valid")
        processed = item.get("processingDate")
        company = item.get("companyDetails")
        if not isinstance(valid, bool) or not isinstance(company, dict | None):
            raise LayoutChanged(
                f"layout changed: the entry for {eori} has no boolean 'valid' "
                "or a malformed 'companyDetails'",
                evidence=evidence,
            )
        details = {"processing_date": processed} if isinstance(processed, str) else {}
        if not valid:
            when = f" (processed {processed})" if isinstance(processed, str) else ""
            return Answer(
                records=(), evidence=evidence, notes=(f"HMRC: {eori} is not a valid EORI{when}",)
            )
        company = company or {}
        holder = company.get("traderName")
        address = company.get("address")
        for key, field in (
            ("street_and_number", "streetAndNumber"),
            ("city_name", "cityName"),
            ("postcode", "postcode"),
        ):
            value = address.get(field) if isinstance(address, dict) else None
            if isinstance(value, str) and value.strip():
                details[key] = value.strip()
        holder = holder.strip() if isinstance(holder, str) and holder.strip() else None
        record = RegistryRecord(
            adapter=self.id,
            identifier=eori,
            holder=holder,
            scheme="gb.eori",
            jurisdiction="GB",
            status="valid",
            active=True,
            details=details,
        )
        if holder is None:
            return Answer((record,), evidence, unconfirmable=("holder",), notes=(CONSENT_NOTE,))
        return Answer((record,), evidence)


def _error_message(exchange: Exchange) -> str:
    """HMRC's 400 message: the JSON error schema ``{code, message}``, or plain text."""
    try:
        payload = json.loads(exchange.body)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if isinstance(payload, dict) and isinstance(payload.get("message"), str):
        code = payload.get("code")
        return f"{code}: {payload['message']}" if isinstance(code, str) else payload["message"]
    text = " ".join(exchange.body.decode("utf-8", errors="replace").split())
    return text[:300] or "no message"
