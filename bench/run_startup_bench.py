"""Start-up of ``kedro-nb run --notebook``: where the time goes from process start to the first
node, beside ``python -c "import pandas"``.

The example project (``example_notebooks/spaceflights``) is copied to a temporary folder and its
node notebook ``notebooks/02_nodes.ipynb`` run with the real command line (``run_main``) in fresh
processes. Each process reads its own CPU time (user + system, ``getrusage``: steadier than the
wall clock on a shared machine) at these marks, cumulative from process start:

- interpreter: Python's start, up to the first line of the probe (``python -c pass`` territory);
- kedro-nb imports: the command line, the session, the converter and the logging set-up modules;
- session: ``KedroNbSession.create`` (project metadata, settings, hooks, configuration loader);
- logging: the project's logging set-up;
- notebook read: the ``.ipynb`` parsed;
- analysis: node cells found, inputs and outputs inferred against the catalog;
- setup cells: the notebook's imports and helper cells executed (pandas is imported here);
- catalog: the run's catalog built from configuration;
- first node: ``before_node_run`` of the first node (a probe hook registered on the session).

The functions are wrapped in the probe process only (their modules are imported by the probe
before the run, so their own import time falls in "kedro-nb imports"). The same number of fresh
``python -c "import pandas"`` processes are timed, interleaved, and the ratio of the medians is
printed; then whole ``kedro-nb run --notebook`` processes (all seven nodes and the record).

Run: ``.venv/bin/python bench/run_startup_bench.py [--repeats 9]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "example_notebooks" / "spaceflights"
NOTEBOOK = "notebooks/02_nodes.ipynb"

PROBE = r"""
import resource, sys, json
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
marks = [("interpreter", cpu())]
from kedro_nb.cli.run import run_main
import kedro_nb.convert.build as build
import kedro_nb.convert.converter as converter
import kedro_nb.project.logs as logs
from kedro_nb.project.session import KedroNbSession
from kedro_nb.hooks import hook_impl, register_hooks
marks.append(("kedro-nb imports", cpu()))

def after(label, func):
    def wrapper(*args, **kwargs):
        result = func(*args, **kwargs)
        marks.append((label, cpu()))
        return result
    return wrapper

class FirstNode:
    seen = False
    @hook_impl
    def before_node_run(self, node):
        if not FirstNode.seen:
            FirstNode.seen = True
            marks.append(("first node", cpu()))

create = KedroNbSession.create.__func__
def create_with_probe(cls, *args, **kwargs):
    session = create(cls, *args, **kwargs)
    register_hooks(session.hook_manager, [FirstNode()])
    marks.append(("session", cpu()))
    return session
KedroNbSession.create = classmethod(create_with_probe)
logs.configure_logging = after("logging", logs.configure_logging)
build.read_notebook = after("notebook read", build.read_notebook)
converter.analyze_file = after("analysis", converter.analyze_file)
build._setup_globals = after("setup cells", build._setup_globals)
KedroNbSession.build_catalog = after("catalog", KedroNbSession.build_catalog)
code = run_main(["--notebook", NOTEBOOK])
assert code == 0, code
print("BENCH " + json.dumps(marks))
"""

PHASES = (
    "interpreter",
    "kedro-nb imports",
    "session",
    "logging",
    "notebook read",
    "analysis",
    "setup cells",
    "catalog",
    "first node",
)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(command: list[str], cwd: Path) -> float:
    """CPU seconds of one fresh process running ``command`` (user + system)."""
    before = children_cpu()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return children_cpu() - before


def probe(cwd: Path) -> dict[str, float]:
    code = PROBE.replace("NOTEBOOK", repr(NOTEBOOK))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, check=True, capture_output=True, text=True
    )
    line = next(row for row in done.stdout.splitlines() if row.startswith("BENCH "))
    marks: dict[str, float] = {}
    for label, seconds in json.loads(line[len("BENCH ") :]):
        marks.setdefault(label, seconds)  # the first time a mark is reached
    return marks


def spread(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"{statistics.median(ms):7.1f} ms ({ms[0]:.1f}-{ms[-1]:.1f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args(argv)
    # byte-compile as pip does at install time (this environment may set PYTHONDONTWRITEBYTECODE)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "kedro_nb")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "spaceflights"
        shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns(".kedro_nb", "__pycache__"))
        pandas = [sys.executable, "-c", "import pandas"]
        whole = [sys.executable, "-m", "kedro_nb", "run", "--notebook", NOTEBOOK]
        probe(project)  # warm-up: file cache, bytecode of the project and of the notebook's imports
        process_cpu(pandas, project)
        runs: list[dict[str, float]] = []
        pandas_cpu: list[float] = []
        whole_cpu: list[float] = []
        for _ in range(args.repeats):  # interleaved, so drift hits each alike
            runs.append(probe(project))
            pandas_cpu.append(process_cpu(pandas, project))
            whole_cpu.append(process_cpu(whole, project))
    print(
        f"kedro-nb run --notebook {NOTEBOOK} (copy of example_notebooks/spaceflights), "
        f"{args.repeats} fresh processes, Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.1f}\n"
    )
    print("CPU time, median (min-max):")
    print(f"  {'phase':<18}{'phase alone':>26}{'cumulative':>28}")
    previous = [0.0] * len(runs)
    for phase in PHASES:
        at = [run[phase] for run in runs]
        alone = [a - p for a, p in zip(at, previous, strict=True)]
        print(f"  {phase:<18}{spread(alone):>26}{spread(at):>28}")
        previous = at
    first = statistics.median(run["first node"] for run in runs)
    reference = statistics.median(pandas_cpu)
    print(f"\n  python -c 'import pandas' (whole process)     {spread(pandas_cpu)}")
    print(f"  kedro-nb run --notebook (whole, 7 nodes, record) {spread(whole_cpu)}")
    print(f"\nfirst node / import pandas, medians: {first / reference:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
