"""China Customs Enterprise Credit Information Publicity Platform, China: credit-level lists.

中国海关企业进出口信用信息公示平台, a snapshot of its published lists:

http://credit.customs.gov.cn/ccppwebserver/pages/ccpp/html/ccppindex.html; the lists come from
``POST /ccppserver/ccpp/queryList`` with ``{"manaType": "0", "curPage": "1", "pageSize": 20, ...}``.

The supported input is that endpoint's JSON answer (one page, or the pages merged into one
``copInfoList``)::

    {"data": {"totalCount": N, "copInfoList": [{"seqNo", "saicSysNo", "nameSaic",
      "socialCreditCode", "manaType", "depCodeChgName", "manatypeUseTime"}, ...]}}

A bare list of entries is accepted too. Only JSON is read: the snapshot base reads one file format
per adapter. The live name search sits behind a slider captcha (``initFirstImage``) and anti-bot
cookies, so this adapter never calls the site: sync the published list instead.

``manaType`` is read under the GACC order in force on the entry's ``manatypeUseTime`` (else on the
import date: the code is what the list said when it was saved), from the knowledge base. The level
codes of each order are :data:`LEVELS` vocabularies: under Orders 225/237 ``0`` is Advanced
Certified and ``1`` General Certified (both AEO), ``B`` General Credit and ``C`` Discredited (not
AEO); under Order 251 (from 2021-11-01) only ``0`` is AEO and General Certified no longer exists;
under Order 282 (from 2026-04-01) only ``0`` (Advanced Certified) is known, the codes of the other
levels (the new Certified level among them) are not. The codes come from public scraper code of
2019-2023, modelled, not confirmed against the live platform.

Import is tolerant where knowledge is: an Order 282 code other than ``0``, or an entry dated when
no order this adapter knows was in force, is stored as it stands. The lookup is not: such an entry
is ``unverifiable`` (:class:`~credverify.errors.UnknownWording` quoting the code and the order),
never read as a level. A code the complete tables of Orders 225-251 lack refuses the import. The
list is complete: a USCC or a name it does not hold is "no entry ... in the snapshot"; no
snapshot loaded is a fault that explains the captcha.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from credverify import identifiers
from credverify.adapters.base import Answer, Query, Vocabulary, register
from credverify.adapters.http import Exchange
from credverify.adapters.snapshot import SnapshotAdapter, SnapshotError, SnapshotRow
from credverify.adapters.text import clean, today
from credverify.errors import InvalidIdentifier, LookupFailed, UnknownWording
from credverify.knowledge import LegalBasis, load
from credverify.records import RegistryRecord

__all__ = ["CAPTCHA_MESSAGE", "LEVELS", "ChinaCreditAdapter"]

ENTRIES = "copInfoList"
CODE_COLUMN = "manaType"
DATE_COLUMN = "manatypeUseTime"

CAPTCHA_MESSAGE = (
    "no snapshot of cn.gacc.credit is loaded, and the live name search of the GACC credit "
    "platform (credit.customs.gov.cn) is behind a slider captcha, which credverify does not "
    "solve: save the published list (the platform's queryList JSON, e.g. the Advanced Certified "
    "list, manaType 0) and run `credverify registries sync cn.gacc.credit --file FILE`"
)

Level = tuple[str | None, bool, str]
"""(tier, active, status) of a level code."""
ADVANCED: Level = ("advanced", True, "Advanced Certified Enterprise (高级认证企业)")
_ORDER_225_237: dict[str, Level] = {
    "0": ADVANCED,
    "1": ("general", True, "General Certified Enterprise (一般认证企业)"),
    "B": (None, False, "General Credit Enterprise (一般信用企业): not an AEO level"),
    "C": (None, False, "Discredited Enterprise (失信企业): not an AEO level"),
}
_ORDER_251: dict[str, Level] = {
    "0": ADVANCED,
    "1": (
        None,
        False,
        "General Certified no longer exists under GACC Order 251 (from 2021-11-01): not an AEO",
    ),
    "B": (None, False, "not an AEO level under GACC Order 251 (General Credit under Order 237)"),
    "C": (None, False, "Discredited Enterprise (失信企业): not an AEO level"),
}
LEVELS: dict[str, Vocabulary[Level]] = {
    "gacc-order-225": Vocabulary("GACC Order 225 level code (manaType)", _ORDER_225_237),
    "gacc-order-237": Vocabulary("GACC Order 237 level code (manaType)", _ORDER_225_237),
    "gacc-order-251": Vocabulary("GACC Order 251 level code (manaType)", _ORDER_251),
    # Only 0 is known to keep its meaning under Order 282; the other codes are not published.
    "gacc-order-282": Vocabulary("GACC Order 282 level code (manaType)", {"0": ADVANCED}),
}
"""The level codes of each legal basis (by knowledge-base id)."""
PARTIAL_TABLES = frozenset({"gacc-order-282"})
"""Orders whose code table is known to be incomplete: an unknown code is stored at import (the
list is kept) and refused at lookup, instead of refusing the file."""


@register
class ChinaCreditAdapter(SnapshotAdapter):
    """GACC's credit lists: enterprise name, USCC and credit level, read under the right order."""

    id = "cn.gacc.credit"
    name = "China Customs Enterprise Credit Information Publicity Platform (credit lists)"
    short_name = "GACC credit platform"
    schemes = ("cn.aeo",)
    default_base_url = "https://credit.customs.gov.cn"
    file_format = "json"
    required_columns = ()
    parser_version = 2

    def missing_snapshot(self) -> LookupFailed:
        return LookupFailed(CAPTCHA_MESSAGE)

    def read_json(self, data: Any) -> Iterable[dict[str, str]]:
        entries, total = data, None
        if isinstance(data, dict):
            inner = data.get("data")
            entries = inner.get(ENTRIES) if isinstance(inner, dict) else None
            total = inner.get("totalCount") if isinstance(inner, dict) else None
        if not isinstance(entries, list):
            raise SnapshotError(
                f"{self.id}: not the queryList format: expected "
                f'{{"data": {{"{ENTRIES}": [...]}}}} or a JSON list of entries'
            )
        # The list is the whole register only when it holds every entry it counts: a page (or
        # a count that contradicts the entries) would turn an absent enterprise into "not found".
        if total is not None and str(total).strip() != str(len(entries)):
            raise SnapshotError(
                f"{self.id}: totalCount is {total!r} but {ENTRIES} holds {len(entries)} entries; "
                "expected every page merged into one list"
            )
        return entries

    def read_rows(self, rows: Iterable[dict[str, str]]) -> Iterator[SnapshotRow]:
        knowledge = load().scheme("cn.aeo")
        imported = import_day()
        for number, entry in enumerate(rows, start=1):
            where = f"{self.id}: {ENTRIES} entry {number}"
            if not isinstance(entry, dict):
                raise SnapshotError(f"{where}: expected an object, got {type(entry).__name__}")
            name = _text(entry, "nameSaic")
            if not name:
                raise SnapshotError(f"{where}: field nameSaic is empty; expected the name")
            uscc = self._uscc(where, _text(entry, "socialCreditCode"))
            code = _text(entry, CODE_COLUMN).upper()
            since = _day(where, entry.get(DATE_COLUMN))
            basis = knowledge.basis_on(since or imported)
            tier, active, status = _stored_level(where, code, basis)
            details = {
                "seq_no": _text(entry, "seqNo"),
                "saic_sys_no": _text(entry, "saicSysNo"),
                "mana_type": code,
                "customs": _text(entry, "depCodeChgName"),
                "mana_type_use_time": _text(entry, DATE_COLUMN),
                "legal_basis": basis.id if basis else "",
            }
            record = RegistryRecord(
                adapter=self.id,
                identifier=uscc,
                holder=name,
                scheme="cn.aeo",
                tier=tier,
                jurisdiction="CN",
                status=status,
                active=active,
                valid_from=since,
                details={k: v for k, v in details.items() if v},
            )
            yield SnapshotRow(uscc, (name,), record)

    def parse(self, exchange: Exchange, query: Query) -> Answer:
        """The entries found, each read under its order now: a code no known table maps is an
        UnknownWording quoting the code and the order, never a level."""
        answer = super().parse(exchange, query)
        return replace(answer, records=tuple(read_level(r) for r in answer.records))

    def _uscc(self, where: str, text: str) -> str:
        try:
            return identifiers.kind("cn.uscc").validate(text)
        except InvalidIdentifier as exc:
            raise SnapshotError(
                f"{where}: field socialCreditCode: {text!r} is not a valid USCC ({exc.message})"
            ) from None


