"""NPPES NPI Registry API v2.1, United States (CMS): https://npiregistry.cms.hhs.gov/api-page

``GET {base}/api/?version=2.1&number=...`` answers with ``{"result_count": n, "results": [...]}``.
By NPI when the query has one; otherwise by name plus ``state`` (from ``US-CA``), ``limit=10``,
because NPPES refuses ``state`` alone. Name rule: a holder containing an organisation word
(``LLC``, ``Inc``, ``Group``, ``Clinic``, ``Center``...) goes as ``organization_name``; any other
as a person, "First [Middle] Last[, credentials]": the first word is ``first_name``, the last word
before any comma is ``last_name`` (a single word goes as ``last_name`` alone).

Both formats are read: the 2019 one (integer ``number``, epoch seconds as integers, ``basic.name``)
and today's (string ``number``, epoch milliseconds as strings, ``taxonomy_group``,
``practiceLocations``, ``basic.sex``). Faults come as HTTP 200 with ``{"Errors": [...]}``: they
raise, never read as "not found". "No such NPI" is ``result_count: 0`` with an empty list, nothing
else; a count below the listed results (or zero beside results) is a changed layout. A status
other than ``A`` (active) or ``D`` (deactivated) is quoted as unknown. The licences in
``taxonomies`` are self-reported.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from credverify.adapters import base
from credverify.adapters.base import Adapter, Answer, Query, Request, Vocabulary, register
from credverify.adapters.http import Exchange
from credverify.errors import LookupFailed, UnknownWording
from credverify.records import RegistryRecord

__all__ = ["NppesAdapter"]

SEARCH_LIMIT = 10
ORGANISATION_WORDS = frozenset({
    "llc", "inc", "incorporated", "corp", "corporation", "company", "ltd", "pc", "pllc", "llp",
    "group", "clinic", "clinics", "center", "centers", "centre", "services", "associates",
    "hospital", "practice", "health", "healthcare", "counseling", "therapy", "therapies",
    "behavioral", "institute", "foundation", "partners", "network", "university", "agency",
})  # fmt: skip
NAME_PARTS = ("first_name", "middle_name", "last_name")
HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof"})
SELF_REPORTED_NOTE = (
    "NPPES shows enumeration, not licensure: the licences listed under its taxonomies are "
    "self-reported to NPPES, a claim to cross-check with the state board, not proof."
)
STATUSES = Vocabulary("NPI status", {"A": True, "D": False})
"""``basic.status``: "A" active, "D" deactivated (the API normally leaves deactivated NPIs out)."""
ENUMERATION_TYPES = Vocabulary("enumeration type", {"NPI-1": "NPI-1", "NPI-2": "NPI-2"})
"""Individual (NPI-1) or organisation (NPI-2)."""
DEACTIVATED_NOTE = (
    "NPPES returned no record. It does not return deactivated NPIs, so absence may mean the NPI "
    "was deactivated (see the NPPES deactivation file), not that it never existed."
)


def _text(value: Any) -> str:
    """A field as clean text: NPPES writes "--" for an empty name prefix or suffix."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    text = str(value).strip()
    return "" if text == "--" else text


def _epoch(value: Any) -> str:
    """Epoch seconds (2019, integers) or milliseconds (today, strings) as an ISO UTC time."""
    if isinstance(value, bool) or not re.fullmatch(r"[0-9]{1,15}", str(value).strip()):
        return ""
    number = int(str(value).strip())
    seconds = number / 1000 if number > 100_000_000_000 else number  # > year 5138 in seconds
    try:
        return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)).isoformat()
    except OverflowError:  # past year 9999: not a time, and no reason to fail the lookup
        return ""


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        return None


