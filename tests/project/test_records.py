"""Run records in SQLite, params hashing and reading the git commit."""

from __future__ import annotations

import multiprocessing
import subprocess
from pathlib import Path

import pytest

from kedro_nb.project import RunRecordError
from kedro_nb.project.gitinfo import git_commit
from kedro_nb.project.records import RunRecord, RunStore, params_hash


def record(run_id: str, started: str, **extra) -> RunRecord:
    return RunRecord(run_id=run_id, started_at=started, **extra)


def test_save_list_and_get_round_trip(tmp_path: Path) -> None:
    store = RunStore.for_root(tmp_path)
    assert store.list() == []
    first = record(
        "2026-01-01T10.00.00.000Z",
        "2026-01-01T10:00:00+00:00",
        ended_at="2026-01-01T10:00:02.500000+00:00",
        pipeline_name="ds",
        slicing={"tags": ["a"]},
        node_timings={"n1": 0.5, "n2": 1.25},
        saved=["out"],
        status="success",
        runtime_params={"x": 1},
    )
    store.save(first)
    store.save(record("2026-01-02T10.00.00.000Z", "2026-01-02T10:00:00+00:00", status="failed"))
    assert store.path == tmp_path / ".kedro_nb" / "runs.sqlite"
    assert (tmp_path / ".kedro_nb" / ".gitignore").read_text().splitlines()[-1] == "*"
    listed = store.list()
    assert [r.run_id for r in listed] == ["2026-01-02T10.00.00.000Z", "2026-01-01T10.00.00.000Z"]
    assert store.list(limit=1)[0].status == "failed"
    again = store.get("2026-01-01")
    assert again == first
    assert list(again.node_timings) == ["n1", "n2"]
    assert again.duration == 2.5


def test_get_unknown_and_ambiguous_ids(tmp_path: Path) -> None:
    store = RunStore.for_root(tmp_path)
    store.save(record("2026-01-01A", "2026-01-01T00:00:00"))
    store.save(record("2026-01-01B", "2026-01-01T00:00:01"))
    with pytest.raises(RunRecordError, match="ambiguous"):
        store.get("2026-01-01")
    with pytest.raises(RunRecordError, match="kedro-nb runs"):
        store.get("1999")


def test_add_never_overwrites_a_taken_run_id(tmp_path: Path) -> None:
    store = RunStore.for_root(tmp_path)
    assert store.add(record("same", "2026-01-01T00:00:00", status="success"))
    assert not store.add(record("same", "2026-01-01T00:00:01", status="failed"))
    assert store.get("same").status == "success"


def test_saving_again_updates_the_record(tmp_path: Path) -> None:
    store = RunStore.for_root(tmp_path)
    running = record("r1", "2026-01-01T00:00:00")
    store.save(running)
    running.status, running.ended_at = "success", "2026-01-01T00:00:01"
    store.save(running)
    assert [r.status for r in store.list()] == ["success"]


def _write_many(args: tuple[str, int]) -> None:
    path, worker = args
    store = RunStore(path)
    for i in range(15):
        store.save(
            record(f"w{worker}-{i}", f"2026-01-01T00:{worker:02d}:{i:02d}", status="success")
        )


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "runs.sqlite")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        pool.map(_write_many, [(path, w) for w in range(4)])
    assert len(RunStore(path).list(limit=1000)) == 60


def test_params_hash_is_order_insensitive() -> None:
    assert params_hash({"a": 1, "b": {"c": 2, "d": 3}}) == params_hash(
        {"b": {"d": 3, "c": 2}, "a": 1}
    )
    assert params_hash({"a": 1}) != params_hash({"a": 2})


def test_git_commit_of_a_work_tree(tmp_path: Path) -> None:
    assert git_commit(tmp_path) is None

    def run(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    run("init", "-q", "-b", "main")
    assert git_commit(tmp_path) is None  # no commit yet
    (tmp_path / "f.txt").write_text("x")
    run("add", "f.txt")
    run("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "c")
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout.strip()
    (tmp_path / "sub").mkdir()
    assert git_commit(tmp_path / "sub") == sha
    run("pack-refs", "--all")
    assert git_commit(tmp_path) == sha
    run("checkout", "-q", "--detach")
    assert git_commit(tmp_path) == sha


_V1_ROW = (
    "2026-01-01T10.00.00.000Z", "2026-01-01T10:00:00+00:00", "2026-01-01T10:00:01+00:00",
    "ds", "{}", "SequentialRunner", "abc", "h", '{"n1": 0.5}', '["out"]', "success", None,
    "local", '{"x": 1}',
)  # fmt: skip


def _v1_store(path: Path) -> None:
    """A store as the first release wrote it: no user_version, the first release's columns."""
    import sqlite3

    from kedro_nb.project.records import _SCHEMA_V1

    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.executescript(_SCHEMA_V1)
    db.execute(f"INSERT INTO runs VALUES ({', '.join('?' * len(_V1_ROW))})", _V1_ROW)
    db.commit()
    db.close()


def test_a_store_of_the_first_release_is_read_and_migrated(tmp_path: Path) -> None:
    store = RunStore.for_root(tmp_path)
    _v1_store(store.path)
    assert store.schema_version() == 1
    old = store.get("2026-01-01")
    assert (old.status, old.node_timings, old.runtime_params) == ("success", {"n1": 0.5}, {"x": 1})
    assert (old.metrics, old.params, old.git_dirty) == ({}, {}, None)
    store.save(record("2026-01-02", "2026-01-02T00:00:00", metrics={"m.r2": 0.5}, git_dirty=True))
    assert store.schema_version() == 3  # the incremental runs' node tables came with it
    assert store.last_states(["n1"]) == {}
    assert store.node_rows() == (None, [])
    assert [r.run_id for r in RunStore(store.path).list()] == ["2026-01-02", old.run_id]
    assert store.get("2026-01-02").metrics == {"m.r2": 0.5}
    assert store.get("2026-01-02").git_dirty is True
    assert store.get(old.run_id) == old


def test_new_fields_round_trip_and_versions_merge(tmp_path: Path) -> None:
    store = RunStore.for_root(tmp_path)
    full = record(
        "r1",
        "2026-01-01T00:00:00",
        params={"model": {"alpha": 0.1}},
        metrics={"metrics.r2": 0.9, "metrics.mae": 1.5, "loss": 0.2},
        loaded_versions={"raw": "v0", "model": "v0"},
        saved_versions={"model": "v1"},
        input_fingerprints={"companies": "f00"},
        notebook="notebooks/analysis.ipynb",
        cells={"train": "cell-1"},
        packages={"python": "3.11.7"},
        git_dirty=False,
        like_run="r0",
    )
    store.save(full)
    again = store.get("r1")
    assert again == full
    assert again.versions == {"raw": "v0", "model": "v1"}
    assert again.metric("r2") == 0.9
    assert again.metric("metrics.mae") == 1.5
    assert again.metric("loss") == 0.2
    assert again.metric("missing") is None


def test_an_ambiguous_short_metric_name_says_which_names_exist() -> None:
    run = record("r", "t", metrics={"train.r2": 0.9, "test.r2": 0.8})
    with pytest.raises(RunRecordError, match=r"test\.r2, train\.r2"):
        run.metric("r2")


def test_delete_removes_only_the_named_runs(tmp_path: Path) -> None:
    store = RunStore.for_root(tmp_path)
    for i in range(4):
        store.save(record(f"r{i}", f"2026-01-01T00:00:0{i}"))
    assert store.delete(["r0", "r2", "nope"]) == 2
    assert [r.run_id for r in store.list()] == ["r3", "r1"]
