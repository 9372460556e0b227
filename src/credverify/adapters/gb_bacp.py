"""BACP Register of Counsellors & Psychotherapists, United Kingdom: https://www.bacp.co.uk/search/Register

The British Association for Counselling and Psychotherapy keeps a voluntary register accredited by
the Professional Standards Authority. It publishes no API; its search page is a server-rendered
GET: ``{base}/search/Register?q=<name or membership number>`` (``skip=N`` pages by tens; only the
first page is read). Each result is an ``<article>`` whose header holds the member's name, then
their location; the membership category appears in the register's own words ("Registered Member
MBACP", "... MBACP (Accred)", "... MBACP (Snr Accred)"), and the number as an
``aria-label="Membership number: N"``.

Anchors are that vocabulary and the labels, not CSS classes: an article naming an MBACP category
is a result; a result without a membership number is a changed layout. Being listed means being
registered, so the category is the status unless a card shows an explicit "Status" label
(suspended, lapsed, removed or withdrawn members are inactive). The page's "no results" wording
means no such member; any other page (maintenance, consent wall, redesign) raises LayoutChanged.
The register shows no dates (registration renews yearly with membership), so validity stays
unconfirmed. Facts: ``reference/practitioners.md`` section 2.3; page shapes:
``tests/fixtures/gb.bacp.register/README.md``.
"""

from __future__ import annotations

import re
from datetime import timedelta

from selectolax.lexbor import LexborNode

from credverify.adapters.base import Adapter, AdapterKind, Answer, Query, register
from credverify.adapters.html_register import HtmlPage, clean, pick, read_html
from credverify.errors import LookupFailed
from credverify.records import RegistryRecord

__all__ = ["BacpRegisterAdapter"]

SEARCH_PATH = "/search/Register"
NO_RESULTS = ("no results", "0 results", "did not match any")
CATEGORY = re.compile(
    r"(?:Registered\s+Member\s+)?MBACP(?:\s*\(\s*(?:Snr|Senior)?\s*Accred(?:ited)?\s*\))?",
    re.IGNORECASE,
)
NUMBER = ("membership number", "bacp membership number", "register certificate number")
NUMBER_TEXT = re.compile(r"Membership number:?\s*([0-9][0-9 ]*[0-9]|[0-9])", re.IGNORECASE)
STATUS = ("status", "registration status", "register status")
LOCATION = ("location", "area", "town")
INACTIVE_WORDS = ("suspen", "lapsed", "removed", "withdrawn", "withdrawal", "expelled", "struck")
DATES_NOTE = (
    "The BACP Register shows no dates: registration renews yearly with membership, so a "
    "claimed validity cannot be confirmed from it."
)


def _tier(category: str) -> str:
    """The gb.bacp tier of a category wording."""
    wording = category.casefold()
    if "snr" in wording or "senior" in wording:
        return "senior-accredited"
    return "accredited" if "accred" in wording else "registered"


def _active(status: str, explicit: bool) -> bool | None:
    wording = status.casefold()
    if any(word in wording for word in INACTIVE_WORDS):
        return False
    if not explicit or "registered" in wording or "mbacp" in wording:
        return True  # on the Register, with no sanction shown
    return None


@register
class BacpRegisterAdapter(Adapter):
    """BACP Register search: is a counsellor a registered member, and in which category."""

    id = "gb.bacp.register"
    name = "BACP Register of Counsellors & Psychotherapists"
    schemes = ("gb.bacp",)
    kind = AdapterKind.HTML
    default_base_url = "https://www.bacp.co.uk"
    rate_limit = 1.0  # a public web form with no published limit: one page a second
    concurrency = 1
    cache_ttl = timedelta(days=1)

    def refuses(self, query: Query) -> str | None:
        if query.scheme not in self.schemes:
            return f"the BACP Register answers for gb.bacp, not {query.scheme!r}"
        if query.identifier:
            if not query.identifier.replace(" ", "").isdigit():
                return f"{query.identifier!r} is not a BACP membership number (digits only)"
        elif not clean(query.holder):
            return "the BACP Register needs a name or a membership number"
        return None

    def search_params(self, query: Query) -> dict[str, str]:
        """By membership number when there is one, else by the holder's name."""
        return {"q": (query.identifier or "").replace(" ", "") or clean(query.holder)}

    async def lookup(self, query: Query) -> Answer:
        reason = self.refuses(query)
        if reason:
            raise LookupFailed(reason)
        exchange = await self.http.request(
            self,
            "GET",
            self.endpoint(SEARCH_PATH),
            params=self.search_params(query),
            headers={"Accept": "text/html"},
        )
        page = read_html(exchange, "BACP")
        cards = [card for card in page.tree.css("article") if _category(card)]
        records = tuple(self._record(page, card) for card in cards)
        if not records and not page.says(NO_RESULTS):
            page.changed("shows neither a registered member nor its 'no results' wording")
        notes = [DATES_NOTE]
        total = page.result_count()
        if records and total is not None and total > len(records):
            notes.append(f"Only the first {len(records)} of {total} results were read.")
        return Answer(records, (exchange.evidence,), ("valid_from", "valid_until"), tuple(notes))

    def _record(self, page: HtmlPage, card: LexborNode) -> RegistryRecord:
        fields: dict[str, str] = {}
        for group in page.field_groups(within=card):
            fields.update({k: v for k, v in group.items() if k not in fields})
        found = NUMBER_TEXT.search(clean(card.text(separator=" ")))
        number = (pick(fields, *NUMBER) or (found.group(1) if found else "")).replace(" ", "")
        if not number.isdigit():
            page.changed(f"shows a member without a readable 'Membership number': {number!r}")
        heading = _heading(card)
        if not heading:
            page.changed(f"shows member {number} without a name")
        category = _category(card)
        explicit = pick(fields, *STATUS)
        status = explicit or category
        details = {
            "membership_category": category,
            "location": pick(fields, *LOCATION) or (heading[1] if len(heading) > 1 else ""),
            "listed_status": explicit,
        }
        return RegistryRecord(
            adapter=self.id,
            identifier=number,
            holder=heading[0],
            scheme="gb.bacp",
            tier=_tier(category),
            jurisdiction="GB",
            status=status,
            active=_active(status, bool(explicit)),
            details={k: v for k, v in details.items() if v},
        )


def _category(card: LexborNode) -> str:
    """The fullest category wording a card shows, in its text or its aria-labels."""
    texts = [clean(card.text(separator=" "))]
    texts += [clean(n.attributes.get("aria-label")) for n in card.css("[aria-label]")]
    found = [m.group(0) for text in texts for m in CATEGORY.finditer(text)]
    return clean(max(found, key=len)) if found else ""


def _heading(card: LexborNode) -> list[str]:
    """The texts of the card's header (name first, then location), else its first heading."""
    header = card.css_first("header")
    if header is not None:
        parts = [clean(child.text(separator=" ")) for child in header.iter()]
        parts = [part for part in parts if part]
        if parts:
            return parts
    title = card.css_first("h1, h2, h3, h4")
    return [clean(title.text(separator=" "))] if title is not None else []
