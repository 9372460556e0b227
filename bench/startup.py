"""Start-up time and batch memory, each measured in fresh subprocesses.

- ``import credverify``: the cumulative time ``python -X importtime -c "import credverify"``
  reports for the ``credverify`` package (median of 7), and, for context, the wall time of
  ``python -c "import credverify"`` against ``python -c "pass"``.
- ``credverify lookup 1234567890 --offline --json`` (an NPI with a wrong check digit: answered
  without any request): the wall time of the whole command in a new process, interpreter start-up
  included (median of 5 after one untimed run that creates the store and byte-code caches).
- a 1,000,000-row batch (``--quick``: 100,000): a synthetic supplier list (name, country, EORI,
  AEO tier) run through ``credverify batch FILE --offline --to NL --format csv --out ...``: every
  row is planned, its identifier validated, the cache asked (offline: no evidence, so
  ``unverifiable``), assessed for NL, checkpointed in the store and written to the report. Peak
  resident memory is the child's ``ru_maxrss`` from ``os.wait4``; RSS is also sampled every
  0.5 s to show whether it grows with the rows.

Each run gets its own empty ``CREDVERIFY_HOME`` in a temporary folder; nothing touches the
network. Run: ``.venv/bin/python bench/startup.py`` (full) or ``--quick``.
Writes ``bench/results/startup.json`` (``startup-quick.json`` with ``--quick``).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, print_table, verdict, write_results

TARGET_IMPORT_MS = 150.0
TARGET_LOOKUP_S = 0.4
TARGET_PEAK_MB = 400.0
PYTHON = sys.executable
CREDVERIFY = str(Path(PYTHON).with_name("credverify"))
EU_COUNTRIES = ("DE", "NL", "FR", "BE", "IT", "ES", "PL")


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDVERIFY_")}
    env.update({"CREDVERIFY_HOME": str(home), "NO_COLOR": "1"})
    return env


def import_time(home: Path, runs: int) -> dict[str, Any]:
    cumulative = []
    for _ in range(runs):
        done = subprocess.run(
            [PYTHON, "-X", "importtime", "-c", "import credverify"],
            capture_output=True, text=True, env=_env(home), check=True,
        )  # fmt: skip
        for line in done.stderr.splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*credverify$", line)
            if match:
                cumulative.append(int(match.group(1)) / 1000)
    import_wall, bare_wall = [], []
    for _ in range(runs):
        for code, out in (("import credverify", import_wall), ("pass", bare_wall)):
            started = time.perf_counter()
            subprocess.run([PYTHON, "-c", code], env=_env(home), check=True)
            out.append(time.perf_counter() - started)
    return {
        "importtime_cumulative_ms": round(statistics.median(cumulative), 1),
        "importtime_runs_ms": cumulative,
        "python_c_import_wall_ms": round(statistics.median(import_wall) * 1000, 1),
        "python_c_pass_wall_ms": round(statistics.median(bare_wall) * 1000, 1),
    }


def lookup_time(home: Path, runs: int) -> dict[str, Any]:
    # An invalid NPI is a blocker: exit 1 is the command's answer, anything else a failure.
    command = [CREDVERIFY, "lookup", "1234567890", "--offline", "--json", "--fail-on", "never"]
    subprocess.run(command, env=_env(home), capture_output=True, check=True)  # warm-up
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=_env(home), capture_output=True, check=True)
        walls.append(time.perf_counter() - started)
    return {
        "command": " ".join(["credverify", *command[1:]]),
        "median_s": round(statistics.median(walls), 3),
        "min_s": round(min(walls), 3),
        "max_s": round(max(walls), 3),
        "runs_s": [round(w, 3) for w in walls],
    }


def write_suppliers(path: Path, rows: int, seed: int) -> None:
    """A supplier list: name, country, EORI and sometimes an AEO tier; no network needed."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Supplier name", "Country", "EORI", "AEO tier"])
        for n in range(rows):
            country = rng.choice(("GB", *EU_COUNTRIES))
            if country == "GB":
                eori = f"GB{rng.randrange(10**12):012d}"
            else:
                eori = f"{country}{rng.randrange(10**9):09d}"
            tier = rng.choice(("", "", "AEOC", "AEOS", "AEOF"))
            writer.writerow([f"Synthetic Supplier {n} Trading Ltd", country, eori, tier])