@register
class NppesAdapter(Adapter):
    """NPPES NPI Registry API v2.1 (CMS): NPIs of US individual and organisational providers."""

    id = "us.nppes.npi"
    name = "NPPES NPI Registry API v2.1 (CMS)"
    short_name = "NPPES"
    schemes = ("us.npi",)
    kind = base.AdapterKind.API
    default_base_url = "https://npiregistry.cms.hhs.gov"
    rate_limit = 2.0  # CMS publishes no limit but says queries per hour are limited
    concurrency = 2
    cache_ttl = timedelta(days=1)
    parser_version = 2
    never_confirms = ("valid_until",)  # an NPI does not expire

    def refuses(self, query: Query) -> str | None:
        if not query.identifier and not (query.holder and query.holder.strip()):
            return "NPPES needs an NPI or a name: it refuses a search by state alone"
        return None

    def search_params(self, query: Query) -> dict[str, str]:
        """The query string for ``query``: by number when there is one, else by name and state."""
        params = {"version": "2.1"}
        if query.identifier:
            params["number"] = query.identifier
            return params
        holder = " ".join((query.holder or "").split())
        if ORGANISATION_WORDS.intersection(re.findall(r"[a-z]+", holder.casefold())):
            params["organization_name"] = holder
        else:
            names = [
                w for w in holder.split(",")[0].split() if w.casefold().strip(".") not in HONORIFICS
            ]
            if len(names) > 1:
                params["first_name"] = names[0]
            params["last_name"] = names[-1] if names else holder
        jurisdiction = (query.jurisdiction or "").strip().upper()
        if re.fullmatch(r"US-[A-Z]{2}", jurisdiction):
            params["state"] = jurisdiction[3:]
        params["limit"] = str(SEARCH_LIMIT)
        return params

    def request(self, query: Query) -> Request:
        return Request("/api/", params=self.search_params(query))

    def parse(self, exchange: Exchange, query: Query) -> Answer:
        results, count = self._results(exchange)
        records = tuple(self._record(result) for result in results)
        if not records:
            # ``result_count: 0`` with an empty list is NPPES's own "no such NPI".
            said = (DEACTIVATED_NOTE,)
            return Answer((), (exchange.evidence,), (), said, "result_count 0")
        notes = [SELF_REPORTED_NOTE]
        if count > len(records):
            notes.append(f"NPPES counts {count} matches; only the first {len(records)} were read.")
        if not query.identifier and len(records) >= SEARCH_LIMIT:
            notes.append(f"Only the first {SEARCH_LIMIT} matches were fetched; narrow the search.")
        return Answer(records, (exchange.evidence,), notes=tuple(notes))

    def _results(self, exchange: Exchange) -> tuple[list[dict[str, Any]], int]:
        """The result list and its count, after telling faults and unknown layouts apart."""
        if "json" not in exchange.media_type:
            raise self.layout_changed(
                exchange, f"sent {exchange.media_type or 'no media type'!r}, expected JSON"
            )
        body = exchange.json()
        if not isinstance(body, dict):
            raise self.layout_changed(exchange, "sent JSON that is not an object")
        if "Errors" in body:
            raise LookupFailed(_describe(body["Errors"]), evidence=(exchange.evidence,))
        results, count = body.get("results"), body.get("result_count")
        if not isinstance(results, list) or type(count) is not int or count < 0:
            raise self.layout_changed(exchange, "sent no 'results' list with a 'result_count'")
        if not all(isinstance(r, dict) and isinstance(r.get("basic"), dict) for r in results):
            raise self.layout_changed(exchange, "sent a result without a 'basic' object")
        # A paged search may count more than it lists, never fewer; zero only with no results.
        if count < len(results) or (count == 0) != (not results):
            raise self.layout_changed(exchange, f"counts {count} results but lists {len(results)}")
        return results, count

    def _record(self, result: dict[str, Any]) -> RegistryRecord:
        basic: dict[str, Any] = result["basic"]
        number = result.get("number")
        identifier = "" if isinstance(number, bool) else _text(number)
        if not re.fullmatch(r"[0-9]{1,15}", identifier):
            raise UnknownWording(f"an NPI that is not a number: {number!r}")
        status = _text(basic.get("status"))
        active = STATUSES(status)
        kind = ENUMERATION_TYPES(_text(result.get("enumeration_type")))
        person = " ".join(filter(None, (_text(basic.get(k)) for k in NAME_PARTS)))
        organisation = _text(basic.get("organization_name"))
        holder = organisation if kind == "NPI-2" or not person else person
        details = {"enumeration_type": kind, **_basic_details(basic)}
        details.update(_taxonomy_details(result.get("taxonomies")))
        for key, field in (("created_at", "created_epoch"), ("updated_at", "last_updated_epoch")):
            details[key] = _epoch(result.get(field))
        location = _location(result.get("addresses"))
        details.update({f"location_{k}": _text(location.get(k)) for k in ("city", "state")})
        places = result.get("practiceLocations", result.get("practice_locations"))
        if isinstance(places, list) and places:
            details["practice_locations"] = str(len(places))
        return RegistryRecord(
            adapter=self.id,
            identifier=identifier,
            holder=holder or None,
            scheme="us.npi",
            jurisdiction=_jurisdiction(location),
            status=status,
            active=active,
            valid_from=_date(basic.get("enumeration_date")),
            details={k: v for k, v in details.items() if v},
        )


