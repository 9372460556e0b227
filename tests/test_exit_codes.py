"""Each command against the README's exit-code table: 0 no blocker, 1 a blocker (or a warning
with --fail-on warning), 2 usage or input error, 3 internal error. Offline: the demo registry and
bare claims only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from credverify.cli import EXIT_CODES
from tests.test_cli import run

README = Path(__file__).parent.parent / "README.md"


def readme_table() -> dict[int, str]:
    section = README.read_text(encoding="utf-8").split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d) \| (.+?) \|$", section, flags=re.MULTILINE)
    return {int(code): text.replace("`", "") for code, text in rows}


def test_the_readme_table_is_the_cli_table() -> None:
    assert readme_table() == dict(EXIT_CODES)


@pytest.mark.parametrize("command", ["lookup", "assess", "batch"])
def test_each_command_help_says_the_table(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    flat = " ".join(out.split()).replace("- ", "-")  # help wraps lines, also after a hyphen
    for number, meaning in readme_table().items():
        assert f"{number} {meaning}" in flat, (number, flat)
    assert "--fail-on LEVEL" in out


def _internal_fault(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("a bug")


def test_lookup_exit_codes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "lookup", "PYL057623", "--demo")[0] == 0  # verified
    assert run(capsys, "lookup", "1234567890", "--demo")[0] == 1  # invalid check digit
    assert run(capsys, "lookup", "1234567890", "--demo", "--fail-on", "never")[0] == 0
    ctpat = ["lookup", "--scheme", "us.ctpat", "--holder", "Example Imports Inc", "--demo"]
    assert run(capsys, *ctpat)[0] == 0  # unverifiable: a warning
    assert run(capsys, *ctpat, "--fail-on", "warning")[0] == 1
    assert run(capsys, "lookup", "PYL057623", "--demo", "--fail-on", "sometimes")[0] == 2
    assert run(capsys, "lookup", "", "--demo")[0] == 2
    monkeypatch.setattr("credverify.verifier.Verifier.verify", _internal_fault)
    code, _, err = run(capsys, "lookup", "PYL057623", "--demo")
    assert code == 3
    assert "internal error" in err


def test_lookup_of_an_exclusion_match_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    screen = ["lookup", "--scheme", "us.oig.leie", "--demo"]
    code, out, _ = run(capsys, *screen, "--holder", "Embry Belmarwick", "--from", "CA", "--json")
    assert json.loads(out)["result"] == "match"
    assert code == 1
    code, out, _ = run(capsys, *screen, "--holder", "Nobody Atall", "--json")
    assert json.loads(out)["result"] == "clear"
    assert code == 0


def test_assess_exit_codes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recognized = ["assess", "--scheme", "eu.aeo", "--tier", "AEOS", "--from", "DE", "--to", "US"]
    assert run(capsys, *recognized)[0] == 0
    rotterdam = ["assess", "--scheme", "cn.aeo", "--tier", "general", "--to", "NL"]
    assert run(capsys, *rotterdam, "--as-of", "2019-06-01")[0] == 1  # not recognised
    assert run(capsys, *rotterdam, "--as-of", "2019-06-01", "--fail-on", "never")[0] == 0
    unknown = ["assess", "--scheme", "gb.hcpc", "--to", "GB"]
    unknown += ["--activity", "title:clinical-psychologist"]  # no tier given: unknown, a warning
    assert run(capsys, *unknown)[0] == 0
    assert run(capsys, *unknown, "--fail-on", "warning")[0] == 1
    assert run(capsys, "assess", "--scheme", "cn.aeo", "--to", "XX")[0] == 2
    monkeypatch.setattr("credverify.recognition.assess", _internal_fault)
    assert run(capsys, *recognized)[0] == 3


def test_batch_exit_codes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = tmp_path / "eori.csv"
    source.write_text(
        "supplier,country,eori\nBelmar Components Limited,GB,GB593975951000\n", encoding="utf-8"
    )
    batch = ["batch", str(source), "--demo", "--format", "csv"]
    # The EORI is verified: nothing to report without a target.
    assert run(capsys, *batch, "--out", str(tmp_path / "a.csv"))[0] == 0
    # An EORI is not an AEO: not recognised for security benefits in NL.
    assert run(capsys, *batch, "--to", "NL", "--out", str(tmp_path / "b.csv"))[0] == 1
    never = ["--fail-on", "never", "--out", str(tmp_path / "c.csv")]
    assert run(capsys, *batch, "--to", "NL", *never)[0] == 0
    code, _, err = run(capsys, *batch, "--out", str(tmp_path / "missing" / "d.csv"))
    assert code == 2
    assert "does not exist" in err
    monkeypatch.setattr("credverify.batch.run_batch", _internal_fault)
    assert run(capsys, *batch, "--out", str(tmp_path / "e.csv"))[0] == 3
