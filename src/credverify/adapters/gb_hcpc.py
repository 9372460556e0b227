"""HCPC Register ("Check the Register"), United Kingdom: https://www.hcpc-uk.org/check-the-register/

The Health and Care Professions Council publishes no API; its register search is a server-rendered
GET (no token, no session) and the answer is read from the page, always HTTP 200:

- by number: ``GET {base}/check-the-register/professional-registration-detail/?query=PYL123456
  &profession=PYL``; ``profession`` is the number's prefix and must match it. The page is a
  two-column table of labelled rows: Name, Registration number, Status, Period ("01/06/2025 to
  31/05/2027"), Location, the modalities (the psychologist's domain) and entitlements, with a
  "Data valid on" stamp.
- no such registrant: a line of the page reads exactly "No results returned for <the number
  asked>". That is the only "no such record" signal; the same words naming another number, or
  beside a registrant, are a changed layout.

Lookups are by registration number only, on purpose. The site also has a surname search
(``/check-the-register/register-results/``), but HCPC's robots.txt disallows that path for
automated clients (the detail path is allowed), so this adapter refuses a query without a number
and sends nothing. Do not add the surname search back unless robots.txt stops disallowing it.

Fields are found by their labels, never by CSS paths. Status wordings are a closed vocabulary
(:data:`STATUSES`): "Registered" (observed live) and, modelled from HCPC's guidance rather than
seen on the page, "Registered with conditions of practice", "Registered - conditions of
practice" and "Registered - Caution" (still registered: active, the wording kept), "Suspended",
"Interim suspension order", "Struck off", "Lapsed", "Removed" and "Voluntary removal"
(inactive). Any other wording ("Expired", "Erased") is quoted as unknown: unverifiable, never a
guess. The period is read into ``valid_from`` / ``valid_until``, so a period that has ended is
inactive on the day the check is judged. Domains are a closed vocabulary too (:data:`DOMAINS`).
Any other page (a maintenance notice, a consent or bot wall, a redesign) is a changed layout,
never "not found". How sure each wording is: ``tests/fixtures/gb.hcpc.register/README.md``;
HCPC's own explanation of the results: https://www.hcpc-uk.org/check-the-register/how-to-check/
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from credverify.adapters.base import (
    Adapter,
    AdapterKind,
    Answer,
    Query,
    Request,
    Vocabulary,
    register,
)
from credverify.adapters.html_register import HtmlPage, pick, read_html
from credverify.adapters.http import Exchange
from credverify.adapters.text import clean, day
from credverify.identifiers import HCPC_PROFESSIONS
from credverify.records import RegistryRecord

__all__ = ["HcpcRegisterAdapter"]

PSYCHOLOGISTS = "PYL"
DETAIL_PATH = "/check-the-register/professional-registration-detail/"
NO_RESULTS = re.compile(r"No results returned for (?P<query>\S+)", re.IGNORECASE)
NUMBER = re.compile(r"(?P<prefix>[A-Z]{2,3})(?P<digits>[0-9]{1,6})")
VALID_ON = re.compile(r"Data valid on:?\s*([0-9/]{8,10}(?:,?\s*[0-9:]{4,8})?)")
PERIOD_FORMATS = ("%d/%m/%Y", "%d %B %Y", "%d %b %Y")
PERIOD_TEXT = re.compile(r"(?P<start>.+?)\s+to\s+(?P<end>.+)", re.IGNORECASE)

NAME = ("name", "registrant name", "registrant")
REG_NUMBER = ("registration number", "registration no", "registration no.", "reg. number")
STATUS = ("status", "registration status")
PERIOD = ("period", "registration period", "current registration period")
AREA = ("location", "area", "approximate area of work", "geographical area")
MODALITIES = ("modalities", "modality", "domain", "domains")
ENTITLEMENTS = ("additional entitlements", "entitlements")
PROFESSION = ("profession",)

STATUSES = Vocabulary(
    "status",
    {
        "Registered": True,
        "Registered with conditions of practice": True,
        "Registered - conditions of practice": True,
        "Registered - Caution": True,
        "Suspended": False,
        "Interim suspension order": False,
        "Struck off": False,
        "Lapsed": False,
        "Removed": False,
        "Voluntary removal": False,
    },
)
"""Registration status wording -> whether the registrant may practise under the title."""
DOMAINS = Vocabulary(
    "psychologist domain",
    {
        "Clinical psychologist": "clinical-psychologist",
        "Counselling psychologist": "counselling-psychologist",
        "Educational psychologist": "educational-psychologist",
        "Forensic psychologist": "forensic-psychologist",
        "Health psychologist": "health-psychologist",
        "Occupational psychologist": "occupational-psychologist",
        "Sport and exercise psychologist": "sport-and-exercise-psychologist",
    },
)
"""The modalities wording of each protected psychologist title -> its gb.hcpc tier id."""
NUMBER_ONLY = (
    "HCPC's robots.txt disallows automated use of its surname search: give the registration "
    "number (profession letters and digits, e.g. PYL123456)"
)


def _compact(number: str) -> str:
    return number.replace(" ", "").upper()


def _tiers(modalities: str) -> list[str]:
    """The gb.hcpc tiers a modalities cell names, in the page's order (comma-separated)."""
    return [DOMAINS(part) for part in re.split(r"[,;]", modalities) if clean(part)]


