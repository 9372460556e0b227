"""The command line as a user meets it: answers on stdout, one-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_assess_the_rotterdam_case_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "assess", "--scheme", "cn.aeo", "--tier", "general", "--from", "CN",
        "--to", "NL", "--as-of", "2019-06-01", "--json",
    )  # fmt: skip
    assert code == 1  # not recognised: a blocker
    data = json.loads(out)
    assert data["outcome"] == "not-recognized"
    assert data["hypothetical"] is True
    assert data["as_of"] == "2019-06-01"
    assert data["target"] == {"jurisdiction": "NL", "activity": "aeo-security-benefits"}
    gap = data["gaps"][0]
    assert gap["code"] == "tier-not-covered"
    for key in ("severity", "message", "rule", "citation", "remedy"):
        assert gap[key], key


def test_assess_in_words_with_the_trace(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "assess", "--scheme", "us.licence.psychologist", "--from", "US-CA",
        "--to", "GB", "--activity", "title:clinical-psychologist", "--explain",
    )  # fmt: skip
    assert code == 1
    assert "NOT-RECOGNIZED" in out
    assert "registration-required" in out
    assert "international route" in out
    assert "trace:" in out


def test_assess_several_claims_from_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    claims = tmp_path / "clinician.json"
    claims.write_text(
        json.dumps(
            [
                {"scheme": "us.licence.psychologist", "jurisdiction": "US-PA"},
                {"scheme": "us.psypact", "tier": "apit"},
            ]
        )
    )
    code, out, _ = run(
        capsys, "assess", "--claims", str(claims), "--to", "US-TX",
        "--activity", "telehealth:psychology", "--json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["outcome"] == "recognized"


def test_assess_a_fact_can_deny_a_condition(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(
        capsys, "assess", "--scheme", "eu.aeo", "--tier", "AEOS", "--from", "DE", "--to", "US",
        "--fact", "data-sharing-consent=no", "--json",
    )  # fmt: skip
    assert json.loads(out)["outcome"] == "not-recognized"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["assess", "--to", "NL"], "--scheme"),
        (["assess", "--scheme", "cn.aeo", "--to", "NL", "--as-of", "2019-13-01"], "YYYY-MM-DD"),
        # No default activity for an HCPC registration in Germany: the user must name one.
        (["assess", "--scheme", "gb.hcpc", "--to", "DE"], "--activity"),
        (["assess", "--scheme", "cn.aeo", "--to", "NL", "--activity", "aeo-securty"], "did you"),
        (["assess", "--scheme", "cn.aeo", "--to", "NL", "--fact", "consent"], "NAME=yes"),
    ],
)
def test_assess_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert expected in err
    assert "Traceback" not in err


def test_assess_a_broken_claims_file_names_the_claim_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    claims = tmp_path / "claims.json"
    claims.write_text(json.dumps([{"scheme": "cn.aeo"}, {"tier": "advanced"}]))
    code, _, err = run(capsys, "assess", "--claims", str(claims), "--to", "NL")
    assert code == 2
    assert "claim 2: scheme" in err


def test_rules_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "list", "--json")
    assert code == 0
    ids = {r["id"] for r in json.loads(out)}
    assert {"eu-cn-mra", "eu-us-mra", "psypact", "gb-hcpc-international-route"} <= ids
    code, out, _ = run(capsys, "rules", "show", "eu-cn-mra")
    assert code == 0
    assert "2015-11-01" in out
    assert "cn.aeo-code" in out
    code, _, err = run(capsys, "rules", "show", "eu-cn-mr")
    assert code == 2
    assert "did you mean 'eu-cn-mra'" in err


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:99999", "Port out of range"),
        ("http://127.0.0.1:port", "Port could not be cast"),
        ("ftp://127.0.0.1/eori", "the scheme 'ftp'"),
        ("127.0.0.1:8080", "no scheme"),
        ("http:///no-host", "no host"),
    ],
)
def test_an_unusable_base_url_is_one_line_naming_the_setting_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str, why: str
) -> None:
    monkeypatch.setenv("CREDVERIFY_GB_HMRC_EORI_URL", url)
    for args in (["lookup", "GB123456789000", "--scheme", "gb.eori"], ["registries", "list"]):
        code, _out, err = run(capsys, *args)
        assert code == 2, err
        [line] = [line for line in err.splitlines() if line.strip()]
        assert line.startswith("error: CREDVERIFY_GB_HMRC_EORI_URL: not a usable base URL")
        assert why in line
        assert "Traceback" not in err


def test_registries_list_shows_no_user_info_or_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "https://alice:hunter2@127.0.0.1:8443/hmrc?api_key=K3Y-S3CR3T&sig=S1G"
    monkeypatch.setenv("CREDVERIFY_GB_HMRC_EORI_URL", secret)
    for args in (["registries", "list", "--json"], ["registries", "list"]):
        code, out, err = run(capsys, *args)
        assert code == 0, err
        for leaked in ("alice", "hunter2", "K3Y-S3CR3T", "S1G"):
            assert leaked not in out + err
    code, out, _ = run(capsys, "registries", "list", "--json")
    [hmrc] = [row for row in json.loads(out) if row["id"] == "gb.hmrc.eori"]
    assert hmrc["source"] == "https://127.0.0.1:8443/hmrc"


def test_assess_reads_a_country_name_as_its_code(capsys: pytest.CaptureFixture[str]) -> None:
    rotterdam = ["assess", "--scheme", "cn.aeo", "--tier", "general", "--as-of", "2019-06-01"]
    by_code = run(capsys, *rotterdam, "--to", "NL", "--json")
    by_name = run(capsys, *rotterdam, "--to", "Netherlands", "--json")
    assert by_name == by_code
    assert json.loads(by_name[1])["target"]["jurisdiction"] == "NL"


def test_an_unknown_place_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "assess", "--scheme", "cn.aeo", "--to", "XX")
    assert code == 2
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("error: --to: unknown place 'XX'")
    assert "e.g." in line or "such as NL" in line
    _, _, err = run(capsys, "assess", "--scheme", "cn.aeo", "--to", "Nethrlands")
    assert "did you mean 'Netherlands' (NL)" in err


def test_a_state_is_read_where_a_us_licence_was_issued(capsys: pytest.CaptureFixture[str]) -> None:
    licence = ["assess", "--scheme", "us.licence.psychologist", "--to", "Texas"]
    licence += ["--activity", "telehealth:psychology", "--json"]
    _, out, _ = run(capsys, *licence, "--from", "TX")
    assessment = json.loads(out)
    assert assessment["target"]["jurisdiction"] == "US-TX"
    assert assessment["outcome"] == "recognized"  # a Texas licence, in Texas


def test_identify_of_nothing_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for empty in ("", "   "):
        code, out, err = run(capsys, "identify", empty)
        assert code == 2
        assert out == ""
        assert err.startswith("error: identify: the identifier is empty")


def test_identify_lists_cn_and_ten_digits_as_an_uncertain_chinese_aeo_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "identify", "CN0123456789", "--json")
    assert code == 0
    first = json.loads(out)["candidates"][0]
    assert (first["kind"], first["valid"]) == ("cn.aeo-code", True)
    assert "uncertain" in first["reason"]
    assert first["details"] == {"customs_code": "0123456789", "form": "CN"}


def test_activities_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "activities", "list", "--json")
    assert code == 0
    activities = {a["id"]: a for a in json.loads(out)}
    assert "US" in activities["telehealth:psychology"]["in"]
    assert "us.licence.psychologist" in activities["telehealth:psychology"]["needs"]
    assert "GB" in activities["title:clinical-psychologist"]["in"]
    code, out, _ = run(capsys, "activities", "list")
    assert code == 0
    assert "aeo-security-benefits" in out


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ("lookup", ["--to JURISDICTION", "--as-of YYYY-MM-DD", "--fail-on LEVEL", "--holder NAME"]),
        ("assess", ["--to JURISDICTION", "--from JURISDICTION", "--fact NAME=yes|no"]),
        ("batch", ["--map COL=FIELD", "--out FILE", "--as-of YYYY-MM-DD", "--fail-on LEVEL"]),
    ],
)
def test_help_shows_readable_metavars(
    capsys: pytest.CaptureFixture[str], command: str, shown: list[str]
) -> None:
    _, out, _ = run(capsys, command, "--help")
    for words in shown:
        assert words in out
    assert "<str>" not in out.split("Options:")[1]


def test_lookup_as_of_judges_validity_on_that_day(capsys: pytest.CaptureFixture[str]) -> None:
    # The demo HCPC entry is registered until 2027-05-31.
    _, out, _ = run(capsys, "lookup", "PYL057623", "--demo", "--as-of", "2026-01-15", "--json")
    assert json.loads(out)["status"] == "verified"
    code, out, _ = run(capsys, "lookup", "PYL057623", "--demo", "--as-of", "2027-06-30", "--json")
    assert json.loads(out)["status"] == "inactive"
    assert code == 1
    code, _, err = run(capsys, "lookup", "PYL057623", "--demo", "--as-of", "30/06/2027")
    assert code == 2
    assert "YYYY-MM-DD" in err


def test_a_registry_that_cannot_be_reached_is_named_with_what_to_try(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 9 (discard) is closed on the loopback: the connection is refused.
    secret = "http://alice:hunter2@127.0.0.1:9/hmrc?api_key=K3Y"
    monkeypatch.setenv("CREDVERIFY_GB_HMRC_EORI_URL", secret)
    code, out, err = run(capsys, "lookup", "GB123456789000", "--json")
    assert json.loads(out)["status"] == "unverifiable"
    assert code == 0  # a warning, not a blocker
    [hint] = [line for line in err.splitlines() if line.startswith("hint:")]
    assert "127.0.0.1:9" in hint
    assert "--offline" in hint
    assert "--demo" in hint
    for leaked in ("alice", "hunter2", "K3Y"):
        assert leaked not in err


def test_batch_into_a_missing_folder_stops_before_any_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "no-such-folder" / "report.html"
    code, stdout, err = run(
        capsys, "batch", "examples/suppliers.csv", "--to", "NL", "--demo", "--out", str(out)
    )
    assert code == 2
    assert stdout == ""
    [line] = err.splitlines()
    assert "no-such-folder" in line
    assert "does not exist" in line


def test_the_cli_reads_tiers_places_and_default_activities_as_the_input_layer_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(
        capsys, "assess", "--scheme", "eu.aeo", "--tier", "AEO-S", "--from", "Germany",
        "--to", "Netherlands", "--json",
    )  # fmt: skip
    answer = json.loads(out)
    assert code == 0
    assert answer["outcome"] == "recognized"
    assert answer["target"] == {"jurisdiction": "NL", "activity": "aeo-security-benefits"}
    code, _, err = run(
        capsys, "assess", "--scheme", "us.licence.psychologist", "--from", "US-CA", "--to", "US",
        "--activity", "telehealth:psychology",
    )  # fmt: skip
    assert code == 2
    assert "give a state, e.g. US-TX" in err
