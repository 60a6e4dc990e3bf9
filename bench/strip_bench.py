"""Benchmark ``kedro-nb strip`` side by side with nbstripout, nbstripout-fast and nb-clean.

Two corpora (bench/strip_corpus.py builds them): ``real``, 583 small real notebooks (7.8 MB), and
``outputs``, 52 generated notebooks (~100 MB) where large base64 outputs dominate.

(a) one process over each whole corpus, in place, each run on a fresh copy at rest (written out
    with ``os.sync`` first, as a notebook is once Jupyter has saved it, since Jupyter fsyncs its
    saves, or a while after a checkout): median and min-max of RUNS runs, the tools taking turns
    run by run (a copy not yet written out makes an atomic write, a new file renamed over the
    notebook, cost about a millisecond per file on ext4, which forces the new file's blocks out on
    such a rename, while writing in place does not); then again without the notebooks kedro-nb
    refuses (nbstripout-fast stops at the first notebook it refuses, leaving the files after it
    as they were; without them every tool strips every file);
(b) one process per notebook, as git and pre-commit start them: ``--stdin`` (the clean filter),
    ``--textconv`` (``git diff``) and in place, each paired run by run with a bare
    ``python -c pass`` of the same interpreter; the median of the per-pair ratios over RUNS pairs,
    in CPU time (user + system, as the kernel counts the child) and in wall time;
(c) every notebook kedro-nb wrote is compared with what Jupyter's ``nbformat.writes`` gives for
    the stripped notebook (the library the layout code stands in for), and, with ``--golden FILE``,
    with the digests of an earlier run (written to FILE when it does not exist yet);
(d) the layout writer against the ``json.dumps(indent=1)`` it stands in for, and (in (b)) the argv
    reader against argparse: what each hand-written stand-in saves;
(e) where the time of one process over the corpus goes: the interpreter's start (``python -c
    pass``), importing the stripper (and, for a run over many files, ``re`` and the quick clean
    check's pattern), and per file, in process, the CPU time of each step the command takes
    (reading the file, the quick clean check that proves most clean notebooks clean unparsed,
    then for the others cutting out and parsing the JSON, stripping, laying it out, encoding and
    comparing with the input, writing the changed files to a scratch copy at rest), summed over
    the corpus, median of RUNS passes. The command does the writes in a second thread, where they
    overlap the next files' steps.

Run: ``.venv/bin/python bench/strip_bench.py [--runs N] [--corpus real|outputs] [--golden F]``
(install the peers first: ``.venv/bin/pip install -e ".[bench]"``). Tools' defaults differ a
little (nbstripout renumbers cell ids, nb-clean also drops all cell metadata); each strips
outputs and execution counts from every notebook.
"""

from __future__ import annotations

import argparse
import hashlib
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
from strip_corpus import build_corpora

BIN = Path(sys.executable).parent
KEDRO_NB = str(BIN / "kedro-nb")
TOOLS = {  # name: argv that strips the files appended to it in place
    "kedro-nb strip": [KEDRO_NB, "strip", "-q"],
    "nbstripout": [str(BIN / "nbstripout")],
    "nbstripout-fast": [str(BIN / "nbstripout-fast"), "-i"],
    "nb-clean": [str(BIN / "nb-clean"), "clean"],
}
BASELINE = [sys.executable, "-c", "pass"]


def _spawn(argv: list[str], stdin: Path | None = None) -> tuple[float, float, int]:
    """Run ``argv`` to its end: (wall seconds, CPU seconds of the child, exit code)."""
    with open(stdin or os.devnull, "rb") as src, open(os.devnull, "wb") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=src, stdout=sink, stderr=sink)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


def _spread(values: list[float], scale: float = 1.0, digits: int = 3) -> str:
    med, low, high = (statistics.median(values), min(values), max(values))
    return f"{med * scale:.{digits}f} ({low * scale:.{digits}f}-{high * scale:.{digits}f})"


