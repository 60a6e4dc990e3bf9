"""Time ``git add`` of many notebooks through each git filter set-up (run after strip_corpus.py).

kedro-nb's long-running filter process (one process for all files), kedro-nb's per-file clean
filter, nbstripout's filter (``nbstripout --install``), and no filter as the floor. Each run uses a
fresh repository holding the same notebooks; best of REPEAT.
Run: ``.venv/bin/python bench/strip_git_bench.py [--files N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from strip_corpus import build

BIN = Path(sys.executable).parent
KEDRO_NB = str(BIN / "kedro-nb")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def setups() -> dict[str, list[list[str]]]:
    return {
        "no filter": [],
        "kedro-nb --filter-process": [[KEDRO_NB, "strip", "--install"]],
        "kedro-nb --stdin per file": [
            [KEDRO_NB, "strip", "--install"],
            ["git", "config", "--unset", "filter.kedro-nb.process"],
        ],
        "nbstripout per file": [[str(BIN / "nbstripout"), "--install"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = build()
    from kedro_nb.strip import StripError, strip_bytes

    real = []
    for path in sorted(corpus.iterdir()):
        try:
            if not path.name.startswith("generated_") and strip_bytes(path.read_bytes()):
                real.append(path)
        except StripError:  # git would refuse it (required filter): leave it out
            pass
    step = max(1, len(real) // args.files)
    chosen = real[::step][: args.files]
    size = sum(p.stat().st_size for p in chosen)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1")
    print(f"git add of {len(chosen)} real notebooks ({size / 1e6:.1f} MB), best of {args.repeat}")
    print(f"{'filter':<28}{'seconds':>9}{'ms/file':>9}")
    base = Path(tempfile.mkdtemp(prefix="strip-git-bench-"))
    try:
        for name, commands in setups().items():
            best = float("inf")
            for attempt in range(args.repeat):
                repo = base / f"{len(name)}-{attempt}"
                repo.mkdir()
                _git(repo, "init", "-q")
                for command in commands:
                    subprocess.run(command, cwd=repo, check=True, capture_output=True, env=env)
                for path in chosen:
                    shutil.copyfile(path, repo / path.name)
                start = time.perf_counter()
                subprocess.run(
                    ["git", "add", "--", *(p.name for p in chosen)],
                    cwd=repo,
                    check=False,
                    capture_output=True,
                    env=env,
                )
                best = min(best, time.perf_counter() - start)
                shutil.rmtree(repo)
            print(f"{name:<28}{best:>9.3f}{best / len(chosen) * 1000:>9.1f}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
