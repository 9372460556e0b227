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
import date), from the knowledge base: under Orders 225/237 ``0`` is Advanced Certified and ``1``
General Certified (both AEO), ``B`` General Credit and ``C`` Discredited (not AEO); under Order 251
(from 2021-11-01) only ``0`` is AEO and General Certified no longer exists; under Order 282 (from
2026-04-01) ``0`` stays Advanced Certified, and the codes of the other levels (the new Certified
level among them) are not known, so they are recorded as unknown, never guessed. The codes come from
public scraper code of 2019-2023 (shared/reference/trade.md §3.5).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from credverify import identifiers
from credverify.adapters.base import Answer, Query, register
from credverify.adapters.snapshot import SnapshotAdapter, SnapshotError, SnapshotRow
from credverify.errors import InvalidIdentifier, LookupFailed
from credverify.knowledge import LegalBasis, load
from credverify.records import RegistryRecord

__all__ = ["CAPTCHA_MESSAGE", "ChinaCreditAdapter"]

ENTRIES = "copInfoList"
CODE_COLUMN = "manaType"
DATE_COLUMN = "manatypeUseTime"

CAPTCHA_MESSAGE = (
    "no snapshot of cn.gacc.credit is loaded, and the live name search of the GACC credit "
    "platform (credit.customs.gov.cn) is behind a slider captcha, which credverify does not "
    "solve: save the published list (the platform's queryList JSON, e.g. the Advanced Certified "
    "list, manaType 0) and run `credverify registries sync cn.gacc.credit --file FILE`"
)

# (tier, active, status) of each code, per legal basis; None for an order whose codes are unknown.
_ORDER_225_237 = {
    "0": ("advanced", True, "Advanced Certified Enterprise (高级认证企业)"),
    "1": ("general", True, "General Certified Enterprise (一般认证企业)"),
    "B": (None, False, "General Credit Enterprise (一般信用企业): not an AEO level"),
    "C": (None, False, "Discredited Enterprise (失信企业): not an AEO level"),
}
_ORDER_251 = {
    "0": ("advanced", True, "Advanced Certified Enterprise (高级认证企业)"),
    "1": (
        None,
        False,
        "General Certified no longer exists under GACC Order 251 (from 2021-11-01): not an AEO",
    ),
    "B": (None, False, "not an AEO level under GACC Order 251 (General Credit under Order 237)"),
    "C": (None, False, "Discredited Enterprise (失信企业): not an AEO level"),
}
LEVELS: dict[str, dict[str, tuple[str | None, bool, str]]] = {
    "gacc-order-225": _ORDER_225_237,
    "gacc-order-237": _ORDER_225_237,
    "gacc-order-251": _ORDER_251,
}
UNKNOWN_UNDER_282 = "level code not known under Order 282"


@register
class ChinaCreditAdapter(SnapshotAdapter):
    """GACC's credit lists: enterprise name, USCC and credit level, read under the right order."""

    id = "cn.gacc.credit"
    name = "China Customs Enterprise Credit Information Publicity Platform (credit lists)"
    schemes = ("cn.aeo",)
    default_base_url = "https://credit.customs.gov.cn"
    file_format = "json"
    required_columns = ()

    async def lookup(self, query: Query) -> Answer:
        if self.store.snapshot_active(self.id) is None:
            raise LookupFailed(CAPTCHA_MESSAGE)
        return await super().lookup(query)

    def read_json(self, data: Any) -> Iterable[dict[str, str]]:
        entries = data
        if isinstance(data, dict):
            inner = data.get("data")
            entries = inner.get(ENTRIES) if isinstance(inner, dict) else None
        if not isinstance(entries, list):
            raise SnapshotError(
                f"{self.id}: not the queryList format: expected "
                f'{{"data": {{"{ENTRIES}": [...]}}}} or a JSON list of entries'
            )
        return entries

    def parse(self, rows: Iterable[dict[str, str]]) -> Iterator[SnapshotRow]:
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
            tier, active, status = self._level(where, code, basis)
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

    def _uscc(self, where: str, text: str) -> str:
        try:
            return identifiers.kind("cn.uscc").validate(text)
        except InvalidIdentifier as exc:
            raise SnapshotError(
                f"{where}: field socialCreditCode: {text!r} is not a valid USCC ({exc.message})"
            ) from None

    def _level(
        self, where: str, code: str, basis: LegalBasis | None
    ) -> tuple[str | None, bool | None, str]:
        if basis is None:
            return None, None, f"manaType {code!r}: no GACC credit order known for this date"
        levels = LEVELS.get(basis.id)
        if basis.id == "gacc-order-282":  # only 0 is known to keep its meaning (trade.md §6)
            if code == "0":
                return "advanced", True, "Advanced Certified Enterprise (高级认证企业)"
            return None, None, f"{UNKNOWN_UNDER_282} (manaType {code!r})"
        if levels is None:  # an order this adapter does not know yet: never guess
            return None, None, f"level code not known under {basis.title} (manaType {code!r})"
        if code not in levels:
            raise SnapshotError(
                f"{where}: field {CODE_COLUMN}: unknown code {code!r} under {basis.title}; "
                f"expected one of {', '.join(levels)}"
            )
        return levels[code]


def import_day() -> date:
    """The day the file is imported: the date of an entry without ``manatypeUseTime``."""
    return datetime.now(UTC).date()


def _text(entry: dict[str, Any], field: str) -> str:
    value = entry.get(field)
    return "" if value is None else " ".join(str(value).split())


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