def one_process(corpus: Path, runs: int, skip: frozenset[str] = frozenset()) -> dict:
    """{tool: (wall times, CPU times, exit code, folder of its last run)}, tools taking turns."""
    keep = Path(tempfile.mkdtemp(prefix="strip-bench-"))
    results: dict[str, tuple[list[float], list[float], int, Path]] = {
        name: ([], [], 0, keep) for name in TOOLS
    }
    for attempt in range(runs):
        for name, argv in TOOLS.items():
            work = keep / f"{name.replace(' ', '_')}-{attempt}"
            shutil.copytree(corpus, work)
            os.sync()  # at rest, as (a) says
            files = sorted(str(p) for p in work.iterdir() if p.name not in skip)
            wall, cpu, code = _spawn([*argv, *files])
            walls, cpus, _, last = results[name]
            if attempt:
                shutil.rmtree(last)
            walls.append(wall)
            cpus.append(cpu)
            results[name] = (walls, cpus, code, work)
    return results


def _table(results: dict, size: float) -> None:
    ours = statistics.median(results["kedro-nb strip"][0])
    ours_cpu = statistics.median(results["kedro-nb strip"][1])
    print(
        f"{'tool':<17}{'wall s: median (min-max)':>26}{'MB/s':>6}{'vs kedro-nb':>12}"
        f"{'CPU s: median (min-max)':>26}{'vs kedro-nb':>12}  exit"
    )
    for name, (walls, cpus, code, _) in results.items():
        med, cpu = statistics.median(walls), statistics.median(cpus)
        print(
            f"{name:<17}{_spread(walls):>26}{size / 1e6 / med:>6.0f}{med / ours:>11.2f}x"
            f"{_spread(cpus):>26}{cpu / ours_cpu:>11.2f}x  {code}"
        )


