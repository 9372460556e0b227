"""Helpers shared by the benchmark scripts: the machine, the table, the JSON result file.

Not a benchmark itself (the leading underscore keeps ``run_all.py`` from running it).
"""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    memory_gib = None
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def package(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": cpu,
        "memory_gib": memory_gib,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "credverify": package("credverify"),
        "rapidfuzz": package("rapidfuzz"),
        "httpx": package("httpx"),
    }


def source_digest() -> dict[str, str]:
    """sha256 of the package's source as measured (all of src/, and the modules that matter
    most), so a figure can be traced to the code it was measured on."""
    import hashlib

    files = sorted((ROOT / "src").rglob("*.py"))
    whole = hashlib.sha256()
    for file in files:
        whole.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes())
    digests = {"src": whole.hexdigest()[:16]}
    for module in ("matching.py", "verifier.py", "batch.py", "adapters/http.py"):
        path = ROOT / "src" / "credverify" / module
        if path.is_file():
            digests[module] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return digests


def write_results(name: str, data: dict[str, Any]) -> Path:
    """``bench/results/<name>.json``, with the machine and the source digest; returns the path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "machine": machine(), "source": source_digest(), **data}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A rich table on stdout (plain text when rich is missing or NO_COLOR is set)."""
    cells = [[_cell(value) for value in row] for row in rows]
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover - rich is a dependency of credverify
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
        print(f"\n{title}")
        print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
        for row in cells:
            print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
        return
    table = Table(title=title, title_justify="left")
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else "right")
    for row in cells:
        table.add_row(*row)
    Console(width=max(100, Console().width)).print(table)


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "MISSED")


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        if value >= 10:
            return f"{value:,.1f}"
        return f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
