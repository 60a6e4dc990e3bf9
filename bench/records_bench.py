"""Run-record benchmark: what recording costs per run, side by side with MLflow's tracking.

1. Recording overhead of a 100-node run. A project in a temporary git work tree (so the
   ``git status`` for the dirty flag runs too) with 100 trivial nodes in a chain, every tenth
   writing a versioned pickle, one ``tracking.MetricsDataset``, 40 parameters. Pairs, in turn:
   (a) ``runner.run(pipeline, catalog)`` alone, (b) ``session.run(pipeline=..., catalog=...)``,
   which adds everything a record takes: the run id claimed in the store, the git commit and
   status, parameter values, metrics read back, dataset versions, input fingerprints, package
   versions, and the final write. Each catalog is built before its timing starts. The overhead
   is (b) - (a), pair by pair.
2. The facts alone (``session._add_facts`` on a finished run) and the two SQLite writes alone.
3. The peer: MLflow (when installed) logging the same parameters and metrics as one run into a
   SQLite tracking store with ``MlflowClient`` (create_run, log_batch, set_terminated).

Run: ``.venv/bin/python bench/records_bench.py`` (``--repeats N``, default 41).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

NODES = 100
PARAMS = {f"group{g}": {f"p{i}": i * 0.5 for i in range(8)} for g in range(5)}


def step(x: Any, *_: Any) -> Any:
    return x


def score(x: Any) -> dict[str, float]:
    return {"r2": 0.91, "mae": 1.5, "rmse": 2.25}


def make_project(root: Path) -> None:
    import yaml

    (root / "conf/base").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.kedro_nb]\n")
    catalog: dict[str, Any] = {
        f"d{i}": {"type": "pickle.PickleDataset", "filepath": f"data/d{i}.pkl", "versioned": True}
        for i in range(10, NODES, 10)
    }
    catalog["seed"] = {"type": "pickle.PickleDataset", "filepath": "data/seed.pkl"}
    catalog["metrics"] = {
        "type": "tracking.MetricsDataset",
        "filepath": "data/metrics.json",
        "versioned": True,
    }
    (root / "conf/base/catalog.yml").write_text(yaml.safe_dump(catalog))
    (root / "conf/base/parameters.yml").write_text(yaml.safe_dump(PARAMS))
    (root / ".gitignore").write_text("data/\n")
    (root / "data").mkdir()
    import pickle

    (root / "data/seed.pkl").write_bytes(pickle.dumps(1))
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "x"]):
        subprocess.run(
            ["git", "-c", "user.name=b", "-c", "user.email=b@e", *args], cwd=root, check=True
        )


def make_pipeline() -> Any:
    from kedro_nb.pipeline import Pipeline, node

    nodes = [node(step, ["seed", "params:group0.p1"], "d1", name="n1")]
    nodes += [node(step, f"d{i - 1}", f"d{i}", name=f"n{i}") for i in range(2, NODES)]
    nodes.append(node(score, f"d{NODES - 1}", "metrics", name="score"))
    return Pipeline(nodes)


def summary(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"{statistics.median(ms):7.2f} ms  (min {ms[0]:.2f}, max {ms[-1]:.2f}, n={len(ms)})"


def bench_overhead(root: Path, repeats: int) -> dict[str, list[float]]:
    from kedro_nb.project import KedroNbSession
    from kedro_nb.runner import SequentialRunner

    session = KedroNbSession.create(root)
    pipeline = make_pipeline()
    runner = SequentialRunner()
    times: dict[str, list[float]] = {
        "runner (wall)": [],
        "session (wall)": [],
        "overhead (wall)": [],
        "runner (cpu)": [],
        "session (cpu)": [],
        "overhead (cpu)": [],
    }
    facts: list[float] = []
    writes: list[float] = []
    for index in range(repeats + 2):
        catalog = session.build_catalog(save_version=f"2000-01-01T00.00.{index:02d}.000Z")
        start, cpu = time.perf_counter(), time.process_time()
        runner.run(pipeline, catalog)
        plain, plain_cpu = time.perf_counter() - start, time.process_time() - cpu
        catalog = session.build_catalog()
        start, cpu = time.perf_counter(), time.process_time()
        record = session.run(pipeline=pipeline, catalog=catalog, runner=runner).record
        recorded, recorded_cpu = time.perf_counter() - start, time.process_time() - cpu
        assert record.metrics == {"metrics.mae": 1.5, "metrics.r2": 0.91, "metrics.rmse": 2.25}
        assert len(record.saved_versions) == 10, record.saved_versions
        assert record.git_dirty is False, record.git_dirty
        start = time.perf_counter()
        session._add_facts(record, pipeline, catalog, session.params, _NoGit())
        facts.append(time.perf_counter() - start)
        start = time.perf_counter()
        session.store.save(record)
        session.store.save(record)
        writes.append(time.perf_counter() - start)
        if index >= 2:  # the first runs warm caches (package versions, imports)
            times["runner (wall)"].append(plain)
            times["session (wall)"].append(recorded)
            times["overhead (wall)"].append(recorded - plain)
            times["runner (cpu)"].append(plain_cpu)
            times["session (cpu)"].append(recorded_cpu)
            times["overhead (cpu)"].append(recorded_cpu - plain_cpu)
    times["facts (without git)"] = facts[2:]
    times["two store writes"] = writes[2:]
    return times


class _NoGit:
    def dirty(self) -> None:
        return None


def bench_git(root: Path, repeats: int) -> list[float]:
    from kedro_nb.project.run_facts import GitStatus

    values = []
    for _ in range(repeats):
        start = time.perf_counter()
        GitStatus(root, True).dirty()
        values.append(time.perf_counter() - start)
    return values


def bench_server_down(root: Path, repeats: int) -> dict[str, list[float]]:
    """``session.run`` with an mlflow.yml pointing at a port nothing listens on, paired with
    the same run without it: what an unreachable tracking server costs a run."""
    import socket
    import warnings

    from kedro_nb.project import KedroNbSession

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pipeline = make_pipeline()
    config = root / "conf/base/mlflow.yml"
    times: dict[str, list[float]] = {"without mlflow": [], "server down": [], "difference": []}
    for index in range(repeats + 1):
        config.unlink(missing_ok=True)
        plain_session = KedroNbSession.create(root)
        config.write_text(f"tracking_uri: http://127.0.0.1:{port}\n")
        down_session = KedroNbSession.create(root)
        start = time.perf_counter()
        plain_session.run(pipeline=pipeline)
        plain = time.perf_counter() - start
        import kedro_nb.project.mlflow_hooks as hooks

        hooks._unreachable.clear()  # every run tries the connection, as a first run does
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            down_session.run(pipeline=pipeline)
            down = time.perf_counter() - start
        if index:
            times["without mlflow"].append(plain)
            times["server down"].append(down)
            times["difference"].append(down - plain)
    config.unlink(missing_ok=True)
    return times


def bench_mlflow(root: Path, repeats: int) -> list[float] | None:
    try:
        from mlflow.tracking import MlflowClient
    except ImportError:
        return None
    from mlflow.entities import Metric, Param

    client = MlflowClient(tracking_uri=f"sqlite:///{root / 'mlflow.db'}")
    experiment = client.create_experiment("bench")
    params = [
        Param(f"{group}.{key}", str(value))
        for group, values in PARAMS.items()
        for key, value in values.items()
    ]
    values = []
    for index in range(repeats + 2):
        start = time.perf_counter()
        run = client.create_run(experiment)
        now = int(time.time() * 1000)
        client.log_batch(
            run.info.run_id,
            metrics=[Metric(k, v, now, 0) for k, v in {"r2": 0.91, "mae": 1.5}.items()],
            params=params,
        )
        client.set_terminated(run.info.run_id)
        if index >= 2:
            values.append(time.perf_counter() - start)
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=41)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        root.mkdir()
        make_project(root)
        print(
            f"run records, {NODES}-node run, 10 versioned outputs, 1 metrics dataset, "
            f"40 parameters; Python {sys.version.split()[0]}"
        )
        for name, values in bench_overhead(root, args.repeats).items():
            print(f"  {name:<24} {summary(values)}")
        print(f"  {'git status (hidden)':<24} {summary(bench_git(root, args.repeats))}")
        print("  a run with an mlflow.yml whose server is down (connection refused):")
        for name, values in bench_server_down(root, min(args.repeats, 15)).items():
            print(f"  {name:<24} {summary(values)}")
        mlflow = bench_mlflow(Path(folder), args.repeats)
        if mlflow is None:
            print("  mlflow                   not installed (pip install mlflow)")
        else:
            print(f"  {'mlflow log (sqlite)':<24} {summary(mlflow)}")


if __name__ == "__main__":
    main()