def per_file(corpus: Path, runs: int) -> dict[str, tuple[list[float], list[float], list[float]]]:
    """{mode: (cpu ratios, wall ratios, cpu seconds)} over ``runs`` pairs with ``python -c pass``.

    Each pair strips the next notebook of a fixed sample of real ones (a fresh copy for in place).
    """
    real = sorted(corpus.iterdir())
    sample = real[:: max(1, len(real) // runs)][:runs]
    work = Path(tempfile.mkdtemp(prefix="strip-bench-one-"))
    modes = {
        "--stdin (clean filter)": lambda p: ([KEDRO_NB, "strip", "--stdin"], p),
        "--textconv (git diff)": lambda p: ([KEDRO_NB, "strip", "--textconv", str(p)], None),
        # "--" makes the argv reader decline: what every run would cost without it (argparse)
        "--textconv via argparse": lambda p: (
            [KEDRO_NB, "strip", "--textconv", "--", str(p)],
            None,
        ),
        "in place (pre-commit)": lambda p: ([KEDRO_NB, "strip", _at_rest(_copy(p, work))], None),
        "nbstripout-fast, in place": lambda p: (
            [str(BIN / "nbstripout-fast"), "-i", _at_rest(_copy(p, work))],
            None,
        ),
    }
    results = {}
    for mode, command in modes.items():
        cpu_ratios, wall_ratios, cpus = [], [], []
        for _ in range(2):  # warm-up, not counted
            _spawn(*command(sample[0]))
            _spawn(BASELINE)
        for path in sample:
            wall, cpu, _ = _spawn(*command(path))
            base_wall, base_cpu, _ = _spawn(BASELINE)
            cpu_ratios.append(cpu / base_cpu if base_cpu else float("nan"))
            wall_ratios.append(wall / base_wall)
            cpus.append(cpu)
        results[mode] = (cpu_ratios, wall_ratios, cpus)
    shutil.rmtree(work)
    return results


def _at_rest(path: Path) -> str:
    """``path`` once written out to the disk, as (a) says."""
    os.sync()
    return str(path)


def _copy(path: Path, folder: Path) -> Path:
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


def writer_vs_json(corpus: Path, runs: int = 7) -> tuple[list[float], list[float]]:
    """Seconds to lay out every stripped notebook of ``corpus``: the layout writer, json.dumps.

    The writer (``strip/_layout.py``) stands in for ``json.dumps(indent=1)``, which runs the
    pure-Python encoder (the C one has no indent); tests/strip/test_properties.py holds the two
    to the same text on any JSON value. Best of ``runs``, each timed in this process.
    """
    from kedro_nb.strip import StripError, strip_notebook
    from kedro_nb.strip._layout import dumps

    notebooks = []
    for path in sorted(corpus.iterdir()):
        try:
            notebooks.append(strip_notebook(json.loads(path.read_bytes())))
        except StripError:
            continue
    layout = {"sort_keys": True, "indent": 1, "ensure_ascii": False, "separators": (",", ": ")}
    ours, theirs = [], []
    for _ in range(runs):
        start = time.perf_counter()
        for nb in notebooks:
            dumps(nb)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        for nb in notebooks:
            json.dumps(nb, **layout)
        theirs.append(time.perf_counter() - start)
    return ours, theirs


def stages(corpus: Path, runs: int) -> dict[str, list[float]]:
    """CPU seconds of each step of stripping every notebook of ``corpus`` in place, summed over
    the files, per pass (in this process; the steps are the file layer's own functions, called in
    the order ``_strip_file`` calls them; writes go to a scratch copy of the corpus)."""
    import gc

    from kedro_nb import nbfile
    from kedro_nb.strip import StripError, _layout
    from kedro_nb.strip._clean import CleanCheck
    from kedro_nb.strip._core import StripOptions
    from kedro_nb.strip._files import _BOM, _load, _strip, write_atomic

    clock = time.process_time
    opts = StripOptions()
    check = CleanCheck(opts)  # as the command builds it for a run over many files
    totals: dict[str, list[float]] = {}
    for _ in range(runs):
        scratch = Path(tempfile.mkdtemp(prefix="strip-stages-"))
        paths = [_copy(path, scratch) for path in sorted(corpus.iterdir())]
        os.sync()  # at rest, as (a) says
        step = dict.fromkeys(
            (
                "read",
                "quick clean check (all files)",
                "cut and parse (the others)",
                "strip",
                "layout",
                "encode and compare",
            ),
            0.0,
        )
        step["write (changed files)"] = 0.0
        buffer = nbfile.ReadBuffer()
        collecting = gc.isenabled()
        gc.disable()  # as the command does
        try:
            for path in map(str, paths):
                began = clock()
                data, before = nbfile.read_bytes(path, buffer)
                read = clock()
                step["read"] += read - began
                if check(data, path):
                    step["quick clean check (all files)"] += clock() - read
                    continue
                checked = clock()
                step["quick clean check (all files)"] += checked - read
                read = checked
                try:
                    bom = data.startswith(_BOM)
                    body = data[3:] if bom else data
                    newline = body.find(b"\n")
                    crlf = newline > 0 and body[newline - 1 : newline] == b"\r"
                    nb, exact, plain = _load(body, path, opts, crlf)
                    parsed = clock()
                    stripped = _strip(nb, path, opts)
                except (StripError, nbfile.NotebookFileError):
                    continue
                done = clock()
                floats: list[float] = []
                text = _layout.dumps(stripped, floats, ascii_only=plain)
                if floats and not exact:  # as _strip_checked: exact integers, parsed again
                    stripped = _strip(nbfile.parse_json(body, path)[0], path, opts)
                    text = _layout.dumps(stripped)
                laid = clock()
                if crlf:
                    text = text.replace("\n", "\r\n")
                result = (_BOM if bom else b"") + text.encode("utf-8")
                changed = result != data
                compared = clock()
                if changed:
                    write_atomic(path, result, before=before)
                written = clock()
                for name, seconds in zip(
                    list(step)[2:],
                    (parsed - read, done - parsed, laid - done, compared - laid),
                    strict=False,
                ):
                    step[name] += seconds
                step["write (changed files)"] += written - compared
        finally:
            if collecting:
                gc.enable()
            shutil.rmtree(scratch, ignore_errors=True)
        for name, seconds in step.items():
            totals.setdefault(name, []).append(seconds)
    return totals


def start_up(runs: int) -> dict[str, list[float]]:
    """CPU seconds of fresh processes: the bare interpreter, and it importing the stripper."""
    commands = {
        "python -c pass": BASELINE,
        "python + import kedro_nb.cli.strip": [
            sys.executable,
            "-c",
            "import kedro_nb.cli.strip, kedro_nb.strip._files",
        ],
        # what a run over many files adds: re, and the clean check's pattern compiled
        "... + the clean check (re, compiled)": [
            sys.executable,
            "-c",
            "import kedro_nb.cli.strip, kedro_nb.strip._files\n"
            "from kedro_nb.strip._clean import CleanCheck\n"
            "from kedro_nb.strip._core import StripOptions\n"
            "CleanCheck(StripOptions())",
        ],
    }
    found: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            found[name].append(_spawn(argv)[1])
    return found


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


def verify(corpus: Path, stripped: Path) -> tuple[int, int]:
    """How many of kedro-nb's files are byte-identical to ``nbformat.writes`` of the result."""
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


def golden(stripped: Path, path: Path, corpus: str) -> str:
    """Compare the digests of kedro-nb's output with ``path`` (written there first if missing)."""
    digests = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(stripped.iterdir())
    }
    saved = json.loads(path.read_text()) if path.exists() else {}
    if corpus not in saved:
        saved[corpus] = digests
        path.write_text(json.dumps(saved, indent=1, sort_keys=True))
        return f"golden digests of {len(digests)} files written to {path}"
    expected = saved[corpus]
    differ = sorted(name for name in expected if digests.get(name) != expected[name])
    head = f"{len(expected) - len(differ)}/{len(expected)} files byte-identical to {path}"
    return head + (f"; differ: {', '.join(differ[:5])}" if differ else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of (a); (b) uses 20 pairs")
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--corpus", choices=("real", "outputs"), action="append")
    parser.add_argument("--golden", type=Path, help="JSON of output digests to compare with")
    parser.add_argument("--skip-per-file", action="store_true")
    args = parser.parse_args()
    corpora = build_corpora()
    # byte-compile as pip does at install time (this environment sets PYTHONDONTWRITEBYTECODE)
    package = Path(__file__).resolve().parents[1] / "kedro_nb"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for name in args.corpus or ("real", "outputs"):
        corpus = corpora[name]
        files = list(corpus.iterdir())
        size = sum(p.stat().st_size for p in files)
        print(f"\n== corpus {name}: {len(files)} notebooks, {size / 1e6:.1f} MB")
        whole = one_process(corpus, args.runs)
        print(f"(a) one process over the corpus, in place, {args.runs} runs")
        _table(whole, size)
        skip = refused(corpus)
        if skip:
            rest = one_process(corpus, args.runs, skip)
            for *_, work in rest.values():
                shutil.rmtree(work.parent, ignore_errors=True)
            print(f"(a') without the {len(skip)} notebook(s) kedro-nb refuses ({', '.join(skip)})")
            _table(rest, sum(p.stat().st_size for p in files if p.name not in skip))
        same, total = verify(corpus, whole["kedro-nb strip"][3])
        print(f"(c) {same}/{total} files byte-identical to nbformat.writes of the result")
        if args.golden:
            print(f"(c) {golden(whole['kedro-nb strip'][3], args.golden, name)}")
        for *_, work in whole.values():
            shutil.rmtree(work.parent, ignore_errors=True)
        ours, theirs = writer_vs_json(corpus)
        print(
            f"(d) laying out the stripped notebooks, in process: the layout writer "
            f"{_spread(ours, 1000, 1)} ms, json.dumps(indent=1) {_spread(theirs, 1000, 1)} ms"
        )
        print(f"(e) where one process's CPU time goes, {args.runs} passes, ms: median (min-max)")
        for label, values in start_up(args.runs).items():
            print(f"  {label:<36}{_spread(values, 1000, 1):>24}")
        steps = stages(corpus, args.runs)
        for label, values in steps.items():
            each = statistics.median(values) / len(files) * 1e6
            print(f"  {label:<36}{_spread(values, 1000, 1):>24}  {each:6.1f} µs per file")
        total = [sum(values) for values in zip(*steps.values(), strict=True)]
        print(f"  {'all steps':<36}{_spread(total, 1000, 1):>24}")
    if not args.skip_per_file:
        print(
            f"\n(b) one process per notebook of the real corpus, {args.pairs} pairs with "
            f"{' '.join(BASELINE)}"
        )
        heads = ("CPU / python -c pass", "wall / python -c pass", "CPU ms")
        print(f"{'mode':<27}{heads[0]:>24}{heads[1]:>24}{heads[2]:>18}")
        for mode, (cpu, wall, cpus) in per_file(corpora["real"], args.pairs).items():
            print(
                f"{mode:<27}{_spread(cpu, digits=2):>24}{_spread(wall, digits=2):>24}"
                f"{_spread(cpus, 1000, 1):>18}"
            )


if __name__ == "__main__":
    main()
