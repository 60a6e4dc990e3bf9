"""Run records: one row per run in an embedded SQLite file (``.kedro_nb/runs.sqlite``).

SQLite gives atomic writes and safe concurrent writers (several ``kedro-nb run`` processes, or
a notebook and a terminal): each write is one ``BEGIN IMMEDIATE`` transaction with a generous
busy timeout, and the database runs in WAL mode so readers never block writers.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.project.errors import RunRecordError

if TYPE_CHECKING:
    import sqlite3

RECORDS_DIR = ".kedro_nb"
RECORDS_FILE = "runs.sqlite"
_LOCK_RETRIES = 20
_JSON_FIELDS = ("slicing", "node_timings", "saved", "runtime_params")
_SCHEMA = """
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

    @property
    def duration(self) -> float | None:
        """Seconds between start and end, or None while running."""
        if not self.ended_at:
            return None
        from datetime import datetime

        start = datetime.fromisoformat(self.started_at)
        return (datetime.fromisoformat(self.ended_at) - start).total_seconds()


def params_hash(parameters: Any) -> str:
    """A stable short hash of resolved parameters (key order does not matter)."""
    text = json.dumps(parameters, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class RunStore:
    """The run records of one project (or one embedded folder)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @classmethod
    def for_root(cls, root: str | Path) -> RunStore:
        """The store at ``<root>/.kedro_nb/runs.sqlite``."""
        return cls(Path(root) / RECORDS_DIR / RECORDS_FILE)

    def _make_folder(self) -> None:
        """Create the records folder with a ``.gitignore`` of ``*`` (as pytest does for its
        cache), so run records are not committed by accident."""
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if folder.name == RECORDS_DIR and not ignore.exists():
            temporary = folder / f".gitignore.{os.getpid()}.tmp"
            temporary.write_text("# created by kedro-nb: run records stay out of git\n*\n")
            os.replace(temporary, ignore)

    @contextmanager
    def _connect(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        if write:
            self._make_folder()
        elif not self.path.exists():
            raise FileNotFoundError(self.path)
        import sqlite3  # here, not at import: a session that records nothing never needs it

        try:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise RunRecordError(f"Cannot open run records {self.path}: {exc}") from exc
        try:
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA busy_timeout = 30000")
            if write:
                mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    connection.execute("PRAGMA journal_mode = WAL")
                connection.executescript(_SCHEMA)
            yield connection
        except sqlite3.Error as exc:
            raise RunRecordError(
                f"Run records {self.path}: {exc}. Delete the file to start a fresh history."
            ) from exc
        finally:
            connection.close()

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
                import sqlite3

                locked = isinstance(exc.__cause__, sqlite3.OperationalError) and (
                    "locked" in str(exc.__cause__) or "busy" in str(exc.__cause__)
                )
                if not locked or attempt == _LOCK_RETRIES - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        return False  # pragma: no cover - the loop returns or raises

    def list(self, limit: int = 20) -> list[RunRecord]:
        """The latest ``limit`` records, newest first (empty when nothing ran yet)."""
        try:
            with self._connect(write=False) as db:
                rows = db.execute(
                    "SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?", (limit,)
                ).fetchall()
        except FileNotFoundError:
            return []
        return [self._record(dict(row)) for row in rows]

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

    @staticmethod
    def _record(row: dict[str, Any]) -> RunRecord:
        known = {f.name for f in fields(RunRecord)}
        values = {k: v for k, v in row.items() if k in known}
        for name in _JSON_FIELDS:
            values[name] = (
                json.loads(values.get(name) or "null")
                or type(
                    RunRecord.__dataclass_fields__[name].default_factory()  # type: ignore[misc]
                )()
            )
        return RunRecord(**values)
