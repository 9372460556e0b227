"""EU Authorised Economic Operators directory (EOS "aeo-retrieve"), European Union.

https://ec.europa.eu/taxation_customs/dds2/eos/aeo_consultation.jsp (human page); SOAP service at
``{base}/taxation_customs/dds2/eos/validation/services/aeo-retrieve`` (``?wsdl`` for its WSDL).

A holder directory, not a validator: ``retrieveAEO`` takes a holder name (a substring search), an
optional two-letter issuing country and at least one type (AEOC, AEOF, AEOS; none gives a SOAP
Fault). Each ``result`` carries ``authorisationHolderName``, ``issuingCountry`` as a full country
name, ``competentCustomsAuthority``, the type in ``authorisation.type`` (with a dot: the element
name in the live captures of the @opendpp/aeo tests) and ``effectiveDate`` (DD/MM/YYYY). It never
holds the authorisation number or the EORI; only holders who consented to publication appear.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from credverify import identifiers
from credverify.adapters import soap
from credverify.adapters.base import Adapter, AdapterKind, Answer, Query, register
from credverify.adapters.http import Exchange
from credverify.errors import InvalidIdentifier, LookupFailed, RegistryUnavailable
from credverify.records import RegistryRecord

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["EosAeoAdapter"]

PATH = "/taxation_customs/dds2/eos/validation/services/aeo-retrieve"
NAMESPACE = "http://aeo.ws.eos.dds.s/"
TYPES = ("AEOC", "AEOF", "AEOS")

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
    schemes = ("eu.aeo",)
    kind = AdapterKind.SOAP
    default_base_url = "https://ec.europa.eu"
    rate_limit = 10.0  # the service is reported to take ~100 req/s; stay well below
    # One criterion per request: results of several criteria come back mixed, untraceable.
    batch_size = 1

    def refuses(self, query: Query) -> str | None:
        return None if _clean(query.holder) else NO_HOLDER

    def request_key(self, query: Query) -> str:
        # The directory is asked by name and issuing country, every type at once.
        asked = Query(scheme=query.scheme, holder=_clean(query.holder))
        return f"{asked.key()}|{_issuing_country(query) or ''}"

    async def lookup(self, query: Query) -> Answer:
        holder = _clean(query.holder)
        if not holder:
            raise LookupFailed(NO_HOLDER)
        country = _issuing_country(query)
        # Every type is asked for, whatever the claim says, so that a claimed AEOS held only as
        # AEOC comes back as a tier mismatch rather than as "not found".
        exchange = await soap.call(self, self.endpoint(PATH), _envelope(holder, country, TYPES))
        response = soap.child(soap.body_of(exchange), "retrieveAEOResponse")
        answer = soap.child(response, "return")
        if answer is None:
            raise soap.layout(exchange, "no retrieveAEOResponse/return in the SOAP body")
        error = _text(answer, "errorDescription")
        if error:
            raise RegistryUnavailable(
                f"the EU AEO directory reported an error: {error}", evidence=(exchange.evidence,)
            )
        request_date = _text(answer, "requestDate")
        results = soap.children(answer, "result")
        records = tuple(self._record(result, request_date, exchange) for result in results)
        searched = (
            f"Searched holder names containing {holder!r}, any type, "
            f"issuing country {country or 'any'}."
        )
        notes = (NUMBER_NOTE, searched) if records else (NUMBER_NOTE, searched, CONSENT_NOTE)
        return Answer(records, (exchange.evidence,), unconfirmable=("identifier",), notes=notes)

    def _record(
        self, result: Element, request_date: str | None, exchange: Exchange
    ) -> RegistryRecord:
        holder = _text(result, "authorisationHolderName")
        if not holder:
            raise soap.layout(exchange, "a result without authorisationHolderName")
        # The live service names it "authorisation.type"; the request's spelling is accepted too.
        raw_type = _text(result, "authorisation.type") or _text(result, "authorisationType")
        country_name = _text(result, "issuingCountry")
        effective = _text(result, "effectiveDate")
        details = {
            "competent_customs_authority": _text(result, "competentCustomsAuthority"),
            "issuing_country": country_name,
            "authorisation_type": raw_type,
            "effective_date": effective,
            "request_date": request_date,
        }
        return RegistryRecord(
            adapter=self.id,
            holder=holder,
            scheme="eu.aeo",
            tier=raw_type.upper() if raw_type and raw_type.upper() in TYPES else None,
            jurisdiction=_country_code(country_name),
            status="listed",
            active=True,
            valid_from=_date(effective),
            details={k: v for k, v in details.items() if v},
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


def _text(parent: Element, name: str) -> str | None:
    return soap.text(parent, name) or None


def _country_code(name: str | None) -> str | None:
    """ISO alpha-2 for the service's full country name; None when it is not a known country."""
    if not name:
        return None
    import pycountry  # heavy: loaded only when an answer names a country

    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


def _date(text: str | None) -> date | None:
    try:
        return datetime.strptime(text or "", "%d/%m/%Y").date()
    except ValueError:
        return None