def _stored_level(
    where: str, code: str, basis: LegalBasis | None
) -> tuple[str | None, bool | None, str]:
    """The level as imported. Tolerant where the knowledge is incomplete (stored as unknown, and
    refused at lookup by :func:`read_level`); a code a complete table lacks refuses the file."""
    if basis is None:
        return None, None, f"manaType {code!r}: no GACC credit order known for this date"
    levels = LEVELS.get(basis.id)
    if levels is not None and code in levels:
        return levels(code)
    if levels is None or basis.id in PARTIAL_TABLES:
        return None, None, f"level code not known under {basis.title} (manaType {code!r})"
    raise SnapshotError(
        f"{where}: field {CODE_COLUMN}: unknown code {code!r} under {basis.title}; "
        f"expected one of {', '.join(levels.wordings)}"
    )


def read_level(record: RegistryRecord) -> RegistryRecord:
    """``record`` with its tier, activity and status read from its code under its order; raises
    UnknownWording (quoting both) when no table of this adapter maps them."""
    code = record.details.get("mana_type", "")
    basis_id = record.details.get("legal_basis", "")
    if not basis_id:
        since = record.details.get("mana_type_use_time") or "the import day"
        raise UnknownWording(
            f"credit level code (manaType) {code!r} of {since}: no GACC credit order is "
            "known for that date, so the code cannot be read"
        )
    levels = LEVELS.get(basis_id)
    title = next(
        (b.title for b in load().scheme("cn.aeo").legal_basis if b.id == basis_id), basis_id
    )
    if levels is None:
        raise UnknownWording(
            f"credit level code (manaType) {code!r} under {title}: an order whose codes "
            "this adapter does not know"
        )
    if code not in levels:
        raise UnknownWording(
            f"credit level code (manaType) {code!r} is not known under {title} "
            f"(known: {', '.join(levels.wordings)}): not read as any level"
        )
    tier, active, status = levels(code)
    return record.model_copy(update={"tier": tier, "active": active, "status": status})


def import_day() -> date:
    """The day the file is imported: the date of an entry without ``manatypeUseTime``."""
    return today()


def _text(entry: dict[str, Any], field: str) -> str:
    return clean(entry.get(field))


_DATE = re.compile(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})")


def _day(where: str, value: object) -> date | None:
    """``manatypeUseTime`` as a date: ``2019-05-20``, ``2019-05-20 10:00:00``, ``20190520``,
    ``2019/5/20`` or epoch milliseconds; empty means not given."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    match = _DATE.match(text)
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value / 1000, UTC).date()
        if text.isdigit() and len(text) > 8:
            return datetime.fromtimestamp(int(text) / 1000, UTC).date()
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except (ValueError, OverflowError, OSError):
        pass
    raise SnapshotError(f"{where}: field {DATE_COLUMN}: {text!r} is not a date (YYYY-MM-DD)")
