"""The command line as a user meets it: answers on stdout, one-line errors, exit codes."""

from __future__ import annotations

import json

import pytest

from credverify.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith("credverify ")


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "identify", "--help")
    assert code == 0
    assert "credverify identify 1234567893" in out


def test_identify_a_chinese_uscc_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "identify", "91110000600037341L", "--json")
    assert code == 0
    candidates = json.loads(out)["candidates"]
    assert {"kind": "cn.uscc", "valid": True}.items() <= candidates[0].items()


def test_identify_says_a_valid_npi(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "identify", "1234567893", "--json")
    assert code == 0
    first = json.loads(out)["candidates"][0]
    assert (first["kind"], first["valid"]) == ("us.npi", True)


def test_identify_says_an_npi_with_a_bad_check_digit(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "identify", "1234567890", "--json")
    npi = next(c for c in json.loads(out)["candidates"] if c["kind"] == "us.npi")
    assert npi["valid"] is False
    assert "check digit" in npi["reason"]


def test_identify_a_gb_eori_and_an_eu_aeo_number(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "identify", "GB123456789000", "--json")
    kinds = {c["kind"]: c for c in json.loads(out)["candidates"]}
    assert kinds["gb.eori"]["valid"] is True
    _, out, _ = run(capsys, "identify", "DEAEOF1234", "--json")
    first = json.loads(out)["candidates"][0]
    assert first["kind"] == "eu.aeo-number"
    assert first["details"]["issuer"] == "DE"
    assert first["details"]["type"] == "AEOF"


def test_identify_in_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "identify", "1234567893")
    assert code == 0
    assert "us.npi" in out


def test_schemes_list_json_has_every_scheme(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schemes", "list", "--json")
    assert code == 0
    ids = {s["id"] for s in json.loads(out)}
    assert {"cn.aeo", "eu.aeo", "us.psypact", "gb.hcpc", "us.oig.leie"} <= ids
    assert len(ids) >= 21


def test_schemes_show_cn_aeo_lists_the_four_orders(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schemes", "show", "cn.aeo")
    assert code == 0
    for order in ("gacc-order-225", "gacc-order-237", "gacc-order-251", "gacc-order-282"):
        assert order in out
    assert "2021-11-01" in out
    assert "2026-04-01" in out


def test_schemes_show_json_keeps_from_as_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "schemes", "show", "cn.aeo", "--json")
    data = json.loads(out)
    assert data["legal_basis"][0]["from"] == "2014-12-01"


def test_an_unknown_scheme_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schemes", "show", "cn.aoe")
    assert code == 2
    assert out == ""
    assert err.strip().count("\n") == 0
    assert "did you mean 'cn.aeo'" in err
    assert "Traceback" not in err


def test_a_bad_overrides_directory_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--registries", "/nonexistent/dir", "schemes", "list")
    assert code == 2
    assert "does not exist" in err


def test_an_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "identify", "X", "--bogus")
    assert code == 2
