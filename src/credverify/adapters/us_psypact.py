"""PSYPACT Commission list of APIT and TAP holders, United States: a snapshot of the published list.

https://psypact.gov/ (the Commission's primary-source verification of current authorisation
holders; the domain moved from psypact.org in 2025).

The Commission publishes who holds a current Authority to Practice Interjurisdictional
Telepsychology (APIT) or Temporary Authorization to Practice (TAP). It offers no API, so the
supported input is a CSV of that list with these columns (header row first, any order, extra
columns ignored)::

    Last Name,First Name,Home State,License Number,Authority,Issued,Expires

- ``Home State``: the two-letter code of the state (or territory) of the home licence, e.g. ``CO``;
  the record's jurisdiction is ``US-CO``.
- ``License Number``: the home-state licence number; the identifier is ``{Home State}-{License
  Number}``, e.g. ``CO-PSY0001234`` (compared without spaces, upper case).
- ``Authority``: ``APIT`` or ``TAP`` (the full names are accepted too) -> tier ``apit`` / ``tap``;
  these four wordings are the :data:`AUTHORITIES` vocabulary, any other refuses the row.
- ``Issued``, ``Expires``: ``YYYY-MM-DD`` or ``MM/DD/YYYY``; ``Expires`` may be empty.

This layout and its wordings are modelled (the Commission documents no export format), not
confirmed against a real export.

A listed authority is ``active``, with status e.g. ``APIT, expires 2027-01-31``, ``valid_from``
Issued and ``valid_until`` Expires: whether it has expired is judged on the day of the lookup (the
verifier's period check makes a past expiry ``inactive``), never frozen on the day of the import.
The list is complete: a licence or a name it does not hold is "no entry ... in the snapshot". The
APIT/TAP prerequisites (ASPPB E.Passport, IPC) and the home licence itself are not on this list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache

from credverify.adapters.base import Vocabulary, register
from credverify.adapters.snapshot import SnapshotAdapter, SnapshotError, SnapshotRow
from credverify.adapters.text import clean, day
from credverify.errors import UnknownWording
from credverify.records import RegistryRecord

__all__ = ["AUTHORITIES", "COLUMNS", "PsypactRegisterAdapter"]

LAST, FIRST, STATE, LICENSE = "Last Name", "First Name", "Home State", "License Number"
AUTHORITY, ISSUED, EXPIRES = "Authority", "Issued", "Expires"
COLUMNS = (LAST, FIRST, STATE, LICENSE, AUTHORITY, ISSUED, EXPIRES)

AUTHORITIES = Vocabulary(
    "PSYPACT authority",
    {
        "APIT": "apit",
        "Authority to Practice Interjurisdictional Telepsychology": "apit",
        "TAP": "tap",
        "Temporary Authorization to Practice": "tap",
    },
)
"""The list's authority wording -> ``us.psypact`` tier id."""

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
FIRST_ROW = 2  # the header is row 1


@register
class PsypactRegisterAdapter(SnapshotAdapter):
    """The PSYPACT list: psychologist, home state and licence, APIT or TAP, issue and expiry."""

    id = "us.psypact.register"
    name = "PSYPACT Commission list of APIT and TAP holders"
    schemes = ("us.psypact",)
    default_base_url = "https://psypact.gov"
    file_format = "csv"
    required_columns = COLUMNS
    parser_version = 2

    def read_rows(self, rows: Iterable[dict[str, str]]) -> Iterator[SnapshotRow]:
        for number, row in enumerate(rows, start=FIRST_ROW):
            yield self.read_row(number, row)

    def read_row(self, number: int, row: dict[str, str]) -> SnapshotRow:
        """One list row as a snapshot row; SnapshotError names the row and column at fault."""
        where = f"{self.id}: row {number}"
        last, first = _cell(row, LAST), _cell(row, FIRST)
        if not last:
            raise SnapshotError(f"{where}: column {LAST} is empty; expected the surname")
        state = _cell(row, STATE).upper()
        if not _is_us_state(state):
            raise SnapshotError(
                f"{where}: column {STATE}: {state!r} is not a US state or territory code; "
                "expected two letters, e.g. CO"
            )
        licence = _cell(row, LICENSE)
        if not licence:
            raise SnapshotError(f"{where}: column {LICENSE} is empty; expected the licence number")
        authority = _cell(row, AUTHORITY)
        try:
            tier = AUTHORITIES(authority)
        except UnknownWording:
            raise SnapshotError(
                f"{where}: column {AUTHORITY}: unknown authority {authority!r}; "
                "expected APIT or TAP"
            ) from None
        issued = _day(where, ISSUED, _cell(row, ISSUED))
        expires = _day(where, EXPIRES, _cell(row, EXPIRES))
        status = f"{tier.upper()}, " + (f"expires {expires}" if expires else "no expiry shown")
        identifier = f"{state}-{licence}"
        holder = f"{first} {last}".strip()
        details = {
            "last_name": last,
            "first_name": first,
            "home_state": state,
            "license_number": licence,
            "authority": authority,
            "issued": _cell(row, ISSUED),
            "expires": _cell(row, EXPIRES),
        }
        record = RegistryRecord(
            adapter=self.id,
            identifier=identifier,
            holder=holder,
            scheme="us.psypact",
            tier=tier,
            jurisdiction=f"US-{state}",
            status=status,
            active=True,
            valid_from=issued,
            valid_until=expires,
            details={k: v for k, v in details.items() if v},
        )
        return SnapshotRow(identifier, (holder,), record)


def _cell(row: dict[str, str], column: str) -> str:
    return clean(row.get(column))


def _day(where: str, column: str, text: str) -> date | None:
    if not text:
        return None
    found = day(text, DATE_FORMATS)
    if found is not None:
        return found
    raise SnapshotError(
        f"{where}: column {column}: {text!r} is not a date; expected YYYY-MM-DD or MM/DD/YYYY"
    )


def _is_us_state(code: str) -> bool:
    """A two-letter code of a US state, DC or a territory (ISO 3166-2:US)."""
    return code in _us_states()


@cache
def _us_states() -> frozenset[str]:
    import pycountry  # heavy: loaded only when a list is imported

    return frozenset(
        s.code.removeprefix("US-") for s in pycountry.subdivisions if s.country_code == "US"
    )
