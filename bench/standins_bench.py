"""What kedro-nb's three library stand-ins save users, each switched off against on.

The stand-ins (each has a differential test against the library it stands in for):

* ``config``: ``kedro_nb.config.plain`` reads configuration without OmegaConf when no file
  needs it. Off: ``OMEGACONF_MAX_YAML_EXPANDED_NODES`` is set, which sends every file through
  OmegaConf (the switch the loader honours).
* ``plugins``: ``kedro_nb.hooks.manager`` looks into the installed ``entry_points.txt`` files
  before importing ``importlib.metadata`` to find hook plugins. Off: that look is skipped, so
  ``importlib.metadata.entry_points`` is always asked.
* ``catalog_yaml``: ``kedro_nb.io.lazy_yaml`` splits ``DataCatalog.from_yaml`` text into
  entries parsed on first use. Off: the whole text is parsed at once (``yaml.safe_load``).

Each case is a command a user runs, in a fresh process: ``session`` opens a session on a copy
of the Kedro-layout project tests/fixtures/spaceflights and reads what a notebook's
``%load_ext kedro_nb`` reads (parameters, catalog, pipeline names); ``run`` is ``kedro-nb run``
on it; ``from_yaml`` builds a catalog from a YAML file of N entries and gets one dataset.
Variants run interleaved (on, off, on, off...); the figures are the CPU time (user + system,
``resource.getrusage`` of the finished child) of each process: median and min-max, in ms.

    .venv/bin/python bench/standins_bench.py [--repeats 7] [--cases session,run,from_yaml]
    .venv/bin/python bench/standins_bench.py --once session config off   # one process, for
                                                                         # outside timers
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "spaceflights"
STANDINS = ("config", "plugins", "catalog_yaml")
_ENV = {**os.environ, "DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "1"}


def _switch_off(standin: str) -> None:
    """Take the stand-in out of this process (before kedro-nb does any work)."""
    if standin == "config":
        os.environ["OMEGACONF_MAX_YAML_EXPANDED_NODES"] = "100000"
    elif standin == "plugins":
        import kedro_nb.hooks.manager as manager

        manager._may_offer_plugins = lambda: True  # always ask importlib.metadata
    elif standin == "catalog_yaml":
        import kedro_nb.io.catalog as catalog

        catalog.split_catalog_yaml = lambda text: None  # always parse the whole text


def _catalog_text(entries: int) -> str:
    lines = []
    for i in range(entries):
        lines += [
            f"table_{i}:",
            "  type: pandas.CSVDataset",
            f"  filepath: data/01_raw/table_{i}.csv",
            "  load_args:",
            "    sep: ','",
            "  save_args: {index: false}",
            "",
        ]
    return "\n".join(lines)


def once(case: str, standin: str, state: str, folder: Path) -> None:
    """Run ``case`` once in this process with ``standin`` on or off."""
    if state == "off":
        _switch_off(standin)
    if case == "session":
        from kedro_nb.project import KedroNbSession

        session = KedroNbSession.create(folder)
        session.params  # noqa: B018 - read, as %load_ext does
        session.catalog  # noqa: B018
        sorted(session.pipelines)
    elif case == "run":
        from kedro_nb.cli import main

        os.chdir(folder)
        code = main(["run", "--pipeline", "data_processing"])
        if code:
            raise SystemExit(code)
    elif case.startswith("from_yaml"):
        from kedro_nb.io import DataCatalog

        catalog = DataCatalog.from_yaml(folder / "catalog.yml")
        catalog["table_3"]  # a notebook touches a handful of entries
    else:
        raise SystemExit(f"unknown case {case!r}")


def _prepare(case: str, work: Path) -> Path:
    if case in ("session", "run"):
        folder = work / "spaceflights"
        if not folder.exists():
            shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns("__pycache__"))
        return folder
    entries = int(case.partition(":")[2] or 30)
    folder = work / f"catalog_{entries}"
    folder.mkdir(exist_ok=True)
    (folder / "catalog.yml").write_text(_catalog_text(entries))
    return folder


def _cpu_ms(case: str, standin: str, state: str, folder: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, __file__, "--once", case, standin, state, "--folder", str(folder)],
        check=True,
        env=_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return 1000 * (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)


def _figure(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} ({min(values):.1f}-{max(values):.1f})"


_PAIRS = {  # case -> the stand-ins it exercises
    "session": ("config", "plugins"),
    "run": ("config", "plugins"),
    "from_yaml:30": ("catalog_yaml",),
    "from_yaml:1000": ("catalog_yaml",),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cases", default=",".join(_PAIRS))
    parser.add_argument("--once", nargs=3, metavar=("CASE", "STANDIN", "STATE"))
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.once:
        case, standin, state = args.once
        folder = args.folder or _prepare(case, Path(tempfile.mkdtemp()))
        once(case, standin, state, folder)
        return
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'case':<16}{'stand-in':<14}{'on: CPU ms':>22}{'off: CPU ms':>24}{'saved':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            folder = _prepare(case, Path(tmp))
            for standin in _PAIRS[case]:
                _cpu_ms(case, standin, "on", folder)  # warm-up: disk caches, .pyc files
                on, off = [], []
                for _ in range(args.repeats):
                    on.append(_cpu_ms(case, standin, "on", folder))
                    off.append(_cpu_ms(case, standin, "off", folder))
                saved = statistics.median(off) - statistics.median(on)
                print(f"{case:<16}{standin:<14}{_figure(on):>22}{_figure(off):>24}{saved:8.1f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
