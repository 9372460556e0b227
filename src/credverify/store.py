"""The local store: raw evidence bodies by sha256, a result cache with a time-to-live per
adapter, registry snapshots, and batch checkpoints.

One SQLite file (standard library ``sqlite3``) at :func:`default_path`, or wherever the caller says.
It is shared safely:

- by several processes at once (a batch with workers, a CLI lookup next to it): the file is in WAL
  mode, every write is one short transaction, and a busy writer is waited for up to 30 seconds;
- by several threads of one process: one connection, guarded by a lock.

The schema is created on first use and versioned with ``PRAGMA user_version``; a file written by a
newer credverify is refused rather than misread. Every time is stored as timezone-aware UTC.

A cached answer is keyed by everything that decides it (:class:`CacheKey`): the adapter, the
version of its parser, the endpoint asked (base URL without secrets) and the normalised request,
so a sandbox's answer is never served for production, nor an old parser's reading for a new one.

When the store cannot be written, because another process holds its write lock past the busy
timeout or the disk is full, the operation raises :class:`~credverify.errors.StoreUnavailable`
with one line naming the file and what to do; what was committed before stays.

>>> from datetime import timedelta
>>> key = CacheKey("gb.hmrc.eori", 1, "https://api.service.hmrc.gov.uk", "GB123456789000")
>>> with Store(getfixture("tmp_path") / "store.sqlite3") as store:
...     digest = store.put_blob(b"<html>...</html>", "text/html")
...     store.cache_put(key, '{"valid": true}', ttl=timedelta(days=1))
...     store.get_blob(digest), store.cache_get(key).fresh
(b'<html>...</html>', True)
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

import platformdirs

from credverify.errors import ConfigurationError, InputError, StoreUnavailable

__all__ = [
    "FILE_NAME",
    "HOME_ENV",
    "SCHEMA_VERSION",
    "BatchRun",
    "CacheKey",
    "CachedEntry",
    "Holder",
    "SnapshotInfo",
    "Store",
    "default_path",
]

HOME_ENV = "CREDVERIFY_HOME"
FILE_NAME = "credverify.sqlite3"
BUSY_TIMEOUT = timedelta(seconds=30)
# A holder on another machine cannot be asked whether it is alive: its hold lapses when it has
# written nothing for this long.
REMOTE_HOLD = timedelta(hours=1)

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
    (
        # Keys that hold what decides a verdict. Earlier cache entries do not say which endpoint
        # or parser produced them, so they cannot be trusted for any: they are dropped.
        "DROP TABLE IF EXISTS cache",
        """
        CREATE TABLE cache (
            adapter TEXT NOT NULL,
            parser_version INTEGER NOT NULL,
            endpoint TEXT NOT NULL,
            key TEXT NOT NULL,
            payload TEXT NOT NULL,
            retrieved_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            PRIMARY KEY (adapter, parser_version, endpoint, key)
        )
        """,
        # Who is loading a snapshot, so that one whose loader died can be cleaned up.
        "ALTER TABLE snapshots ADD COLUMN loader_pid INTEGER",
        "ALTER TABLE snapshots ADD COLUMN loader_host TEXT",
        "ALTER TABLE snapshots ADD COLUMN loader_started TEXT",
        # Batch runs: each run has its own id and checkpoints, its identity (what decides its
        # rows) and a record of the process that holds it. Checkpoints of earlier runs have no
        # identity to match a resume against: they are dropped.
        "DELETE FROM batch_rows",
        """
        CREATE TABLE batch_runs (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            identity TEXT NOT NULL,
            parts TEXT NOT NULL,
            created_at TEXT NOT NULL,
            heartbeat TEXT NOT NULL,
            holder_pid INTEGER,
            holder_host TEXT,
            holder_started TEXT
        )
        """,
        "CREATE INDEX batch_runs_source ON batch_runs (source, created_at)",
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
class CacheKey:
    """Everything that decides a cached answer: the adapter, the version of its parser, the
    endpoint asked (its base URL without secrets) and the normalised request."""

    adapter: str
    parser_version: int
    endpoint: str
    request: str


@dataclass(frozen=True)
class CachedEntry:
    """A cached adapter result; ``fresh`` is whether it had not yet expired when it was read."""

    key: CacheKey
    payload: str
    retrieved_at: datetime
    expires_at: datetime
    fresh: bool


@dataclass(frozen=True)
class Holder:
    """The process that holds a batch run or loads a snapshot: its pid, host and start time
    (the start time tells a live holder from a new process that reuses its pid)."""

    pid: int
    host: str
    started: datetime

    @classmethod
    def this_process(cls) -> Holder:
        return cls(os.getpid(), socket.gethostname(), _process_started(os.getpid()) or _now())

    def alive(self, last_seen: datetime | None = None) -> bool:
        """Whether the holder still runs. On this host the process is asked; on another host it
        counts as alive while it was last seen less than :data:`REMOTE_HOLD` ago."""
        if self.host != socket.gethostname():
            return last_seen is not None and _now() - last_seen < REMOTE_HOLD
        started = _process_started(self.pid)
        # Start times are kept to the microsecond but read back rounded: allow a second.
        return started is not None and abs((started - self.started).total_seconds()) < 1.0

    def describe(self) -> str:
        return (
            f"pid {self.pid} on {self.host}, started {self.started.isoformat(timespec='seconds')}"
        )


@dataclass(frozen=True)
class BatchRun:
    """One batch run: its id, input file, identity (a hash of the parts that decide its rows),
    those parts by name, and the process holding it, if any."""

    id: str
    source: str
    identity: str
    parts: dict[str, str]
    created_at: datetime
    heartbeat: datetime
    holder: Holder | None

    def held(self) -> bool:
        """Whether a live process other than this one holds the run."""
        if self.holder is None:
            return False
        return self.holder.alive(self.heartbeat)


class Store:
    """Evidence blobs, the result cache, snapshots and batch checkpoints in one SQLite file;
    also a context manager."""

    def __init__(
        self, path: Path | str | None = None, *, busy_timeout: timedelta = BUSY_TIMEOUT
    ) -> None:
        self.path = default_path() if path is None else Path(path).expanduser()
        self.busy_timeout = busy_timeout
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

    @contextmanager
    def _use(self) -> Iterator[sqlite3.Connection]:
        """The connection, for one thread at a time; a locked or full store becomes one clear
        StoreUnavailable instead of a traceback."""
        with self._lock:
            try:
                yield self._connection
            except sqlite3.OperationalError as error:
                raise self._unavailable(error) from error

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        with self._use() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def _unavailable(self, error: sqlite3.OperationalError) -> Exception:
        text = str(error).lower()
        if "locked" in text or "busy" in text:
            return StoreUnavailable(
                f"the credverify store at {self.path} is locked by another process "
                f"(waited {self.busy_timeout.total_seconds():g} s); nothing was lost: run again "
                f"when that process is done (a batch: with --resume), or set {HOME_ENV} to use "
                "another store"
            )
        if "full" in text or "disk i/o" in text:
            return StoreUnavailable(
                f"the credverify store at {self.path} cannot be written ({error}); nothing "
                f"committed was lost: free disk space there (or set {HOME_ENV} to a directory "
                "with room) and run again (a batch: with --resume)"
            )
        return error

    # Evidence blobs

    def put_blob(self, body: bytes, media_type: str | None = None) -> str:
        """Keep a raw body and return its sha256 (hex); the same body is stored only once."""
        digest = hashlib.sha256(body).hexdigest()
        with self._use() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO blobs (sha256, body, media_type, size, first_seen)"
                " VALUES (?, ?, ?, ?, ?)",
                (digest, bytes(body), media_type, len(body), _to_text(_now())),
            )
        return digest

    def get_blob(self, sha256: str) -> bytes | None:
        """The body stored under this sha256, or None if there is none."""
        with self._use() as connection:
            row = connection.execute(
                "SELECT body FROM blobs WHERE sha256 = ?", (sha256.strip().lower(),)
            ).fetchone()
        return None if row is None else bytes(row[0])

    # Result cache

    def cache_get(
        self,
        key: CacheKey,
        *,
        allow_stale: bool = False,
        max_age: timedelta | None = None,
        now: datetime | None = None,
    ) -> CachedEntry | None:
        """The cached result under ``key``: None if there is none, if it was retrieved longer
        than ``max_age`` ago, or if it has expired and ``allow_stale`` is false (offline runs
        pass true, and report it as stale). ``max_age`` bounds stale answers too."""
        moment = _now() if now is None else _utc(now, "now")
        with self._use() as connection:
            row = connection.execute(
                "SELECT payload, retrieved_at, expires_at FROM cache WHERE adapter = ?"
                " AND parser_version = ? AND endpoint = ? AND key = ?",
                (key.adapter, key.parser_version, key.endpoint, key.request),
            ).fetchone()
        if row is None:
            return None
        payload, retrieved_at, expires_at = row[0], _from_text(row[1]), _from_text(row[2])
        if max_age is not None and moment - retrieved_at > max_age:
            return None
        fresh = expires_at > moment
        if not fresh and not allow_stale:
            return None
        return CachedEntry(key, payload, retrieved_at, expires_at, fresh)

    def cache_put(
        self,
        key: CacheKey,
        payload: str,
        *,
        ttl: timedelta,
        retrieved_at: datetime | None = None,
    ) -> None:
        """Cache a result for ``ttl`` from ``retrieved_at`` (default now), replacing any earlier
        one under the same key."""
        retrieved = _now() if retrieved_at is None else _utc(retrieved_at, "retrieved_at")
        with self._use() as connection:
            connection.execute(
                "INSERT INTO cache (adapter, parser_version, endpoint, key, payload,"
                " retrieved_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (adapter, parser_version, endpoint, key) DO UPDATE SET"
                " payload = excluded.payload, retrieved_at = excluded.retrieved_at,"
                " expires_at = excluded.expires_at",
                (
                    key.adapter, key.parser_version, key.endpoint, key.request, payload,
                    _to_text(retrieved), _to_text(retrieved + ttl),
                ),
            )  # fmt: skip

    def cache_clear(self, adapter: str | None = None) -> int:
        """Forget the cached results of one adapter, or of all; returns how many were removed."""
        with self._use() as connection:
            if adapter is None:
                cursor = connection.execute("DELETE FROM cache")
            else:
                cursor = connection.execute("DELETE FROM cache WHERE adapter = ?", (adapter,))
        return cursor.rowcount

    # Registry snapshots

    def snapshot_begin(self, adapter: str, *, source: str, encoding: str | None) -> int:
        """Start loading a snapshot; it answers nothing until :meth:`snapshot_activate`. The
        loader is recorded: if it dies before activating, the next open of the store removes
        what it loaded."""
        loader = Holder.this_process()
        with self._use() as connection:
            cursor = connection.execute(
                "INSERT INTO snapshots (adapter, state, source, encoding, imported_at,"
                " loader_pid, loader_host, loader_started) VALUES (?, 'loading', ?, ?, ?, ?, ?, ?)",
                (
                    adapter, source, encoding, _to_text(_now()), loader.pid, loader.host,
                    _to_text(loader.started),
                ),
            )  # fmt: skip
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
        with self._transaction() as connection:
            connection.executemany(
                "INSERT INTO snapshot_rows (snapshot, row_no, identifier, name_key, names,"
                " record) VALUES (?, ?, ?, ?, ?, ?)",
                chunk,
            )

    def snapshot_activate(self, snapshot: int, *, sha256: str, rows: int) -> None:
        """Make a loaded snapshot the one that answers, and drop the one it replaces, atomically:
        readers see the old snapshot or the new one, never a mix."""
        with self._transaction() as connection:
            (adapter,) = connection.execute(
                "SELECT adapter FROM snapshots WHERE id = ?", (snapshot,)
            ).fetchone()
            old = [
                r[0]
                for r in connection.execute(
                    "SELECT id FROM snapshots WHERE adapter = ? AND state = 'active'",
                    (adapter,),
                )
            ]
            connection.execute(
                "UPDATE snapshots SET state = 'active', sha256 = ?, rows = ?, imported_at = ?"
                " WHERE id = ?",
                (sha256, rows, _to_text(_now()), snapshot),
            )
            for old_id in old:
                connection.execute("DELETE FROM snapshot_rows WHERE snapshot = ?", (old_id,))
                connection.execute("DELETE FROM snapshots WHERE id = ?", (old_id,))

    def snapshot_discard(self, snapshot: int) -> None:
        """Forget a snapshot that failed to load; the active one is untouched."""
        with self._transaction() as connection:
            _discard_loading(connection, snapshot)

    def snapshot_active(self, adapter: str) -> SnapshotInfo | None:
        """The snapshot that answers for ``adapter``, if one was imported."""
        with self._use() as connection:
            row = connection.execute(
                "SELECT id, adapter, source, encoding, sha256, rows, imported_at FROM snapshots"
                " WHERE adapter = ? AND state = 'active' ORDER BY id DESC LIMIT 1",
                (adapter,),
            ).fetchone()
        if row is None:
            return None
        return SnapshotInfo(row[0], row[1], row[2], row[3], row[4], row[5], _from_text(row[6]))

    def snapshot_find(self, snapshot: int, identifier: str) -> list[str]:
        """Record JSON of the rows with exactly this identifier."""
        with self._use() as connection:
            rows = connection.execute(
                "SELECT record FROM snapshot_rows WHERE snapshot = ? AND identifier = ?"
                " ORDER BY row_no",
                (snapshot, identifier),
            ).fetchall()
        return [r[0] for r in rows]

    def snapshot_names(self, snapshot: int) -> list[tuple[int, str]]:
        """``(row_no, names)`` of every row, for building a name index."""
        with self._use() as connection:
            rows = connection.execute(
                "SELECT row_no, names FROM snapshot_rows WHERE snapshot = ?", (snapshot,)
            ).fetchall()
        return [(int(r[0]), str(r[1])) for r in rows]

    def snapshot_records(self, snapshot: int, row_nos: Sequence[int]) -> dict[int, str]:
        """Record JSON by row number."""
        if not row_nos:
            return {}
        marks = ",".join("?" * len(row_nos))
        with self._use() as connection:
            rows = connection.execute(
                "SELECT row_no, record FROM snapshot_rows"
                f" WHERE snapshot = ? AND row_no IN ({marks})",
                (snapshot, *row_nos),
            ).fetchall()
        return {int(r[0]): str(r[1]) for r in rows}

    # Batch runs and their checkpoints

    def batch_start(self, source: str, identity: str, parts: Mapping[str, str]) -> str:
        """Record a new run of ``source``, held by this process, and return its id: the
        identity's prefix plus a unique part, so two runs of one file never share checkpoints."""
        run = f"{identity[:16]}-{uuid.uuid4().hex[:16]}"
        holder = Holder.this_process()
        now = _to_text(_now())
        with self._use() as connection:
            connection.execute(
                "INSERT INTO batch_runs (id, source, identity, parts, created_at, heartbeat,"
                " holder_pid, holder_host, holder_started) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run, source, identity, json.dumps(dict(parts), sort_keys=True), now, now,
                    holder.pid, holder.host, _to_text(holder.started),
                ),
            )  # fmt: skip
        return run

    def batch_unfinished(self, source: str) -> list[BatchRun]:
        """The unfinished runs of ``source``, newest first."""
        with self._use() as connection:
            rows = connection.execute(
                "SELECT id, source, identity, parts, created_at, heartbeat, holder_pid,"
                " holder_host, holder_started FROM batch_runs WHERE source = ?"
                " ORDER BY created_at DESC, rowid DESC",
                (source,),
            ).fetchall()
        return [_batch_run(row) for row in rows]

    def batch_claim(self, run: str) -> Holder | None:
        """Take hold of an unfinished run for this process: None when it is now ours, else the
        live process that holds it. The look and the take are one transaction, so two resumes
        at once cannot both take the same run."""
        me = Holder.this_process()
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT id, source, identity, parts, created_at, heartbeat, holder_pid,"
                " holder_host, holder_started FROM batch_runs WHERE id = ?",
                (run,),
            ).fetchone()
            if row is None:
                raise InputError(f"no unfinished batch run {run} in {self.path}")
            found = _batch_run(row)
            if found.held():
                return found.holder
            connection.execute(
                "UPDATE batch_runs SET holder_pid = ?, holder_host = ?, holder_started = ?,"
                " heartbeat = ? WHERE id = ?",
                (me.pid, me.host, _to_text(me.started), _to_text(_now()), run),
            )
        return None

    def batch_release(self, run: str) -> None:
        """Let go of a run that stopped unfinished, so that ``--resume`` may take it."""
        with self._use() as connection:
            connection.execute(
                "UPDATE batch_runs SET holder_pid = NULL, holder_host = NULL,"
                " holder_started = NULL WHERE id = ?",
                (run,),
            )

    def batch_put(self, run: str, rows: Sequence[tuple[int, str]]) -> None:
        """Record finished rows ``(row, result_json)`` of a run, in one transaction."""
        with self._transaction() as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO batch_rows (run, row, result) VALUES (?, ?, ?)",
                [(run, row, result) for row, result in rows],
            )
            connection.execute(
                "UPDATE batch_runs SET heartbeat = ? WHERE id = ?", (_to_text(_now()), run)
            )

    def batch_done(self, run: str) -> set[int]:
        """The rows of a run already finished."""
        with self._use() as connection:
            rows = connection.execute("SELECT row FROM batch_rows WHERE run = ?", (run,)).fetchall()
        return {int(r[0]) for r in rows}

    def batch_count(self, run: str) -> int:
        """How many rows of a run are checkpointed."""
        with self._use() as connection:
            (count,) = connection.execute(
                "SELECT count(*) FROM batch_rows WHERE run = ?", (run,)
            ).fetchone()
        return int(count)

    def batch_results(self, run: str, *, chunk: int = 1_000) -> Iterator[str]:
        """Every finished row's result, in row order, streamed from disk."""
        last = 0
        while True:
            with self._use() as connection:
                rows = connection.execute(
                    "SELECT row, result FROM batch_rows WHERE run = ? AND row > ?"
                    " ORDER BY row LIMIT ?",
                    (run, last, chunk),
                ).fetchall()
            if not rows:
                return
            for row, result in rows:
                last = int(row)
                yield str(result)

    def batch_finish(self, run: str) -> None:
        """Forget a finished run and its checkpoints: its report holds every row now."""
        with self._transaction() as connection:
            connection.execute("DELETE FROM batch_rows WHERE run = ?", (run,))
            connection.execute("DELETE FROM batch_runs WHERE id = ?", (run,))

    def batch_prune(self, older_than: timedelta) -> int:
        """Forget unfinished runs that nobody holds and that wrote nothing for ``older_than``;
        returns how many were removed."""
        cutoff = _now() - older_than
        with self._use() as connection:
            rows = connection.execute(
                "SELECT id, source, identity, parts, created_at, heartbeat, holder_pid,"
                " holder_host, holder_started FROM batch_runs WHERE heartbeat < ?",
                (_to_text(cutoff),),
            ).fetchall()
        stale = [run.id for run in map(_batch_run, rows) if not run.held()]
        for run in stale:
            self.batch_finish(run)
        return len(stale)

    # Opening

    def _open(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit (isolation_level=None): each statement is its own short transaction, and
            # the multi-statement ones say BEGIN IMMEDIATE themselves.
            connection = sqlite3.connect(
                self.path,
                timeout=self.busy_timeout.total_seconds(),
                isolation_level=None,
                check_same_thread=False,
            )
            busy_ms = int(self.busy_timeout.total_seconds() * 1000)
            connection.execute(f"PRAGMA busy_timeout = {busy_ms}")
            connection.execute("PRAGMA journal_mode = WAL")
            # Safe with WAL: a killed process loses nothing; only a power cut may lose the last
            # commits, never the file.
            connection.execute("PRAGMA synchronous = NORMAL")
            _migrate(connection, self.path)
            _drop_orphan_snapshots(connection)
        except BaseException as error:
            if connection is not None:
                connection.close()
            if isinstance(error, sqlite3.OperationalError):
                unavailable = self._unavailable(error)
                if isinstance(unavailable, StoreUnavailable):
                    raise unavailable from error
            if isinstance(error, OSError | sqlite3.Error):
                raise ConfigurationError(
                    f"cannot open the credverify store at {self.path}: {error}; pass another path "
                    f"or set {HOME_ENV} to a writable directory"
                ) from error
            raise
        return connection


def _drop_orphan_snapshots(connection: sqlite3.Connection) -> None:
    """Remove the rows of snapshots whose loader died before activating them (a killed
    ``registries sync``). Only the few snapshot records are read; live loaders are left alone."""
    loading = connection.execute(
        "SELECT id, loader_pid, loader_host, loader_started, imported_at FROM snapshots"
        " WHERE state = 'loading'"
    ).fetchall()
    for snapshot, pid, host, started, began in loading:
        loader = Holder(int(pid), str(host), _from_text(started)) if pid and host else None
        if loader is not None and loader.alive(_from_text(began)):
            continue
        connection.execute("BEGIN IMMEDIATE")
        try:
            _discard_loading(connection, int(snapshot))
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise


def _discard_loading(connection: sqlite3.Connection, snapshot: int) -> None:
    connection.execute(
        "DELETE FROM snapshot_rows WHERE snapshot = ? AND snapshot IN"
        " (SELECT id FROM snapshots WHERE state = 'loading')",
        (snapshot,),
    )
    connection.execute("DELETE FROM snapshots WHERE id = ? AND state = 'loading'", (snapshot,))


def _batch_run(row: Sequence[object]) -> BatchRun:
    pid, host, started = row[6], row[7], row[8]
    holder = (
        Holder(int(str(pid)), str(host), _from_text(str(started)))
        if pid is not None and host is not None and started is not None
        else None
    )
    return BatchRun(
        id=str(row[0]),
        source=str(row[1]),
        identity=str(row[2]),
        parts=dict(json.loads(str(row[3]))),
        created_at=_from_text(str(row[4])),
        heartbeat=_from_text(str(row[5])),
        holder=holder,
    )


def _process_started(pid: int) -> datetime | None:
    """When the process ``pid`` on this host started, or None when there is no such process."""
    import psutil  # imported here: only batch runs and snapshot loads need it

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:  # dead, waiting for its parent to notice
            return None
        return datetime.fromtimestamp(process.create_time(), UTC)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


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
