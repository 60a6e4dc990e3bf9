"""The README's main job, ``example_notebooks/run_example.py``, timed from a fresh clone.

The repository is cloned once (``git clone`` of the committed tree) into a temporary folder and
the main job runs there ``--repeats`` times (default 5) with this interpreter, the clone's
``kedro_nb`` first on the path. The first run is on a fresh clone (no outputs, no run records,
cold caches for the clone's files); later runs add records and model versions, as a user's
second run does. Printed: wall time and CPU time (user + system of the job and every process it
waited for: the kernels, ``kedro-nb``, ``kedro``) as median (min, max), the fresh run on its own,
and the seconds of each step as the job reports them, so ``kedro-nb run`` and ``kedro run`` of
the same converted pipelines sit side by side. The load average is printed too: the wall times
move with it, the CPU times much less.

Run: ``.venv/bin/python bench/example_bench.py [--repeats N]`` (after ``bash .ci/setup``).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STEP = re.compile(r"^\[\d+/\d+\] (?P<what>.+)$")
TOOK = re.compile(r"^    .* in (?P<seconds>[0-9.]+) s")  # a step's own "ok in 1.6 s" line


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(clone: Path) -> tuple[float, float, dict[str, float]]:
    """One run of the main job: (wall seconds, CPU seconds, seconds by step)."""
    env = {**os.environ, "PYTHONPATH": str(clone)}
    cpu, wall = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "example_notebooks/run_example.py"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall, cpu = time.perf_counter() - wall, _children_cpu() - cpu
    if done.returncode != 0:
        sys.exit(f"the main job failed:\n{done.stdout}\n{done.stderr}")
    steps: dict[str, float] = {}
    current = None
    for line in done.stdout.splitlines():
        header = STEP.match(line)
        if header:
            what = header["what"].split(" (")[0]
            current = re.sub(r"example_notebooks/(spaceflights/notebooks/)?", "", what)
            continue
        took = TOOK.match(line)
        if current and took:
            steps[current] = float(took["seconds"])
            current = None
    return wall, cpu, steps


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.1f} s  ({min(values):.1f}, {max(values):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        clone = Path(folder) / "kedro-nb"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        runs = []
        for number in range(args.repeats):
            runs.append(run_once(clone))
            wall, cpu, _ = runs[-1]
            print(f"run {number + 1}: wall {wall:.1f} s, CPU {cpu:.1f} s", flush=True)
    load = os.getloadavg()
    print(
        f"\nmain job, {args.repeats} runs from a fresh clone; load average "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores"
    )
    print(f"  wall         {_spread([r[0] for r in runs])}   first run {runs[0][0]:.1f} s")
    print(f"  CPU          {_spread([r[1] for r in runs])}   first run {runs[0][1]:.1f} s")
    print("  by step (wall, as the job reports it):")
    for step in runs[0][2]:
        values = [r[2][step] for r in runs if step in r[2]]
        print(f"    {step:40} {_spread(values)}")


if __name__ == "__main__":
    main()
