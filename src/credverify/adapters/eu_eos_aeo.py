"""EU Authorised Economic Operators directory (EOS "aeo-retrieve"), European Union.

https://ec.europa.eu/taxation_customs/dds2/eos/aeo_consultation.jsp (human page); SOAP service at
``{base}/taxation_customs/dds2/eos/validation/services/aeo-retrieve`` (``?wsdl`` for its WSDL).

A holder directory, not a validator: ``retrieveAEO`` takes a holder name (a substring search), an
optional two-letter issuing country and at least one type (AEOC, AEOF, AEOS; none gives a SOAP
Fault). The answer is ``retrieveAEOResponse/return`` holding ``requestDate``, an optional
``errorDescription`` and one ``result`` per holder, with ``authorisationHolderName``,
``issuingCountry`` as a full country name, ``competentCustomsAuthority``, the type in
``authorisation.type`` (with a dot: the element name in the live captures quoted in the tests of
the public client @opendpp/aeo) and ``effectiveDate`` (DD/MM/YYYY). It never holds the
authorisation number or the EORI; only holders who consented to publication appear.

Understood wordings, all closed: those element names (and ``authorisationType``, the request's
spelling of the type, accepted in a result although only modelled), and the types AEOC, AEOS and
AEOF. ``errorDescription`` is in the client's response type but was not seen in a live answer:
its handling (a fault) is modelled. The one "no such holder" signal is the live no-match shape:
a ``return`` carrying exactly one dated ``requestDate`` and nothing else, quoted. Anything else
without results (an empty ``<return/>``, results wrapped in an element it does not know) is a
changed layout, and an unknown element or type is quoted; neither is ever "not found".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from credverify import identifiers
from credverify.adapters import soap
from credverify.adapters.base import (
    Adapter,
    AdapterKind,
    Answer,
    Query,
    Request,
    Vocabulary,
    register,
)
from credverify.adapters.http import Exchange
from credverify.adapters.text import day
from credverify.errors import InvalidIdentifier, RegistryUnavailable
from credverify.records import RegistryRecord

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["EosAeoAdapter"]

PATH = "/taxation_customs/dds2/eos/validation/services/aeo-retrieve"
NAMESPACE = "http://aeo.ws.eos.dds.s/"
TYPES = Vocabulary("EU AEO authorisation type", {t: t for t in ("AEOC", "AEOF", "AEOS")})
"""``authorisation.type``: customs simplifications, both (full), security and safety."""
RETURN_ELEMENTS = Vocabulary(
    "retrieveAEO return element",
    {name: name for name in ("requestDate", "errorDescription", "result")},
)
RESULT_ELEMENTS = Vocabulary(
    "retrieveAEO result element",
    {
        "authorisationHolderName": "holder",
        "issuingCountry": "issuing_country",
        "competentCustomsAuthority": "competent_customs_authority",
        "authorisation.type": "authorisation_type",
        "authorisationType": "authorisation_type",
        "effectiveDate": "effective_date",
    },
)
"""Every element a ``result`` may hold, and the detail key it is kept under."""
REQUEST_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?")

NO_HOLDER = "the EU AEO directory searches by holder name only; no holder name was given"
NUMBER_NOTE = (
    "The EU AEO directory never returns the authorisation number or the EORI: "
    "the number cannot be confirmed from this source."
)
CONSENT_NOTE = (
    "No holder matched. The EU AEO directory lists only holders who consented to the "
    "publication of their details, so an absent holder may still hold an authorisation."
)

# Characters XML 1.0 cannot carry at all, escaped or not; a holder name never needs them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@register
class EosAeoAdapter(Adapter):
    """The EU AEO directory: holder, type, issuing country and start date of consenting AEOs."""

    id = "eu.eos.aeo"
    name = "EU EOS Authorised Economic Operators directory (aeo-retrieve)"
    short_name = "the EU AEO directory"
    schemes = ("eu.aeo",)
    kind = AdapterKind.SOAP
    default_base_url = "https://ec.europa.eu"
    rate_limit = 10.0  # the service is reported to take ~100 req/s; stay well below
    # One criterion per request: results of several criteria come back mixed, untraceable.
    batch_size = 1
    parser_version = 2
    never_confirms = ("identifier",)  # neither the authorisation number nor the EORI is shown

    def refuses(self, query: Query) -> str | None:
        return None if _clean(query.holder) else NO_HOLDER

    def request_key(self, query: Query) -> str:
        # The directory is asked by name and issuing country, every type at once.
        asked = Query(scheme=query.scheme, holder=_clean(query.holder))
        return f"{asked.key()}|{_issuing_country(query) or ''}"

    def request(self, query: Query) -> Request:
        # Every type is asked for, whatever the claim says, so that a claimed AEOS held only as
        # AEOC comes back as a tier mismatch rather than as "not found".
        body = _envelope(_clean(query.holder), _issuing_country(query), TYPES.wordings)
        return soap.request(PATH, body)

    def parse(self, exchange: Exchange, query: Query) -> Answer:
        answer = soap.child(
            soap.child(soap.body_of(self, exchange), "retrieveAEOResponse"), "return"
        )
        if answer is None:
            raise self.layout_changed(exchange, "sent no retrieveAEOResponse/return")
        parts = soap.elements(answer, RETURN_ELEMENTS)
        for meaning, element in parts:
            if meaning == "errorDescription":
                raise RegistryUnavailable(
                    f"the EU AEO directory reported an error: {soap.value(element) or '(empty)'}",
                    evidence=(exchange.evidence,),
                )
        dates = [soap.value(e) for meaning, e in parts if meaning == "requestDate"]
        request_date = dates[0] if len(dates) == 1 else ""
        records = tuple(
            self._record(exchange, e, request_date) for meaning, e in parts if meaning == "result"
        )
        country = _issuing_country(query)
        searched = (
            f"Searched holder names containing {_clean(query.holder)!r}, any type, "
            f"issuing country {country or 'any'}."
        )
        if records:
            return Answer(records, (exchange.evidence,), notes=(NUMBER_NOTE, searched))
        if len(parts) != 1 or not REQUEST_DATE.fullmatch(request_date):
            raise self.layout_changed(
                exchange, "sent a return with no result and not just its requestDate"
            )
        return Answer(
            (), (exchange.evidence,), notes=(NUMBER_NOTE, searched, CONSENT_NOTE),
            no_result=f"<return><requestDate>{request_date}</requestDate></return>",
        )  # fmt: skip

    def _record(self, exchange: Exchange, result: Element, request_date: str) -> RegistryRecord:
        fields: dict[str, str] = {}
        for key, element in soap.elements(result, RESULT_ELEMENTS):
            if key in fields:
                raise self.layout_changed(exchange, f"sent a result with two {key} elements")
            fields[key] = soap.value(element)
        holder = fields.get("holder")
        if not holder:
            raise self.layout_changed(exchange, "sent a result without authorisationHolderName")
        if not fields.get("authorisation_type"):
            raise self.layout_changed(exchange, f"sent no authorisation.type for {holder!r}")
        tier = TYPES(fields["authorisation_type"])
        country_name = fields.get("issuing_country")
        details = {k: v for k, v in fields.items() if v and k != "holder"}
        if request_date:
            details["request_date"] = request_date
        return RegistryRecord(
            adapter=self.id,
            holder=holder,
            scheme="eu.aeo",
            tier=tier,
            jurisdiction=_country_code(country_name),
            status="listed",
            active=True,
            valid_from=day(fields.get("effective_date", ""), ("%d/%m/%Y",)),
            details=details,
        )


def _clean(holder: str | None) -> str:
    """The holder name as sent: characters XML cannot carry dropped, whitespace collapsed."""
    return " ".join(_NOT_XML.sub("", holder or "").split())


def _issuing_country(query: Query) -> str | None:
    """The claimed issuing state: the claim's jurisdiction, else the AEO number's issuer."""
    claimed = (query.jurisdiction or "").strip().upper()
    if len(claimed) == 2 and claimed.isascii() and claimed.isalpha():
        return claimed
    number = identifiers.kind("eu.aeo-number")
    try:
        return number.details(number.validate(query.identifier)).get("issuer")
    except InvalidIdentifier:  # no number, or not an EU AEO number: search every state
        return None


def _envelope(holder: str, country: str | None, types: tuple[str, ...]) -> bytes:
    """A ``retrieveAEO`` request; the schema wants every child namespace-qualified, in order."""
    children = [f"<aeo:authorisationHolderName>{escape(holder)}</aeo:authorisationHolderName>"]
    if country:
        children.append(f"<aeo:issuingCountry>{escape(country)}</aeo:issuingCountry>")
    children += [f"<aeo:authorisationType>{escape(t)}</aeo:authorisationType>" for t in types]
    request = "".join(children)
    return soap.envelope(
        "aeo",
        NAMESPACE,
        f"<aeo:retrieveAEO><aeo:aeoRequestType>{request}</aeo:aeoRequestType></aeo:retrieveAEO>",
    )


def _country_code(name: str | None) -> str | None:
    """ISO alpha-2 for the service's full country name; None when it is not a known country."""
    if not name:
        return None
    import pycountry  # heavy: loaded only when an answer names a country

    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None
