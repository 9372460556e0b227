"""A longer fuzz run of every parser: ``.venv/bin/python tests/fuzz/fuzz_parsers.py [NAME...]``.

The strategies of ``tests/reliability/test_properties.py`` (shared in
``tests/reliability/parsers.py``), run with fresh random seeds for a time budget instead of a
fixed, derandomised example count: ``FUZZ_SECONDS`` (default 60) split evenly between the
targets, or among the targets named on the command line (adapter ids, ``read_rows``,
``claims_of``). Nothing leaves the process: HTTP answers come from a mock transport.

The contract is the properties' own: an HTTP adapter gives an Answer or a LookupFailed, a
registry file is imported or refused with an InputError, the batch reader gives rows or an
InputError, cells give claims or an InputError. A target that breaks it is reported with
hypothesis's shrunk example; the run then exits 1. Not a pytest module (its name does not start
with ``test_``, and it runs only as a script).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: make ``tests`` importable
    sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from credverify.errors import InputError  # noqa: E402
from credverify.store import Store  # noqa: E402
from tests.reliability.parsers import (  # noqa: E402
    COLUMN_NAMES,
    HTTP_TARGETS,
    IDENTIFIER_LIKE,
    SNAPSHOT_TARGETS,
    body_for,
    check_contract,
    claims_for,
    content_type_for,
    import_snapshot,
    read_all,
    snapshot_body_for,
    status_for,
)

CHUNK = 300
"""Examples per hypothesis run; runs repeat, with new seeds, until the budget is spent."""

Runner = Callable[[settings], Callable[[], None]]
"""Given settings, a hypothesis test (a function of no arguments) for one target."""


def http_runner(adapter_id: str) -> Runner:
    target = HTTP_TARGETS[adapter_id]

    def make(config: settings) -> Callable[[], None]:
        @config
        @given(
            body=body_for(target), content_type=content_type_for(target), status=status_for(target)
        )
        def fuzz(body: bytes, content_type: str, status: int) -> None:
            COUNTS[adapter_id] += 1
            check_contract(target, body, content_type, status)

        return fuzz

    return make


def snapshot_runner(adapter_id: str, folder: Path) -> Runner:
    target = SNAPSHOT_TARGETS[adapter_id]
    store = Store(folder / f"{adapter_id}.sqlite3")

    def make(config: settings) -> Callable[[], None]:
        @config
        @given(body=snapshot_body_for(target))
        def fuzz(body: bytes) -> None:
            COUNTS[adapter_id] += 1
            with contextlib.suppress(InputError):
                import_snapshot(target, body, store, folder)

        return fuzz

    return make


def reader_runner(folder: Path) -> Runner:
    text = st.lists(st.lists(IDENTIFIER_LIKE, max_size=6).map(",".join), max_size=8).map(
        lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")
    )

    def make(config: settings) -> Callable[[], None]:
        @config
        @given(
            body=st.one_of(st.binary(max_size=2_000), text),
            suffix=st.sampled_from([".csv", ".xlsx", ".tsv"]),
        )
        def fuzz(body: bytes, suffix: str) -> None:
            COUNTS["read_rows"] += 1
            path = folder / f"input{suffix}"
            path.write_bytes(body)
            try:
                _, rows = read_all(path)
            except InputError:
                return
            numbers = [row.row for row in rows]
            assert numbers == sorted(set(numbers)), "rows in order, none twice"

        return fuzz

    return make


def claims_runner() -> Runner:
    def make(config: settings) -> Callable[[], None]:
        @config
        @given(values=st.dictionaries(COLUMN_NAMES, IDENTIFIER_LIKE, max_size=8))
        def fuzz(values: dict[str, str]) -> None:
            COUNTS["claims_of"] += 1
            with contextlib.suppress(InputError):
                claims_for(values)

        return fuzz

    return make


COUNTS: dict[str, int] = {}


def main(argv: list[str]) -> int:
    budget = float(os.environ.get("FUZZ_SECONDS", "60"))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        runners: dict[str, Runner] = {name: http_runner(name) for name in HTTP_TARGETS}
        runners |= {name: snapshot_runner(name, folder) for name in SNAPSHOT_TARGETS}
        runners["read_rows"] = reader_runner(folder)
        runners["claims_of"] = claims_runner()
        chosen = argv or list(runners)
        unknown = [name for name in chosen if name not in runners]
        if unknown:
            print(f"unknown target(s) {', '.join(unknown)}; expected {', '.join(runners)}")
            return 2
        share = budget / len(chosen)
        failures: dict[str, str] = {}
        print(f"fuzzing {len(chosen)} parsers for {budget:g} s ({share:.1f} s each)")
        for name in chosen:
            COUNTS[name] = 0
            config = settings(
                max_examples=CHUNK,
                deadline=None,
                database=None,
                phases=[Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
                report_multiple_bugs=False,
            )
            fuzz = runners[name](config)
            stop = time.monotonic() + share
            while time.monotonic() < stop:
                try:
                    fuzz()
                except Exception as failure:  # the contract is broken: report, move on
                    notes = "\n".join(getattr(failure, "__notes__", []))
                    frame = traceback.extract_tb(failure.__traceback__)[-1]
                    raised = f"{type(failure).__name__}: {failure}"
                    failures[name] = f"{raised}\n  at {frame.filename}:{frame.lineno}\n{notes}"
                    break
            verdict = "FAILED" if name in failures else "ok"
            print(f"  {name:24} {COUNTS[name]:>8,} inputs  {verdict}", flush=True)
        total = sum(COUNTS[name] for name in chosen)
        print(f"{total:,} inputs in all; {len(failures)} parser(s) broke their contract")
        for name, report in failures.items():
            print(f"\n== {name} ==\n{report}")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
