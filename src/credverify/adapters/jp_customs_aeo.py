"""Japan Customs AEO operator lists (AEO事業者一覧), Japan: a snapshot of the published lists.

https://www.customs.go.jp/zeikan/seido/kaizen.htm (index: "AEO事業者一覧", "各税関別AEO事業者一覧");
one list per category and per regional customs, e.g.
https://www.customs.go.jp/kyotsu/aeo/export/exporter.pdf

Japan Customs publishes the lists as PDF (Excel is also mentioned) and offers no API, so the
supported input is a **CSV export** of the lists, one row per authorisation, with the Japanese
headers the lists use::

    事業者名,英語名,法人番号,区分,監督税関
    (Japanese name, English name, Corporate Number, category, supervising customs)

Only this header set is accepted: the snapshot base checks one fixed set of ``required_columns``
and reads one ``file_format`` per adapter, so an English-header variant or an ``.xlsx`` file must
be saved as this CSV first. The encoding is detected on import (UTF-8 with or without BOM, or
Shift-JIS as Japanese Excel saves it).

区分 names the AEO category, which becomes the ``jp.aeo`` tier: 特定輸出者 exporter, 特例輸入者
importer, 特定保税承認者 warehouse, 認定通関業者 customs-broker, 特定保税運送者 logistics,
認定製造者 manufacturer; these six wordings are the :data:`CATEGORIES` vocabulary (exact match after
NFKC and with spaces removed), any other refuses the row. The identifier is the 13-digit Corporate
Number (法人番号), not the 12-character MRA code partners use; the lists show no dates and no
status column, so a listed operator is "approved" and active as of the list. The list is complete:
a Corporate Number or a name it does not hold is "no entry ... in the snapshot". The CSV layout is
modelled on the published lists' columns (plus the 区分 column), not a file Japan Customs ships.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from credverify import identifiers
from credverify.adapters.base import Vocabulary, register
from credverify.adapters.snapshot import SnapshotAdapter, SnapshotError, SnapshotRow
from credverify.adapters.text import nfkc
from credverify.errors import InvalidIdentifier, UnknownWording
from credverify.records import RegistryRecord

__all__ = ["CATEGORIES", "COLUMNS", "JapanAeoAdapter"]

NAME = "事業者名"
ENGLISH_NAME = "英語名"
CORPORATE_NUMBER = "法人番号"
CATEGORY = "区分"
CUSTOMS = "監督税関"
COLUMNS = (NAME, ENGLISH_NAME, CORPORATE_NUMBER, CATEGORY, CUSTOMS)

CATEGORIES = Vocabulary(
    "Japan AEO category",
    {
        "特定輸出者": "exporter",
        "特例輸入者": "importer",
        "特定保税承認者": "warehouse",
        "認定通関業者": "customs-broker",
        "特定保税運送者": "logistics",
        "認定製造者": "manufacturer",
    },
)
"""The category wording of the lists -> ``jp.aeo`` tier id."""

FIRST_ROW = 2  # the header is row 1


@register
class JapanAeoAdapter(SnapshotAdapter):
    """Japan's AEO lists: category, Corporate Number, Japanese and English names, customs."""

    id = "jp.customs.aeo"
    name = "Japan Customs AEO operator lists (AEO事業者一覧)"
    schemes = ("jp.aeo",)
    default_base_url = "https://www.customs.go.jp/zeikan/seido/kaizen.htm"
    file_format = "csv"
    required_columns = COLUMNS
    parser_version = 2

    def read_rows(self, rows: Iterable[dict[str, str]]) -> Iterator[SnapshotRow]:
        for number, row in enumerate(rows, start=FIRST_ROW):
            yield self.read_row(number, row)

    def read_row(self, number: int, row: dict[str, str]) -> SnapshotRow:
        """One list row as a snapshot row; SnapshotError names the row and column at fault."""
        japanese = _cell(row, NAME)
        english = _cell(row, ENGLISH_NAME)
        if not japanese and not english:
            raise SnapshotError(
                f"{self.id}: row {number}: columns {NAME} and {ENGLISH_NAME} are both empty; "
                "expected the operator's name"
            )
        corporate_number = self._corporate_number(number, _cell(row, CORPORATE_NUMBER))
        category = _cell(row, CATEGORY)
        try:
            tier = CATEGORIES(category.replace(" ", ""))
        except UnknownWording:
            raise SnapshotError(
                f"{self.id}: row {number}: column {CATEGORY}: unknown category {category!r}; "
                f"expected one of {', '.join(CATEGORIES.wordings)}"
            ) from None
        customs = _cell(row, CUSTOMS)
        details = {
            "japanese_name": japanese,
            "english_name": english,
            "corporate_number": corporate_number,
            "category": category,
            "supervising_customs": customs,
        }
        record = RegistryRecord(
            adapter=self.id,
            identifier=corporate_number,
            holder=japanese or english,
            aliases=(english,) if japanese and english else (),
            scheme="jp.aeo",
            tier=tier,
            jurisdiction="JP",
            status="approved",
            active=True,
            details={k: v for k, v in details.items() if v},
        )
        return SnapshotRow(corporate_number, (japanese, english), record)

    def _corporate_number(self, number: int, text: str) -> str:
        kind = identifiers.kind("jp.corporate-number")
        try:
            return kind.validate(text)
        except InvalidIdentifier as exc:
            raise SnapshotError(
                f"{self.id}: row {number}: column {CORPORATE_NUMBER}: {text!r} is not a valid "
                f"Corporate Number ({exc.message})"
            ) from None


def _cell(row: dict[str, str], column: str) -> str:
    """A cell as compared: NFKC (full-width letters and digits as ASCII), spaces collapsed."""
    return nfkc(row.get(column))
