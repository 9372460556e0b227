"""The local store: evidence bodies kept once by sha256, cached results that expire, and a file that
several processes and threads can write at the same time without losing anything."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

import credverify.store as store_module
from credverify.errors import ConfigurationError, InputError, StoreUnavailable
from credverify.store import HOME_ENV, CachedEntry, CacheKey, Store, default_path

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
PRODUCTION = "https://registry.example"


def key(adapter: str, request: str, endpoint: str = PRODUCTION, parser: int = 1) -> CacheKey:
    return CacheKey(adapter, parser, endpoint, request)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "store.sqlite3") as opened:
        yield opened


def test_a_blob_comes_back_by_its_sha256(store: Store) -> None:
    body = b'{"eori": "GB123456789000", "valid": true}'

    digest = store.put_blob(body, "application/json")

    assert digest == hashlib.sha256(body).hexdigest()
    assert store.get_blob(digest) == body


def test_the_same_body_is_stored_once(store: Store) -> None:
    first = store.put_blob(b"<html>same page</html>", "text/html")
    second = store.put_blob(b"<html>same page</html>", "text/html")

    assert first == second
    assert store.get_blob(first) == b"<html>same page</html>"


def test_an_unknown_blob_is_none(store: Store) -> None:
    assert store.get_blob("0" * 64) is None


def test_an_empty_body_is_a_blob_too(store: Store) -> None:
    digest = store.put_blob(b"")

    assert store.get_blob(digest) == b""


def test_a_fresh_cache_entry_is_returned_with_its_times(store: Store) -> None:
    store.cache_put(
        key("gb.hmrc.eori", "GB123456789000"), '{"valid": true}', ttl=DAY, retrieved_at=NOON
    )

    entry = store.cache_get(key("gb.hmrc.eori", "GB123456789000"), now=NOON + timedelta(hours=1))

    assert entry == CachedEntry(
        key=key("gb.hmrc.eori", "GB123456789000"),
        payload='{"valid": true}',
        retrieved_at=NOON,
        expires_at=NOON + DAY,
        fresh=True,
    )


def test_an_expired_entry_is_a_miss_unless_stale_is_allowed(store: Store) -> None:
    store.cache_put(
        key("us.nppes.npi", "1234567893"), '{"result_count": 1}', ttl=DAY, retrieved_at=NOON
    )
    two_days_later = NOON + 2 * DAY

    assert store.cache_get(key("us.nppes.npi", "1234567893"), now=two_days_later) is None

    stale = store.cache_get(key("us.nppes.npi", "1234567893"), now=two_days_later, allow_stale=True)
    assert stale is not None
    assert stale.payload == '{"result_count": 1}'
    assert stale.fresh is False


def test_an_entry_expires_exactly_at_its_ttl(store: Store) -> None:
    store.cache_put(key("us.nppes.npi", "1234567893"), "{}", ttl=DAY, retrieved_at=NOON)

    assert store.cache_get(key("us.nppes.npi", "1234567893"), now=NOON + DAY) is None


def test_an_absent_entry_is_none_even_when_stale_is_allowed(store: Store) -> None:
    assert store.cache_get(key("gb.hmrc.eori", "GB000000000000"), allow_stale=True) is None


def test_by_default_an_entry_is_stamped_now_and_fresh(store: Store) -> None:
    before = datetime.now(UTC)
    store.cache_put(key("gb.hmrc.eori", "GB123456789000"), "{}", ttl=timedelta(hours=1))

    entry = store.cache_get(key("gb.hmrc.eori", "GB123456789000"))

    assert entry is not None
    assert entry.fresh
    assert entry.retrieved_at >= before.replace(microsecond=0)
    assert entry.retrieved_at.tzinfo is not None
    assert entry.expires_at == entry.retrieved_at + timedelta(hours=1)


def test_putting_the_same_key_again_replaces_the_entry(store: Store) -> None:
    store.cache_put(key("eu.eos.eori", "DE1234567"), '{"valid": false}', ttl=DAY, retrieved_at=NOON)
    later = NOON + timedelta(hours=3)
    store.cache_put(key("eu.eos.eori", "DE1234567"), '{"valid": true}', ttl=DAY, retrieved_at=later)

    entry = store.cache_get(key("eu.eos.eori", "DE1234567"), now=later)

    assert entry is not None
    assert entry.payload == '{"valid": true}'
    assert entry.retrieved_at == later
    assert store.cache_clear() == 1


def test_the_same_key_is_separate_per_adapter(store: Store) -> None:
    store.cache_put(key("gb.hmrc.eori", "GB123456789000"), "hmrc", ttl=DAY, retrieved_at=NOON)
    store.cache_put(key("eu.eos.eori", "GB123456789000"), "eos", ttl=DAY, retrieved_at=NOON)

    hmrc = store.cache_get(key("gb.hmrc.eori", "GB123456789000"), now=NOON)
    eos = store.cache_get(key("eu.eos.eori", "GB123456789000"), now=NOON)

    assert hmrc is not None
    assert eos is not None
    assert (hmrc.payload, eos.payload) == ("hmrc", "eos")


def test_an_answer_from_one_endpoint_is_never_served_for_another(store: Store) -> None:
    sandbox = key("gb.hmrc.eori", "GB123456789000", endpoint="https://test-api.example")
    store.cache_put(sandbox, "sandbox answer", ttl=DAY, retrieved_at=NOON)

    assert store.cache_get(key("gb.hmrc.eori", "GB123456789000"), now=NOON) is None
    assert store.cache_get(sandbox, now=NOON) is not None


def test_an_answer_read_by_an_older_parser_is_never_served(store: Store) -> None:
    store.cache_put(
        key("gb.bacp.register", "123", parser=1), "old reading", ttl=DAY, retrieved_at=NOON
    )

    assert store.cache_get(key("gb.bacp.register", "123", parser=2), now=NOON) is None


def test_max_age_refuses_an_answer_retrieved_too_long_ago_even_when_stale_is_allowed(
    store: Store,
) -> None:
    store.cache_put(key("us.nppes.npi", "1234567893"), "{}", ttl=7 * DAY, retrieved_at=NOON)
    later = NOON + timedelta(hours=13)

    assert store.cache_get(key("us.nppes.npi", "1234567893"), now=later) is not None
    assert (
        store.cache_get(key("us.nppes.npi", "1234567893"), now=later, max_age=timedelta(hours=12))
        is None
    )
    assert (
        store.cache_get(
            key("us.nppes.npi", "1234567893"),
            now=later,
            max_age=timedelta(hours=12),
            allow_stale=True,
        )
        is None
    )


def test_times_in_another_zone_are_kept_as_utc(store: Store) -> None:
    tokyo = timezone(timedelta(hours=9))
    tokyo_evening = datetime(2026, 3, 2, 6, 0, tzinfo=tokyo)
    store.cache_put(
        key("jp.customs.aeo", "JPAEO1234567890"), "{}", ttl=DAY, retrieved_at=tokyo_evening
    )

    entry = store.cache_get(key("jp.customs.aeo", "JPAEO1234567890"), now=tokyo_evening)

    assert entry is not None
    assert entry.retrieved_at == datetime(2026, 3, 1, 21, 0, tzinfo=UTC)
    assert entry.retrieved_at.utcoffset() == timedelta(0)


def test_a_naive_time_is_refused(store: Store) -> None:
    with pytest.raises(InputError, match="timezone-aware"):
        store.cache_put(
            key("gb.hmrc.eori", "GB1"), "{}", ttl=DAY, retrieved_at=datetime(2026, 3, 1)
        )


def test_clearing_one_adapter_keeps_the_others(store: Store) -> None:
    for request in ("GB1", "GB2"):
        store.cache_put(key("gb.hmrc.eori", request), "{}", ttl=DAY)
    store.cache_put(key("us.nppes.npi", "1234567893"), "{}", ttl=DAY)

    assert store.cache_clear("gb.hmrc.eori") == 2
    assert store.cache_get(key("gb.hmrc.eori", "GB1")) is None
    assert store.cache_get(key("us.nppes.npi", "1234567893")) is not None
    assert store.cache_clear() == 1


def test_what_is_stored_survives_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with Store(path) as store:
        digest = store.put_blob(b"evidence")
        store.cache_put(key("gb.hmrc.eori", "GB1"), "{}", ttl=DAY, retrieved_at=NOON)

    with Store(path) as reopened:
        assert reopened.get_blob(digest) == b"evidence"
        assert reopened.cache_get(key("gb.hmrc.eori", "GB1"), now=NOON) is not None


def test_credverify_home_sets_the_default_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "elsewhere"))

    with Store() as store:
        store.put_blob(b"x")

    assert default_path() == tmp_path / "elsewhere" / "credverify.sqlite3"
    assert store.path == default_path()
    assert store.path.is_file()


def test_without_credverify_home_the_store_goes_to_the_user_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(HOME_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # Linux; elsewhere just a name

    assert default_path().name == "credverify.sqlite3"
    assert default_path().parent.name == "credverify"


def test_missing_parent_directories_are_created(tmp_path: Path) -> None:
    with Store(tmp_path / "a" / "b" / "store.sqlite3") as store:
        assert store.path.parent.is_dir()


def test_the_file_is_in_wal_mode_so_readers_do_not_block_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    Store(path).close()

    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_path_under_a_regular_file_is_a_configuration_error_naming_it(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "notes.txt"
    not_a_directory.write_text("a file, not a directory")
    path = not_a_directory / "store.sqlite3"

    with pytest.raises(ConfigurationError, match="cannot open the credverify store") as caught:
        Store(path)

    assert str(path) in str(caught.value)


def test_a_file_that_is_not_a_database_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"this is not SQLite " * 100)

    with pytest.raises(ConfigurationError, match=r"store\.sqlite3"):
        Store(path)


def test_a_store_from_a_newer_credverify_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 999")

    with pytest.raises(ConfigurationError, match="newer"):
        Store(path)


def _write_entries(path: str, worker: int, count: int) -> None:
    with Store(path) as store:
        for n in range(count):
            store.cache_put(
                key("demo.snapshot", f"worker-{worker}-row-{n}"), f"{worker}:{n}", ttl=DAY
            )


def test_several_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_write_entries, args=(str(path), worker, 200)) for worker in range(4)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)

    assert [process.exitcode for process in workers] == [0, 0, 0, 0]
    with Store(path) as store:
        assert store.cache_get(key("demo.snapshot", "worker-3-row-199")) is not None
        assert store.cache_clear("demo.snapshot") == 800


def test_threads_sharing_one_store_lose_nothing(store: Store) -> None:
    def write(worker: int) -> None:
        for n in range(100):
            store.cache_put(key("demo.snapshot", f"thread-{worker}-row-{n}"), str(n), ttl=DAY)
            store.put_blob(f"{worker}:{n}".encode())

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for worker in range(8):
        for n in range(100):
            assert store.get_blob(hashlib.sha256(f"{worker}:{n}".encode()).hexdigest())
    assert store.cache_clear() == 800


# -- a locked or full store says so in one line and loses nothing ------------------------------


def test_a_store_locked_past_the_busy_timeout_says_so_and_keeps_what_was_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite3"
    with Store(path, busy_timeout=timedelta(milliseconds=100)) as store:
        store.cache_put(key("gb.hmrc.eori", "GB1"), "kept", ttl=DAY, retrieved_at=NOON)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            with pytest.raises(StoreUnavailable) as raised:
                store.cache_put(key("gb.hmrc.eori", "GB2"), "{}", ttl=DAY)
        finally:
            other.execute("ROLLBACK")
            other.close()
        message = str(raised.value)
        assert "\n" not in message
        assert str(path) in message
        assert "locked by another process" in message
        assert "--resume" in message
        assert store.cache_get(key("gb.hmrc.eori", "GB1"), now=NOON).payload == "kept"


def test_a_full_store_says_so_and_a_checkpoint_is_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with Store(path) as store:
        run = store.batch_start("suppliers.csv", "f" * 64, {"mode": "demo"})
        store.batch_put(run, [(2, "first")])
        # No page may be added any more: the same error SQLite gives on a full disk.
        (pages,) = store._connection.execute("PRAGMA page_count").fetchone()
        store._connection.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreUnavailable, match="free disk space") as raised:
            store.batch_put(run, [(row, "x" * 4096) for row in range(3, 50)])
        assert str(path) in str(raised.value)
        assert store.batch_done(run) == {2}, "the failed checkpoint left nothing half-written"


# -- a sync killed half-way leaves no orphan rows ------------------------------------------------


def _load_and_die(path: str) -> None:
    store = Store(path)
    snapshot = store.snapshot_begin("us.oig.leie", source="UPDATED.csv", encoding="utf-8")
    store.snapshot_add(snapshot, [(n, None, f"name {n}", "[]", "{}") for n in range(1, 1001)])
    os._exit(0)  # killed before activating: no cleanup runs


def test_a_sync_killed_half_way_leaves_no_orphan_rows_once_the_store_opens(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite3"
    with Store(path) as store:
        kept = store.snapshot_begin("us.oig.leie", source="old.csv", encoding="utf-8")
        store.snapshot_add(kept, [(1, None, "old", "[]", "{}")])
        store.snapshot_activate(kept, sha256="0" * 64, rows=1)
    loader = multiprocessing.get_context("spawn").Process(target=_load_and_die, args=(str(path),))
    loader.start()
    loader.join(timeout=120)
    assert loader.exitcode == 0
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT count(*) FROM snapshot_rows").fetchone()[0] == 1001

    with Store(path) as reopened:
        active = reopened.snapshot_active("us.oig.leie")
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT count(*) FROM snapshot_rows").fetchone()[0] == 1
        assert raw.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1
    assert active is not None
    assert active.source == "old.csv"


def test_a_snapshot_still_loading_in_a_live_process_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with Store(path) as loading:
        snapshot = loading.snapshot_begin("us.oig.leie", source="new.csv", encoding="utf-8")
        loading.snapshot_add(snapshot, [(1, None, "new", "[]", "{}")])
        with Store(path) as other:
            other.snapshot_activate(snapshot, sha256="1" * 64, rows=1)
            info = other.snapshot_active("us.oig.leie")
    assert info is not None
    assert info.rows == 1


def test_a_store_of_the_previous_schema_is_migrated_and_forgets_unkeyed_answers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite3"
    with sqlite3.connect(path) as old:
        for statements in store_module._MIGRATIONS[:3]:
            for statement in statements:
                old.execute(statement)
        old.execute("PRAGMA user_version = 3")
        old.execute(
            "INSERT INTO cache VALUES ('gb.hmrc.eori', 'GB1', '{}', ?, ?)",
            (NOON.isoformat(), (NOON + DAY).isoformat()),
        )
        old.execute("INSERT INTO batch_rows VALUES ('oldrun', 2, '{}')")
    with Store(path) as store:
        assert store.cache_get(key("gb.hmrc.eori", "GB1"), now=NOON, allow_stale=True) is None
        assert store.batch_done("oldrun") == set()
        store.cache_put(key("gb.hmrc.eori", "GB1"), "{}", ttl=DAY)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == store_module.SCHEMA_VERSION
