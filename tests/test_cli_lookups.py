"""The lookups of the snapshot and web-register sources, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credverify.adapters.base import base_url_env
from credverify.cli import main
from tests.adapters import test_gb_hcpc
from tests.registry_server import RegistryServer, Response

FIXTURES = Path(__file__).parent / "fixtures"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_leie_name_screening_after_a_sync(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "registries", "sync", "us.oig.leie", "--file",
        str(FIXTURES / "us.oig.leie" / "UPDATED.csv"),
    )  # fmt: skip
    assert code == 0
    assert "30 rows" in out
    _, out, _ = run(
        capsys, "lookup", "--scheme", "us.oig.leie", "--holder", "Marisol Penywhistle", "--json"
    )
    screening = json.loads(out)
    assert screening["result"] == "potential-match"
    assert "PENNYWHISTLE" in screening["hits"][0]["record"]["holder"]
    assert screening["hits"][0]["explanation"]
    _, out, _ = run(
        capsys, "lookup", "--scheme", "us.oig.leie", "--holder", "Marisol Pennywhistle",
        "--from", "US-CA", "--json",
    )  # fmt: skip
    assert json.loads(out)["result"] == "match"
    _, out, _ = run(
        capsys, "lookup", "--scheme", "us.oig.leie", "--holder", "Nobody Atall", "--json"
    )
    assert json.loads(out)["result"] == "clear"


def test_an_npi_on_the_leie_screened_by_number_alone_is_a_match(
    capsys: pytest.CaptureFixture[str],
) -> None:
    leie = str(FIXTURES / "us.oig.leie" / "UPDATED.csv")
    run(capsys, "registries", "sync", "us.oig.leie", "--file", leie)
    _, out, _ = run(capsys, "lookup", "--scheme", "us.oig.leie", "1900000104", "--json")
    screening = json.loads(out)
    assert screening["result"] == "match"
    assert screening["subject"] == "NPI 1900000104"
    assert screening["hits"][0]["record"]["holder"] == "MARISOL Q PENNYWHISTLE"
    _, out, _ = run(capsys, "lookup", "--scheme", "us.oig.leie", "1900000104")
    assert out.startswith("MATCH: NPI 1900000104 against us.oig.leie")


@pytest.mark.parametrize(
    ("npi", "reason"),
    [
        ("1234567893", "an NPI alone clears no one"),  # valid, not on the list
        ("0000000000", "NPI 0000000000 cannot be screened"),  # the LEIE's "unknown NPI"
    ],
)
def test_an_npi_alone_that_the_screening_cannot_use_is_unverifiable_never_clear(
    capsys: pytest.CaptureFixture[str], npi: str, reason: str
) -> None:
    leie = str(FIXTURES / "us.oig.leie" / "UPDATED.csv")
    run(capsys, "registries", "sync", "us.oig.leie", "--file", leie)
    _, out, _ = run(capsys, "lookup", "--scheme", "us.oig.leie", npi, "--json")
    data = json.loads(out)
    assert data["status"] == "unverifiable"
    assert reason in data["reason"]
    assert "result" not in data


def test_a_reinstated_entry_screened_from_the_cli_says_when(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rein = str(FIXTURES / "us.oig.leie" / "2606rein.csv")
    run(capsys, "registries", "sync", "us.oig.leie", "--file", rein)
    _, out, _ = run(capsys, "lookup", "--scheme", "us.oig.leie", "1290000474")
    assert out.startswith("CLEAR: NPI 1290000474")
    assert "note: LARKSPUR TELETHERAPY LLC" in out
    assert "reinstated on 2026-06-01" in out


def test_a_screening_without_the_list_is_unverifiable_never_clear(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "lookup", "--scheme", "us.oig.leie", "--holder", "Anyone", "--json")
    data = json.loads(out)
    assert data["status"] == "unverifiable"
    assert "sync" in data["reason"]


def test_a_corrupted_resync_keeps_the_previous_snapshot(
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = str(FIXTURES / "us.oig.leie" / "UPDATED.csv")
    bad = str(FIXTURES / "us.oig.leie" / "UPDATED-waiverstate.csv")
    run(capsys, "registries", "sync", "us.oig.leie", "--file", good)
    code, _, err = run(capsys, "registries", "sync", "us.oig.leie", "--file", bad)
    assert code == 2
    assert "WVRSTATE" in err
    _, out, _ = run(capsys, "registries", "list", "--json")
    leie = next(r for r in json.loads(out) if r["id"] == "us.oig.leie")
    assert leie["snapshot"]["rows"] == 30


def test_an_hcpc_number_is_verified_and_a_changed_page_is_unverifiable(
    capsys: pytest.CaptureFixture[str],
    registry_server: RegistryServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    claim = test_gb_hcpc.serve_happy(registry_server)
    monkeypatch.setenv(base_url_env("gb.hcpc.register"), registry_server.url)
    _, out, _ = run(capsys, "lookup", claim.identifier or "", "--json")
    assert json.loads(out)["status"] == "verified"
    page = (FIXTURES / "gb.hcpc.register" / "renamed-fields.html").read_bytes()
    registry_server.route("GET", test_gb_hcpc.DETAIL, lambda _: Response(200, page, "text/html"))
    from credverify.store import Store

    Store().cache_clear()
    _, out, _ = run(capsys, "lookup", claim.identifier or "", "--json")
    data = json.loads(out)
    assert data["status"] == "unverifiable"
    assert "layout changed" in data["reason"]


def test_a_ctpat_claim_is_attested_with_evidence_and_unverifiable_without(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    email = tmp_path / "certification.eml"
    email.write_text("Subject: CTPAT certification (synthetic test)\n", encoding="utf-8")
    base = ["lookup", "--scheme", "us.ctpat", "--holder", "Example Imports Inc", "--json"]
    _, out, _ = run(capsys, *base, "--evidence", str(email))
    data = json.loads(out)
    assert data["status"] == "attested"
    assert data["claim"]["evidence"][0]["name"] == "certification.eml"
    _, out, _ = run(capsys, *base)
    assert json.loads(out)["status"] == "unverifiable"
