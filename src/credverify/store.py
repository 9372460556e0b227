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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

import platformdirs

from credverify.errors import ConfigurationError, InputError

__all__ = ["FILE_NAME", "HOME_ENV", "SCHEMA_VERSION", "CachedEntry", "Store", "default_path"]

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
)
SCHEMA_VERSION = len(_MIGRATIONS)


def default_path() -> Path:
    """Where the store lives unless told otherwise: ``$CREDVERIFY_HOME/credverify.sqlite3``, else
    the user data directory of the platform (``~/.local/share/credverify`` on Linux)."""
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        return Path(home).expanduser() / FILE_NAME
    return platformdirs.user_data_path("credverify") / FILE_NAME


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
