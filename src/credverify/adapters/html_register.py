"""Shared reading of registers that answer with server-rendered HTML pages (HCPC, BACP).

These registers publish no API: a lookup is a GET of the public search page, and the answer is
whatever the page shows. Parsers here anchor on what a person reads (field labels such as
"Registration number", the register's own vocabulary and its own "no results" wording) rather
than on deep CSS paths, so a restyled page still parses and a redesigned one fails loudly.

Three outcomes only, never a fourth: records; the register's own "no results" wording, matched
as a whole line or sentence of the page (no such record); or the adapter's
:meth:`~credverify.adapters.base.Adapter.layout_changed` for anything else (a maintenance notice,
a consent wall, an empty body, JSON, renamed fields). An unrecognised page is never read as "not
found". Markup is parsed with selectolax (lexbor); scripts, styles and templates are dropped
before any text is read, so a word inside a script never counts as page text.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from credverify.adapters.text import clean

if TYPE_CHECKING:
    from credverify.adapters.base import Adapter, Vocabulary
    from credverify.adapters.http import Exchange
    from credverify.errors import LayoutChanged

__all__ = ["HTML_MEDIA_TYPES", "HtmlPage", "label_key", "pick", "read_html"]

HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_INVISIBLE = ["script", "style", "noscript", "template"]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


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
    """One register page: its tree (without scripts), its visible lines, and its evidence."""

    def __init__(self, exchange: Exchange, adapter: Adapter) -> None:
        self.exchange = exchange
        self.adapter = adapter
        self.tree = LexborHTMLParser(
            _decode(exchange.body, str(exchange.headers.get("content-type", "")))
        )
        self.tree.strip_tags(_INVISIBLE, recursive=True)

    @property
    def title(self) -> str:
        node = self.tree.css_first("title") or self.tree.css_first("h1")
        return clean(node.text(separator=" ")) if node is not None else ""

    def layout_changed(self, why: str) -> LayoutChanged:
        """The adapter's :meth:`~credverify.adapters.base.Adapter.layout_changed`, naming the
        page's own title, since a bot wall or a maintenance page says what it is there."""
        title = f" (page title: {self.title[:80]!r})" if self.title else ""
        return self.adapter.layout_changed(self.exchange, f"{why}{title}")

    @cached_property
    def lines(self) -> tuple[str, ...]:
        """What a reader sees as separate lines: the text of every element that holds text of
        its own (a paragraph, a cell, a heading), whole, then each of its sentences."""
        return tuple(line for node in _nodes(self.tree.body) for line in _lines(node))

    def says(self, phrases: Vocabulary[Any]) -> str | None:
        """The first line or sentence of the page that is one of ``phrases`` (compared whole,
        never as a substring), else None."""
        return next((line for line in self.lines if line in phrases), None)

    def lines_matching(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        """Every line or sentence that ``pattern`` matches whole (``fullmatch``)."""
        return [found for line in self.lines if (found := pattern.fullmatch(line))]

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


def _nodes(root: LexborNode | None) -> Iterator[LexborNode]:
    """``root`` and every element under it that holds text of its own."""
    if root is None:
        return
    for node in root.traverse(include_text=False):
        if clean(node.text(deep=False)):
            yield node


def _lines(node: LexborNode) -> Iterator[str]:
    whole = _text(node)
    yield whole
    sentences = _SENTENCE_END.split(whole)
    if len(sentences) > 1:
        yield from sentences


def _text(node: LexborNode) -> str:
    return clean(node.text(separator=" "))


def read_html(exchange: Exchange, adapter: Adapter) -> HtmlPage:
    """The exchange as an HTML page; the adapter's layout change when it is not one (JSON, an
    empty body)."""
    if exchange.media_type not in HTML_MEDIA_TYPES:
        raise adapter.layout_changed(
            exchange, f"expected an HTML page, got {exchange.media_type or 'no content type'!r}"
        )
    if not exchange.body.strip():
        raise adapter.layout_changed(exchange, "sent an empty page")
    return HtmlPage(exchange, adapter)
