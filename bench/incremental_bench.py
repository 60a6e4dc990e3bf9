"""Incremental runs benchmark: what ``--incremental`` saves, what fingerprinting costs, and how
much memory a long chain of large DataFrames holds.

1. **Edit one node of 100.** A 100-node pipeline (10 layers of 10; each node reads two nodes of
   the layer above, ~10 ms of CPU each) with every output pickled to disk. After an incremental
   run has recorded everything, one node of layer 5 is edited (its source changes) and the
   pipeline is run again with ``--incremental``: how many nodes ran (it must be that node and its
   descendants, which the benchmark checks) and the time, against a full run of all 100.
2. **Fingerprinting cost per node.** A chain of 1,000 trivial nodes (``x + 1``), each output a
   JSON file: a plain run, an incremental run that runs everything (fingerprints computed and
   stored for every node: the worst case), and an incremental run that skips everything. The
   per-node overhead is the difference to the plain run divided by 1,000.
3. **A large local file read again.** The data fingerprint of a ``--file-mb`` file (default
   1,024 MB): cold (read and hashed), warm in the same process (the stat cache), and in a new
   process whose cache comes from the run store (what a second ``kedro-nb run`` does).
4. **Peak memory of a chain.** 20 nodes, each making a 100 MB DataFrame from the previous one,
   all in memory, sequential runner, full and incremental: the process's peak resident memory
   above its start, in steps of 100 MB (two steps is the floor: a node's input and output).
   Kedro's ``MemoryDataset`` copies DataFrames on save and load; the ``memory-assign`` rows
   declare the steps ``copy_mode: assign``, which holds one copy.

Every figure is the median of ``--repeats`` runs with min-max, CPU time (``process_time``)
beside wall time; each scenario runs in a fresh interpreter.

Run: ``.venv/bin/python bench/incremental_bench.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import functools
import json
import linecache
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _spread(values: list[float], unit: str = "s", scale: float = 1.0) -> str:
    values = [v * scale for v in values]
    return (
        f"{statistics.median(values):.3f} {unit} "
        f"(min {min(values):.3f}, max {max(values):.3f}, n={len(values)})"
    )


def _timed(func: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _compiled(name: str, source: str) -> Any:
    filename = f"<bench {name} {abs(hash(source))}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    scope: dict[str, Any] = {}
    exec(compile(source, filename, "exec"), scope)
    return scope[name]


# -- 1. edit one node of a 100-node pipeline -------------------------------------------------
def _work_function(index: int, constant: int) -> Any:
    source = (
        f"def node_{index}(*xs):\n"
        f"    total = {constant}\n"
        "    for i in range(120_000):\n"
        "        total = (total + i * 7) % 1_000_003\n"
        "    return (total + sum(xs)) % 1_000_003\n"
    )
    return _compiled(f"node_{index}", source)


def _layered(folder: Path, constants: list[int]) -> tuple[Any, Any, dict[int, set[int]]]:
    from kedro_nb.io import DataCatalog
    from kedro_nb.io.datasets.pickle import PickleDataset
    from kedro_nb.pipeline import Pipeline, node

    rng = random.Random(7)
    layers, width = 10, 10
    nodes, datasets, parents = [], {}, {}
    for layer in range(layers):
        for k in range(width):
            i = layer * width + k
            ups = sorted(rng.sample(range((layer - 1) * width, layer * width), 2)) if layer else []
            parents[i] = set(ups)
            inputs = [f"out{p}" for p in ups] or None
            func = _work_function(i, constants[i])
            nodes.append(node(func, inputs, f"out{i}", name=f"n{i}"))
            datasets[f"out{i}"] = PickleDataset(filepath=str(folder / f"out{i}.pkl"))
    return Pipeline(nodes), DataCatalog(datasets), parents


def _descendants(start: int, parents: dict[int, set[int]]) -> set[int]:
    found = {start}
    for i in sorted(parents):
        if parents[i] & found:
            found.add(i)
    return found


def scenario_edit(repeats: int) -> dict[str, Any]:
    from kedro_nb.project.records import RunStore
    from kedro_nb.runner import SequentialRunner
    from kedro_nb.runner.incremental import Incremental

    edited = 53  # layer 5
    full_wall, full_cpu, inc_wall, inc_cpu, ran_counts = [], [], [], [], []
    expected: set[int] = set()
    for repeat in range(repeats):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            constants = [1] * 100
            pipeline, catalog, parents = _layered(folder, constants)
            wall, cpu, _ = _timed(functools.partial(SequentialRunner().run, pipeline, catalog))
            full_wall.append(wall)
            full_cpu.append(cpu)
            store = RunStore(folder / "runs.sqlite")
            SequentialRunner().run(pipeline, catalog, incremental=Incremental(store=store))
            constants[edited] = 2 + repeat
            pipeline, catalog, parents = _layered(folder, constants)
            options = Incremental(store=store)
            run = functools.partial(SequentialRunner().run, pipeline, catalog, incremental=options)
            wall, cpu, _ = _timed(run)
            inc_wall.append(wall)
            inc_cpu.append(cpu)
            ran = {int(n[1:]) for n in options.ran}
            expected = _descendants(edited, parents)
            assert ran == expected, (sorted(ran), sorted(expected))  # that node, its descendants
            ran_counts.append(len(ran))
    return {
        "nodes": 100,
        "edited": f"n{edited}",
        "descendants_incl_edited": len(expected),
        "ran": ran_counts,
        "full_wall": _spread(full_wall),
        "full_cpu": _spread(full_cpu),
        "incremental_wall": _spread(inc_wall),
        "incremental_cpu": _spread(inc_cpu),
    }


# -- 2. per-node cost of fingerprinting -----------------------------------------------------
def _chain(folder: Path, n: int) -> tuple[Any, Any]:
    from kedro_nb.io import DataCatalog
    from kedro_nb.io.datasets.json import JSONDataset
    from kedro_nb.pipeline import Pipeline, node

    inc = _compiled("inc", "def inc(x):\n    return x + 1\n")
    datasets: dict[str, Any] = {"x0": JSONDataset(filepath=str(folder / "x0.json"))}
    datasets["x0"].save(0)
    nodes = []
    for i in range(n):
        datasets[f"x{i + 1}"] = JSONDataset(filepath=str(folder / f"x{i + 1}.json"))
        nodes.append(node(inc, f"x{i}", f"x{i + 1}", name=f"n{i}"))
    return Pipeline(nodes), DataCatalog(datasets)


def scenario_chain(repeats: int, n: int) -> dict[str, Any]:
    from kedro_nb.project.records import RunStore
    from kedro_nb.runner import SequentialRunner
    from kedro_nb.runner.incremental import Incremental

    plain, first, skipped = [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            pipeline, catalog = _chain(folder, n)
            plain.append(_timed(functools.partial(SequentialRunner().run, pipeline, catalog))[1])
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            pipeline, catalog = _chain(folder, n)
            store = RunStore(folder / "runs.sqlite")
            options = Incremental(store=store)
            run = functools.partial(SequentialRunner().run, pipeline, catalog, incremental=options)
            first.append(_timed(run)[1])
            assert len(options.ran) == n
            options = Incremental(store=store)
            run = functools.partial(SequentialRunner().run, pipeline, catalog, incremental=options)
            skipped.append(_timed(run)[1])
            assert not options.ran
    per_node_first = [(f - p) / n for f, p in zip(first, plain, strict=True)]
    return {
        "nodes": n,
        "plain_cpu": _spread(plain),
        "incremental_all_run_cpu": _spread(first),
        "incremental_all_skipped_cpu": _spread(skipped),
        "overhead_per_node_all_run": _spread(per_node_first, "ms", 1000),
        "cost_per_node_all_skipped": _spread([s / n for s in skipped], "ms", 1000),
    }


# -- 3. a large file fingerprinted again ----------------------------------------------------
def scenario_file(repeats: int, megabytes: int, folder: Path) -> dict[str, Any]:
    from kedro_nb.io.datasets.pickle import PickleDataset
    from kedro_nb.io.fingerprint import FileHashCache, cache_rows, data_fingerprint
    from kedro_nb.project.records import RunStore

    path = folder / "big.bin"
    block = os.urandom(1 << 20)
    with open(path, "wb") as handle:
        for _ in range(megabytes):
            handle.write(block)
    dataset = PickleDataset(filepath=str(path))
    cold, warm = [], []
    store = RunStore(folder / "runs.sqlite")
    for _ in range(repeats):
        cache = FileHashCache()
        fingerprint = functools.partial(data_fingerprint, dataset, cache)
        cold.append(_timed(fingerprint)[1])
        warm.append(_timed(fingerprint)[0])
    store.add_file_digests(cache_rows(cache))
    code = (
        "import time, sys\n"
        "from kedro_nb.io.datasets.pickle import PickleDataset\n"
        "from kedro_nb.io.fingerprint import data_fingerprint, seed_cache\n"
        "from kedro_nb.project.records import RunStore\n"
        f"store = RunStore({str(folder / 'runs.sqlite')!r})\n"
        "t = time.perf_counter()\n"
        "cache = seed_cache(store.file_digests())\n"
        f"print(data_fingerprint(PickleDataset(filepath={str(path)!r}), cache) is not None,"
        " time.perf_counter() - t)\n"
    )
    new_process = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        assert out[0] == "True"
        new_process.append(float(out[1]))
    path.unlink()
    return {
        "file_mb": megabytes,
        "cold_cpu": _spread(cold),
        "warm_same_process_wall": _spread(warm, "ms", 1000),
        "new_process_from_store_wall": _spread(new_process, "ms", 1000),
    }


# -- 4. peak memory of a chain of 100 MB DataFrames -----------------------------------------
def scenario_memory(
    steps: int, megabytes: int, incremental: bool, folder: Path, assign: bool = False
) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from kedro_nb.io import DataCatalog
    from kedro_nb.pipeline import Pipeline, node
    from kedro_nb.project.records import RunStore
    from kedro_nb.runner import SequentialRunner
    from kedro_nb.runner.incremental import Incremental

    rows = megabytes * 2**20 // 8

    def make(seed: int) -> pd.DataFrame:
        return pd.DataFrame({"v": np.full(rows, float(seed))})

    def step(frame: pd.DataFrame) -> pd.DataFrame:
        return frame + 1.0

    def last(frame: pd.DataFrame) -> float:
        return float(frame["v"].iloc[0])

    nodes = [node(make, "seed", "df0", name="make")]
    nodes += [node(step, f"df{i}", f"df{i + 1}", name=f"step{i}") for i in range(steps - 1)]
    nodes.append(node(last, f"df{steps - 1}", "value", name="last"))
    catalog = DataCatalog({"seed": 1})
    if assign:  # no defensive copies: each step holds only its input and its output
        from kedro_nb.io import MemoryDataset

        for i in range(steps):
            catalog[f"df{i}"] = MemoryDataset(copy_mode="assign")
    before = _rss()
    options = Incremental(store=RunStore(folder / "mem.sqlite")) if incremental else None
    result = SequentialRunner().run(Pipeline(nodes), catalog, incremental=options)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kB
    assert result.load("value") == steps
    node_peaks = sorted(result.node_memory.values())
    return {
        "steps": steps,
        "step_mb": megabytes,
        "incremental": incremental,
        "memory_datasets": "copy_mode=assign" if assign else "default (DataFrames copied)",
        "peak_above_start_mb": round((peak - before) / 2**20, 1),
        "peak_in_steps": round((peak - before) / (megabytes * 2**20), 2),
        "median_node_peak_mb": round(statistics.median(node_peaks) / 2**20, 1)
        if node_peaks
        else None,
    }


def _rss() -> int:
    with open("/proc/self/statm", "rb") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# -- driver ---------------------------------------------------------------------------------
def _child(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if args.scenario == "edit":
            result = scenario_edit(args.repeats)
        elif args.scenario == "chain":
            result = scenario_chain(args.repeats, args.chain)
        elif args.scenario == "file":
            result = scenario_file(args.repeats, args.file_mb, folder)
        else:
            incremental = args.scenario.endswith("incremental")
            assign = args.scenario.startswith("memory-assign")
            result = scenario_memory(20, args.step_mb, incremental, folder, assign)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--chain", type=int, default=1000)
    parser.add_argument("--file-mb", type=int, default=1024)
    parser.add_argument("--step-mb", type=int, default=100)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        _child(args)
        return
    if args.quick:
        args.repeats, args.chain, args.file_mb, args.step_mb = 1, 200, 64, 20
    print(f"load average: {os.getloadavg()}  (cpu count {os.cpu_count()})")
    scenarios = [
        "edit",
        "chain",
        "file",
        "memory",
        "memory-incremental",
        "memory-assign",
        "memory-assign-incremental",
    ]
    for scenario in scenarios:
        command = [
            sys.executable,
            __file__,
            "--scenario",
            scenario,
            "--repeats",
            str(args.repeats),
            "--chain",
            str(args.chain),
            "--file-mb",
            str(args.file_mb),
            "--step-mb",
            str(args.step_mb),
        ]
        env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            print(f"{scenario}: failed\n{done.stderr}", file=sys.stderr)
            continue
        print(f"\n== {scenario}")
        for key, value in json.loads(done.stdout.strip().splitlines()[-1]).items():
            print(f"  {key}: {value}")
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
