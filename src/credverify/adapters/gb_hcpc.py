"""HCPC Register ("Check the Register"), United Kingdom: https://www.hcpc-uk.org/check-the-register/

The Health and Care Professions Council publishes no API; its register search is a server-rendered
GET (no token, no session) and the answer is read from the page, always HTTP 200:

- by number: ``GET {base}/check-the-register/professional-registration-detail/?query=PYL123456
  &profession=PYL``; ``profession`` is the number's prefix and must match it. The page is a
  two-column table of labelled rows: Name, Registration number, Status, Period ("01/06/2025 to
  31/05/2027"), Location, the modalities (the psychologist's domain) and entitlements, with a
  "Data valid on" stamp.
- no such registrant: the page says "No results returned for <query>".

Lookups are by registration number only, on purpose. The site also has a surname search
(``/check-the-register/register-results/``), but HCPC's robots.txt disallows that path for
automated clients (the detail path is allowed), so this adapter refuses a query without a number
and sends nothing. Do not add the surname search back unless robots.txt stops disallowing it.

Fields are found by their labels, never by CSS paths. "Registered" means no restrictions; a
registrant with conditions of practice or a caution is still registered (active, the wording
kept); suspended, struck off, lapsed or removed registrants are inactive. Any other page (a
maintenance notice, a consent or bot wall, a redesign) raises LayoutChanged, never "not found".
Facts: ``reference/practitioners.md`` sections 2.1-2.2; page shapes: ``tests/fixtures/
gb.hcpc.register/README.md``.
"""

from __future__ import annotations

import re
from datetime import timedelta

from credverify.adapters.base import Adapter, AdapterKind, Answer, Query, register
from credverify.adapters.html_register import HtmlPage, clean, date_range, pick, read_html
from credverify.errors import LookupFailed
from credverify.identifiers import HCPC_PROFESSIONS
from credverify.records import RegistryRecord

__all__ = ["HcpcRegisterAdapter"]

PSYCHOLOGISTS = "PYL"
DETAIL_PATH = "/check-the-register/professional-registration-detail/"
NO_RESULTS = ("No results returned for",)
NUMBER = re.compile(r"(?P<prefix>[A-Z]{2,3})(?P<digits>[0-9]{1,6})")
VALID_ON = re.compile(r"Data valid on:?\s*([0-9/]{8,10}(?:,?\s*[0-9:]{4,8})?)")

NAME = ("name", "registrant name", "registrant")
REG_NUMBER = ("registration number", "registration no", "registration no.", "reg. number")
STATUS = ("status", "registration status")
PERIOD = ("period", "registration period", "current registration period")
AREA = ("location", "area", "approximate area of work", "geographical area")
MODALITIES = ("modalities", "modality", "domain", "domains")
ENTITLEMENTS = ("additional entitlements", "entitlements")
PROFESSION = ("profession",)

DOMAINS = {
    "clinical": "clinical-psychologist",
    "counselling": "counselling-psychologist",
    "educational": "educational-psychologist",
    "forensic": "forensic-psychologist",
    "health": "health-psychologist",
    "occupational": "occupational-psychologist",
    "sport": "sport-and-exercise-psychologist",
}
"""A word of the HCPC's domain wording -> the gb.hcpc tier id of that protected title."""
INACTIVE_WORDS = (
    "suspen", "struck", "strike", "lapsed", "removed", "removal", "deregistered",
    "de-registered", "not registered", "unregistered", "deceased",
)  # fmt: skip
NUMBER_ONLY = (
    "HCPC's robots.txt disallows automated use of its surname search: give the registration "
    "number (profession letters and digits, e.g. PYL123456)"
)


def _active(status: str) -> bool | None:
    """True for "Registered" (also with conditions or a caution), False when suspended, struck
    off, lapsed or removed, None for wording this module does not know."""
    wording = status.casefold()
    if any(word in wording for word in INACTIVE_WORDS):
        return False
    return True if wording.startswith("registered") else None


def _tiers(modalities: str) -> list[str]:
    """The gb.hcpc tiers named by a modalities text, in the page's order."""
    text = modalities.casefold()
    hits = []
    for word, tier in DOMAINS.items():
        found = re.search(rf"\b{word}\b", text)
        if found:
            hits.append((found.start(), tier))
    return [tier for _, tier in sorted(hits)]


