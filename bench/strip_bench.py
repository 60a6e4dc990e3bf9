"""Benchmark ``kedro-nb strip`` side by side with nbstripout, nbstripout-fast and nb-clean.

(a) one process over the whole corpus (each tool gets a fresh copy of it), best of REPEAT runs;
    then again without the notebooks kedro-nb refuses (nbstripout-fast stops at the first
    notebook it refuses, leaving the files after it unprocessed; without them every tool
    processes every file);
(b) one process per file through stdin, as a git clean filter runs, over a sample, with a bare
    ``python -c pass`` as the floor.
Then it checks that every notebook kedro-nb wrote is byte-identical to what Jupyter's
``nbformat.writes`` gives for the stripped notebook.

Run: ``.venv/bin/python bench/strip_bench.py [--repeat N] [--sample N]`` (builds the corpus on first
use, see bench/strip_corpus.py). Tools' defaults differ a little (nbstripout renumbers cell ids,
nb-clean also drops all cell metadata); each strips outputs and counts from every notebook.
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

sys.path.insert(0, str(Path(__file__).parent))
from strip_corpus import build

BIN = Path(sys.executable).parent
TOOLS = {  # name: (argv for many files in place, argv for stdin -> stdout)
    "kedro-nb strip": (
        [str(BIN / "kedro-nb"), "strip", "-q"],
        [str(BIN / "kedro-nb"), "strip", "--stdin"],
    ),
    "nbstripout": ([str(BIN / "nbstripout")], [str(BIN / "nbstripout")]),
    "nbstripout-fast": ([str(BIN / "nbstripout-fast"), "-i"], [str(BIN / "nbstripout-fast"), "-i"]),
    "nb-clean": ([str(BIN / "nb-clean"), "clean"], [str(BIN / "nb-clean"), "clean"]),
}
BASELINE = [sys.executable, "-c", "pass"]


def one_process(
    corpus: Path, repeat: int, skip: frozenset[str] = frozenset()
) -> dict[str, tuple[float, int, Path]]:
    results = {}
    keep = Path(tempfile.mkdtemp(prefix="strip-bench-"))
    for name, (argv, _) in TOOLS.items():
        times, code = [], 0
        for attempt in range(repeat):
            work = keep / f"{name.replace(' ', '_')}-{attempt}"
            shutil.copytree(corpus, work)
            files = sorted(str(p) for p in work.iterdir() if p.name not in skip)
            start = time.perf_counter()
            done = subprocess.run([*argv, *files], cwd=work, capture_output=True)
            times.append(time.perf_counter() - start)
            code = done.returncode
            if attempt < repeat - 1:
                shutil.rmtree(work)
        results[name] = (min(times), code, work)
    return results


def per_file(corpus: Path, sample: int) -> dict[str, tuple[float, int]]:
    files = sorted(corpus.iterdir(), key=lambda p: p.name)
    real = [p for p in files if not p.name.startswith("generated_")]
    step = max(1, len(real) // sample)
    chosen = real[::step][:sample]
    results = {"python -c pass": _per_file_run(BASELINE, chosen, stdin=False)}
    for name, (_, argv) in TOOLS.items():
        results[name] = _per_file_run(argv, chosen, stdin=True)
    return results


def _per_file_run(argv: list[str], files: list[Path], *, stdin: bool) -> tuple[float, int]:
    """Mean of each file's best of two runs, in ms, and how many runs exited non-zero."""
    best, failed = [], 0
    for path in files:
        data = path.read_bytes() if stdin else b""
        runs = []
        for _ in range(2):
            start = time.perf_counter()
            done = subprocess.run(argv, input=data, capture_output=True)
            runs.append(time.perf_counter() - start)
            failed += done.returncode != 0
        best.append(min(runs))
    return statistics.mean(best) * 1000, failed


def refused(corpus: Path) -> frozenset[str]:
    """Names of the notebooks kedro-nb refuses to strip (each an error, exit 2)."""
    from kedro_nb.strip import StripError, strip_bytes

    names = set()
    for path in corpus.iterdir():
        try:
            strip_bytes(path.read_bytes())
        except StripError:
            names.add(path.name)
    return frozenset(names)


def _table(whole: dict[str, tuple[float, int, Path]], size: float) -> None:
    ours = whole["kedro-nb strip"][0]
    print(f"{'tool':<18}{'seconds':>9}{'MB/s':>8}{'vs kedro-nb':>13}  exit")
    for name, (seconds, code, _) in whole.items():
        print(
            f"{name:<18}{seconds:>9.3f}{size / 1e6 / seconds:>8.0f}{seconds / ours:>12.2f}x  {code}"
        )


def verify(corpus: Path, stripped: Path) -> tuple[int, int]:
    import nbformat

    from kedro_nb.strip import StripError, strip_notebook

    same = total = 0
    for original in sorted(corpus.iterdir()):
        try:
            nb = strip_notebook(json.loads(original.read_bytes()))
        except StripError:  # kedro-nb left it unchanged and reported it (exit 2)
            continue
        total += 1
        expected = nbformat.writes(nbformat.from_dict(nb)) + "\n"
        ours = (stripped / original.name).read_bytes().decode("utf-8").replace("\r\n", "\n")
        same += ours == expected
    return same, total


def import_time(runs: int = 7) -> str:
    """Cumulative import time of the dispatcher and the strip CLI (best of ``runs``)."""
    best = float("inf")
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import kedro_nb.cli, kedro_nb.cli.strip"],
            capture_output=True,
            text=True,
        )
        total = 0
        for line in done.stderr.splitlines():
            fields = line.split("|")
            if len(fields) == 3 and fields[2].rstrip() in (" kedro_nb.cli", " kedro_nb.cli.strip"):
                total += int(fields[1])
        best = min(best, total)
    return f"{best / 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    corpus = build()
    # byte-compile as pip does at install time (this environment sets PYTHONDONTWRITEBYTECODE)
    package = Path(__file__).resolve().parents[1] / "kedro_nb"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    files = list(corpus.iterdir())
    size = sum(p.stat().st_size for p in files)
    version = sys.version.split()[0]
    print(f"corpus: {len(files)} notebooks, {size / 1e6:.1f} MB ({corpus})")
    print(f"python {version}, {os.cpu_count()} CPUs")
    whole = one_process(corpus, args.repeat)
    print(f"\n(a) one process over the corpus, best of {args.repeat}")
    _table(whole, size)
    skip = refused(corpus)
    rest = one_process(corpus, args.repeat, skip)
    for _, _, work in rest.values():
        shutil.rmtree(work.parent, ignore_errors=True)
    print(
        f"\n(a') the same without the {len(skip)} notebook(s) kedro-nb refuses "
        f"({', '.join(sorted(skip))}), best of {args.repeat}"
    )
    _table(rest, sum(p.stat().st_size for p in files if p.name not in skip))
    sample = per_file(corpus, args.sample)
    floor = sample["python -c pass"][0]
    print(f"\n(b) one process per file via stdin (git filter), mean over {args.sample} notebooks")
    print(f"{'tool':<18}{'ms/file':>9}{'vs python -c pass':>19}  failed runs")
    for name, (ms, failed) in sample.items():
        print(f"{name:<18}{ms:>9.1f}{ms / floor:>18.2f}x  {failed}")
    print(f"\nimport time of kedro_nb.cli + kedro_nb.cli.strip (-X importtime): {import_time()}")
    same, total = verify(corpus, whole["kedro-nb strip"][2])
    print(f"layout check: {same}/{total} files byte-identical to nbformat.writes of the result")
    for _, _, work in whole.values():
        shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
