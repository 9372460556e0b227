"""The bad-input corpus through the real CLI: a clear file-level error (exit 2, one line naming the
problem) or a report in which every data row appears exactly once, bad rows with their error.
Never a traceback, never an internal error, never a lost or a repeated row.

The corpus and its expectations live in ``tests/reliability/corpus/`` (``make_corpus.py`` builds
both; ``manifest.json`` is what this test reads).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from credverify.cli import main

CORPUS = Path(__file__).resolve().parent / "corpus"
MANIFEST: dict[str, dict[str, Any]] = json.loads(
    (CORPUS / "manifest.json").read_text(encoding="utf-8")
)


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases() -> list[Any]:
    params = []
    for name, expect in sorted(MANIFEST.items()):
        marks = []
        if "bug" in expect:
            marks.append(pytest.mark.xfail(strict=True, reason=expect["bug"]))
        params.append(pytest.param(name, expect, id=name, marks=marks))
    return params


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 2)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_corpus_is_large_enough_and_covers_every_kind_of_bad_input() -> None:
    assert len(MANIFEST) >= 50
    suffixes = {Path(name).suffix for name in MANIFEST}
    assert {".csv", ".xlsx", ".tsv", ".txt"} <= suffixes
    expected = {m["expect"] for m in MANIFEST.values()}
    assert expected == {"report", "file-error"}
    words = " ".join(m["exercises"] for m in MANIFEST.values()).casefold()
    for topic in (
        "delimiter", "byte-order mark", "utf-16", "nul", "newlines", "1 mib cell",
        "duplicated", "empty", "formula", "junk",
    ):  # fmt: skip
        assert topic in words, topic


def test_the_committed_corpus_is_what_the_script_writes(tmp_path: Path) -> None:
    manifest = generator().build(tmp_path)
    again = "run `python tests/reliability/corpus/make_corpus.py` and commit its output"
    assert manifest == MANIFEST, again
    assert {p.name for p in CORPUS.iterdir() if p.is_file()} - {
        "make_corpus.py",
        "manifest.json",
    } == set(MANIFEST), again
    for name in MANIFEST:
        assert (tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), (name, again)


@pytest.mark.parametrize(("name", "expect"), cases())
def test_every_corpus_file_gives_a_clear_error_or_every_row_exactly_once(
    name: str, expect: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.jsonl"
    code, _, err = run_cli(
        capsys, "batch", str(CORPUS / name), "--offline", "--format", "jsonl", "--out", str(out),
        "--fail-on", "never",  # a finished run is 0 whatever its rows hold
    )  # fmt: skip
    assert "Traceback" not in err
    assert "internal error" not in err, err
    if expect["expect"] == "file-error":
        assert code == 2, err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1, err
        assert lines[0].startswith("error: ")
        assert expect["message"].casefold() in lines[0].casefold(), lines[0]
        assert not out.exists()
        return
    assert code == 0, err
    # JSON Lines end at "\n" only: U+2028 and NEL are legal, unescaped, inside a JSON string.
    text = out.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.split("\n") if line]
    numbers = [row["row"] for row in rows]
    assert numbers == expect["rows"], "every data row exactly once, in order"
    by_row = {str(row["row"]): row for row in rows}
    for number, row in by_row.items():
        wanted = expect["row_errors"].get(number)
        if wanted is None and number in expect.get("may_error", ()):
            continue
        if wanted is None:
            assert row["error"] is None, (number, row["error"])
        else:
            assert row["status"] == "error"
            assert wanted in row["error"], (number, row["error"])
            assert f"row {number}" in row["error"], "the error names its row"
    for number, status in expect.get("statuses", {}).items():
        assert by_row[number]["status"] == status, (number, by_row[number]["checks"])
    for number, cells in expect.get("values", {}).items():
        for column, value in cells.items():
            assert by_row[number]["values"].get(column) == value, (number, column)