def _describe(errors: Any) -> str:
    """``NPPES error 04 (generic): No valid search criteria provided``, one per error."""
    items = errors if isinstance(errors, list) else [errors]
    described = []
    for item in items:
        if isinstance(item, dict):
            number, field = _text(item.get("number")) or "?", _text(item.get("field")) or "?"
            text = _text(item.get("description")) or "no description"
            described.append(f"NPPES error {number} ({field}): {text}")
        elif _text(item):
            described.append(f"NPPES error: {_text(item)}")
    return "; ".join(described) or "NPPES reported an error without details"


def _basic_details(basic: dict[str, Any]) -> dict[str, str]:
    keys = (
        "credential", "name_prefix", "name_suffix", "sole_proprietor", "certification_date",
        "last_updated", "deactivation_date", "reactivation_date", "organizational_subpart",
        *(f"authorized_official_{k}" for k in ("first_name", "last_name", "title_or_position")),
        "authorized_official_credential",
    )  # fmt: skip
    details = {key: _text(basic.get(key)) for key in keys}
    details["sex"] = _text(basic.get("sex", basic.get("gender")))
    return details


def _taxonomy_details(taxonomies: Any) -> dict[str, str]:
    """Every taxonomy as ``licence_N`` ("code desc: state licence (primary)"), none dropped."""
    details: dict[str, str] = {}
    entries = [t for t in taxonomies if isinstance(t, dict)] if isinstance(taxonomies, list) else []
    for n, entry in enumerate(entries, start=1):
        code, desc = _text(entry.get("code")), _text(entry.get("desc"))
        primary = entry.get("primary") in (True, "true", "True", "Y", "YES")
        licence = _text(entry.get("license"))
        licence = "" if licence.upper() in ("NA", "N/A") else licence  # "NA": none reported
        where = " ".join(p for p in (_text(entry.get("state")), licence) if p)
        text = " ".join(p for p in (code, desc) if p) + (f": {where}" if where else "")
        details[f"licence_{n}"] = text + (" (primary)" if primary else "")
        if primary and "taxonomy_code" not in details:
            details["taxonomy_code"], details["taxonomy_desc"] = code, desc
            details["taxonomy_group"] = _text(entry.get("taxonomy_group"))
    return details


def _location(addresses: Any) -> dict[str, Any]:
    """The LOCATION (practice) address; the MAILING one says nothing about where they practise."""
    for address in addresses if isinstance(addresses, list) else []:
        purpose = _text(address.get("address_purpose")) if isinstance(address, dict) else ""
        if purpose.upper() == "LOCATION":
            return address  # type: ignore[no-any-return]
    return {}


def _jurisdiction(location: dict[str, Any]) -> str | None:
    """``US-CA`` for a US practice address; the ISO country code for a foreign one."""
    country = _text(location.get("country_code")).upper() or "US"
    code = f"US-{_text(location.get('state')).upper()}" if country == "US" else country
    return code if re.fullmatch(r"(US-)?[A-Z]{2}", code) else None