def _rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def batch_memory(home: Path, rows: int, seed: int) -> dict[str, Any]:
    folder = home.parent
    source = folder / "suppliers.csv"
    print(f"writing {rows:,} supplier rows...", flush=True)
    write_suppliers(source, rows, seed)
    report = folder / "report.csv"
    command = [
        CREDVERIFY, "batch", str(source), "--offline", "--to", "NL",
        "--format", "csv", "--out", str(report),
    ]  # fmt: skip
    print(f"credverify batch of {rows:,} rows (peak memory)...", flush=True)
    started = time.perf_counter()
    with open(folder / "batch.log", "wb") as log:
        process = subprocess.Popen(command, env=_env(home), stdout=log, stderr=log)
        samples: list[tuple[float, float]] = []
        while True:
            waited = os.wait4(process.pid, os.WNOHANG)
            if waited[0] != 0:
                _, status, usage = waited
                break
            rss = _rss_mb(process.pid)
            if rss is not None:
                samples.append((round(time.perf_counter() - started, 1), round(rss, 1)))
            time.sleep(0.5)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    tail = (folder / "batch.log").read_bytes()[-2000:].decode("utf-8", "replace")
    if process.returncode not in (0, 1):
        raise SystemExit(f"credverify batch failed ({process.returncode}):\n{tail}")
    with report.open(encoding="utf-8-sig") as written:
        reported = sum(1 for _ in written) - 1
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    step = max(1, len(samples) // 20)
    return {
        "rows": rows,
        "input_mb": round(source.stat().st_size / 1e6, 1),
        "report_rows": reported,
        "wall_s": round(elapsed, 1),
        "rows_per_s": round(rows / elapsed, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "rss_samples_s_mb": samples[::step] + samples[-1:],
        "command": " ".join(["credverify", *command[1:2], "FILE", *command[3:-1], "REPORT"]),
        "exit_code": process.returncode,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="a 100k-row batch, fewer runs")
    parser.add_argument("--rows", type=int, help="batch rows (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args(argv)
    rows = args.rows or (100_000 if args.quick else 1_000_000)
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory(prefix="credverify-bench-") as folder:
        home = Path(folder) / "home"
        home.mkdir()
        print("import time...", flush=True)
        imports = import_time(home, 5 if args.quick else 7)
        print("lookup cold start...", flush=True)
        lookup = lookup_time(home, 5)
        batch_home = Path(folder) / "batch" / "home"
        batch_home.mkdir(parents=True)
        batch = batch_memory(batch_home, rows, args.seed)
    result = {
        "quick": args.quick,
        "import": imports,
        "lookup": lookup,
        "batch": batch,
        "targets": {
            "import_le_150ms": imports["importtime_cumulative_ms"] <= TARGET_IMPORT_MS,
            "lookup_le_0_4s": lookup["median_s"] <= TARGET_LOOKUP_S,
            # The target is for 1M rows: a smaller batch (--quick, --rows) cannot say it is met.
            "batch_peak_le_400mb": batch["peak_rss_mb"] <= TARGET_PEAK_MB
            if rows >= 1_000_000
            else None,
        },
    }
    t = result["targets"]
    print_table(
        "Start-up and memory",
        ("measure", "measured", "target", "verdict"),
        [
            ("import credverify (-X importtime, cumulative)",
             f"{imports['importtime_cumulative_ms']:.1f} ms", "<= 150 ms",
             verdict(t["import_le_150ms"])),
            ("python -c 'import credverify' (wall, whole process)",
             f"{imports['python_c_import_wall_ms']:.0f} ms", "-", "-"),
            ("python -c 'pass' (wall: interpreter alone)",
             f"{imports['python_c_pass_wall_ms']:.0f} ms", "-", "-"),
            ("credverify lookup 1234567890 --offline --json (median of 5)",
             f"{lookup['median_s']:.3f} s", "<= 0.4 s", verdict(t["lookup_le_0_4s"])),
            (f"batch of {rows:,} rows: peak RSS", f"{batch['peak_rss_mb']:.0f} MB", "<= 400 MB",
             verdict(t["batch_peak_le_400mb"])),
            (f"batch of {rows:,} rows: wall time",
             f"{batch['wall_s']:.0f} s ({batch['rows_per_s']:,.0f} rows/s)", "-", "-"),
        ],
    )  # fmt: skip
    path = write_results("startup-quick" if args.quick else "startup", result)
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
