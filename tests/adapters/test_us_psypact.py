"""The PSYPACT Commission's list of APIT/TAP holders as a snapshot: synced from CSV, then looked up
by home-state licence and by name; the expiry is kept, and judged on the day of the check (the
verifier's as-of date), never frozen on the day of the import."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from credverify.adapters import snapshot
from credverify.adapters.base import Answer, Query, available
from credverify.adapters.http import Http
from credverify.adapters.snapshot import SnapshotError
from credverify.adapters.us_psypact import PsypactRegisterAdapter
from credverify.records import CheckStatus, Claim
from credverify.store import Store
from credverify.verifier import Verifier

FIXTURES = Path(__file__).parent.parent / "fixtures" / "us.psypact.register"


@pytest.fixture
def adapter(tmp_path: Path) -> PsypactRegisterAdapter:
    return PsypactRegisterAdapter(Http(Store(tmp_path / "s.sqlite3")))


@pytest.fixture
def synced(adapter: PsypactRegisterAdapter) -> PsypactRegisterAdapter:
    snapshot.sync(adapter, file=FIXTURES / "holders.csv")
    return adapter


def lookup(adapter: PsypactRegisterAdapter, **fields: str) -> Answer:
    return asyncio.run(adapter.lookup(Query(scheme="us.psypact", **fields)))


def test_the_adapter_is_registered_for_psypact() -> None:
    assert available()["us.psypact.register"] is PsypactRegisterAdapter
    assert PsypactRegisterAdapter.schemes == ("us.psypact",)


def test_lookup_by_home_state_and_licence(synced: PsypactRegisterAdapter) -> None:
    (record,) = lookup(synced, identifier="CO-PSY0001234").records
    assert record.identifier == "CO-PSY0001234"
    assert record.holder == "Jane Synthetic"
    assert record.scheme == "us.psypact"
    assert record.tier == "apit"
    assert record.jurisdiction == "US-CO"
    assert (record.valid_from, record.valid_until) == (date(2025, 3, 1), date(2027, 2, 28))
    assert record.active is True
    assert record.status == "APIT, expires 2027-02-28"
    assert record.details["license_number"] == "PSY0001234"


def test_the_identifier_is_compared_without_spaces_in_any_case(
    synced: PsypactRegisterAdapter,
) -> None:
    for claimed in ("GA-PSY 7777", "ga-psy7777"):
        (record,) = lookup(synced, identifier=claimed).records
        assert record.holder == "Ann Marie Placeholder"
        # The full authority name maps to the tier; no expiry shown means not expired.
        assert (record.tier, record.active, record.valid_until) == ("apit", True, None)


def test_lookup_by_name(synced: PsypactRegisterAdapter) -> None:
    answer = lookup(synced, holder="OMAR FICTIONAL")
    record = answer.records[0]
    assert (record.tier, record.jurisdiction) == ("tap", "US-MP")  # a territory as home state
    assert "'Omar Fictional' 1.00 match" in answer.notes[1]


def test_the_expiry_is_kept_and_no_status_is_frozen_at_import(
    synced: PsypactRegisterAdapter,
) -> None:
    (record,) = lookup(synced, identifier="TX-12345").records
    assert record.tier == "tap"
    assert record.active is True  # listed; whether it has expired is judged at lookup
    assert record.status == "TAP, expires 2025-05-31"
    assert record.valid_until == date(2025, 5, 31)  # read from MM/DD/YYYY


def check_of(adapter: PsypactRegisterAdapter, identifier: str, as_of: date | None) -> CheckStatus:
    verifier = Verifier(store=adapter.store, offline=True, as_of=as_of)
    return verifier.verify(Claim(scheme="us.psypact", identifier=identifier)).status


def test_an_expiry_before_the_as_of_date_is_inactive_at_lookup(
    synced: PsypactRegisterAdapter,
) -> None:
    verifier = Verifier(store=synced.store, offline=True, as_of=date(2026, 11, 29))
    check = verifier.verify(Claim(scheme="us.psypact", identifier="TX-12345"))
    assert check.status is CheckStatus.INACTIVE
    assert "ended on 2025-05-31" in check.reason
    # The same snapshot, judged on a day before the expiry: the authority was in force.
    assert check_of(synced, "TX-12345", date(2025, 5, 1)) is CheckStatus.VERIFIED


def test_an_authority_expiring_later_lapses_once_that_day_has_passed(
    synced: PsypactRegisterAdapter,
) -> None:
    assert check_of(synced, "CO-PSY0001234", date(2027, 2, 28)) is CheckStatus.VERIFIED
    assert check_of(synced, "CO-PSY0001234", date(2027, 3, 1)) is CheckStatus.INACTIVE
    # Judged on today (no as-of date): an expiry in 2025 has passed; no expiry never lapses.
    assert check_of(synced, "TX-12345", None) is CheckStatus.INACTIVE
    assert check_of(synced, "GA-PSY7777", None) is CheckStatus.VERIFIED


def test_a_licence_not_on_the_list_is_not_found_naming_the_snapshot(
    synced: PsypactRegisterAdapter,
) -> None:
    verifier = Verifier(store=synced.store, offline=True)
    check = verifier.verify(Claim(scheme="us.psypact", identifier="NY-000111"))
    assert check.status is CheckStatus.NOT_FOUND
    assert "no entry for NY-000111 in the snapshot of PSYPACT Commission list" in check.reason


def test_other_columns_are_not_the_supported_format(synced: PsypactRegisterAdapter) -> None:
    with pytest.raises(SnapshotError) as failure:
        snapshot.sync(synced, file=FIXTURES / "other-columns.csv")
    message = str(failure.value)
    assert "other-columns.csv: header" in message
    assert "Home State (found 'State')" in message
    assert "expected Last Name, First Name, Home State, License Number" in message
    assert lookup(synced, identifier="CO-PSY0001234").records[0].tier == "apit"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad-authority.csv", "row 3: column Authority: unknown authority 'E.Passport'"),
        ("bad-date.csv", "row 2: column Expires: '28.02.2027' is not a date"),
        ("bad-state.csv", "row 2: column Home State: 'COLORADO' is not a US state"),
    ],
)
def test_a_bad_row_names_the_row_and_column(
    synced: PsypactRegisterAdapter, name: str, expected: str
) -> None:
    with pytest.raises(SnapshotError) as failure:
        snapshot.sync(synced, file=FIXTURES / name)
    assert expected in str(failure.value)
    assert len(lookup(synced, identifier="MP-CNMI-042").records) == 1
