"""What ``%load_ext kedro_nb`` adds to a bare IPython start, next to ``%load_ext kedro.ipython``.

Both extensions load the same Kedro-layout project: a copy of the example project
(example_notebooks/spaceflights; ``--project fixture`` takes tests/fixtures/spaceflights, which
has project hooks and a credentials file) in a temporary folder. Each variant runs in fresh
``ipython`` subprocesses, several times,
interleaved; the table shows medians of the time from spawning the process to the end of the load
line (start-up included, exit not), of the CPU time spent by then, of the ``%load_ext`` line alone,
the differences to bare IPython, and whether pandas got imported. A second table splits the
kedro-nb load into phases.

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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = {
    "example": ROOT / "example_notebooks" / "spaceflights",
    "fixture": ROOT / "tests" / "fixtures" / "spaceflights",
}
IPYTHON = [
    sys.executable,
    "-m",
    "IPython",
    "--quick",
    "--no-banner",
    "--HistoryManager.enabled=False",
]

PROBE = """
import json, resource, sys, time
ip = get_ipython()
start = time.perf_counter()
{load}
elapsed = time.perf_counter() - start
ready, usage = time.time(), resource.getrusage(resource.RUSAGE_SELF)
print("BENCH " + json.dumps({{"load": elapsed, "ready": ready,
                             "cpu": usage.ru_utime + usage.ru_stime,
                             "pandas": "pandas" in sys.modules,
                             "vars": [v for v in ("catalog", "params", "session", "pipelines")
                                      if v in ip.user_ns]}}))
"""

# Where the kedro_nb load time goes, phase by phase (same steps as load_ipython_extension), in
# CPU time of the process: steadier than the wall clock on a machine shared with other work.
PHASES = """
import json, time
T = time.process_time
ip = get_ipython()
t0 = T()
from kedro_nb.notebook.displays.formatters import register_formatters
from kedro_nb.notebook.kernel_project import NotebookProject
from kedro_nb.notebook.magics import MAGIC_CLASSES
project = NotebookProject(ip)
for magic_class in MAGIC_CLASSES:
    ip.register_magics(magic_class(ip, project))
register_formatters(ip)
t1 = T()
from kedro_nb.project import KedroNbSession
t2 = T()
session = KedroNbSession.create(start_dir=project.start_dir())
t3 = T()
params = session.params
t4 = T()
catalog = session.catalog
t5 = T()
project.configure_logging(session)
t6 = T()
print("BENCH " + json.dumps({"notebook layer": t1 - t0, "import session": t2 - t1,
      "create session": t3 - t2, "params (config)": t4 - t3, "catalog": t5 - t4,
      "logging": t6 - t5}))
"""

PHASE_NAMES = (
    "notebook layer",
    "import session",
    "create session",
    "params (config)",
    "catalog",
    "logging",
)

VARIANTS = {
    "bare IPython": "pass",
    "%load_ext kedro_nb": "ip.run_line_magic('load_ext', 'kedro_nb')",
    "%load_ext kedro.ipython": "ip.run_line_magic('load_ext', 'kedro.ipython')",
}


def _one(load: str, cwd: Path, env: dict[str, str], probe: str | None = None) -> dict[str, Any]:
    """One fresh process; ``ready`` is the wall time from spawning it to the end of the load
    (interpreter and IPython start included, exit excluded), ``cpu`` its CPU time until then."""
    spawned = time.time()
    done = subprocess.run(
        [*IPYTHON, "-c", probe or PROBE.format(load=load)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(row for row in done.stdout.splitlines() if row.startswith("BENCH "))
    found = json.loads(line[len("BENCH ") :])
    if "ready" in found:
        found["ready"] -= spawned
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--project", choices=sorted(PROJECTS), default="example")
    args = parser.parse_args(argv)
    source = PROJECTS[args.project]
    # byte-compile as pip does at install time (this environment may set PYTHONDONTWRITEBYTECODE)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "kedro_nb")], check=True)
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",  # no telemetry, no network
        "KEDRO_DISABLE_TELEMETRY": "true",
        "IPYTHONDIR": tempfile.mkdtemp(prefix="ipython-bench-"),
    }
    env.pop("JPY_SESSION_NAME", None)
    # the warm-up runs must be able to write bytecode caches, as a user's first start does
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "spaceflights"
        shutil.copytree(source, project, ignore=shutil.ignore_patterns(".kedro_nb", "__pycache__"))
        # warm the file cache, the bytecode of each variant and kedro-nb's configuration cache
        # (.kedro_nb/config-cache.marshal, written by the first load of a project)
        for load in VARIANTS.values():
            _one(load, project, env)
        results: dict[str, list[dict[str, object]]] = {name: [] for name in VARIANTS}
        phases: list[dict[str, object]] = []
        for _ in range(args.repeats):  # interleaved, so drift hits every variant alike
            for name, load in VARIANTS.items():
                results[name].append(_one(load, project, env))
            phases.append(_one("", project, env, probe=PHASES))
    bare = statistics.median(r["ready"] for r in results["bare IPython"])
    bare_cpu = statistics.median(r["cpu"] for r in results["bare IPython"])
    copied = source.relative_to(ROOT)
    print(f"{args.repeats} fresh processes per variant, medians, project: copy of {copied}")
    print("(ready = wall time from spawning `ipython` to the end of the load line; cpu = the")
    print(" process's CPU time by then, steadier on a busy machine; %load_ext = the line alone)")
    header = ("variant", "ready s", "added ms", "cpu s", "added ms", "%load_ext ms", "pandas")
    print(f"{header[0]:<26}" + "".join(f"{h:>13}" for h in header[1:]) + "  variables")
    for name, runs in results.items():
        ready = statistics.median(r["ready"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        load = statistics.median(r["load"] for r in runs) * 1000
        pandas = "yes" if any(r["pandas"] for r in runs) else "no"
        variables = ",".join(runs[0]["vars"]) or "-"
        cells = (
            f"{ready:.3f}",
            f"{(ready - bare) * 1000:.0f}",
            f"{cpu:.3f}",
            f"{(cpu - bare_cpu) * 1000:.0f}",
            f"{load:.1f}",
            pandas,
        )
        print(f"{name:<26}" + "".join(f"{c:>13}" for c in cells) + f"  {variables}")
    added = sorted(
        (r["cpu"] - b["cpu"]) * 1000
        for r, b in zip(results["%load_ext kedro_nb"], results["bare IPython"], strict=True)
    )
    print(
        f"\nCPU added by %load_ext kedro_nb, pair by pair (each kedro_nb process less the bare "
        f"one started just before it): median {statistics.median(added):.1f} ms, "
        f"min-max {added[0]:.1f}-{added[-1]:.1f} ms; load average {os.getloadavg()[0]:.1f}"
    )
    print("\nkedro_nb load by phase, CPU ms (median / best of the repeats):")
    for phase in PHASE_NAMES:
        values = [p[phase] * 1000 for p in phases]
        print(f"  {phase:<18}{statistics.median(values):>8.1f} /{min(values):>7.1f}")
    totals = [sum(p[phase] for phase in PHASE_NAMES) * 1000 for p in phases]
    print(f"  {'total':<18}{statistics.median(totals):>8.1f} /{min(totals):>7.1f}")
    best = min(r["load"] for r in results["%load_ext kedro_nb"]) * 1000
    print(f"\nbest %load_ext kedro_nb: {best:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