def _period(text: str) -> tuple[date, date] | None:
    """A registration period "01/06/2025 to 31/05/2027" as its first and last day."""
    found = PERIOD_TEXT.fullmatch(clean(text))
    if found is None:
        return None
    start, end = day(found["start"], PERIOD_FORMATS), day(found["end"], PERIOD_FORMATS)
    return (start, end) if start is not None and end is not None else None


@register
class HcpcRegisterAdapter(Adapter):
    """HCPC "Check the Register": registration, status, period and domain of UK psychologists."""

    id = "gb.hcpc.register"
    name = "HCPC Register (Check the Register)"
    short_name = "HCPC"
    schemes = ("gb.hcpc",)
    kind = AdapterKind.HTML
    default_base_url = "https://www.hcpc-uk.org"
    rate_limit = 1.0  # a public web form with no published limit: one page a second
    concurrency = 1
    cache_ttl = timedelta(days=1)
    parser_version = 2
    parse_off_loop = True

    def refuses(self, query: Query) -> str | None:
        if not query.identifier:
            return NUMBER_ONLY
        number = NUMBER.fullmatch(_compact(query.identifier))
        if number is None or number["prefix"] not in HCPC_PROFESSIONS:
            return (
                f"{query.identifier!r} is not an HCPC registration number "
                "(profession letters then up to 6 digits, e.g. PYL123456)"
            )
        return None

    def request(self, query: Query) -> Request:
        """The detail page of the query's registration number; the profession is its prefix."""
        number = _compact(query.identifier or "")
        prefix = number.rstrip("0123456789")  # the profession code (checked by refuses)
        return Request(
            DETAIL_PATH,
            params={"query": number, "profession": prefix},
            headers={"Accept": "text/html"},
        )

    def parse(self, exchange: Exchange, query: Query) -> Answer:
        page = read_html(exchange, self)
        records = self.registrants(page, query.tier)
        said = page.lines_matching(NO_RESULTS)
        if records and said:
            raise page.layout_changed(f"shows a registrant beside {said[0].group(0)!r}")
        if records:
            return Answer(records, (exchange.evidence,))
        if not said:
            raise page.layout_changed(
                "shows neither a registrant nor its 'No results returned for' wording"
            )
        asked = _compact(query.identifier or "")
        for found in said:
            if _compact(found["query"]) != asked:
                raise page.layout_changed(f"answered {found.group(0)!r} when asked for {asked}")
        return Answer((), (exchange.evidence,), no_result=said[0].group(0))

    def registrants(self, page: HtmlPage, wanted_tier: str | None) -> tuple[RegistryRecord, ...]:
        """The registrants a detail page shows: each labelled group with a registration number."""
        groups = [g for g in page.field_groups() if pick(g, *REG_NUMBER)]
        return tuple(self._record(page, fields, wanted_tier) for fields in groups)

    def _record(
        self, page: HtmlPage, fields: dict[str, str], wanted_tier: str | None
    ) -> RegistryRecord:
        number = _compact(pick(fields, *REG_NUMBER))
        parts = NUMBER.fullmatch(number)
        if parts is None:
            raise page.layout_changed(f"shows a registration number it cannot read: {number!r}")
        holder, status = pick(fields, *NAME), pick(fields, *STATUS)
        if not holder or not status:
            missing = "name" if not holder else "status"
            raise page.layout_changed(f"shows registrant {number} without a {missing!r} field")
        active = STATUSES(status)
        prefix = parts["prefix"]
        modalities = pick(fields, *MODALITIES)
        tiers = _tiers(modalities) if prefix == PSYCHOLOGISTS else []
        tier = None
        if prefix == PSYCHOLOGISTS:  # no domain shown: the profession's own title
            tier = wanted_tier if wanted_tier in tiers else [*tiers, "practitioner-psychologist"][0]
        period = pick(fields, *PERIOD)
        valid = _period(period) if period else (None, None)
        if valid is None:
            raise page.layout_changed(
                f"shows registrant {number} with a period it cannot read: {period!r}"
            )
        valid_on = page.lines_matching(VALID_ON)
        details = {
            "profession": pick(fields, *PROFESSION) or HCPC_PROFESSIONS.get(prefix, ""),
            "profession_code": prefix,
            "area": pick(fields, *AREA),
            "modalities": modalities,
            "domains": ", ".join(tiers),
            "entitlements": pick(fields, *ENTITLEMENTS),
            "period": period,
            "data_valid_on": clean(valid_on[0].group(1)) if valid_on else "",
        }
        return RegistryRecord(
            adapter=self.id,
            identifier=number,
            holder=holder,
            scheme="gb.hcpc",
            tier=tier,
            jurisdiction="GB",
            status=status,
            active=active,
            valid_from=valid[0],
            valid_until=valid[1],
            details={k: v for k, v in details.items() if v},
        )