@register
class HcpcRegisterAdapter(Adapter):
    """HCPC "Check the Register": registration, status, period and domain of UK psychologists."""

    id = "gb.hcpc.register"
    name = "HCPC Register (Check the Register)"
    schemes = ("gb.hcpc",)
    kind = AdapterKind.HTML
    default_base_url = "https://www.hcpc-uk.org"
    rate_limit = 1.0  # a public web form with no published limit: one page a second
    concurrency = 1
    cache_ttl = timedelta(days=1)

    def refuses(self, query: Query) -> str | None:
        if query.scheme not in self.schemes:
            return f"the HCPC register answers for gb.hcpc, not {query.scheme!r}"
        if not query.identifier:
            return NUMBER_ONLY
        number = NUMBER.fullmatch(query.identifier.replace(" ", "").upper())
        if number is None or number["prefix"] not in HCPC_PROFESSIONS:
            return (
                f"{query.identifier!r} is not an HCPC registration number "
                "(profession letters then up to 6 digits, e.g. PYL123456)"
            )
        return None

    def request_for(self, query: Query) -> tuple[str, dict[str, str]]:
        """The detail page and its query string for the query's registration number."""
        number = (query.identifier or "").replace(" ", "").upper()
        prefix = number.rstrip("0123456789")  # the profession code (checked by refuses)
        return self.endpoint(DETAIL_PATH), {"query": number, "profession": prefix}

    async def lookup(self, query: Query) -> Answer:
        reason = self.refuses(query)
        if reason:
            raise LookupFailed(reason)
        url, params = self.request_for(query)
        exchange = await self.http.request(
            self, "GET", url, params=params, headers={"Accept": "text/html"}
        )
        page = read_html(exchange, "HCPC")
        records = self._detail(page, query.tier)
        if not records and not page.says(NO_RESULTS):
            page.changed("shows neither a registrant nor its 'No results returned' wording")
        return Answer(records, (exchange.evidence,))

    def _detail(self, page: HtmlPage, wanted_tier: str | None) -> tuple[RegistryRecord, ...]:
        """The registrant of a detail page: a labelled group that has a registration number."""
        groups = [g for g in page.field_groups() if pick(g, *REG_NUMBER)]
        return tuple(self._record(page, fields, wanted_tier) for fields in groups)

    def _record(
        self, page: HtmlPage, fields: dict[str, str], wanted_tier: str | None
    ) -> RegistryRecord:
        number = pick(fields, *REG_NUMBER).replace(" ", "").upper()
        parts = NUMBER.fullmatch(number)
        if parts is None:
            page.changed(f"shows a registration number it cannot read: {number!r}")
        holder, status = pick(fields, *NAME), pick(fields, *STATUS)
        if not holder or not status:
            missing = "name" if not holder else "status"
            page.changed(f"shows registrant {number} without a {missing!r} field")
        prefix = parts["prefix"]
        modalities = pick(fields, *MODALITIES)
        tiers = _tiers(modalities) if prefix == PSYCHOLOGISTS else []
        tier = None
        if prefix == PSYCHOLOGISTS:  # no domain shown: the profession's own title
            tier = wanted_tier if wanted_tier in tiers else [*tiers, "practitioner-psychologist"][0]
        period = pick(fields, *PERIOD)
        valid_from, valid_until = date_range(period)
        valid_on = VALID_ON.search(page.text)
        details = {
            "profession": pick(fields, *PROFESSION) or HCPC_PROFESSIONS.get(prefix, ""),
            "profession_code": prefix,
            "area": pick(fields, *AREA),
            "modalities": modalities,
            "domains": ", ".join(tiers),
            "entitlements": pick(fields, *ENTITLEMENTS),
            "period": period,
            "data_valid_on": clean(valid_on.group(1)) if valid_on else "",
        }
        return RegistryRecord(
            adapter=self.id,
            identifier=number,
            holder=holder,
            scheme="gb.hcpc",
            tier=tier,
            jurisdiction="GB",
            status=status,
            active=_active(status),
            valid_from=valid_from,
            valid_until=valid_until,
            details={k: v for k, v in details.items() if v},
        )
