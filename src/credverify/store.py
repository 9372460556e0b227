"""The local store: raw evidence bodies by sha256, and a result cache with a time-to-live per
adapter.

One SQLite file (standard library ``sqlite3``) at :func:`default_path`, or wherever the caller says.
It is shared safely:

- by several processes at once (a batch with workers, a CLI lookup next to it): the file is in WAL
  mode, every write is one short transaction, and a busy writer is waited for up to 30 seconds;
- by several threads of one process: one connection, guarded by a lock.

The schema is created on first use and versioned with ``PRAGMA user_version``; a file written by a
newer credverify is refused rather than misread. Every time is stored as timezone-aware UTC.

>>> from datetime import timedelta
>>> with Store(getfixture("tmp_path") / "store.sqlite3") as store:
...     digest = store.put_blob(b"<html>...</html>", "text/html")
...     store.cache_put("gb.hmrc.eori", "GB123456789000", '{"valid": true}', ttl=timedelta(days=1))
...     store.get_blob(digest), store.cache_get("gb.hmrc.eori", "GB123456789000").fresh
(b'<html>...</html>', True)
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

import platformdirs

from credverify.errors import ConfigurationError, InputError

__all__ = [
    "FILE_NAME",
    "HOME_ENV",
    "SCHEMA_VERSION",
    "CachedEntry",
    "SnapshotInfo",
    "Store",
    "default_path",
]

HOME_ENV = "CREDVERIFY_HOME"
FILE_NAME = "credverify.sqlite3"
BUSY_TIMEOUT = timedelta(seconds=30)

# Migration n takes a file from user_version n to n + 1; never edit one that has shipped.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE IF NOT EXISTS blobs (
            sha256 TEXT PRIMARY KEY,
            body BLOB NOT NULL,
            media_type TEXT,
            size INTEGER NOT NULL,
            first_seen TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS cache (
            adapter TEXT NOT NULL,
            key TEXT NOT NULL,
            payload TEXT NOT NULL,
            retrieved_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            PRIMARY KEY (adapter, key)
        )
        """,
    ),
    (
        # Registry snapshots (files a registry publishes): one row per import, its records
        # below it. A new import loads as "loading" and becomes "active" in one transaction.
        """
        CREATE TABLE IF NOT EXISTS snapshots (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            adapter TEXT NOT NULL,
            state TEXT NOT NULL,
            source TEXT NOT NULL,
            encoding TEXT,
            sha256 TEXT,
            rows INTEGER,
            imported_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS snapshot_rows (
            snapshot INTEGER NOT NULL,
            row_no INTEGER NOT NULL,
            identifier TEXT,
            name_key TEXT,
            names TEXT NOT NULL,
            record TEXT NOT NULL,
            PRIMARY KEY (snapshot, row_no)
        )
        """,
        "CREATE INDEX IF NOT EXISTS snapshot_rows_identifier"
        " ON snapshot_rows (snapshot, identifier)",
        "CREATE INDEX IF NOT EXISTS snapshot_rows_name ON snapshot_rows (snapshot, name_key)",
    ),
    (
        # Batch checkpoints: every finished row of a run, so a killed run resumes without losing
        # or repeating a row.
        """
        CREATE TABLE IF NOT EXISTS batch_rows (
            run TEXT NOT NULL,
            row INTEGER NOT NULL,
            result TEXT NOT NULL,
            PRIMARY KEY (run, row)
        )
        """,
    ),
)
SCHEMA_VERSION = len(_MIGRATIONS)
SNAPSHOT_CHUNK = 5_000


def default_path() -> Path:
    """Where the store lives unless told otherwise: ``$CREDVERIFY_HOME/credverify.sqlite3``, else
    the user data directory of the platform (``~/.local/share/credverify`` on Linux)."""
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        return Path(home).expanduser() / FILE_NAME
    return platformdirs.user_data_path("credverify") / FILE_NAME


@dataclass(frozen=True)
class SnapshotInfo:
    """One imported registry file: where it came from, its sha256, its size, and when."""

    id: int
    adapter: str
    source: str
    encoding: str | None
    sha256: str
    rows: int
    imported_at: datetime


@dataclass(frozen=True)
class CachedEntry:
    """A cached adapter result; ``fresh`` is whether it had not yet expired when it was read."""

    adapter: str
    key: str
    payload: str
    retrieved_at: datetime
    expires_at: datetime
    fresh: bool


