"""Small text helpers every adapter shares: clean a field, read a date in a source's formats,
and the day a lookup is judged on. One copy here instead of one per adapter."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime

__all__ = ["clean", "day", "nfkc", "today"]


def clean(text: object) -> str:
    """A field as text, whitespace (newlines, tabs, non-breaking spaces) collapsed; None is "".

    >>> clean(" Registered\\xa0 with\\nconditions ")
    'Registered with conditions'
    """
    if text is None:
        return ""
    return " ".join(str(text).split())


def nfkc(text: object) -> str:
    """:func:`clean` after NFKC (full-width letters and digits as ASCII), for CJK sources.

    >>> nfkc("\uff21\uff22\u3000\uff11\uff12")
    'AB 12'
    """
    return clean(unicodedata.normalize("NFKC", clean(text)))


def day(text: str, formats: Iterable[str]) -> date | None:
    """The date ``text`` writes in the first of ``formats`` (strptime) that reads it, else None.

    >>> day("31/05/2027", ("%Y-%m-%d", "%d/%m/%Y"))
    datetime.date(2027, 5, 31)
    >>> day("soon", ("%Y-%m-%d",)) is None
    True
    """
    for layout in formats:
        try:
            return datetime.strptime(text.strip(), layout).date()
        except ValueError:
            continue
    return None


def today() -> date:
    """Today in UTC: the default day a record's validity is judged on."""
    return datetime.now(UTC).date()
