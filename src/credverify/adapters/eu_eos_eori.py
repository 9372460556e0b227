"""EOS EORI validation, EU: https://ec.europa.eu/taxation_customs/dds2/eos/eori_validation.jsp

The European Commission's SOAP service; WSDL:
https://ec.europa.eu/taxation_customs/dds2/eos/validation/services/validation?wsdl
(as used by public clients: a frappe/ERPNext client and an Odoo zeep client).

Operation ``validateEORI`` in namespace ``http://eori.ws.eos.dds.s/`` takes up to 10
``<eori:eori>`` and answers ``return/requestDate`` plus one ``result`` per number: ``eori``,
``status``, ``statusDescr``, and ``name``, ``address``, ``street``, ``postalCode``, ``city``,
``country`` only when the trader consented to publication. EOS holds EU and XI (Northern Ireland)
numbers, not GB ones.

Understood wordings, all closed: ``status`` ``0`` with ``statusDescr`` "Valid", and ``status``
``1`` with "Not valid"; the element names above, plus ``errorDescription`` (in ``return``) and
``errorReason`` (in ``result``), which are modelled on the sister service VIES rather than seen
in a live answer. The one "no such EORI" signal is ``status`` 1 with "Not valid", quoted. An
unknown status, description or element, a status that contradicts its description, and an
answer without a result for an asked number are faults, never "not valid". Faults come as a SOAP
Fault, usually with HTTP 500; the VIES busy codes (``MS_MAX_CONCURRENT_REQ``...), as a fault or
as a result's description, say nothing about the number, so they are faults too. Answers are
parsed with defusedxml, DTDs refused.
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
    Request,
    Vocabulary,
    register,
)
from credverify.adapters.http import Exchange
from credverify.errors import LookupFailed, RegistryUnavailable
from credverify.records import RegistryRecord

__all__ = ["EosEoriAdapter", "envelope"]

EOS_NS = "http://eori.ws.eos.dds.s/"
PATH = "/taxation_customs/dds2/eos/validation/services/validation"
CONSENT_NOTE = (
    "EOS shows a trader's name and address only with the trader's consent; "
    "this trader has not given it, so the name cannot be confirmed here"
)
RETURN_ELEMENTS = Vocabulary(
    "validateEORI return element",
    {name: name for name in ("requestDate", "result", "errorDescription")},
)
RESULT_FIELDS = {
    "eori": "eori",
    "status": "status",
    "statusDescr": "status_descr",
    "errorReason": "error_reason",
    "name": "name",
    "address": "address",
    "street": "street",
    "postalCode": "postal_code",
    "city": "city",
    "country": "country",
}
RESULT_ELEMENTS = Vocabulary("validateEORI result element", RESULT_FIELDS)
"""Every element a ``result`` may hold, and the detail key it is kept under."""
STATUSES = Vocabulary("EOS EORI status", {"0": True, "1": False})
"""``status``: 0 valid, 1 not valid."""
DESCRIPTIONS = Vocabulary("EOS EORI statusDescr", {"Valid": True, "Not valid": False})
"""``statusDescr``, which must agree with ``status``."""


def envelope(eoris: Sequence[str]) -> bytes:
    """The SOAP 1.1 request for ``eoris``, every value XML-escaped."""
    items = "".join(f"<eori:eori>{escape(e)}</eori:eori>" for e in eoris)
    return soap.envelope("eori", EOS_NS, f"<eori:validateEORI>{items}</eori:validateEORI>")


@register
class EosEoriAdapter(BatchAdapter):
    """EU EOS ``validateEORI``: is an EU or XI EORI valid, and whose is it (with consent)."""

    id = "eu.eos.eori"
    name = "European Commission EOS EORI validation service"
    short_name = "EOS"
    schemes = ("eu.eori", "gb.eori")
    kind = AdapterKind.SOAP
    default_base_url = "https://ec.europa.eu"
    batch_size = 10
    parser_version = 2

    def refuses(self, query: Query) -> str | None:
        if (query.identifier or "").startswith("GB"):
            return "GB numbers are not in EOS: HMRC checks them"
        return None

    def batch_request(self, identifiers: list[str]) -> Request:
        return soap.request(PATH, envelope(identifiers))

    def parse_batch(self, exchange: Exchange, identifiers: list[str]) -> BatchResults:
        response = soap.child(soap.body_of(self, exchange), "validateEORIResponse")
        answer = soap.child(response, "return")
        if answer is None:
            raise self.layout_changed(exchange, "sent no validateEORIResponse/return")
        request_date, results = "", []
        for meaning, element in soap.elements(answer, RETURN_ELEMENTS):
            if meaning == "errorDescription" and soap.value(element):
                raise RegistryUnavailable(
                    f"EOS reported an error: {soap.value(element)}", evidence=(exchange.evidence,)
                )
            if meaning == "requestDate":
                request_date = soap.value(element)
            elif meaning == "result":
                results.append(element)
        by_eori: dict[str, Answer | LookupFailed] = {}
        for result in results:
            try:
                eori, read = self._read_result(exchange, result, request_date)
            except LookupFailed as error:  # an unreadable result sinks only its own number
                eori, read = _eori_of(result), self.failure(exchange, error)
            if eori in by_eori:
                read = self.layout_changed(exchange, f"answered twice for {eori}")
            by_eori[eori] = read
        # An asked number without a result is the base's missing-answer fault, never "not valid".
        return by_eori

    def _read_result(
        self, exchange: Exchange, result: Element, request_date: str
    ) -> tuple[str, Answer | LookupFailed]:
        fields: dict[str, str] = {}
        for key, element in soap.elements(result, RESULT_ELEMENTS):
            if key in fields:
                raise self.layout_changed(exchange, f"sent a result with two {key} elements")
            fields[key] = soap.value(element)
        eori = fields.get("eori", "").replace(" ", "").upper()
        status, described = fields.get("status", ""), fields.get("status_descr", "")
        reason = fields.get("error_reason", "")
        busy = next((code for code in (described, reason) if code in soap.BUSY_CODES), None)
        if busy is not None:
            return eori, RegistryUnavailable(
                f"EOS is busy ({busy}) and did not check {eori}; this says nothing about it",
                evidence=(exchange.evidence,),
            )
        if reason:
            return eori, RegistryUnavailable(
                f"EOS did not check {eori} (errorReason {reason!r})", evidence=(exchange.evidence,)
            )
        valid = STATUSES(status)
        if DESCRIPTIONS(described) is not valid:
            raise self.layout_changed(
                exchange, f"answered status {status} with statusDescr {described!r} for {eori}"
            )
        evidence = (exchange.evidence,)
        if not valid:
            said = f'status 1, statusDescr "{described}"'
            return eori, Answer(
                (), evidence, notes=(f"EOS: {eori} is {described}",), no_result=said
            )
        details = {k: v for k, v in fields.items() if v and k not in ("eori", "name")}
        if request_date:
            details["request_date"] = request_date
        holder = fields.get("name") or None
        record = RegistryRecord(
            adapter=self.id,
            identifier=eori,
            holder=holder,
            scheme="gb.eori" if eori.startswith("XI") else "eu.eori",
            jurisdiction=eori[:2],
            status=described,
            active=True,
            details=details,
        )
        if holder is None:
            return eori, Answer(
                (record,), evidence, unconfirmable=("holder",), notes=(CONSENT_NOTE,)
            )
        return eori, Answer((record,), evidence)


def _eori_of(result: Element) -> str:
    """The number a result is about, read leniently, to file a fault under it."""
    found = soap.child(result, "eori")
    return soap.value(found).replace(" ", "").upper() if found is not None else ""
