"""What ``%load_ext kedro_nb`` adds to a bare IPython start, next to ``%load_ext kedro.ipython``.

Both extensions load the same small Kedro-layout project (a copy of tests/fixtures/spaceflights in a
temporary folder). Each variant runs in fresh ``ipython`` subprocesses, several times; the table
shows median wall time of the whole process, the median time of the ``%load_ext`` line measured
inside the process, the difference to bare IPython, and whether pandas got imported.

    .venv/bin/python bench/load_ext_bench.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "tests" / "fixtures" / "spaceflights"
IPYTHON = [
    sys.executable,
    "-m",
    "IPython",
    "--quick",
    "--no-banner",
    "--HistoryManager.enabled=False",
]

PROBE = """
import json, sys, time
ip = get_ipython()
start = time.perf_counter()
{load}
elapsed = time.perf_counter() - start
print("BENCH " + json.dumps({{"load": elapsed, "pandas": "pandas" in sys.modules,
                             "vars": [v for v in ("catalog", "params", "session", "pipelines")
                                      if v in ip.user_ns]}}))
"""

VARIANTS = {
    "bare IPython": "pass",
    "%load_ext kedro_nb": "ip.run_line_magic('load_ext', 'kedro_nb')",
    "%load_ext kedro.ipython": "ip.run_line_magic('load_ext', 'kedro.ipython')",
}


def _one(load: str, cwd: Path, env: dict[str, str]) -> dict[str, object]:
    started = time.perf_counter()
    done = subprocess.run(
        [*IPYTHON, "-c", PROBE.format(load=load)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    line = next(row for row in done.stdout.splitlines() if row.startswith("BENCH "))
    return {"wall": wall, **json.loads(line[len("BENCH ") :])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",  # no telemetry, no network
        "KEDRO_DISABLE_TELEMETRY": "true",
        "IPYTHONDIR": tempfile.mkdtemp(prefix="ipython-bench-"),
    }
    env.pop("JPY_SESSION_NAME", None)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "spaceflights"
        shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns(".kedro_nb", "__pycache__"))
        for load in VARIANTS.values():  # warm the file cache and the bytecode of each variant
            _one(load, project, env)
        results: dict[str, list[dict[str, object]]] = {name: [] for name in VARIANTS}
        for _ in range(args.repeats):  # interleaved, so drift hits every variant alike
            for name, load in VARIANTS.items():
                results[name].append(_one(load, project, env))
    bare = statistics.median(r["wall"] for r in results["bare IPython"])
    print(f"{args.repeats} fresh processes per variant, medians, project: copy of {PROJECT.name}")
    print(
        f"{'variant':<26}{'process s':>10}{'added ms':>10}{'%load_ext ms':>14}  pandas  variables"
    )
    for name, runs in results.items():
        wall = statistics.median(r["wall"] for r in runs)
        load = statistics.median(r["load"] for r in runs) * 1000
        pandas = "yes" if any(r["pandas"] for r in runs) else "no"
        variables = ",".join(runs[0]["vars"]) or "-"
        added = (wall - bare) * 1000
        print(f"{name:<26}{wall:>10.3f}{added:>10.0f}{load:>14.1f}  {pandas:<6}  {variables}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
