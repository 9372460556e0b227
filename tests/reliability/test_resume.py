"""Kill a batch at random points, resume it, and find every row exactly once.

Two kinds of kill, at seeded random points:

- a real ``SIGKILL`` of ``credverify batch`` in a child process, once a random number of rows
  are checkpointed (a multiple of the chunk), after a random delay that lands it mid-chunk;
- a simulated death inside one process (an exception no code catches, as a ``BaseException``),
  at exact places a timer cannot hit: mid-chunk while rows are being checked, between two chunks,
  halfway through writing a checkpoint (its transaction must roll back whole), while the report
  is being written, and twice in one run.

Then ``--resume``: every input row appears in the report exactly once, with its own values.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import credverify.batch
import credverify.reports
from credverify.batch import CHUNK, BatchOptions, run_batch
from credverify.store import Store
from credverify.verifier import Verifier

SEED = 20261129
CHILD_ROWS = 3_000
LOCAL_ROWS = 2 * CHUNK + CHUNK // 2  # two full chunks and a half one


def write_rows(path: Path, count: int) -> Path:
    """Offline rows of four kinds: an AEO claim, an EORI, a bad country (a per-row error) and
    a row with no claim, so that every kind of result goes through the checkpoints."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["supplier", "country", "eori", "aeo_tier"])
        for i in range(count):
            kind = i % 4
            writer.writerow(
                [
                    f"Supplier {i}",
                    ("DE", "GB", "Germny", "")[kind],
                    f"GB{100200300000 + 10 * i:012d}" if kind == 1 else "",
                    "AEOS" if kind == 0 else "",
                ]
            )
    return path


def assert_every_row_once(report: Path, count: int) -> None:
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [line["row"] for line in lines] == list(range(2, count + 2)), "each row exactly once"
    for line in lines:
        assert line["values"]["supplier"] == f"Supplier {line['row'] - 2}"
        assert (line["error"] is not None) == (line["values"]["country"] == "Germny")


def checkpointed(database: Path) -> int:
    try:
        with sqlite3.connect(database, timeout=1) as db:
            return int(db.execute("SELECT count(*) FROM batch_rows").fetchone()[0])
    except sqlite3.Error:
        return 0


# -- real kills --------------------------------------------------------------------------------

