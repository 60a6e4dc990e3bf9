"""Run records: one row per run in an embedded SQLite file (``.kedro_nb/runs.sqlite``).

SQLite gives atomic writes and safe concurrent writers (several ``kedro-nb run`` processes, or
a notebook and a terminal): each write is one ``BEGIN IMMEDIATE`` transaction with a generous
busy timeout, and the database runs in WAL mode so readers never block writers.

The store carries a schema version (SQLite's ``user_version``). A store written by an older
kedro-nb (version 0 or 1: no version set, fewer columns) is migrated in place on the first
write, by adding the new columns; its old rows read back with empty values for them.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.project.errors import RunRecordError
from kedro_nb.project.state_folder import STATE_DIR, make_state_folder

if TYPE_CHECKING:
    import sqlite3

RECORDS_DIR = STATE_DIR
RECORDS_FILE = "runs.sqlite"
#: the layout this module writes; 1 is the first release's (which left ``user_version`` at 0);
#: 3 adds the node states of incremental runs and the local-file digest cache
SCHEMA_VERSION = 3
_LOCK_RETRIES = 20
_JSON_FIELDS = (
    "slicing",
    "node_timings",
    "saved",
    "runtime_params",
    "params",
    "metrics",
    "loaded_versions",
    "saved_versions",
    "input_fingerprints",
    "cells",
    "packages",
    "node_memory",
)
_BOOL_FIELDS = ("git_dirty",)
_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    pipeline_name TEXT,
    slicing TEXT NOT NULL,
    runner TEXT,
    git_sha TEXT,
    params_hash TEXT,
    node_timings TEXT NOT NULL,
    saved TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    env TEXT,
    runtime_params TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at);
"""
#: columns added by schema version 2 (all nullable, so version-1 rows stay valid)
_V2_COLUMNS = {
    "git_dirty": "INTEGER",
    "params": "TEXT",
    "metrics": "TEXT",
    "loaded_versions": "TEXT",
    "saved_versions": "TEXT",
    "input_fingerprints": "TEXT",
    "notebook": "TEXT",
    "cells": "TEXT",
    "packages": "TEXT",
    "like_run": "TEXT",
}
#: columns added by schema version 3
_V3_COLUMNS = {"node_memory": "TEXT"}
#: tables added by schema version 3: what each node of an incremental run did (and, when it
#: ran, the fingerprints it saw and made), and digests of local files by their stat
_SCHEMA_V3 = """
CREATE TABLE IF NOT EXISTS node_runs (
    run_id TEXT NOT NULL,
    node TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    seconds REAL,
    state TEXT,
    PRIMARY KEY (run_id, node)
);
CREATE INDEX IF NOT EXISTS node_runs_node ON node_runs (node, status);
CREATE TABLE IF NOT EXISTS file_digests (
    path TEXT PRIMARY KEY,
    inode INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    digest TEXT NOT NULL
);
"""


#: rows of the node tables (``RunStore.list`` shadows the builtin inside the class)
_NodeRows = list[Any]
_DigestRows = list[tuple[str, int, int, int, str]]


