"""HMRC "Check an EORI number" API v1.0, United Kingdom: https://api.service.hmrc.gov.uk

The same check for people: https://www.gov.uk/check-eori-number. Spec: the public repository
hmrc/check-eori-number-api, ``public/api/conf/1.0/application.yaml``
(https://github.com/hmrc/check-eori-number-api).

``POST /customs/eori/lookup/check-multiple-eori`` with ``{"eoris": [...]}``, 1 to 10 numbers, open
access. The answer is an array of ``{eori, valid, processingDate, companyDetails?}``;
``companyDetails`` (trader name and address) is there only when the trader agreed to share it.
``valid`` is a JSON boolean and nothing else; ``"valid": false`` is the one "no such EORI" signal,
quoted. An array without an entry for an asked number, or an entry without a boolean ``valid``,
is a fault, never "not valid".
HMRC's own material is inconsistent in ways this module guards against: the spec's example echoes
a different EORI from the one asked (``GB123456729136`` for ``GB123456789136``), a 400 may be plain
text rather than the JSON error schema, and one bad number fails the whole batch with a 400 (the
batch is then split, so that the bad number sinks only itself; a 400 for one number is a fault
naming HMRC's message). XI (Northern Ireland) numbers are refused by the service: the EU's EOS
checks them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from credverify.adapters.base import (
    AdapterKind,
    Answer,
    BatchAdapter,
    BatchResults,
    Query,
    Request,
    SplitBatch,
    register,
)
from credverify.adapters.http import STATUS_OUTCOMES, Exchange
from credverify.adapters.text import clean
from credverify.records import RegistryRecord

__all__ = ["HmrcEoriAdapter"]

PATH = "/customs/eori/lookup/check-multiple-eori"
_GB_EORI = re.compile(r"GB[0-9]{12,15}")
CONSENT_NOTE = (
    "HMRC shows a trader's name and address only with the trader's consent; "
    "this trader has not given it, so the name cannot be confirmed here"
)
ADDRESS_FIELDS = {
    "streetAndNumber": "street_and_number",
    "cityName": "city_name",
    "postcode": "postcode",
}


@register
class HmrcEoriAdapter(BatchAdapter):
    """HMRC "Check an EORI number": is a GB EORI valid, and whose is it (if the trader consents)."""

    id = "gb.hmrc.eori"
    name = 'HMRC "Check an EORI number" API'
    short_name = "HMRC"
    schemes = ("gb.eori",)
    kind = AdapterKind.API
    default_base_url = "https://api.service.hmrc.gov.uk"
    # HMRC's API platform throttles at about 3 requests per second (Developer Hub guidance;
    # kept conservative rather than sourced).
    rate_limit = 3.0
    batch_size = 10
    parser_version = 2

    def refuses(self, query: Query) -> str | None:
        identifier = query.identifier or ""
        if identifier.startswith("XI"):
            return "HMRC's service checks GB numbers; XI numbers are checked in the EU's EOS"
        if not _GB_EORI.fullmatch(identifier):
            return "HMRC's service checks GB EORI numbers only (GB then 12 to 15 digits)"
        return None

    def batch_request(self, identifiers: list[str]) -> Request:
        return Request(
            PATH,
            method="POST",
            json={"eoris": identifiers},
            headers={"Accept": "application/vnd.hmrc.1.0+json"},
            accept=(200, 400),
        )

    def parse_batch(self, exchange: Exchange, identifiers: list[str]) -> BatchResults:
        if exchange.status_code == 400:
            if len(identifiers) > 1:
                # One bad number fails HMRC's whole batch: each is asked alone, sinking only itself.
                raise SplitBatch(f"HMRC rejected the batch (HTTP 400): {_error_message(exchange)}")
            failure, _, _ = STATUS_OUTCOMES[400]
            raise failure(
                f"HMRC rejected {identifiers[0]} (HTTP 400): {_error_message(exchange)}",
                evidence=(exchange.evidence,),
            )
        media = exchange.media_type
        if media != "application/json" and not media.endswith("+json"):
            raise self.layout_changed(exchange, f"sent {media or 'no content type'}, expected JSON")
        payload = exchange.json()
        if not isinstance(payload, list) or not all(isinstance(i, dict) for i in payload):
            raise self.layout_changed(exchange, "sent something other than an array of EORI checks")
        results: BatchResults = {}
        for item in payload:
            eori = item.get("eori")
            if not isinstance(eori, str):
                raise self.layout_changed(exchange, "sent an entry without an 'eori'")
            eori = eori.strip().upper()
            if eori in results:
                results[eori] = self.layout_changed(exchange, f"answered twice for {eori}")
                continue
            try:
                results[eori] = self._entry(exchange, eori, item)
            except Exception as error:  # an unreadable entry sinks only its own number
                results[eori] = self.failure(exchange, error)
        # An asked number without an entry is the base's missing-answer fault, never "not valid".
        return results

    def _entry(self, exchange: Exchange, eori: str, item: dict[str, Any]) -> Answer:
        """One entry of HMRC's array: a record, or ``"valid": false`` quoted as no result."""
        valid = item.get("valid")
        processed = item.get("processingDate")
        company = item.get("companyDetails")
        if not isinstance(valid, bool):
            raise self.layout_changed(
                exchange, f"sent an entry for {eori} whose 'valid' is {valid!r}, not true or false"
            )
        if not isinstance(company, dict | None):
            raise self.layout_changed(exchange, f"sent a malformed 'companyDetails' for {eori}")
        evidence = (exchange.evidence,)
        details = {"processing_date": processed} if isinstance(processed, str) else {}
        if not valid:
            when = f" (processed {processed})" if isinstance(processed, str) else ""
            return Answer(
                (),
                evidence,
                notes=(f"HMRC: {eori} is not a valid EORI{when}",),
                no_result='"valid": false',
            )
        company = company or {}
        address = company.get("address")
        for field, key in ADDRESS_FIELDS.items():
            value = address.get(field) if isinstance(address, dict) else None
            if isinstance(value, str) and clean(value):
                details[key] = clean(value)
        trader = company.get("traderName")
        holder = clean(trader) if isinstance(trader, str) and clean(trader) else None
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
