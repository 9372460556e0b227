"""The HHS-OIG exclusion list (LEIE) from its CSV download: sync, lookups by NPI and by name,
all-zero NPIs that never match, the real header and nothing else, bad dates, supplements, a file
of 100,000 rows; and screening through the verifier: an NPI alone, a reinstatement judged on the
screening day, and what the screening could not use, never "clear"."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import re
from datetime import date
from pathlib import Path

import pytest

from credverify.adapters.base import Answer, Query, available
from credverify.adapters.http import Http
from credverify.adapters.snapshot import SnapshotError, sync
from credverify.adapters.us_oig_leie import LeieAdapter
from credverify.errors import LookupFailed, Refused
from credverify.records import CheckStatus, Claim, ScreeningResult
from credverify.store import Store
from credverify.verifier import Verifier
from tests.adapters.leie_synthetic import write_synthetic_leie

ADAPTER_ID = "us.oig.leie"
FIXTURES = Path(__file__).parent.parent / "fixtures" / ADAPTER_ID
UPDATED = FIXTURES / "UPDATED.csv"
MARISOL = "1900000104"  # MARISOL Q PENNYWHISTLE, synthetic
HARBOR = "1290000110"  # SYNTHETIC HARBOR COUNSELING LLC, synthetic
ZERO_NPI = "0000000000"


@pytest.fixture
def leie(tmp_path: Path) -> LeieAdapter:
    return LeieAdapter(Http(Store(tmp_path / "s.sqlite3")))


def ask(adapter: LeieAdapter, identifier: str | None = None, holder: str | None = None) -> Answer:
    return asyncio.run(
        adapter.lookup(Query(scheme=ADAPTER_ID, identifier=identifier, holder=holder))
    )


def test_the_adapter_is_registered_for_the_screening_scheme() -> None:
    assert available()[ADAPTER_ID] is LeieAdapter
    assert LeieAdapter.schemes == ("us.oig.leie",)
    assert LeieAdapter.default_base_url.endswith("/exclusions/downloadables/UPDATED.csv")
    assert len(LeieAdapter.required_columns) == 18


def test_the_full_file_syncs_every_row(leie: LeieAdapter) -> None:
    info = sync(leie, file=UPDATED)
    assert info.rows == 30
    assert info.sha256 == hashlib.sha256(UPDATED.read_bytes()).hexdigest()


def test_a_lookup_by_npi_finds_the_excluded_person(leie: LeieAdapter) -> None:
    sync(leie, file=UPDATED)
    (record,) = ask(leie, MARISOL).records
    assert record.identifier == MARISOL
    assert record.holder == "MARISOL Q PENNYWHISTLE"
    assert record.scheme == "us.oig.leie"
    assert record.jurisdiction == "US-CA"
    assert record.status == "excluded (1128b4)"
    assert record.active is True  # the exclusion is in force
    assert record.valid_from == date(2019, 3, 15)
    assert record.valid_until is None
    assert record.details == {
        "address": "418 LANTERN ST",
        "city": "SAMPLEVILLE",
        "dob": "1971-04-12",
        "excltype": "1128b4",
        "general": "BEHAVIORAL HEALTH",
        "specialty": "SOCIAL WORKER",
        "zip": "90001",
    }


def test_an_entity_is_held_under_its_business_name(leie: LeieAdapter) -> None:
    sync(leie, file=UPDATED)
    (record,) = ask(leie, HARBOR).records
    assert record.holder == "SYNTHETIC HARBOR COUNSELING LLC"
    assert record.jurisdiction == "US-WA"
    assert "dob" not in record.details


def test_a_person_with_a_business_name_is_found_under_both(leie: LeieAdapter) -> None:
    sync(leie, file=UPDATED)
    by_person = ask(leie, holder="Delphine Ostrovane").records[0]
    by_business = ask(leie, holder="Ostrovane Psychology PLLC").records[0]
    assert by_person == by_business
    assert by_person.holder == "DELPHINE OSTROVANE"


def test_a_waiver_is_kept_in_the_details(leie: LeieAdapter) -> None:
    sync(leie, file=UPDATED)
    record = ask(leie, holder="Ismay R Corvale").records[0]
    assert record.identifier is None  # the file says 0000000000
    assert record.details["waiverdate"] == "2021-06-01"
    assert record.details["wvrstate"] == "MN"
    assert record.active is True


def test_an_all_zero_npi_is_never_an_identifier(leie: LeieAdapter) -> None:
    with UPDATED.open(encoding="utf-8", newline="") as text:
        rows = list(leie.read_rows(csv.DictReader(text)))
    assert sum(row.identifier is None for row in rows) == 20
    assert all(row.record.identifier != ZERO_NPI for row in rows)
    sync(leie, file=UPDATED)
    with pytest.raises(Refused, match="unknown NPI"):
        ask(leie, ZERO_NPI)


def test_an_all_zero_npi_with_a_name_is_searched_by_name_only(leie: LeieAdapter) -> None:
    sync(leie, file=UPDATED)
    answer = ask(leie, ZERO_NPI, holder="Thaddeus J Bramblecote")
    assert answer.records[0].holder == "THADDEUS J BRAMBLECOTE"
    assert answer.records[0].identifier is None
    assert any("searched by name only" in note for note in answer.notes)
    assert answer.unconfirmable == ("identifier",)  # judged by name, never as the zero NPI


def test_a_misspelt_name_finds_the_person_with_an_explained_score(leie: LeieAdapter) -> None:
    sync(leie, file=UPDATED)
    answer = ask(leie, holder="Marisol Penywhistle")
    assert answer.records[0].identifier == MARISOL
    (note,) = [n for n in answer.notes if n.startswith("name search")]
    assert re.search(r"'MARISOL Q PENNYWHISTLE' 0\.\d\d (match|review)", note)


def test_the_waiverstate_header_is_refused_and_the_previous_snapshot_answers(
    leie: LeieAdapter,
) -> None:
    sync(leie, file=UPDATED)
    with pytest.raises(
        SnapshotError, match=r"missing column\(s\) WVRSTATE \(found 'WAIVERSTATE'\)"
    ):
        sync(leie, file=FIXTURES / "UPDATED-waiverstate.csv")
    assert ask(leie, MARISOL).records[0].holder == "MARISOL Q PENNYWHISTLE"
    active = leie.store.snapshot_active(ADAPTER_ID)
    assert active is not None
    assert active.rows == 30


def test_a_malformed_date_names_the_row_and_the_column(leie: LeieAdapter) -> None:
    sync(leie, file=UPDATED)
    with pytest.raises(SnapshotError, match=r"row 4, column EXCLDATE: '2020-08-18' is not a date"):
        sync(leie, file=FIXTURES / "UPDATED-bad-date.csv")
    assert ask(leie, HARBOR).records  # the previous snapshot still answers


def test_a_reinstatement_supplement_keeps_the_date_for_the_lookup_day_to_judge(
    leie: LeieAdapter,
) -> None:
    info = sync(leie, file=FIXTURES / "2606rein.csv")
    assert info.rows == 2
    record = ask(leie, holder="Gretchen O Halversen").records[0]
    assert record.status == "excluded (1128b4), reinstated 2026-06-12"
    assert (record.valid_from, record.valid_until) == (date(2018, 4, 20), date(2026, 6, 12))
    assert record.details["reindate"] == "2026-06-12"


def test_an_npi_not_on_the_list_is_its_explicit_no_result(leie: LeieAdapter) -> None:
    sync(leie, file=UPDATED)
    answer = ask(leie, "1234567893")
    assert answer.records == ()
    assert answer.no_result is not None
    assert answer.no_result.startswith("no entry for 1234567893 in the snapshot of HHS-OIG")
    assert "30 rows" in answer.no_result


@pytest.mark.slow
def test_a_file_of_100000_rows_syncs_completely(leie: LeieAdapter, tmp_path: Path) -> None:
    big = tmp_path / "UPDATED.csv"
    write_synthetic_leie(big, rows=100_000)
    info = sync(leie, file=big)
    assert info.rows == 100_000
    assert info.sha256 == hashlib.sha256(big.read_bytes()).hexdigest()
    with big.open(encoding="utf-8", newline="") as text:
        wanted = next(
            row
            for number, row in enumerate(csv.DictReader(text), start=2)
            if number > 77_000 and row["LASTNAME"] and row["MIDNAME"] and row["NPI"] != ZERO_NPI
        )
    name = f"{wanted['FIRSTNAME']} {wanted['MIDNAME']} {wanted['LASTNAME']}"
    found = ask(leie, holder=name.title()).records[0]
    assert found.holder == name
    assert found.identifier == wanted["NPI"]
    assert ask(leie, wanted["NPI"]).records[0].holder == name


# -- screening through the verifier --------------------------------------------------------------

LARKSPUR = "1290000474"  # LARKSPUR TELETHERAPY LLC, reinstated 2026-06-01, synthetic


def screener(tmp_path: Path, file: Path = UPDATED, **options: object) -> Verifier:
    store = Store(tmp_path / "screen.sqlite3")
    sync(LeieAdapter(Http(store)), file=file)
    return Verifier(store=store, offline=True, **options)  # type: ignore[arg-type]


def test_an_npi_on_the_list_screened_by_number_alone_is_a_match(tmp_path: Path) -> None:
    screening = screener(tmp_path).screen(npi=MARISOL)
    assert screening.result is ScreeningResult.MATCH
    assert screening.subject == f"NPI {MARISOL}"
    (hit,) = screening.hits
    assert hit.record.holder == "MARISOL Q PENNYWHISTLE"
    assert f"NPI {MARISOL} is on the list" in hit.explanation


def test_an_npi_with_a_name_that_differs_still_matches_on_the_number(tmp_path: Path) -> None:
    screening = screener(tmp_path).screen("Someone Else Entirely", npi=MARISOL)
    assert screening.result is ScreeningResult.MATCH


def test_an_npi_alone_that_is_not_on_the_list_is_never_clear(tmp_path: Path) -> None:
    with pytest.raises(LookupFailed, match=r"no entry for 1234567893 .*NPI alone clears no one"):
        screener(tmp_path).screen(npi="1234567893")


def test_an_npi_not_on_the_list_with_a_name_screens_the_name(tmp_path: Path) -> None:
    screening = screener(tmp_path).screen("Thaddeus J Bramblecote", npi="1234567893")
    assert screening.result is not ScreeningResult.CLEAR
    assert screening.hits[0].record.holder == "THADDEUS J BRAMBLECOTE"


def test_an_all_zero_npi_alone_cannot_be_screened_and_says_why(tmp_path: Path) -> None:
    with pytest.raises(LookupFailed, match=f"NPI {ZERO_NPI} cannot be screened"):
        screener(tmp_path).screen(npi=ZERO_NPI)


def test_an_all_zero_npi_beside_a_name_is_said_in_a_note(tmp_path: Path) -> None:
    screening = screener(tmp_path).screen("Thaddeus J Bramblecote", npi=ZERO_NPI)
    assert screening.hits
    (note,) = screening.notes
    assert note.startswith(f"NPI {ZERO_NPI} was not used")
    assert "screened by name only" in note


def test_a_screening_without_the_list_is_a_fault_never_clear(tmp_path: Path) -> None:
    verifier = Verifier(store=Store(tmp_path / "empty.sqlite3"), offline=True)
    with pytest.raises(LookupFailed, match=r"no snapshot of us\.oig\.leie"):
        verifier.screen(npi=MARISOL)
    with pytest.raises(LookupFailed, match="give a name or an NPI"):
        verifier.screen()


def test_a_reinstated_entry_is_not_a_match_and_the_note_says_when(tmp_path: Path) -> None:
    rein = FIXTURES / "2606rein.csv"
    screening = screener(tmp_path, rein).screen(npi=LARKSPUR)
    assert screening.result is ScreeningResult.CLEAR
    assert screening.hits == ()
    (note,) = screening.notes
    assert "LARKSPUR TELETHERAPY LLC" in note
    assert "reinstated on 2026-06-01" in note
    assert "not a match" in note
    by_name = screener(tmp_path / "n", rein).screen("Gretchen O Halversen", state="US-CA")
    assert by_name.result is ScreeningResult.CLEAR
    assert "reinstated on 2026-06-12" in by_name.notes[0]


def test_before_its_reinstatement_the_entry_is_a_match(tmp_path: Path) -> None:
    rein = FIXTURES / "2606rein.csv"
    screening = screener(tmp_path, rein, as_of=date(2026, 1, 15)).screen(npi=LARKSPUR)
    assert screening.result is ScreeningResult.MATCH
    assert screening.notes == ()


def test_a_reinstated_entry_checked_as_a_claim_is_inactive_with_the_date(tmp_path: Path) -> None:
    rein = FIXTURES / "2606rein.csv"
    claim = Claim(scheme=ADAPTER_ID, identifier=LARKSPUR)
    check = screener(tmp_path, rein).verify(claim)
    assert check.status is CheckStatus.INACTIVE
    assert "ended on 2026-06-01" in check.reason
    earlier = screener(tmp_path / "e", rein, as_of=date(2026, 1, 15)).verify(claim)
    assert earlier.status is CheckStatus.VERIFIED
