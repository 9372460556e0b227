"""List of Excluded Individuals/Entities (LEIE), United States (HHS Office of Inspector General):
https://oig.hhs.gov/exclusions/downloadables/UPDATED.csv

OIG has no query API: it publishes the whole list as a CSV file, ``UPDATED.csv`` (a monthly full
replacement, some 83,000 rows), plus monthly supplements ``{yyyy}/{yy}{mm}excl.csv`` (new
exclusions) and ``{yyyy}/{yy}{mm}rein.csv`` (reinstatements). All three have the same 18 columns
and are all accepted by ``credverify registries sync us.oig.leie --file F``::

    LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,
    EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE

A row is a person (``LASTNAME`` set; holder "FIRSTNAME MIDNAME LASTNAME") or an entity
(``BUSNAME`` only; holder BUSNAME). A person who also has a business name is found under both.

What the fields mean here:

- A record is an **exclusion**, not a licence: status ``excluded (<EXCLTYPE>)``, ``EXCLTYPE``
  being the Social Security Act section 1128 ground (``1128a1``, ``1128b4``...; kept as written:
  any ground on the list is an exclusion), ``valid_from`` ``EXCLDATE``. Every row of
  ``UPDATED.csv`` is a current exclusion (reinstated people drop out of it). A row with a
  ``REINDATE`` (the reinstatement supplements) has status ``excluded (<EXCLTYPE>), reinstated
  <date>`` and ``valid_until`` that date: whether the exclusion is still in force is judged on the
  day of the lookup or screening (the verifier's period check; a screening is never a ``match``
  on an exclusion reinstated by then, and says when it was reinstated), never frozen at import.
- Dates are ``yyyymmdd``; ``00000000`` (or nothing) means none.
- ``NPI`` is ``0000000000`` when OIG does not know it, which is most rows: an all-zero NPI is never
  an identifier, so it can never match. A query with an all-zero NPI and a name is searched by
  name only (said in a note); without a name it is refused. Without an NPI, confirming a specific
  person needs OIG's online search (SSNs are not published).
- No-result: the list is complete, so an NPI or a name it does not hold is "no entry ... in the
  snapshot" (see :mod:`credverify.adapters.snapshot`); no snapshot loaded is a fault.
- ``details`` keeps the non-empty raw fields: general, specialty, upin, dob (ISO), address, city,
  zip, excltype, reindate, waiverdate (ISO), wvrstate (the state whose Medicaid waived it).

The downloads and their record layout: https://oig.hhs.gov/exclusions/exclusions_list.asp
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from datetime import date

from credverify.adapters.base import Query, register
from credverify.adapters.snapshot import SnapshotAdapter, SnapshotError, SnapshotRow
from credverify.records import RegistryRecord

__all__ = ["LeieAdapter"]

COLUMNS = (
    "LASTNAME", "FIRSTNAME", "MIDNAME", "BUSNAME", "GENERAL", "SPECIALTY", "UPIN", "NPI", "DOB",
    "ADDRESS", "CITY", "STATE", "ZIP", "EXCLTYPE", "EXCLDATE", "REINDATE", "WAIVERDATE", "WVRSTATE",
)  # fmt: skip
SCHEME = "us.oig.leie"
ALL_ZEROS = re.compile(r"0+")
NPI_FORMAT = re.compile(r"[0-9]{10}")
DATE_FORMAT = re.compile(r"[0-9]{8}")
STATE_FORMAT = re.compile(r"[A-Z]{2}")
# Raw fields kept in details (column -> detail key); dates are handled apart, as ISO dates.
TEXT_DETAILS = {
    "GENERAL": "general", "SPECIALTY": "specialty", "UPIN": "upin", "ADDRESS": "address",
    "CITY": "city", "ZIP": "zip", "EXCLTYPE": "excltype", "WVRSTATE": "wvrstate",
}  # fmt: skip
UNKNOWN_NPI = "NPI {npi} is the LEIE's mark for an unknown NPI, never an identifier"
ZERO_NPI_NOTE = UNKNOWN_NPI + ": searched by name only"


def blank(value: str) -> bool:
    """True for a field the LEIE leaves empty: nothing, or all zeros (``00000000``)."""
    return not value or ALL_ZEROS.fullmatch(value) is not None


def unknown_npi(value: str) -> bool:
    """True for an NPI the LEIE does not know: empty or all zeros (``0000000000``, ``0``)."""
    return blank("".join(value.split()))


@register
class LeieAdapter(SnapshotAdapter):
    """The HHS-OIG exclusion list, from its CSV download."""

    id = "us.oig.leie"
    name = "HHS-OIG List of Excluded Individuals/Entities (LEIE)"
    schemes = (SCHEME,)
    default_base_url = "https://oig.hhs.gov/exclusions/downloadables/UPDATED.csv"
    file_format = "csv"
    required_columns = COLUMNS
    parser_version = 2

    def read_rows(self, rows: Iterable[dict[str, str]]) -> Iterator[SnapshotRow]:
        # Row 1 is the header, so the first entry is row 2 (blank lines are skipped by the reader).
        for number, row in enumerate(rows, start=2):
            yield self.parse_row(number, {c: (row.get(c) or "").strip() for c in COLUMNS})

    def parse_row(self, number: int, row: dict[str, str]) -> SnapshotRow:
        """One LEIE row as a snapshot row; SnapshotError names the row and column at fault."""

        def fail(column: str, expected: str) -> SnapshotError:
            return SnapshotError(
                f"{self.id}: row {number}, column {column}: {row[column]!r} is not {expected}"
            )

        def day(column: str) -> date | None:
            value = row[column]
            if blank(value):
                return None
            if DATE_FORMAT.fullmatch(value):
                try:
                    return date(int(value[:4]), int(value[4:6]), int(value[6:]))
                except ValueError:
                    pass
            raise fail(column, "a date in the form yyyymmdd (00000000 for none)")

        person = " ".join(row[c] for c in ("FIRSTNAME", "MIDNAME", "LASTNAME") if row[c])
        business = row["BUSNAME"]
        if not row["LASTNAME"] and not business:
            raise fail("LASTNAME", "a last name (BUSNAME is empty too: the row names no one)")
        npi = None if unknown_npi(row["NPI"]) else row["NPI"]
        if npi is not None and not NPI_FORMAT.fullmatch(npi):
            raise fail("NPI", "an NPI of 10 digits (0000000000 when unknown)")
        state = row["STATE"].upper()
        if state and not STATE_FORMAT.fullmatch(state):
            raise fail("STATE", "a two-letter state code")
        ground = row["EXCLTYPE"]
        if not ground:
            raise fail("EXCLTYPE", "an exclusion type such as 1128a1")
        excluded, reinstated = day("EXCLDATE"), day("REINDATE")
        details = {key: row[column] for column, key in TEXT_DETAILS.items() if row[column]}
        for column, key in (("DOB", "dob"), ("REINDATE", "reindate"), ("WAIVERDATE", "waiverdate")):
            value = day(column)
            if value is not None:
                details[key] = value.isoformat()
        holder = person if row["LASTNAME"] else business
        record = RegistryRecord(
            adapter=self.id,
            identifier=npi,
            holder=holder,
            scheme=SCHEME,
            jurisdiction=f"US-{state}" if state else None,
            status=f"excluded ({ground})"
            + (f", reinstated {reinstated.isoformat()}" if reinstated else ""),
            active=True,
            valid_from=excluded,
            valid_until=reinstated,
            details=dict(sorted(details.items())),
        )
        names = tuple(n for n in (person if row["LASTNAME"] else "", business) if n)
        return SnapshotRow(identifier=npi, names=names, record=record)

    def refuses(self, query: Query) -> str | None:
        if query.identifier and unknown_npi(query.identifier) and not query.holder:
            unknown = UNKNOWN_NPI.format(npi=query.identifier)
            return f"{self.id}: {unknown}; give a name to search"
        return super().refuses(query)

    def restate(self, query: Query) -> tuple[Query, tuple[str, ...]]:
        """An all-zero NPI is no identifier: it is dropped, the name searched, and said so."""
        if query.identifier is None or not unknown_npi(query.identifier):
            return query, ()
        note = ZERO_NPI_NOTE.format(npi=query.identifier)
        return dataclasses.replace(query, identifier=None), (note,)
