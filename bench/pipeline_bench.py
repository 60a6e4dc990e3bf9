"""Benchmark kedro_nb.pipeline against Kedro 1.7 on the same workloads, side by side.

Run:  .venv/bin/python bench/pipeline_bench.py [--quick]

Workloads (node objects are built beforehand; only the pipeline work is timed):
  * sum of 50 pipelines of 100 nodes each (each a chain, chained to the previous one)
  * constructing a 10,000-node linear chain and asking for its execution order (.nodes)
  * from_nodes / to_outputs at the middle of that chain, order included
Each figure is the best of several runs (seconds).
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


def chain_nodes(lib: Any, count: int, prefix: str = "", start: int = 0) -> list[Any]:
    return [
        lib.node(step, f"{prefix}d{i}", f"{prefix}d{i + 1}", name=f"{prefix}n{i}")
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


def workloads(lib: Any, quick: bool) -> dict[str, Callable[[], Any]]:
    n_pipes, per_pipe, chain = (10, 100, 2_000) if quick else (50, 100, 10_000)
    pipes = [lib.Pipeline(chain_nodes(lib, per_pipe, start=i * per_pipe)) for i in range(n_pipes)]
    nodes = chain_nodes(lib, chain)
    big = lib.Pipeline(nodes)
    mid_node, mid_ds = f"n{chain // 2}", f"d{chain // 2}"
    return {
        f"sum of {n_pipes} pipelines x {per_pipe} nodes": lambda: sum(pipes),
        f"sum of {n_pipes} x {per_pipe}, then .nodes": lambda: sum(pipes).nodes,
        f"Pipeline({chain:,}-node chain) + .nodes": lambda: lib.Pipeline(nodes).nodes,
        f"from_nodes (middle of {chain:,}) + .nodes": lambda: big.from_nodes(mid_node).nodes,
        f"to_outputs (middle of {chain:,}) + .nodes": lambda: big.to_outputs(mid_ds).nodes,
        f"node() x {chain:,} (construction only)": lambda: chain_nodes(lib, chain),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    theirs, mine = workloads(kp, args.quick), workloads(ours, args.quick)
    print(f"{'workload':<44} {'kedro 1.7 (s)':>14} {'kedro_nb (s)':>13} {'speed-up':>9}")
    print("-" * 83)
    for label in theirs:
        t_k = best_of(theirs[label], args.repeat)
        t_o = best_of(mine[label], args.repeat)
        print(f"{label:<44} {t_k:>14.4f} {t_o:>13.4f} {t_k / t_o:>8.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