@dataclass
class RunRecord:
    """What one run did: the facts needed to reproduce it and to see how it went.

    Attributes:
        run_id: unique id (also the save version of versioned datasets).
        started_at / ended_at: ISO-8601 UTC timestamps (``ended_at`` None while running).
        pipeline_name: the registered pipeline run, or None for a pipeline object.
        slicing: the non-empty slicing arguments (``node_names``, ``from_nodes``, ``tags``, ...).
        runner: the runner's class name.
        git_sha: the project's commit when it is a git work tree, else None.
        params_hash: sha256 (16 hex digits) of the resolved parameters.
        node_timings: seconds per node, in completion order.
        saved: persisted datasets written.
        status: ``"success"`` or ``"failed"`` (``"running"`` while in progress).
        error: for a failed run, the failing node and error text (credentials masked).
        env: the configuration environment.
        runtime_params: the parameters given for this run (``--params``).
        git_dirty: whether the work tree had changes (``git status --short`` not empty, as
            Kedro's ``git.dirty``); None outside git or when ``git`` is not installed.
        params: the resolved parameter values the nodes saw (credential values masked).
        metrics: metric name to number, from the metrics datasets the run saved
            (``<dataset>.<key>``, or ``<dataset>`` for a dataset holding one number).
        loaded_versions: versioned dataset to the version the run read.
        saved_versions: versioned dataset to the version the run wrote.
        input_fingerprints: unversioned local-file inputs to a fingerprint of their size and
            modification time (so a changed input shows in a comparison).
        notebook: the notebook whose node cells ran (relative to the project when inside it).
        cells: node name to the id of the notebook cell it came from.
        packages: ``python``, ``kedro-nb``, ``pandas`` and the packages the nodes' modules
            import, to their versions.
        like_run: the run this one reproduced (``--like``), else None.
        node_memory: bytes each node pushed its process's resident memory above where it
            started (its peak; see :mod:`kedro_nb.runner.memory`); empty where not measured.
    """

    run_id: str
    started_at: str
    ended_at: str | None = None
    pipeline_name: str | None = None
    slicing: dict[str, Any] = field(default_factory=dict)
    runner: str | None = None
    git_sha: str | None = None
    params_hash: str | None = None
    node_timings: dict[str, float] = field(default_factory=dict)
    saved: list[str] = field(default_factory=list)
    status: str = "running"
    error: str | None = None
    env: str | None = None
    runtime_params: dict[str, Any] = field(default_factory=dict)
    git_dirty: bool | None = None
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    loaded_versions: dict[str, str] = field(default_factory=dict)
    saved_versions: dict[str, str] = field(default_factory=dict)
    input_fingerprints: dict[str, str] = field(default_factory=dict)
    notebook: str | None = None
    cells: dict[str, str] = field(default_factory=dict)
    packages: dict[str, str] = field(default_factory=dict)
    like_run: str | None = None
    node_memory: dict[str, int] = field(default_factory=dict)

    @property
    def duration(self) -> float | None:
        """Seconds between start and end, or None while running."""
        if not self.ended_at:
            return None
        from datetime import datetime

        start = datetime.fromisoformat(self.started_at)
        return (datetime.fromisoformat(self.ended_at) - start).total_seconds()

    @property
    def versions(self) -> dict[str, str]:
        """Versioned dataset to the version this run read or wrote (the written one where
        both), so ``catalog.load("model", version=record.versions["model"])`` gets it back."""
        return {**self.loaded_versions, **self.saved_versions}

    def metric(self, name: str) -> float | None:
        """The metric called ``name``: its full name (``metrics.r2``), or a unique last part
        (``r2``). None when this run has no such metric; RunRecordError when ambiguous."""
        if name in self.metrics:
            return self.metrics[name]
        found = [key for key in self.metrics if key.endswith("." + name)]
        if len(found) > 1:
            raise RunRecordError(
                f"Metric {name!r} is ambiguous in run {self.run_id}: {', '.join(sorted(found))}. "
                "Give the full name."
            )
        return self.metrics[found[0]] if found else None


