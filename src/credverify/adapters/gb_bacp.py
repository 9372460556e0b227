"""BACP Register of Counsellors & Psychotherapists, United Kingdom: https://www.bacp.co.uk/search/Register

The British Association for Counselling and Psychotherapy keeps a voluntary register accredited by
the Professional Standards Authority. It publishes no API; its search page is a server-rendered
GET: ``{base}/search/Register?q=<name or membership number>`` (``skip=N`` pages by tens; only the
first page is read). Each result is an ``<article>`` whose header holds the member's name, then
their location; the membership category appears in the register's own words, and the number as an
``aria-label="Membership number: N"``.

Wordings understood, each a closed vocabulary compared whole (never as a substring):

- membership categories (:data:`CATEGORIES`, official): "Registered Member MBACP", "Registered
  Member MBACP (Accred)", "Registered Member MBACP (Snr Accred)"; another wording naming MBACP is
  quoted as unknown (unverifiable);
- an explicit status label (:data:`STATUSES`, modelled: the live page shows none, being listed
  means being registered, so the category is the status): "Registered" is active; "Suspended",
  "Lapsed", "Removed", "Withdrawn", "Membership withdrawn", "Membership suspended" and "Expelled"
  are inactive; any other is quoted as unknown;
- the count line (modelled): "Showing 1 result", "Showing 1 - 3 of 10 results", read whole;
- no such member (modelled): a sentence of the page that reads exactly "Sorry, no results were
  found for your search.", or a count line of exactly zero, with no member shown. That is the
  only "no such record" signal.

A count line that does not read exactly, a count of members other than the cards read (or above
zero with none read), a no-results sentence beside members, a result without a membership number
or category: each is a changed layout, as is any other page (maintenance, consent wall,
redesign). The register shows no dates (registration renews yearly with membership), so validity
stays unconfirmed. How sure each wording is: ``tests/fixtures/gb.bacp.register/README.md``;
the categories: http://www.bacpregister.co.uk/join/FAQs.php
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from selectolax.lexbor import LexborNode

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
from credverify.adapters.text import clean
from credverify.records import RegistryRecord

__all__ = ["BacpRegisterAdapter"]

SEARCH_PATH = "/search/Register"
CATEGORIES = Vocabulary(
    "membership category",
    {
        "Registered Member MBACP": "registered",
        "Registered Member MBACP (Accred)": "accredited",
        "Registered Member MBACP (Snr Accred)": "senior-accredited",
    },
)
"""The register's category wording -> the gb.bacp tier id."""
STATUSES = Vocabulary(
    "status",
    {
        "Registered": True,
        "Suspended": False,
        "Lapsed": False,
        "Removed": False,
        "Withdrawn": False,
        "Membership withdrawn": False,
        "Membership suspended": False,
        "Expelled": False,
    },
)
"""An explicit "Status" label's wording -> active (modelled: the live page shows none)."""
NO_RESULTS = Vocabulary("no-results", {"Sorry, no results were found for your search.": True})
"""The sentence that means "no such member" (modelled)."""
COUNT = re.compile(
    r"Showing (?:(?P<first>[0-9][0-9,]*) ?[-\u2013] ?(?P<last>[0-9][0-9,]*) of )?"
    r"(?P<total>[0-9][0-9,]*) results?\.?",
    re.IGNORECASE,
)
COUNT_LIKE = re.compile(r"showing\b.*\bresults?\b.*", re.IGNORECASE)
MBACP = re.compile(r"\bMBACP\b", re.IGNORECASE)
NUMBER = ("membership number", "bacp membership number", "register certificate number")
NUMBER_TEXT = re.compile(r"Membership number:?\s*([0-9][0-9 ]*[0-9]|[0-9])", re.IGNORECASE)
STATUS = ("status", "registration status", "register status")
LOCATION = ("location", "area", "town")
DATES_NOTE = (
    "The BACP Register shows no dates: registration renews yearly with membership, so a "
    "claimed validity cannot be confirmed from it."
)


@dataclass(frozen=True)
class Count:
    """What a count line says: the results on this page and in all."""

    line: str
    shown: int
    total: int


