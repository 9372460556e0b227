"""Shared reading of registers that answer with server-rendered HTML pages (HCPC, BACP).

These registers publish no API: a lookup is a GET of the public search page, and the answer is
whatever the page shows. Parsers here anchor on what a person reads (field labels such as
"Registration number", the register's own vocabulary and its own "no results" wording) rather
than on deep CSS paths, so a restyled page still parses and a redesigned one fails loudly.

Three outcomes only, never a fourth: records; the register's own "no results" wording (no such
record); or :class:`~credverify.errors.LayoutChanged` for anything else (a maintenance notice, a
consent wall, an empty body, JSON, renamed fields). An unrecognised page is never read as "not
found". Markup is parsed with selectolax (lexbor); scripts, styles and templates are dropped
before any text is read, so a word inside a script never counts as page text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, NoReturn

from selectolax.lexbor import LexborHTMLParser, LexborNode

from credverify.errors import LayoutChanged

if TYPE_CHECKING:
    from credverify.adapters.http import Exchange

__all__ = [
    "HTML_MEDIA_TYPES",
    "HtmlPage",
    "clean",
    "date_range",
    "label_key",
    "pick",
    "read_html",
]

HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_INVISIBLE = ["script", "style", "noscript", "template"]
_DATE = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{4}|\d{1,2} [A-Za-z]+ \d{4})\b")
_COUNT = re.compile(r"\b(\d[\d,]*)\s+(?:results?|registrants?|matches)\b", re.IGNORECASE)


def clean(text: str | None) -> str:
    """Text with its whitespace (newlines, tabs, non-breaking spaces) collapsed to single spaces."""
    return " ".join((text or "").split())


def label_key(text: str | None) -> str:
    """A field label compared loosely.

    >>> label_key(" Registration\xa0number: ")
    'registration number'
    """
    return clean(text).rstrip(":").strip().casefold()


def pick(fields: dict[str, str], *labels: str) -> str:
    """The value of the first of ``labels`` (already in :func:`label_key` form) present."""
    for label in labels:
        if fields.get(label):
            return fields[label]
    return ""


def _day(text: str) -> date | None:
    for layout in ("%d/%m/%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def date_range(text: str) -> tuple[date | None, date | None]:
    """A period's first and last day, as the registers write them.

    >>> date_range("01/06/2025 to 31/05/2027")
    (datetime.date(2025, 6, 1), datetime.date(2027, 5, 31))
    >>> date_range("1 June 2025 to 31 May 2027")[1]
    datetime.date(2027, 5, 31)
    >>> date_range("not shown")
    (None, None)
    """
    days = [_day(found) for found in _DATE.findall(text)]
    if len(days) >= 2:
        return days[0], days[1]
    return (days[0], None) if days else (None, None)


def _decode(body: bytes, content_type: str) -> str:
    """The body as text: the declared charset, else UTF-8, else the best guess."""
    declared = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    if declared:
        try:
            return body.decode(codecs.lookup(declared.group(1)).name, errors="replace")
        except LookupError:
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        return str(best) if best is not None else body.decode("latin-1")


class HtmlPage:
    """One register page: its tree (without scripts), its visible text, and its evidence."""

    def __init__(self, exchange: Exchange, source: str) -> None:
        self.exchange = exchange
        self.source = source
        self.tree = LexborHTMLParser(
            _decode(exchange.body, str(exchange.headers.get("content-type", "")))
        )
        self.tree.strip_tags(_INVISIBLE, recursive=True)
        body = self.tree.body
        self.text = clean(body.text(separator=" ") if body is not None else "")

    @property
    def title(self) -> str:
        node = self.tree.css_first("title") or self.tree.css_first("h1")
        return clean(node.text(separator=" ")) if node is not None else ""

    def changed(self, why: str) -> NoReturn:
        """Raise LayoutChanged naming the source, the reason and the page's own title."""
        title = f" (page title: {self.title[:80]!r})" if self.title else ""
        raise LayoutChanged(
            f"layout changed: {self.source} {why}{title}", evidence=(self.exchange.evidence,)
        )

    def says(self, phrases: Iterable[str]) -> bool:
        """Whether the visible text contains one of ``phrases`` (case-insensitive)."""
        text = self.text.casefold()
        return any(phrase.casefold() in text for phrase in phrases)

    def result_count(self) -> int | None:
        """The "N results" total the page announces, if it announces one."""
        found = _COUNT.search(self.text)
        return int(found.group(1).replace(",", "")) if found else None

    def field_groups(self, within: LexborNode | None = None) -> list[dict[str, str]]:
        """Label -> value pairs, one dict per table or definition list, plus one for the
        ``aria-label="Label: value"`` attributes. Only two-cell rows count as pairs, so wide
        tables (a cookie declaration) never lend their cells to a registrant's fields."""
        root = within if within is not None else self.tree.root
        if root is None:
            return []
        groups: list[dict[str, str]] = []
        for table in root.css("table"):
            fields: dict[str, str] = {}
            for row in table.css("tr"):
                cells = row.css("th, td")
                if len(cells) == 2 and label_key(cells[0].text()):
                    fields.setdefault(label_key(cells[0].text()), _text(cells[1]))
            groups.append(fields)
        for listing in root.css("dl"):
            pairs: dict[str, str] = {}
            for term in listing.css("dt"):
                value = term.next
                while value is not None and value.tag != "dd":
                    value = value.next
                if value is not None:
                    pairs.setdefault(label_key(term.text()), _text(value))
            groups.append(pairs)
        labelled: dict[str, str] = {}
        for node in root.css("[aria-label]"):
            label, colon, said = str(node.attributes.get("aria-label") or "").partition(":")
            if colon and clean(said):
                labelled.setdefault(label_key(label), clean(said))
        groups.append(labelled)
        return [group for group in groups if group]


def _text(node: LexborNode) -> str:
    return clean(node.text(separator=" "))


def read_html(exchange: Exchange, source: str) -> HtmlPage:
    """The exchange as an HTML page, or LayoutChanged when it is not one (JSON, empty body)."""
    if exchange.media_type not in HTML_MEDIA_TYPES:
        raise LayoutChanged(
            f"layout changed: {source} expected an HTML page, got "
            f"{exchange.media_type or 'no content type'!r}",
            evidence=(exchange.evidence,),
        )
    if not exchange.body.strip():
        raise LayoutChanged(
            f"layout changed: {source} sent an empty page", evidence=(exchange.evidence,)
        )
    return HtmlPage(exchange, source)
