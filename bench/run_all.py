"""Run every benchmark in turn (what ``make bench`` runs), each in its own process.

``--quick`` passes ``--quick`` to each (smoke sizes, a few minutes in all); ``--only NAME`` runs
one. Exits non-zero when a benchmark fails to run; a missed target is reported, not a failure.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BENCHMARKS = ("matching", "online", "startup")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="smoke sizes")
    parser.add_argument("--only", choices=BENCHMARKS, action="append", help="repeatable")
    args = parser.parse_args(argv)
    failed = []
    summary = []
    for name in args.only or BENCHMARKS:
        command = [sys.executable, str(BENCH / f"{name}.py")] + (["--quick"] if args.quick else [])
        print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        code = subprocess.call(command, cwd=BENCH.parent)
        elapsed = time.perf_counter() - started
        if code != 0:
            failed.append(name)
            summary.append((name, f"FAILED (exit {code})", elapsed))
            continue
        result = BENCH / "results" / f"{name}{'-quick' if args.quick else ''}.json"
        targets = _targets(json.loads(result.read_text(encoding="utf-8")))
        missed = [t for t, met in targets.items() if met is False]
        summary.append((name, f"missed: {', '.join(missed)}" if missed else "all met", elapsed))
    print("\n=== summary")
    for name, outcome, elapsed in summary:
        print(f"{name:10} {elapsed:7.1f} s  {outcome}")
    return 1 if failed else 0


def _targets(result: dict[str, object]) -> dict[str, bool | None]:
    found: dict[str, bool | None] = {}
    targets = result.get("targets")
    if isinstance(targets, dict):
        found.update(targets)
    for scenario in result.get("scenarios", []) or []:  # type: ignore[attr-defined]
        for key, met in scenario.get("targets", {}).items():
            found[f"{scenario['scenario']}.{key}"] = met
    return found


if __name__ == "__main__":
    sys.exit(main())