def params_hash(parameters: Any) -> str:
    """A stable short hash of resolved parameters (key order does not matter)."""
    import hashlib  # here, not at import: loading OpenSSL costs %load_ext ~1.5 ms

    text = json.dumps(parameters, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class RunStore:
    """The run records of one project (or one embedded folder)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}  # connections stay with the process that opened them

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    @classmethod
    def for_root(cls, root: str | Path) -> RunStore:
        """The store at ``<root>/.kedro_nb/runs.sqlite``."""
        return cls(Path(root) / RECORDS_DIR / RECORDS_FILE)

    def _make_folder(self) -> None:
        """Create the records folder with a ``.gitignore`` of ``*`` (as pytest does for its
        cache), so run records are not committed by accident."""
        make_state_folder(self.path.parent)

    @contextmanager
    def _connect(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """The store's connection for this thread, opened once and kept: closing the last
        connection of a WAL database checkpoints and deletes the WAL file, which would cost
        each write tens of milliseconds of disk flushes."""
        if not self.path.exists():
            if not write:
                raise FileNotFoundError(self.path)
            self._forget_connection()  # a new (or deleted) file needs its tables
            self._make_folder()
        import sqlite3  # here, not at import: a session that records nothing never needs it

        connection = self._connection()
        try:
            if write and not self._local.prepared:
                self._prepare(connection)
                self._local.prepared = True
            yield connection
        except sqlite3.Error as exc:
            self._forget_connection()
            raise RunRecordError(
                f"Run records {self.path}: {exc}. Delete the file to start a fresh history."
            ) from exc

    def _connection(self) -> sqlite3.Connection:
        import sqlite3

        local = self._local
        if getattr(local, "connection", None) is not None and local.pid == os.getpid():
            return local.connection  # type: ignore[no-any-return]
        try:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA busy_timeout = 30000")
            # WAL with synchronous=NORMAL: a commit is atomic and never corrupts the store, but
            # is not flushed to disk on its own (checkpoints are); a run does not wait on fsync.
            connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise RunRecordError(f"Cannot open run records {self.path}: {exc}") from exc
        local.connection, local.pid, local.prepared = connection, os.getpid(), False
        return connection

    def _forget_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        self._local.prepared = False
        if connection is not None and self._local.pid == os.getpid():
            with contextlib.suppress(Exception):  # already broken: nothing more to release
                connection.close()

    def close(self) -> None:
        """Close this thread's connection (the next use opens a new one)."""
        self._forget_connection()

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> None:
        """WAL mode, the tables, and the migration of older layouts (once per store object)."""
        if int(db.execute("PRAGMA user_version").fetchone()[0]) >= SCHEMA_VERSION:
            return
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("BEGIN IMMEDIATE")  # one migrator at a time; the others then see it done
        try:
            if int(db.execute("PRAGMA user_version").fetchone()[0]) < SCHEMA_VERSION:
                for statement in (_SCHEMA_V1 + _SCHEMA_V3).split(";"):
                    if statement.strip():
                        db.execute(statement)
                present = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
                for column, kind in {**_V2_COLUMNS, **_V3_COLUMNS}.items():
                    if column not in present:
                        db.execute(f"ALTER TABLE runs ADD COLUMN {column} {kind}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        """The store's schema version (0 when nothing was recorded yet)."""
        try:
            with self._connect(write=False) as db:
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                tables = db.execute("SELECT count(*) FROM sqlite_master WHERE name='runs'")
                return version or (1 if tables.fetchone()[0] else 0)
        except FileNotFoundError:
            return 0

    def save(self, record: RunRecord) -> None:
        """Insert or replace ``record`` atomically."""
        self._write(record, "INSERT OR REPLACE")

    def add(self, record: RunRecord) -> bool:
        """Insert a new ``record``; False (nothing written) when its run id is already taken,
        e.g. by a run another process started in the same millisecond."""
        return self._write(record, "INSERT OR IGNORE")

    def _write(self, record: RunRecord, verb: str) -> bool:
        row = asdict(record)
        for name in _JSON_FIELDS:
            row[name] = json.dumps(row[name], default=repr)
        columns = ", ".join(row)
        marks = ", ".join(f":{name}" for name in row)
        for attempt in range(_LOCK_RETRIES):
            try:
                with self._connect(write=True) as db:
                    db.execute("BEGIN IMMEDIATE")
                    cursor = db.execute(f"{verb} INTO runs ({columns}) VALUES ({marks})", row)
                    db.execute("COMMIT")
                return cursor.rowcount == 1
            except RunRecordError as exc:
                # Switching to WAL or creating the schema can meet a lock that SQLite's busy
                # handler does not wait for; another attempt a moment later succeeds.
                if not _is_locked(exc) or attempt == _LOCK_RETRIES - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        return False  # pragma: no cover - the loop returns or raises

    def delete(self, run_ids: list[str]) -> int:
        """Delete the records of ``run_ids`` in one transaction; returns how many went."""
        if not run_ids:
            return 0
        with self._connect(write=True) as db:
            db.execute("BEGIN IMMEDIATE")
            cursor = db.executemany("DELETE FROM runs WHERE run_id = ?", [(r,) for r in run_ids])
            db.execute("COMMIT")
        return int(cursor.rowcount)

    def list(self, limit: int | None = 20) -> list[RunRecord]:
        """The latest ``limit`` records (all when None), newest first (empty when nothing ran
        yet)."""
        try:
            with self._connect(write=False) as db:
                rows = db.execute(
                    "SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?",
                    (-1 if limit is None else limit,),
                ).fetchall()
        except FileNotFoundError:
            return []
        except RunRecordError as exc:
            if "no such table" in str(exc):
                return []
            raise
        return [self._record(dict(row)) for row in rows]

    def metrics(self, limit: int | None = None) -> builtins.list[tuple[str, dict[str, float]]]:
        """``(run_id, metrics)`` of the latest ``limit`` runs (all when None), newest first:
        what picking the best run needs, without decoding the rest of each record."""
        try:
            with self._connect(write=False) as db:
                rows = db.execute(
                    "SELECT run_id, metrics FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?",
                    (-1 if limit is None else limit,),
                ).fetchall()
        except FileNotFoundError:
            return []
        except RunRecordError as exc:
            if "no such column" in str(exc):  # a first-release store: no metrics recorded
                return [(record.run_id, record.metrics) for record in self.list(limit)]
            if "no such table" in str(exc):
                return []
            raise
        return [(row[0], _loads(row[1]) or {}) for row in rows]

    def get(self, run_id: str) -> RunRecord:
        """The record of ``run_id``; a unique prefix is enough. Raises RunRecordError."""
        try:
            with self._connect(write=False) as db:
                rows = db.execute(
                    "SELECT * FROM runs WHERE run_id LIKE ? ORDER BY started_at DESC",
                    (run_id.replace("%", "") + "%",),
                ).fetchall()
        except FileNotFoundError:
            rows = []
        exact = [row for row in rows if row["run_id"] == run_id]
        if exact or len(rows) == 1:
            return self._record(dict((exact or rows)[0]))
        if rows:
            ids = ", ".join(row["run_id"] for row in rows[:5])
            raise RunRecordError(f"Run id {run_id!r} is ambiguous: {ids}. Give more characters.")
        raise RunRecordError(
            f"No run {run_id!r} in {self.path}. 'kedro-nb runs' lists the recorded runs."
        )

    # -- incremental runs ----------------------------------------------------------------
    def record_nodes(self, run_id: str, rows: _NodeRows) -> None:
        """Store what happened to some nodes of run ``run_id`` (``NodeRow`` objects of
        :mod:`kedro_nb.runner.incremental`), in one transaction; a later row for the same node
        of the same run replaces the earlier one (a skipped node run after all)."""
        values = [
            (
                run_id,
                row.node,
                row.status,
                row.reason,
                row.seconds,
                row.state.to_json() if row.state is not None else None,
            )
            for row in rows
        ]
        with self._connect(write=True) as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT OR REPLACE INTO node_runs (run_id, node, status, reason, seconds, state) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                values,
            )
            db.execute("COMMIT")

    def last_states(self, nodes: Iterable[str]) -> dict[str, Any]:
        """Node name to the ``NodeState`` of its latest successful run, for ``nodes``."""
        from kedro_nb.runner.incremental import NodeState

        want = set(nodes)
        rows = self._node_rows(
            "SELECT node, state FROM node_runs WHERE rowid IN (SELECT max(rowid) FROM node_runs "
            "WHERE status = 'ran' AND state IS NOT NULL GROUP BY node)",
            (),
        )
        return {row[0]: NodeState.from_json(row[1]) for row in rows if row[0] in want}

    def ran_without_states(self, nodes: Iterable[str]) -> set[str]:
        """Those of ``nodes`` that ran in a successful run whose node states were not
        recorded (a plain, not incremental, run): an incremental run's first decision about
        them says so instead of claiming they never ran."""
        want = set(nodes)
        rows = self._node_rows(
            "SELECT DISTINCT key FROM runs, json_each(runs.node_timings) "
            "WHERE runs.status = 'success'",
            (),
        )
        return {str(row[0]) for row in rows} & want

    def node_rows(self, run_id: str | None = None) -> tuple[str | None, _NodeRows]:
        """``(run_id, rows)`` of the latest incremental run (or of ``run_id``): per node, its
        ``node``, ``status``, ``reason`` and ``seconds``, in the order they were decided."""
        if run_id is None:
            latest = self._node_rows("SELECT run_id FROM node_runs ORDER BY rowid DESC LIMIT 1", ())
            if not latest:
                return None, []
            run_id = str(latest[0][0])
        rows = self._node_rows(
            "SELECT node, status, reason, seconds FROM node_runs WHERE run_id = ? ORDER BY rowid",
            (run_id,),
        )
        return run_id, [dict(row) for row in rows]

    def _node_rows(self, sql: str, args: tuple[Any, ...]) -> _NodeRows:
        try:
            with self._connect(write=False) as db:
                return list(db.execute(sql, args).fetchall())
        except FileNotFoundError:
            return []
        except RunRecordError as exc:
            if "no such table" in str(exc):  # a store older than incremental runs
                return []
            raise

    def file_digests(self) -> _DigestRows:
        """The stored local-file digests, ``(path, inode, mtime_ns, size, digest)``."""
        rows = self._node_rows("SELECT path, inode, mtime_ns, size, digest FROM file_digests", ())
        return [(str(r[0]), int(r[1]), int(r[2]), int(r[3]), str(r[4])) for r in rows]

    def add_file_digests(self, rows: _DigestRows) -> None:
        """Remember local-file digests (one per path: the newest wins)."""
        if not rows:
            return
        with self._connect(write=True) as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT OR REPLACE INTO file_digests (path, inode, mtime_ns, size, digest) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            db.execute("COMMIT")

    @staticmethod
    def _record(row: dict[str, Any]) -> RunRecord:
        values = {k: v for k, v in row.items() if k in _KNOWN}
        for name in _JSON_FIELDS:
            values[name] = _loads(values.get(name)) or _EMPTY[name]()
        for name in _BOOL_FIELDS:
            if values.get(name) is not None:
                values[name] = bool(values[name])
        return RunRecord(**values)


_KNOWN = frozenset(f.name for f in fields(RunRecord))
_EMPTY: dict[str, Any] = {  # field name -> its default factory (list, dict)
    f.name: f.default_factory for f in fields(RunRecord) if f.name in _JSON_FIELDS
}


def _loads(text: str | None) -> Any:
    """JSON text of a column: orjson (several times faster over a long history), falling back
    to the standard library for what only it writes (``NaN`` in a parameter)."""
    if not text:
        return None
    import orjson

    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _is_locked(exc: RunRecordError) -> bool:
    import sqlite3

    cause = exc.__cause__
    return isinstance(cause, sqlite3.OperationalError) and (
        "locked" in str(cause) or "busy" in str(cause)
    )
