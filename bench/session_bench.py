"""Start-up and run time of ``kedro-nb run`` against ``kedro run`` on the same Kedro project,
and a notebook's start (session, catalog, parameters, pipeline names) against Kedro's
``bootstrap_project`` + ``KedroSession.create().load_context()``.

The project is tests/fixtures/spaceflights (Kedro layout, 6 nodes, small CSVs), copied to
bench/.data/ so each tool writes its own outputs. Each figure is the median wall-clock time of
a fresh process over several repetitions (one warm-up first, so disk caches are equal), with
the fastest repetition beside it (less sensitive to a busy machine).

    .venv/bin/python bench/session_bench.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "spaceflights"
WORK = ROOT / "bench" / ".data" / "session"
BIN = Path(sys.executable).parent

# kedro run loads the kedro-telemetry plugin, which would otherwise try the network.
_ENV = {**os.environ, "DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "1"}

SCENARIOS = [
    ("CLI start-up (run --help)", ["run", "--help"]),
    ("run one pipeline (data_processing, 3 nodes)", ["run", "--pipeline", "data_processing"]),
    ("run __default__ (6 nodes)", ["run"]),
]


# A notebook's start: open a session, build the catalog, read params, list pipelines.
_NB_START = (
    "from kedro_nb.project import KedroNbSession\n"
    "s = KedroNbSession.create()\n"
    "s.catalog, s.params, list(s.pipelines)\n"
)
_KEDRO_START = (
    "from pathlib import Path\n"
    "from kedro.framework.startup import bootstrap_project\n"
    "from kedro.framework.session import KedroSession\n"
    "bootstrap_project(Path.cwd())\n"
    "context = KedroSession.create(Path.cwd()).load_context()\n"
    "from kedro.framework.project import pipelines\n"
    "context.catalog, context.params, list(pipelines)\n"
)


def _copy(name: str) -> Path:
    target = WORK / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _time(command: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    samples = []
    for i in range(repeat + 1):
        start = time.perf_counter()
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, check=False, env=_ENV
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
        if i:  # the first run warms caches
            samples.append(elapsed)
    return statistics.median(samples), min(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    ours, theirs = _copy("kedro_nb"), _copy("kedro")
    import kedro

    print(
        f"spaceflights fixture, median of {args.repeat} fresh processes, Python "
        f"{sys.version.split()[0]}, kedro {kedro.__version__}\n"
    )
    header = f"{'scenario':<46} {'kedro-nb':>17} {'kedro':>17} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for label, argv in SCENARIOS:
        nb, nb_min = _time([str(BIN / "kedro-nb"), *argv], ours, args.repeat)
        kd, kd_min = _time([str(BIN / "kedro"), *argv], theirs, args.repeat)
        print(f"{label:<46} {nb:7.3f}s ({nb_min:.3f}s) {kd:7.3f}s ({kd_min:.3f}s) {kd / nb:5.2f}x")
    label = "notebook start (session, catalog, params)"
    nb, nb_min = _time([sys.executable, "-c", _NB_START], ours, args.repeat)
    kd, kd_min = _time([sys.executable, "-c", _KEDRO_START], theirs, args.repeat)
    print(f"{label:<46} {nb:7.3f}s ({nb_min:.3f}s) {kd:7.3f}s ({kd_min:.3f}s) {kd / nb:5.2f}x")
    print("\nmedian (fastest); ratio = kedro median / kedro-nb median (above 1: kedro-nb faster)")


if __name__ == "__main__":
    main()