_random = random.Random(SEED)
CHILD_KILLS = [
    (chunks, _random.uniform(0.0, 0.06))
    for chunks in _random.sample(range(1, CHILD_ROWS // CHUNK), CHILD_ROWS // CHUNK - 1)
]
"""(chunks checkpointed before the kill, then a delay in seconds that lands it mid-chunk): one
kill after each chunk boundary but the last, in a seeded random order and with seeded delays."""


@pytest.mark.parametrize(
    ("chunks", "delay"),
    CHILD_KILLS,
    ids=[f"after-{c}-chunks+{d * 1000:.0f}ms" for c, d in CHILD_KILLS],
)
def test_a_sigkilled_run_resumes_with_every_row_exactly_once(
    tmp_path: Path, chunks: int, delay: float
) -> None:
    source = write_rows(tmp_path / "suppliers.csv", CHILD_ROWS)
    home = tmp_path / "home"
    env = {**os.environ, "CREDVERIFY_HOME": str(home)}
    out = tmp_path / "report.jsonl"
    command = [
        sys.executable, "-m", "credverify", "batch", str(source), "--offline",
        "--format", "jsonl", "--out", str(out),
    ]  # fmt: skip
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = home / "credverify.sqlite3"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if database.exists() and checkpointed(database) >= chunks * CHUNK:
            break
        time.sleep(0.002)
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, "the run was killed, not finished"
    done = checkpointed(database)
    assert chunks * CHUNK <= done <= CHILD_ROWS
    assert done % CHUNK == 0, "a checkpoint is a whole chunk or nothing"
    assert not out.exists(), "no report under the final name from a killed run"

    resumed = subprocess.run(
        [*command, "--resume"], env=env, capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "Traceback" not in resumed.stderr
    assert_every_row_once(out, CHILD_ROWS)


# -- simulated deaths at exact places -----------------------------------------------------------


class Killed(BaseException):
    """The process dies here: nothing catches a BaseException that is not an Exception."""


def run(source: Path, out: Path, home: Path, *, resume: bool) -> None:
    verifier = Verifier(offline=True, store=home / "credverify.sqlite3")
    try:
        run_batch(source, verifier, BatchOptions(target=None, resume=resume), out=out, fmt="jsonl")
    finally:
        verifier.store.close()


Injection = Callable[[pytest.MonkeyPatch, random.Random], str]


def die_mid_chunk(monkeypatch: pytest.MonkeyPatch, rng: random.Random) -> str:
    """Die while the rows of a chunk are being finished, before its checkpoint."""
    at = rng.randrange(1, LOCAL_ROWS)
    finish = credverify.batch._finish
    calls = 0

    async def dying(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == at:
            raise Killed
        return await finish(*args, **kwargs)

    monkeypatch.setattr(credverify.batch, "_finish", dying)
    return f"at row {at + 1}"


def _dying_checkpoint(monkeypatch: pytest.MonkeyPatch, after: int, mid_write: bool) -> None:
    put = Store.batch_put
    calls = 0

    def dying(self: Store, run_id: str, rows: Sequence[tuple[int, str]]) -> None:
        nonlocal calls
        calls += 1
        if calls <= after:
            put(self, run_id, rows)
            return
        if not mid_write:
            raise Killed

        def half() -> Iterator[tuple[int, str]]:
            for index, row in enumerate(rows):
                if index == len(rows) // 2:
                    raise Killed
                yield row

        put(self, run_id, half())  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "batch_put", dying)


def die_between_chunks(monkeypatch: pytest.MonkeyPatch, rng: random.Random) -> str:
    """Die right after a checkpoint is committed, before the next chunk starts."""
    after = rng.randrange(1, LOCAL_ROWS // CHUNK + 1)
    _dying_checkpoint(monkeypatch, after, mid_write=False)
    return f"after {after} checkpoints"


def die_mid_checkpoint(monkeypatch: pytest.MonkeyPatch, rng: random.Random) -> str:
    """Die halfway through writing a checkpoint: its transaction rolls back whole."""
    after = rng.randrange(0, LOCAL_ROWS // CHUNK + 1)
    _dying_checkpoint(monkeypatch, after, mid_write=True)
    return f"inside checkpoint {after + 1}"


def die_writing_the_report(monkeypatch: pytest.MonkeyPatch, rng: random.Random) -> str:
    """Die with every row checkpointed, partway through the report."""
    at = rng.randrange(1, LOCAL_ROWS)
    write = credverify.reports.write_report

    def dying(path: Path, fmt: str, rows: Any, info: Any) -> Any:
        def some() -> Iterator[Any]:
            for index, row in enumerate(rows):
                if index == at:
                    raise Killed
                yield row

        return write(path, fmt, some(), info)

    monkeypatch.setattr(credverify.batch, "write_report", dying)
    return f"at report row {at}"


INJECTIONS: dict[str, Injection] = {
    "mid-chunk": die_mid_chunk,
    "between-chunks": die_between_chunks,
    "mid-checkpoint": die_mid_checkpoint,
    "writing-the-report": die_writing_the_report,
}


@pytest.mark.parametrize("where", INJECTIONS)
def test_a_run_that_dies_resumes_with_every_row_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    rng = random.Random(f"{SEED}-{where}")
    source = write_rows(tmp_path / "suppliers.csv", LOCAL_ROWS)
    out = tmp_path / "report.jsonl"
    home = tmp_path / "home"
    with monkeypatch.context() as patched:
        point = INJECTIONS[where](patched, rng)
        with pytest.raises(Killed):
            run(source, out, home, resume=False)
    done = checkpointed(home / "credverify.sqlite3")
    assert done % CHUNK == 0 or done == LOCAL_ROWS, f"died {point}: {done} rows checkpointed"
    assert not out.exists(), f"died {point}: no report under the final name"
    assert not list(tmp_path.glob(".report.jsonl.*")), "no temporary report left behind"
    run(source, out, home, resume=True)
    assert_every_row_once(out, LOCAL_ROWS)


def test_a_run_that_dies_twice_resumes_with_every_row_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(f"{SEED}-twice")
    source = write_rows(tmp_path / "suppliers.csv", LOCAL_ROWS)
    out = tmp_path / "report.jsonl"
    home = tmp_path / "home"
    for injection in (die_mid_chunk, die_mid_checkpoint):
        with monkeypatch.context() as patched:
            injection(patched, rng)
            with pytest.raises(Killed):
                run(source, out, home, resume=True)
    run(source, out, home, resume=True)
    assert_every_row_once(out, LOCAL_ROWS)


def test_a_resumed_run_does_not_redo_checkpointed_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_rows(tmp_path / "suppliers.csv", LOCAL_ROWS)
    out = tmp_path / "report.jsonl"
    home = tmp_path / "home"
    with monkeypatch.context() as patched:
        _dying_checkpoint(patched, after=2, mid_write=False)
        with pytest.raises(Killed):
            run(source, out, home, resume=False)
    finished: list[int] = []
    finish = credverify.batch._finish

    async def counting(row: Any, *args: Any, **kwargs: Any) -> Any:
        finished.append(row.row)
        return await finish(row, *args, **kwargs)

    monkeypatch.setattr(credverify.batch, "_finish", counting)
    run(source, out, home, resume=True)
    assert finished == list(range(2 + 2 * CHUNK, 2 + LOCAL_ROWS)), "only the unfinished rows"
    assert_every_row_once(out, LOCAL_ROWS)
