"""EOS EORI validation, EU: https://ec.europa.eu/taxation_customs/dds2/eos/eori_validation.jsp

The European Commission's SOAP service; WSDL:
https://ec.europa.eu/taxation_customs/dds2/eos/validation/services/validation?wsdl
(reference/trade.md §3.2, as used by public clients).

Operation ``validateEORI`` in namespace ``http://eori.ws.eos.dds.s/`` takes up to 10
``<eori:eori>`` and answers ``return/requestDate`` plus one ``result`` per number: ``eori``,
``status`` (``0`` valid, ``1`` not valid), ``statusDescr``, and ``name``, ``address``,
``street``, ``postalCode``, ``city``, ``country`` only when the trader consented to publication.
EOS holds EU and XI (Northern Ireland) numbers, not GB ones. Faults come as a SOAP Fault, usually
with HTTP 500; the VIES-style busy codes (``MS_MAX_CONCURRENT_REQ``...) say nothing about the
number, so they are faults, never "not valid". Answers are parsed with defusedxml, DTDs refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

from credverify.adapters import soap
from credverify.adapters.base import (
    AdapterKind,
    Answer,
    BatchAdapter,
    BatchResults,
    Query,
    missing_answer,
    register,
)
from credverify.adapters.http import Exchange
from credverify.errors import LayoutChanged, LookupFailed, RegistryUnavailable
from credverify.records import Evidence, RegistryRecord

__all__ = ["EosEoriAdapter"]

EOS_NS = "http://eori.ws.eos.dds.s/"
PATH = "/taxation_customs/dds2/eos/validation/services/validation"
CONSENT_NOTE = (
    "EOS shows a trader's name and address only with the trader's consent; "
    "this trader has not given it, so the name cannot be confirmed here"
)
DETAIL_FIELDS = {
    "statusDescr": "status_descr",
    "address": "address",
    "street": "street",
    "postalCode": "postal_code",
    "city": "city",
    "country": "country",
}


def envelope(eoris: Sequence[str]) -> bytes:
    """The SOAP 1.1 request for ``eoris``, every value XML-escaped."""
    items = "".join(f"<eori:eori>{escape(e)}</eori:eori>" for e in eoris)
    return soap.envelope("eori", EOS_NS, f"<eori:validateEORI>{items}</eori:validateEORI>")


@register
class EosEoriAdapter(BatchAdapter):
    """EU EOS ``validateEORI``: is an EU or XI EORI valid, and whose is it (with consent)."""

    id = "eu.eos.eori"
    name = "European Commission EOS EORI validation service"
    schemes = ("eu.eori", "gb.eori")
    kind = AdapterKind.SOAP
    default_base_url = "https://ec.europa.eu"
    batch_size = 10

    def refuses(self, query: Query) -> str | None:
        if (query.identifier or "").startswith("GB"):
            return "GB numbers are not in EOS: HMRC checks them"
        return None

    async def lookup_batch(self, eoris: list[str]) -> BatchResults:
        # A SOAP fault is not retried: a Client fault would repeat identically, and a busy fault
        # (MS_MAX_CONCURRENT_REQ...) is the service shedding load. Only answers are cached, never
        # failures, so a later run asks again.
        exchange = await soap.call(self, self.endpoint(PATH), envelope(eoris))
        return self._results(exchange, eoris)

    def _results(self, exchange: Exchange, eoris: list[str]) -> BatchResults:
        evidence = (exchange.evidence,)
        response = soap.child(soap.body_of(exchange), "validateEORIResponse")
        answer = soap.child(response, "return")
        if answer is None:
            raise LayoutChanged(
                "layout changed: no validateEORIResponse/return in the SOAP body", evidence=evidence
            )
        error = soap.text(answer, "errorDescription")
        if error:
            raise RegistryUnavailable(f"EOS reported an error: {error}", evidence=evidence)
        request_date = soap.text(answer, "requestDate")
        by_eori: dict[str, Element] = {}
        for result in soap.children(answer, "result"):
            by_eori.setdefault(soap.text(result, "eori").replace(" ", "").upper(), result)
        results: BatchResults = {}
        for eori in eoris:
            found = by_eori.get(eori)
            if found is None:
                results[eori] = missing_answer(eori, eoris, by_eori, evidence, what="EORI")
            else:
                results[eori] = self._answer(eori, found, request_date, evidence)
        return results

    def _answer(
        self, eori: str, result: Element, request_date: str, evidence: tuple[Evidence, ...]
    ) -> Answer | LookupFailed:
        status = soap.text(result, "status")
        described = soap.text(result, "statusDescr")
        said = f"{described} {soap.text(result, 'errorReason')}".upper()
        busy = next((c for c in soap.BUSY_CODES if c in said), None)
        if busy is not None:
            return RegistryUnavailable(
                f"EOS is busy ({busy}) and did not check {eori}; this says nothing about it",
                evidence=evidence,
            )
        if status == "1":
            return Answer((), evidence, notes=(f"EOS: {eori} is {described or 'not valid'}",))
        if status != "0":
            return LayoutChanged(
                f"layout changed: unknown status {status!r} ({described or 'no description'}) "
                f"for {eori}",
                evidence=evidence,
            )
        details = {"status": status}
        if request_date:
            details["request_date"] = request_date
        for field, key in DETAIL_FIELDS.items():
            if value := soap.text(result, field):
                details[key] = value
        holder = soap.text(result, "name") or None
        record = RegistryRecord(
            adapter=self.id,
            identifier=eori,
            holder=holder,
            scheme="gb.eori" if eori.startswith("XI") else "eu.eori",
            jurisdiction=eori[:2],
            status=described or "Valid",
            active=True,
            details=details,
        )
        if holder is None:
            return Answer((record,), evidence, unconfirmable=("holder",), notes=(CONSENT_NOTE,))
        return Answer((record,), evidence)
