"""A batch run's identity and its checkpoints: ``--resume`` continues only a run reached under the
same conditions (never a demo verdict in a live report), two runs of one file at once each report
every row, a report holds every row or the run fails loudly, and ``--registries`` overrides reach
the batch's checks."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import credverify.batch
from credverify.adapters.base import available, base_url_env
from credverify.batch import BatchOptions, run_batch, run_identity
from credverify.cli import main
from credverify.errors import InputError, ReportIncomplete
from credverify.knowledge import bundled_registries_dir, fingerprint, load
from credverify.store import Store
from credverify.verifier import Verifier

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class Killed(BaseException):
    """The process dies here: nothing catches a BaseException that is not an Exception."""


def write_suppliers(path: Path, count: int, tier: str = "AEOS") -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["supplier", "country", "aeo_tier"])
        writer.writerows([f"Supplier {i}", "DE", tier] for i in range(count))
    return path


def report(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def error_line(stderr: str) -> str:
    """The error a failed run printed: one line, after the column mapping it said first."""
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def die_after(monkeypatch: pytest.MonkeyPatch, rows: int) -> list[int]:
    """Checkpoint every 50 rows and die while finishing row number ``rows + 1``; returns the
    rows finished (for counting what a resume redoes)."""
    monkeypatch.setattr(credverify.batch, "CHUNK", 50)
    finish = credverify.batch._finish
    finished: list[int] = []

    async def dying(row: Any, *args: Any, **kwargs: Any) -> Any:
        if len(finished) == rows:
            raise Killed
        finished.append(row.row)
        return await finish(row, *args, **kwargs)

    monkeypatch.setattr(credverify.batch, "_finish", dying)
    return finished


def checkpoints(home: Path) -> tuple[int, int]:
    with sqlite3.connect(home / "credverify.sqlite3") as db:
        runs = db.execute("SELECT count(*) FROM batch_runs").fetchone()[0]
        rows = db.execute("SELECT count(*) FROM batch_rows").fetchone()[0]
    return int(runs), int(rows)


def test_a_demo_run_is_never_resumed_live_or_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = shutil.copy(EXAMPLES / "suppliers.csv", tmp_path / "suppliers.csv")
    out = tmp_path / "report.jsonl"
    # --fail-on never: these runs are judged by their reports; blocker rows would exit 1.
    batch = ["batch", str(source), "--to", "NL", "--format", "jsonl", "--out", str(out)]
    batch += ["--fail-on", "never"]
    # A live run must not reach the internet: every registry points at a closed local port.
    for adapter_id in available():
        monkeypatch.setenv(base_url_env(adapter_id), "http://127.0.0.1:9")
    with monkeypatch.context() as patched:
        die_after(patched, 120)
        with pytest.raises(Killed):
            main([*batch, "--demo"])
    capsys.readouterr()

    for mode, word in ((["--offline"], "offline"), ([], "live")):
        with pytest.raises(SystemExit) as refused:
            main([*batch, *mode, "--resume"])
        error = error_line(capsys.readouterr().err)
        assert refused.value.code == 2
        assert f"mode was demo, now {word}" in error
        assert "\n" not in error
        assert not out.exists()

    with pytest.raises(SystemExit) as fresh:
        main([*batch, "--offline"])
    assert fresh.value.code == 0
    rows = report(out)
    assert len(rows) == 200
    assert not any(row["synthetic"] for row in rows), "no demo verdict in an offline report"

    with monkeypatch.context() as patched:
        redone = die_after(patched, 10_000)
        with pytest.raises(SystemExit) as resumed:
            main([*batch, "--demo", "--resume"])
    assert resumed.value.code == 0
    assert len(redone) == 200 - 100, "the demo run resumed after its two checkpoints"
    rows = report(out)
    assert [row["row"] for row in rows] == list(range(2, 202))
    assert all(row["synthetic"] for row in rows)


def test_a_resume_on_another_as_of_date_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_suppliers(tmp_path / "suppliers.csv", 120)
    out = tmp_path / "report.jsonl"

    def run(as_of: date, *, resume: bool) -> None:
        options = BatchOptions(target=None, as_of=as_of, resume=resume)
        run_batch(source, Verifier(offline=True), options, out=out, fmt="jsonl")

    with monkeypatch.context() as patched:
        die_after(patched, 60)
        with pytest.raises(Killed):
            run(date(2026, 1, 1), resume=False)
    with pytest.raises(InputError, match="as-of was 2026-01-01, now 2026-02-01"):
        run(date(2026, 2, 1), resume=True)
    source.write_text(source.read_text(encoding="utf-8") + "One more,DE,AEOS\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"input was [0-9a-f]{12}\.\.\., now [0-9a-f]{12}\.\.\."):
        run(date(2026, 1, 1), resume=True)


def test_a_run_held_by_a_live_process_is_not_resumed(tmp_path: Path) -> None:
    source = write_suppliers(tmp_path / "suppliers.csv", 10)
    verifier = Verifier(offline=True)
    identity = run_identity(source, verifier, BatchOptions(target=None))
    # This process holds it, as another running batch would.
    verifier.store.batch_start(str(source.resolve()), identity.digest, identity.parts)

    with pytest.raises(InputError, match=f"still running \\(pid {os.getpid()} on "):
        run_batch(
            source, verifier, BatchOptions(target=None, resume=True),
            out=tmp_path / "r.jsonl", fmt="jsonl",
        )  # fmt: skip


def test_resume_with_nothing_unfinished_starts_a_new_run_and_says_so(tmp_path: Path) -> None:
    source = write_suppliers(tmp_path / "suppliers.csv", 10)
    notices: list[str] = []
    run_batch(
        source, Verifier(offline=True), BatchOptions(target=None, resume=True),
        out=tmp_path / "r.jsonl", fmt="jsonl", notice=notices.append,
    )  # fmt: skip
    # The column mapping is said first, then the resume.
    assert notices[0].startswith("columns mapped: 'supplier' -> holder")
    assert (
        notices[-1] == "--resume: no unfinished run of suppliers.csv to resume; starting a new run"
    )
    assert len(report(tmp_path / "r.jsonl")) == 10


def test_a_finished_run_leaves_no_checkpoints_behind(tmp_path: Path) -> None:
    source = write_suppliers(tmp_path / "suppliers.csv", 120)
    run_batch(
        source, Verifier(offline=True), BatchOptions(target=None),
        out=tmp_path / "r.jsonl", fmt="jsonl",
    )  # fmt: skip
    assert checkpoints(Path(os.environ["CREDVERIFY_HOME"])) == (0, 0)


def test_two_runs_of_one_file_at_once_each_report_every_row(tmp_path: Path) -> None:
    count = 3_000
    source = write_suppliers(tmp_path / "suppliers.csv", count)
    env = {**os.environ, "CREDVERIFY_HOME": str(tmp_path / "home")}
    outs = [tmp_path / "first.jsonl", tmp_path / "second.jsonl"]
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "credverify",
                "batch",
                str(source),
                "--to",
                "NL",
                "--demo",
                "--format",
                "jsonl",
                "--out",
                str(out),
                "--fail-on",
                "never",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for out in outs
    ]
    for process in runs:
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors
        assert "Traceback" not in errors
    for out in outs:
        rows = report(out)
        assert [row["row"] for row in rows] == list(range(2, count + 2))
        assert all(row["values"]["supplier"] == f"Supplier {row['row'] - 2}" for row in rows)
    assert checkpoints(tmp_path / "home") == (0, 0)


def test_a_report_that_would_miss_rows_fails_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_suppliers(tmp_path / "suppliers.csv", 30)
    out = tmp_path / "r.jsonl"
    put = Store.batch_put

    def losing(self: Store, run: str, rows: Any) -> None:
        put(self, run, list(rows)[:-1])  # a checkpoint that lost a row

    monkeypatch.setattr(Store, "batch_put", losing)
    with pytest.raises(ReportIncomplete, match="30 rows read but 29 checkpointed"):
        run_batch(source, Verifier(offline=True), BatchOptions(target=None), out=out, fmt="jsonl")
    assert not out.exists()

    with pytest.raises(SystemExit) as done:
        main(["batch", str(source), "--offline", "--out", str(out)])
    assert done.value.code == 3
    error = error_line(capsys.readouterr().err)
    assert "30 rows read but 29 checkpointed" in error
    assert "\n" not in error
    assert not out.exists()


def test_registries_overrides_reach_the_batch_tier_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overrides = tmp_path / "overrides"
    (overrides / "schemes").mkdir(parents=True)
    bundled = (bundled_registries_dir() / "schemes" / "eu.aeo.toml").read_text(encoding="utf-8")
    extra_tier = '\n[[tiers]]\nid = "AEOX"\nname = "A tier only this override knows"\n'
    head, _, rest = bundled.partition("\n[[tiers]]")
    (overrides / "schemes" / "eu.aeo.toml").write_text(
        head + extra_tier + "\n[[tiers]]" + rest, encoding="utf-8"
    )
    source = write_suppliers(tmp_path / "suppliers.csv", 1, tier="AEOX")
    out = tmp_path / "r.jsonl"

    with pytest.raises(SystemExit):
        main(["batch", str(source), "--offline", "--out", str(out)])
    assert "AEOX" in str(report(out)[0]["error"])
    with pytest.raises(SystemExit):
        main(["--registries", str(overrides), "batch", str(source), "--offline", "--out", str(out)])
    assert report(out)[0]["error"] is None
    capsys.readouterr()
    assert fingerprint(load(overrides)) != fingerprint(load())
