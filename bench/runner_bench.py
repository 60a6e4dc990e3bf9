"""Runner benchmark: kedro-nb vs Kedro 1.7, side by side in one process.

1. Linear chains of 1,000 / 3,000 / 10,000 trivial nodes on memory datasets, SequentialRunner
   on both sides, timing "construction + run" (nodes, Pipeline, DataCatalog, run) and "run"
   alone, each measurement in a fresh interpreter after a 50-node warm-up, under two logging
   set-ups applied identically to both tools:
   - default: what a project run does, minus the terminal: root logger with one handler at
     INFO, ``kedro`` and ``kedro_nb`` loggers at INFO. ``--handler stream`` (default) is a
     ``logging.StreamHandler`` on /dev/null with Kedro's "simple" format; ``--handler rich``
     is Kedro's own ``kedro.logging.RichHandler`` (its default project logging) on a
     /dev/null console.
   - silenced: the same handler, every logger at WARNING.
   Kedro is skipped above ``--kedro-max`` nodes (default 3,000): it is quadratic.
2. Hook overhead: kedro-nb at 3,000 nodes with no hook manager, an empty one, one no-op
   ``after_node_run`` implementation, and no-op progress hooks (``on_node_started`` and
   ``on_node_finished``, kedro-nb's own).
3. ParallelRunner vs SequentialRunner on 4 independent CPU-bound branches (~1 s each).
4. Per-node overhead of every runner (sequential, thread, parallel, dask) on the same chain of
   trivial nodes at two sizes (default 1,000 and 10,000), silenced logging, each runner in a
   fresh interpreter: CPU time of the run (this process plus its reaped worker processes),
   best of ``--repeats`` (Dask: best of ``--dask-repeats``, on an in-process ``LocalCluster``
   with one worker thread so its scheduler's and worker's CPU time is this process's), and
   t(large) / t(small), which is 10 when the cost per node does not grow with the pipeline.

Run: ``.venv/bin/python bench/runner_bench.py`` (``--quick`` for a short smoke run).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any


def inc(x: int) -> int:
    return x + 1


# -- logging set-ups -------------------------------------------------------------------------


def configure_logging(mode: str, handler_kind: str) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    devnull = open(os.devnull, "w")  # noqa: SIM115 (lives for the whole benchmark)
    if handler_kind == "rich":
        from kedro.logging import RichHandler
        from rich.console import Console

        handler: logging.Handler = RichHandler(console=Console(file=devnull, width=120))
    else:
        handler = logging.StreamHandler(devnull)
        handler.setFormatter(
            logging.Formatter("%(asctime)s - %(name)s - %(levelname)s - %(message)s")
        )
    root.addHandler(handler)
    level = logging.INFO if mode == "default" else logging.WARNING
    root.setLevel(level)
    for name in ("kedro", "kedro_nb"):
        logging.getLogger(name).setLevel(level)


# -- the two sides ---------------------------------------------------------------------------


def build_ours(n: int) -> tuple[Any, Any]:
    from kedro_nb.io import DataCatalog
    from kedro_nb.pipeline import Pipeline, node

    pipeline = Pipeline([node(inc, f"d{i}", f"d{i + 1}", name=f"n{i}") for i in range(n)])
    return pipeline, DataCatalog({"d0": 0})


def build_kedro(n: int) -> tuple[Any, Any]:
    from kedro.io import DataCatalog, MemoryDataset
    from kedro.pipeline import Pipeline, node

    pipeline = Pipeline([node(inc, f"d{i}", f"d{i + 1}", name=f"n{i}") for i in range(n)])
    return pipeline, DataCatalog({"d0": MemoryDataset(0)})


def run_ours(pipeline: Any, catalog: Any, n: int, hook_manager: Any = None) -> None:
    from kedro_nb.runner import SequentialRunner

    result = SequentialRunner().run(pipeline, catalog, hook_manager)
    assert result.load(f"d{n}") == n


def run_kedro(pipeline: Any, catalog: Any, n: int) -> None:
    from kedro.runner import SequentialRunner

    outputs = SequentialRunner().run(pipeline, catalog)
    assert outputs[f"d{n}"].load() == n


CPU_RUN: dict[tuple[str, int], float] = {}


def measure(
    build: Callable[[int], Any], run: Callable[..., None], n: int, repeats: int
) -> tuple[float, float]:
    """Best wall-clock (construction + run, run alone) seconds over ``repeats``; the best
    process CPU time of the run alone goes to ``CPU_RUN`` (robust to a busy machine)."""
    totals, runs, cpu = [], [], []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        pipeline, catalog = build(n)
        built = time.perf_counter()
        cpu_start = time.process_time()
        run(pipeline, catalog, n)
        cpu.append(time.process_time() - cpu_start)
        end = time.perf_counter()
        totals.append(end - start)
        runs.append(end - built)
    CPU_RUN[build.__name__, n] = min(cpu)
    return min(totals), min(runs)


def child_measure(spec: str, handler_kind: str, repeats: int) -> None:
    """In a fresh interpreter: one tool, one size, one logging mode; prints JSON."""
    tool, size, mode = spec.split(":")
    n = int(size)
    build, run = (build_ours, run_ours) if tool == "ours" else (build_kedro, run_kedro)
    configure_logging("silenced", handler_kind)
    measure(build, run, 50, 1)  # warm-up: first-use imports
    configure_logging(mode, handler_kind)
    total, run_only = measure(build, run, n, repeats)
    print(json.dumps({"total": total, "run": run_only, "cpu": CPU_RUN[build.__name__, n]}))


def measure_in_child(
    tool: str, n: int, mode: str, handler_kind: str, repeats: int
) -> dict[str, float]:
    command = [
        sys.executable,
        __file__,
        "--child",
        f"{tool}:{n}:{mode}",
        "--handler",
        handler_kind,
        "--repeats",
        str(repeats),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def chain_table(sizes: list[int], kedro_max: int, handler_kind: str, repeats: int) -> list[str]:
    rows = [
        "| logging | nodes | kedro-nb build+run | kedro-nb run (wall / CPU) "
        "| Kedro 1.7 build+run | Kedro 1.7 run (wall / CPU) | speed-up, run (wall / CPU) "
        "| speed-up, build+run |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ratios: list[str] = []
    for mode in ("default", "silenced"):
        ours_by_size: dict[int, dict[str, float]] = {}
        for n in sizes:
            ours = ours_by_size[n] = measure_in_child("ours", n, mode, handler_kind, repeats)
            if n <= kedro_max:
                kedro = measure_in_child("kedro", n, mode, handler_kind, 1)
                cells = (
                    f"{kedro['total']:.2f} s | {kedro['run']:.2f} s / {kedro['cpu']:.2f} s "
                    f"| {kedro['run'] / ours['run']:.0f}x / {kedro['cpu'] / ours['cpu']:.0f}x "
                    f"| {kedro['total'] / ours['total']:.0f}x"
                )
            else:
                cells = "skipped | skipped | - | -"
            rows.append(
                f"| {mode} | {n:,} | {ours['total'] * 1000:.0f} ms | "
                f"{ours['run'] * 1000:.0f} ms / {ours['cpu'] * 1000:.0f} ms | {cells} |"
            )
            print(rows[-1], file=sys.stderr, flush=True)
        if len(sizes) > 1:
            small, large = min(sizes), max(sizes)
            wall = ours_by_size[large]["run"] / ours_by_size[small]["run"]
            cpu = ours_by_size[large]["cpu"] / ours_by_size[small]["cpu"]
            ratios.append(
                f"kedro-nb t({large:,}) / t({small:,}), {mode} logging: "
                f"wall {wall:.1f}, CPU {cpu:.1f} (linear: {large / small:.0f})"
            )
    return [*rows, "", *ratios]


def hook_overhead(n: int, repeats: int) -> list[str]:
    from kedro_nb.hooks import create_hook_manager, hook_impl, register_hooks

    class NoOp:
        @hook_impl
        def after_node_run(self, node: Any) -> None:
            return None

    class NoOpProgress:
        @hook_impl
        def on_node_started(self, node: Any) -> None:
            return None

        @hook_impl
        def on_node_finished(self, node: Any, error: Any) -> None:
            return None

    with_impl = create_hook_manager()
    register_hooks(with_impl, [NoOp()])
    with_progress = create_hook_manager()
    register_hooks(with_progress, [NoOpProgress()])
    rows = ["| hook manager | run | per node |", "|---|---:|---:|"]
    for label, manager in (
        ("none", None),
        ("empty", create_hook_manager()),
        ("one no-op after_node_run", with_impl),
        ("no-op on_node_started + on_node_finished", with_progress),
    ):
        _, seconds = measure(
            build_ours, lambda p, c, k, m=manager: run_ours(p, c, k, m), n, repeats
        )
        rows.append(f"| {label} | {seconds * 1000:.0f} ms | {seconds / n * 1e6:.1f} µs |")
    return rows


# -- every runner's per-node overhead -------------------------------------------------------


def cpu_seconds() -> float:
    """CPU time of this process plus its finished (reaped) children: a process pool's workers
    are joined when the run ends, so their time is in."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def make_runner(kind: str) -> Any:
    from kedro_nb.runner import DaskRunner, ParallelRunner, SequentialRunner, ThreadRunner

    if kind == "dask":
        return DaskRunner(n_workers=1, processes=False)
    return {"sequential": SequentialRunner, "thread": ThreadRunner, "parallel": ParallelRunner}[
        kind
    ]()