class Store:
    """Evidence blobs and the result cache in one SQLite file; also a context manager."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = default_path() if path is None else Path(path).expanduser()
        self._lock = threading.Lock()
        self._connection = self._open()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; the file and its contents stay. Closing twice is harmless."""
        with self._lock:
            self._connection.close()

    # Evidence blobs

    def put_blob(self, body: bytes, media_type: str | None = None) -> str:
        """Keep a raw body and return its sha256 (hex); the same body is stored only once."""
        digest = hashlib.sha256(body).hexdigest()
        with self._lock:
            self._connection.execute(
                "INSERT OR IGNORE INTO blobs (sha256, body, media_type, size, first_seen)"
                " VALUES (?, ?, ?, ?, ?)",
                (digest, bytes(body), media_type, len(body), _to_text(_now())),
            )
        return digest

    def get_blob(self, sha256: str) -> bytes | None:
        """The body stored under this sha256, or None if there is none."""
        with self._lock:
            row = self._connection.execute(
                "SELECT body FROM blobs WHERE sha256 = ?", (sha256.strip().lower(),)
            ).fetchone()
        return None if row is None else bytes(row[0])

    # Result cache

    def cache_get(
        self, adapter: str, key: str, *, allow_stale: bool = False, now: datetime | None = None
    ) -> CachedEntry | None:
        """The cached result for ``key`` from ``adapter``: None if there is none, or if it has
        expired and ``allow_stale`` is false (offline runs pass true, and report it as stale)."""
        moment = _now() if now is None else _utc(now, "now")
        with self._lock:
            row = self._connection.execute(
                "SELECT payload, retrieved_at, expires_at FROM cache WHERE adapter = ? AND key = ?",
                (adapter, key),
            ).fetchone()
        if row is None:
            return None
        payload, retrieved_at, expires_at = row[0], _from_text(row[1]), _from_text(row[2])
        fresh = expires_at > moment
        if not fresh and not allow_stale:
            return None
        return CachedEntry(adapter, key, payload, retrieved_at, expires_at, fresh)

    def cache_put(
        self,
        adapter: str,
        key: str,
        payload: str,
        *,
        ttl: timedelta,
        retrieved_at: datetime | None = None,
    ) -> None:
        """Cache a result for ``ttl`` from ``retrieved_at`` (default now), replacing any earlier
        one for the same adapter and key."""
        retrieved = _now() if retrieved_at is None else _utc(retrieved_at, "retrieved_at")
        with self._lock:
            self._connection.execute(
                "INSERT INTO cache (adapter, key, payload, retrieved_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (adapter, key) DO UPDATE SET payload = excluded.payload,"
                " retrieved_at = excluded.retrieved_at, expires_at = excluded.expires_at",
                (adapter, key, payload, _to_text(retrieved), _to_text(retrieved + ttl)),
            )

    def cache_clear(self, adapter: str | None = None) -> int:
        """Forget the cached results of one adapter, or of all; returns how many were removed."""
        with self._lock:
            if adapter is None:
                cursor = self._connection.execute("DELETE FROM cache")
            else:
                cursor = self._connection.execute("DELETE FROM cache WHERE adapter = ?", (adapter,))
        return cursor.rowcount

    # Registry snapshots

    def snapshot_begin(self, adapter: str, *, source: str, encoding: str | None) -> int:
        """Start loading a snapshot; it answers nothing until :meth:`snapshot_activate`."""
        with self._lock:
            cursor = self._connection.execute(
                "INSERT INTO snapshots (adapter, state, source, encoding, imported_at)"
                " VALUES (?, 'loading', ?, ?, ?)",
                (adapter, source, encoding, _to_text(_now())),
            )
        return int(cursor.lastrowid or 0)

    def snapshot_add(
        self, snapshot: int, rows: Iterable[tuple[int, str | None, str | None, str, str]]
    ) -> None:
        """Add rows ``(row_no, identifier, name_key, names, record_json)`` in short transactions."""
        chunk: list[tuple[int, int, str | None, str | None, str, str]] = []
        for row in rows:
            chunk.append((snapshot, *row))
            if len(chunk) >= SNAPSHOT_CHUNK:
                self._insert_rows(chunk)
                chunk = []
        if chunk:
            self._insert_rows(chunk)

    def _insert_rows(self, chunk: list[tuple[int, int, str | None, str | None, str, str]]) -> None:
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                self._connection.executemany(
                    "INSERT INTO snapshot_rows (snapshot, row_no, identifier, name_key, names,"
                    " record) VALUES (?, ?, ?, ?, ?, ?)",
                    chunk,
                )
                self._connection.execute("COMMIT")
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise

    def snapshot_activate(self, snapshot: int, *, sha256: str, rows: int) -> None:
        """Make a loaded snapshot the one that answers, and drop the one it replaces, atomically:
        readers see the old snapshot or the new one, never a mix."""
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                (adapter,) = self._connection.execute(
                    "SELECT adapter FROM snapshots WHERE id = ?", (snapshot,)
                ).fetchone()
                old = [
                    r[0]
                    for r in self._connection.execute(
                        "SELECT id FROM snapshots WHERE adapter = ? AND state = 'active'",
                        (adapter,),
                    )
                ]
                self._connection.execute(
                    "UPDATE snapshots SET state = 'active', sha256 = ?, rows = ?, imported_at = ?"
                    " WHERE id = ?",
                    (sha256, rows, _to_text(_now()), snapshot),
                )
                for old_id in old:
                    self._connection.execute(
                        "DELETE FROM snapshot_rows WHERE snapshot = ?", (old_id,)
                    )
                    self._connection.execute("DELETE FROM snapshots WHERE id = ?", (old_id,))
                self._connection.execute("COMMIT")
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise

    def snapshot_discard(self, snapshot: int) -> None:
        """Forget a snapshot that failed to load; the active one is untouched."""
        with self._lock:
            self._connection.execute(
                "DELETE FROM snapshot_rows WHERE snapshot = ? AND snapshot IN"
                " (SELECT id FROM snapshots WHERE state = 'loading')",
                (snapshot,),
            )
            self._connection.execute(
                "DELETE FROM snapshots WHERE id = ? AND state = 'loading'", (snapshot,)
            )

    def snapshot_active(self, adapter: str) -> SnapshotInfo | None:
        """The snapshot that answers for ``adapter``, if one was imported."""
        with self._lock:
            row = self._connection.execute(
                "SELECT id, adapter, source, encoding, sha256, rows, imported_at FROM snapshots"
                " WHERE adapter = ? AND state = 'active' ORDER BY id DESC LIMIT 1",
                (adapter,),
            ).fetchone()
        if row is None:
            return None
        return SnapshotInfo(row[0], row[1], row[2], row[3], row[4], row[5], _from_text(row[6]))

    def snapshot_find(self, snapshot: int, identifier: str) -> list[str]:
        """Record JSON of the rows with exactly this identifier."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT record FROM snapshot_rows WHERE snapshot = ? AND identifier = ?"
                " ORDER BY row_no",
                (snapshot, identifier),
            ).fetchall()
        return [r[0] for r in rows]

    def snapshot_names(self, snapshot: int) -> list[tuple[int, str]]:
        """``(row_no, names)`` of every row, for building a name index."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT row_no, names FROM snapshot_rows WHERE snapshot = ?", (snapshot,)
            ).fetchall()
        return [(int(r[0]), str(r[1])) for r in rows]

    def snapshot_records(self, snapshot: int, row_nos: Sequence[int]) -> dict[int, str]:
        """Record JSON by row number."""
        if not row_nos:
            return {}
        marks = ",".join("?" * len(row_nos))
        with self._lock:
            rows = self._connection.execute(
                "SELECT row_no, record FROM snapshot_rows"
                f" WHERE snapshot = ? AND row_no IN ({marks})",
                (snapshot, *row_nos),
            ).fetchall()
        return {int(r[0]): str(r[1]) for r in rows}

    # Batch checkpoints

    def batch_put(self, run: str, rows: Sequence[tuple[int, str]]) -> None:
        """Record finished rows ``(row, result_json)`` of a run, in one transaction."""
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO batch_rows (run, row, result) VALUES (?, ?, ?)",
                    [(run, row, result) for row, result in rows],
                )
                self._connection.execute("COMMIT")
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise

    def batch_done(self, run: str) -> set[int]:
        """The rows of a run already finished."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT row FROM batch_rows WHERE run = ?", (run,)
            ).fetchall()
        return {int(r[0]) for r in rows}

    def batch_results(self, run: str, *, chunk: int = 1_000) -> Iterator[str]:
        """Every finished row's result, in row order, streamed from disk."""
        last = 0
        while True:
            with self._lock:
                rows = self._connection.execute(
                    "SELECT row, result FROM batch_rows WHERE run = ? AND row > ?"
                    " ORDER BY row LIMIT ?",
                    (run, last, chunk),
                ).fetchall()
            if not rows:
                return
            for row, result in rows:
                last = int(row)
                yield str(result)

    def batch_clear(self, run: str) -> None:
        with self._lock:
            self._connection.execute("DELETE FROM batch_rows WHERE run = ?", (run,))

    # Opening

    def _open(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit (isolation_level=None): each statement is its own short transaction, and
            # the one multi-statement transaction (the migration) says BEGIN IMMEDIATE itself.
            connection = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT.total_seconds(),
                isolation_level=None,
                check_same_thread=False,
            )
            busy_ms = int(BUSY_TIMEOUT.total_seconds() * 1000)
            connection.execute(f"PRAGMA busy_timeout = {busy_ms}")
            connection.execute("PRAGMA journal_mode = WAL")
            # Safe with WAL: a killed process loses nothing; only a power cut may lose the last
            # commits, never the file.
            connection.execute("PRAGMA synchronous = NORMAL")
            _migrate(connection, self.path)
        except BaseException as error:
            if connection is not None:
                connection.close()
            if isinstance(error, OSError | sqlite3.Error):
                raise ConfigurationError(
                    f"cannot open the credverify store at {self.path}: {error}; pass another path "
                    f"or set {HOME_ENV} to a writable directory"
                ) from error
            raise
        return connection


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    if _user_version(connection) == SCHEMA_VERSION:
        return
    # Several processes may open a new file at once: take the write lock, then look again.
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = _user_version(connection)
        if version > SCHEMA_VERSION:
            raise ConfigurationError(
                f"the credverify store at {path} has schema version {version}, newer than this "
                f"credverify understands ({SCHEMA_VERSION}); upgrade credverify or use another path"
            )
        for statements in _MIGRATIONS[version:]:
            for statement in statements:
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _user_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(f"{name} must be a timezone-aware datetime (UTC), not {moment!r}")
    return moment.astimezone(UTC)


def _to_text(moment: datetime) -> str:
    # A fixed-width form, so that the text sorts in time order.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _from_text(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
