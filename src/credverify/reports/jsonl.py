"""The JSONL report: one JSON object per input row, with everything credverify knows about it.

Each line is the row's record (``RowResult.model_dump(mode="json")``: values, claims, checks with
findings and evidence, screening, assessment with gaps and trace, error) plus the headline fields a
script filters on: ``status``, ``outcome``, ``gaps`` (codes) and ``top_remedy``. ``synthetic`` is
true on every line of a demo run.

The input columns sit in the nested ``values`` object, so a column named ``status`` or ``row`` can
never overwrite a top-level field; every URL is shown without user info or secret query values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from credverify.records import RowResult
from credverify.reports._common import RunInfo, Summary, scrub

__all__ = ["row_to_json", "write"]


def row_to_json(row: RowResult, run: RunInfo) -> dict[str, Any]:
    """The JSON object of one row."""
    data = row.model_dump(mode="json")
    data["status"] = row.status
    data["outcome"] = row.outcome
    data["gaps"] = row.gap_codes
    data["top_remedy"] = row.top_remedy
    data["synthetic"] = row.synthetic or run.synthetic
    scrubbed: dict[str, Any] = scrub(data)
    return scrubbed


def write(path: Path, rows: Iterable[RowResult], run: RunInfo, summary: Summary) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for row in rows:
            line = json.dumps(row_to_json(row, run), ensure_ascii=False, separators=(",", ":"))
            out.write(line + "\n")