def child_runner_chain(kind: str, sizes: list[int], repeats: int) -> None:
    """In a fresh interpreter: best CPU and wall seconds of ``kind`` on each chain size."""
    configure_logging("silenced", "stream")
    runner = make_runner(kind)
    result: dict[str, dict[str, float]] = {}
    for n in [50, *sizes]:  # 50: warm-up (first-use imports, the Dask cluster's start)
        cpu, wall = [], []
        for _ in range(1 if n == 50 else repeats):
            pipeline, catalog = build_ours(n)
            gc.collect()
            cpu_start, wall_start = cpu_seconds(), time.perf_counter()
            outputs = runner.run(pipeline, catalog)
            wall.append(time.perf_counter() - wall_start)
            cpu.append(cpu_seconds() - cpu_start)
            assert outputs[f"d{n}"].load() == n
        result[str(n)] = {"cpu": min(cpu), "wall": min(wall)}
    if kind == "dask":
        runner.close()
    print(json.dumps(result))


def runner_overhead_table(sizes: list[int], repeats: int, dask_repeats: int) -> list[str]:
    small, large = min(sizes), max(sizes)
    rows = [
        f"| runner | CPU, {small:,} nodes | CPU per node | CPU, {large:,} nodes | CPU per node "
        f"| t({large:,}) / t({small:,}), CPU | wall, {small:,} / {large:,} |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in ("sequential", "thread", "parallel", "dask"):
        count = dask_repeats if kind == "dask" else repeats
        command = [sys.executable, __file__, "--child-runner", kind, "--sizes", args_sizes(sizes)]
        command += ["--repeats", str(count)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        measured = json.loads(output.strip().splitlines()[-1])
        a, b = measured[str(small)], measured[str(large)]
        rows.append(
            f"| {kind} (best of {count}) | {a['cpu'] * 1000:.1f} ms "
            f"| {a['cpu'] / small * 1e6:.1f} µs "
            f"| {b['cpu'] * 1000:.1f} ms | {b['cpu'] / large * 1e6:.1f} µs "
            f"| {b['cpu'] / a['cpu']:.2f} | {a['wall'] * 1000:.0f} ms / {b['wall'] * 1000:.0f} ms |"
        )
        print(rows[-1], file=sys.stderr, flush=True)
    return rows


def args_sizes(sizes: list[int]) -> str:
    return ",".join(str(n) for n in sizes)


# -- processes ---------------------------------------------------------------------------------


def busy(iterations: int) -> int:
    total = 0
    for i in range(iterations):
        total += i * i % 7
    return total


def calibrate(target: float = 1.0) -> int:
    iterations = 200_000
    while True:
        start = time.perf_counter()
        busy(iterations)
        elapsed = time.perf_counter() - start
        if elapsed > 0.2:
            return int(iterations * target / elapsed)
        iterations *= 2


def _pool_map(iterations: int, branches: int) -> None:
    import multiprocessing

    with multiprocessing.Pool(os.cpu_count()) as pool:
        pool.map(busy, [iterations] * branches)


def parallel_table(branches: int, repeats: int) -> list[str]:
    from kedro_nb.io import DataCatalog
    from kedro_nb.pipeline import Pipeline, node
    from kedro_nb.runner import ParallelRunner, SequentialRunner

    iterations = calibrate()
    pipeline = Pipeline(
        [node(busy, "iterations", f"out{i}", name=f"branch{i}") for i in range(branches)]
    )
    rows = ["| runner | wall time | speed-up |", "|---|---:|---:|"]
    runners: dict[str, Callable[[], Any]] = {
        "SequentialRunner": lambda: SequentialRunner().run(
            pipeline, DataCatalog({"iterations": iterations})
        ),
        f"ParallelRunner (max_workers={os.cpu_count()})": lambda: ParallelRunner().run(
            pipeline, DataCatalog({"iterations": iterations})
        ),
        f"reference: bare multiprocessing.Pool({os.cpu_count()}).map": lambda: _pool_map(
            iterations, branches
        ),
    }
    timings: dict[str, float] = dict.fromkeys(runners, float("inf"))
    for _ in range(repeats):  # alternate, so a change in machine load hits all alike
        for label, run in runners.items():
            start = time.perf_counter()
            run()
            timings[label] = min(timings[label], time.perf_counter() - start)
    base = timings["SequentialRunner"]
    for label, seconds in timings.items():
        rows.append(f"| {label} | {seconds:.2f} s | {base / seconds:.2f}x |")
    rows.append(
        f"\n{branches} branches of a ~1 s pure-Python loop each, {os.cpu_count()} CPU(s), "
        f"best of {repeats}."
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,3000,10000")
    parser.add_argument("--kedro-max", type=int, default=3000)
    parser.add_argument("--handler", choices=("stream", "rich"), default="stream")
    parser.add_argument(
        "--repeats", type=int, default=9, help="best of N for kedro-nb (Kedro runs once per size)"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, no process bench")
    parser.add_argument(
        "--sections",
        default="chain,hooks,parallel,runners",
        help="comma-separated subset of: chain, hooks, parallel, runners",
    )
    parser.add_argument(
        "--runner-sizes", default="1000,10000", help="the two chain sizes of the runners section"
    )
    parser.add_argument("--dask-repeats", type=int, default=2, help="best of N for Dask")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-runner", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.quick:
        sizes, args.kedro_max, args.repeats = [200, 600], 200, 1

    import contextlib

    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        import kedro.runner  # noqa: F401  (applies Kedro's logging set-up; replaced below)
    if args.child_runner:
        child_runner_chain(args.child_runner, sizes, args.repeats)
        return 0
    if args.child:
        child_measure(args.child, args.handler, args.repeats)
        return 0
    configure_logging("silenced", args.handler)
    measure(build_ours, run_ours, 50, 1)  # warm-up for the in-process sections below

    sections = set(args.sections.split(","))
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), handler={args.handler}, "
        f"load average at start {os.getloadavg()[0]:.1f}\n"
    )
    if "chain" in sections:
        print("## Linear chain, SequentialRunner\n")
        print("\n".join(chain_table(sizes, args.kedro_max, args.handler, args.repeats)))
    if "hooks" in sections:
        print("\n## Hook overhead (kedro-nb, silenced logging)\n")
        print("\n".join(hook_overhead(max(s for s in sizes if s <= 3000), args.repeats)))
    if "parallel" in sections and not args.quick:
        print("\n## Processes: 4 independent CPU-bound branches\n")
        print("\n".join(parallel_table(4, min(args.repeats, 5))))
    if "runners" in sections:
        print("\n## Per-node overhead of every runner: chain of trivial nodes, silenced logging\n")
        runner_sizes = [int(s) for s in args.runner_sizes.split(",")]
        if args.quick:
            runner_sizes, args.dask_repeats = [100, 300], 1
        print(
            "\n".join(runner_overhead_table(runner_sizes, min(args.repeats, 5), args.dask_repeats))
        )
    print(f"\nload average at end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
