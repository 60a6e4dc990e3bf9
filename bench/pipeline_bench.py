"""Benchmark kedro_nb.pipeline against Kedro 1.7 on the same workloads, side by side.

Run:  .venv/bin/python bench/pipeline_bench.py [--quick]

Workloads (node objects are built beforehand; only the pipeline work is timed):
  * sum of 50 pipelines of 100 nodes each (each a chain, chained to the previous one)
  * constructing a 10,000-node linear chain and asking for its execution order (.nodes)
  * from_nodes / to_outputs at the middle of that chain, order included
  * chains of 1,000 / 3,000 / 10,000 nodes (linear scaling), and a 10,000-node chain spread
    over 100 namespaces (Kedro's namespace check is quadratic there, so it runs once)
  * from_inputs("params:x") on a 2,000-node chain whose every node reads that parameter
Each figure is the best of 5 runs (3 for the slow Kedro sums, 1 for its namespaced chain).
"""

from __future__ import annotations

import argparse
import gc
import time
import warnings
from collections.abc import Callable
from typing import Any

import kedro.pipeline as kp

import kedro_nb.pipeline as ours


def step(x: Any) -> Any:
    return x


def pair(x: Any, param: Any) -> Any:
    return x


def chain_nodes(lib: Any, count: int, start: int = 0, namespaces: int = 0) -> list[Any]:
    per_namespace = max(count // namespaces, 1) if namespaces else 0

    def namespace(i: int) -> str | None:
        return f"part{i // per_namespace}" if namespaces else None

    return [
        lib.node(step, f"d{i}", f"d{i + 1}", name=f"n{i}", namespace=namespace(i))
        for i in range(start, start + count)
    ]


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def workloads(lib: Any, quick: bool) -> dict[str, tuple[Callable[[], Any], int]]:
    """label -> (workload, how many runs to take the best of)."""
    n_pipes, per_pipe, chain = (10, 100, 2_000) if quick else (50, 100, 10_000)
    pipes = [lib.Pipeline(chain_nodes(lib, per_pipe, start=i * per_pipe)) for i in range(n_pipes)]
    nodes = chain_nodes(lib, chain)
    big = lib.Pipeline(nodes)
    spread = chain_nodes(lib, chain, namespaces=100)
    hub_size = chain // 5  # every node also reads one parameter (Kedro: quadratic from_inputs)
    hub = lib.Pipeline(
        [lib.node(pair, [f"d{i}", "params:x"], f"d{i + 1}", name=f"n{i}") for i in range(hub_size)]
    )
    mid_node, mid_ds = f"n{chain // 2}", f"d{chain // 2}"
    jobs: dict[str, tuple[Callable[[], Any], int]] = {
        f"sum of {n_pipes} pipelines x {per_pipe} nodes": (lambda: sum(pipes), 3),
        f"sum of {n_pipes} x {per_pipe}, then .nodes": (lambda: sum(pipes).nodes, 3),
    }
    for size in (chain // 10, 3 * chain // 10, chain):
        part = nodes[:size]
        jobs[f"Pipeline({size:,}-node chain) + .nodes"] = (
            lambda part=part: lib.Pipeline(part).nodes,
            3,
        )
    jobs.update(
        {
            f"Pipeline({chain:,} chain, 100 namespaces)": (lambda: lib.Pipeline(spread).nodes, 1),
            f"from_nodes (middle of {chain:,}) + .nodes": (
                lambda: big.from_nodes(mid_node).nodes,
                3,
            ),
            f"to_outputs (middle of {chain:,}) + .nodes": (lambda: big.to_outputs(mid_ds).nodes, 3),
            f"from_inputs(shared param), {hub_size:,} chain": (
                lambda: hub.from_inputs("params:x").nodes,
                1,
            ),
            f"node() x {chain:,} (construction only)": (lambda: chain_nodes(lib, chain), 3),
        }
    )
    return jobs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    theirs, mine = workloads(kp, args.quick), workloads(ours, args.quick)
    print(f"{'workload':<44} {'kedro 1.7 (s)':>14} {'kedro_nb (s)':>13} {'speed-up':>9}")
    print("-" * 83, flush=True)
    for label, (job, runs) in theirs.items():
        t_k = best_of(job, min(runs, args.repeat))
        t_o = best_of(mine[label][0], args.repeat)
        print(f"{label:<44} {t_k:>14.4f} {t_o:>13.4f} {t_k / t_o:>8.1f}x", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
