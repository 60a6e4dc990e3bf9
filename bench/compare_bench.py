"""Comparing runs over a long history: ``kedro-nb runs`` on 1,000 recorded runs, beside MLflow.

A store of ``--runs`` (default 1,000) records shaped like real ones (40 parameters, 5 metrics,
100 node timings, 10 dataset versions, 12 packages) is written once. Then each command below
runs in a fresh process, ``--repeats`` times (default 15); the median wall time and the median
CPU time of the process (user + system, from ``getrusage``: steadier than the wall clock on a
shared machine) are printed with the fastest and slowest. ``kedro_nb`` is byte-compiled first,
as pip does at install time (an environment with ``PYTHONDONTWRITEBYTECODE`` would otherwise
compile its modules in every process):

- ``kedro-nb runs --compare A B``: two runs side by side (looked up by id prefix)
- ``kedro-nb runs --best metrics.r2``: reads every record to find the best, compared with the latest
- ``kedro-nb runs --last 20 --json``: the latest 20 side by side, as JSON
- ``kedro-nb runs`` : the listing (latest 20)

The peer, with ``--mlflow`` (MLflow installed): the same runs logged to a SQLite tracking store,
and a fresh process that finds the best run with ``MlflowClient.search_runs(order_by=
["metrics.r2 DESC"], max_results=1)`` and one that reads two runs with ``get_run``. Logging
1,000 runs to MLflow takes a minute or two.

Run: ``.venv/bin/python bench/compare_bench.py [--runs N] [--repeats N] [--mlflow]``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

KEDRO_NB = str(Path(sys.executable).with_name("kedro-nb"))


def make_store(root: Path, count: int) -> list[str]:
    from kedro_nb.project.records import RunRecord, RunStore

    store = RunStore.for_root(root)
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    ids = []
    for index in range(count):
        began = start + timedelta(minutes=index)
        run_id = began.strftime("%Y-%m-%dT%H.%M.%S.000Z")
        ids.append(run_id)
        params = {f"group{g}": {f"p{i}": rng.random() for i in range(8)} for g in range(5)}
        store.save(
            RunRecord(
                run_id=run_id,
                started_at=began.isoformat(),
                ended_at=(began + timedelta(seconds=12)).isoformat(),
                pipeline_name="__default__",
                runner="SequentialRunner",
                git_sha=f"{index // 50:040x}",
                git_dirty=index % 7 == 0,
                params_hash=f"{index:016x}",
                node_timings={f"node_{n}": rng.random() for n in range(100)},
                saved=[f"d{n}" for n in range(10)],
                status="success",
                env="local",
                params=params,
                metrics={f"metrics.m{m}": rng.random() for m in range(4)}
                | {"metrics.r2": rng.random()},
                loaded_versions={"raw": "2025-12-31T00.00.00.000Z"},
                saved_versions={f"d{n}": run_id for n in range(10)},
                packages={f"package{p}": f"1.{p}.{index // 200}" for p in range(12)},
            )
        )
    return ids


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _spread(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"{statistics.median(ms):7.1f} ms (min {ms[0]:.1f}, max {ms[-1]:.1f})"


def timed(command: list[str], repeats: int) -> str:
    subprocess.run(command, check=True, capture_output=True)  # warm-up, and a check
    wall, cpu = [], []
    for _ in range(repeats):
        cpu_began, began = _children_cpu(), time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        wall.append(time.perf_counter() - began)
        cpu.append(_children_cpu() - cpu_began)
    return f"wall {_spread(wall)}  CPU {_spread(cpu)}  n={repeats}"


def in_process(argv: list[str], repeats: int) -> str:
    import contextlib
    import io

    from kedro_nb.cli.runs import runs_main

    values = []
    for index in range(repeats + 1):
        began = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            assert runs_main(argv) == 0
        if index:
            values.append(time.perf_counter() - began)
    ms = sorted(v * 1000 for v in values)
    return f"{statistics.median(ms):7.1f} ms  (min {ms[0]:.1f}, max {ms[-1]:.1f}, n={len(ms)})"


def log_to_mlflow(folder: Path, root: Path) -> str:
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient

    from kedro_nb.project.compare import flatten
    from kedro_nb.project.records import RunStore

    uri = f"sqlite:///{folder / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri)
    experiment = client.create_experiment("bench")
    for record in reversed(RunStore.for_root(root).list(None)):
        run = client.create_run(experiment, run_name=record.run_id)
        client.log_batch(
            run.info.run_id,
            metrics=[Metric(k, v, 0, 0) for k, v in record.metrics.items()],
            params=[Param(k, str(v)) for k, v in flatten(record.params).items()],
        )
        client.set_terminated(run.info.run_id)
    return uri


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--mlflow", action="store_true", help="also time MLflow (slow to fill)")
    args = parser.parse_args()
    package = Path(__file__).resolve().parents[1] / "kedro_nb"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        root = folder / "project"
        root.mkdir()
        ids = make_store(root, args.runs)
        store = root / ".kedro_nb" / "runs.sqlite"
        print(
            f"{args.runs} recorded runs ({store.stat().st_size / 1e6:.1f} MB store), fresh "
            f"process each time, Python {sys.version.split()[0]}, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        project = ["--project", str(root)]
        cases = {
            "runs --compare A B": ["runs", "--compare", ids[10][:19], ids[-1][:19]],
            "runs --best metrics.r2": ["runs", "--best", "metrics.r2"],
            "runs --last 20 --json": ["runs", "--last", "20", "--json"],
            "runs (list 20)": ["runs"],
        }
        for label, command in cases.items():
            print(f"  kedro-nb {label:<26} {timed([KEDRO_NB, *command, *project], args.repeats)}")
        print("  in one process (the work without interpreter start-up and imports):")
        for label, command in cases.items():
            print(f"  kedro-nb {label:<26} {in_process([*command[1:], *project], args.repeats)}")
        startup = [sys.executable, "-c", "import kedro_nb.cli.runs"]
        print(f"  {'python + import (no work)':<35} {timed(startup, args.repeats)}")
        if args.mlflow:
            uri = log_to_mlflow(folder, root)
            best = (
                "from mlflow.tracking import MlflowClient\n"
                f"c = MlflowClient(tracking_uri={uri!r})\n"
                "e = c.get_experiment_by_name('bench').experiment_id\n"
                "r = c.search_runs([e], order_by=['metrics.r2 DESC'], max_results=1)[0]\n"
                "print(r.info.run_name, r.data.metrics['r2'] if 'r2' in r.data.metrics else '')"
            )
            figure = timed([sys.executable, "-c", best], args.repeats)
            print(f"  mlflow {'search_runs (best r2)':<28} {figure}")


if __name__ == "__main__":
    main()