@register
class BacpRegisterAdapter(Adapter):
    """BACP Register search: is a counsellor a registered member, and in which category."""

    id = "gb.bacp.register"
    name = "BACP Register of Counsellors & Psychotherapists"
    short_name = "BACP"
    schemes = ("gb.bacp",)
    kind = AdapterKind.HTML
    default_base_url = "https://www.bacp.co.uk"
    rate_limit = 1.0  # a public web form with no published limit: one page a second
    concurrency = 1
    cache_ttl = timedelta(days=1)
    parser_version = 2
    never_confirms = ("valid_from", "valid_until")  # the register shows no dates
    parse_off_loop = True

    def refuses(self, query: Query) -> str | None:
        if query.identifier:
            if not query.identifier.replace(" ", "").isdigit():
                return f"{query.identifier!r} is not a BACP membership number (digits only)"
        elif not clean(query.holder):
            return "the BACP Register needs a name or a membership number"
        return None

    def search_params(self, query: Query) -> dict[str, str]:
        """By membership number when there is one, else by the holder's name."""
        return {"q": (query.identifier or "").replace(" ", "") or clean(query.holder)}

    def request(self, query: Query) -> Request:
        return Request(
            SEARCH_PATH, params=self.search_params(query), headers={"Accept": "text/html"}
        )

    def parse(self, exchange: Exchange, query: Query) -> Answer:
        page = read_html(exchange, self)
        records = self.members(page)
        count = self.count(page)
        said = page.says(NO_RESULTS)
        if said and (records or (count and count.total)):
            raise page.layout_changed(f"shows results beside {said!r}")
        if count is not None and count.shown != len(records):
            raise page.layout_changed(
                f"counts {count.line!r} but shows {len(records)} member(s) it can read"
            )
        if not records:
            no_result = said or (count.line if count is not None else None)
            if no_result is None:
                raise page.layout_changed(
                    "shows neither a registered member nor its 'no results' wording"
                )
            return Answer((), (exchange.evidence,), no_result=no_result)
        notes = [DATES_NOTE]
        if count is not None and count.total > len(records):
            notes.append(f"Only the first {len(records)} of {count.total} results were read.")
        return Answer(records, (exchange.evidence,), notes=tuple(notes))

    def count(self, page: HtmlPage) -> Count | None:
        """The page's count line, read whole; one it cannot read is a changed layout."""
        counts: dict[str, Count] = {}
        for line in {found.group(0) for found in page.lines_matching(COUNT_LIKE)}:
            found = COUNT.fullmatch(line)
            if found is None:
                raise page.layout_changed(f"shows a count line it cannot read: {line!r}")
            total = int(found["total"].replace(",", ""))
            shown = total
            if found["first"] is not None:
                first, last = (int(found[k].replace(",", "")) for k in ("first", "last"))
                if not 1 <= first <= last <= total:
                    raise page.layout_changed(f"shows a count line it cannot read: {line!r}")
                shown = last - first + 1
            counts[line] = Count(line, shown, total)
        if len({(c.shown, c.total) for c in counts.values()}) > 1:
            raise page.layout_changed(f"shows count lines that disagree: {sorted(counts)}")
        return next(iter(counts.values()), None)

    def members(self, page: HtmlPage) -> tuple[RegistryRecord, ...]:
        """The members a results page lists: each ``<article>`` naming MBACP or a number."""
        cards = [card for card in page.tree.css("article") if _is_result(card)]
        return tuple(self._record(page, card) for card in cards)

    def _record(self, page: HtmlPage, card: LexborNode) -> RegistryRecord:
        fields: dict[str, str] = {}
        for group in page.field_groups(within=card):
            fields.update({k: v for k, v in group.items() if k not in fields})
        found = NUMBER_TEXT.search(clean(card.text(separator=" ")))
        number = (pick(fields, *NUMBER) or (found.group(1) if found else "")).replace(" ", "")
        if not number.isdigit():
            raise page.layout_changed(
                f"shows a member without a readable 'Membership number': {number!r}"
            )
        heading = _heading(card)
        if not heading:
            raise page.layout_changed(f"shows member {number} without a name")
        categories = _categories(card)
        if not categories:
            raise page.layout_changed(f"shows member {number} without a membership category")
        category = categories[0]
        tiers = {CATEGORIES(text) for text in categories if text in CATEGORIES}
        if len(tiers) > 1:
            raise page.layout_changed(f"shows member {number} in two categories: {categories}")
        tier = CATEGORIES(category)
        explicit = pick(fields, *STATUS)
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
            tier=tier,
            jurisdiction="GB",
            status=explicit or category,
            active=STATUSES(explicit) if explicit else True,  # listed, with no sanction shown
            details={k: v for k, v in details.items() if v},
        )


def _labels_and_lines(card: LexborNode) -> list[str]:
    """A card's plain ``aria-label`` texts (not "Label: value" pairs) and its own text lines."""
    labels = [clean(n.attributes.get("aria-label")) for n in card.css("[aria-label]")]
    lines = [clean(n.text(separator=" ")) for n in card.traverse() if clean(n.text(deep=False))]
    return [text for text in labels if text and ":" not in text] + lines


def _is_result(card: LexborNode) -> bool:
    text = clean(card.text(separator=" "))
    labels = " ".join(clean(n.attributes.get("aria-label")) for n in card.css("[aria-label]"))
    return bool(MBACP.search(text) or MBACP.search(labels) or NUMBER_TEXT.search(labels + text))


def _categories(card: LexborNode) -> list[str]:
    """The category wordings a card shows (its status badge's label or text), known ones first,
    so an unknown wording is only quoted when no known one is shown."""
    named = dict.fromkeys(text for text in _labels_and_lines(card) if MBACP.search(text))
    return sorted(named, key=lambda text: text not in CATEGORIES)


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
