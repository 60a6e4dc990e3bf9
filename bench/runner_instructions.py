"""Instructions per node of the sequential runner at two chain sizes, counted by valgrind.

Wall and CPU time per node of a long chain move with the machine (caches, other tenants); the
instruction count does not. This runs the same script under ``valgrind --tool=callgrind`` four
times: ten chains of SMALL nodes and one chain of LARGE nodes, each once built and run and once
only built, and prints the instructions a node of running (built-and-run less built-only). Equal
figures at both sizes mean the work per node does not grow with the pipeline; a time ratio
t(LARGE)/t(SMALL) above LARGE/SMALL then comes from the memory hierarchy, not from the code.

Run: ``.venv/bin/python bench/runner_instructions.py [--small 1000] [--large 10000]`` (needs
valgrind; about four minutes).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CHILD = f"""
import gc, logging, sys
sys.path.insert(0, {str(BENCH)!r})
logging.getLogger().setLevel(logging.WARNING)
from kedro_nb.runner import SequentialRunner
from runner_bench import build_ours  # the chain every runner benchmark builds

n, repeats, run = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "run"
chains = [build_ours(n) for _ in range(repeats)]
gc.collect()
if run:
    for pipeline, catalog in chains:
        SequentialRunner().run(pipeline, catalog)
"""


def instructions(script: Path, nodes: int, repeats: int, mode: str, folder: Path) -> int:
    """Instructions callgrind counted for one process of ``script``."""
    out = folder / f"callgrind.{nodes}.{mode}"
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
         str(script), str(nodes), str(repeats), mode],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"runner_instructions: no instruction count from valgrind:\n{done.stderr}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("runner_instructions: no valgrind on PATH (apt-get install valgrind)")
    repeats = max(1, args.large // args.small)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        script = folder / "chain.py"
        script.write_text(CHILD)
        per_node = {}
        for nodes, count in ((args.small, repeats), (args.large, 1)):
            ran = instructions(script, nodes, count, "run", folder)
            built = instructions(script, nodes, count, "build", folder)
            per_node[nodes] = (ran - built) / (nodes * count)
            print(f"{count} x {nodes:,}-node chain: {per_node[nodes]:,.0f} instructions a node")
    ratio = per_node[args.large] / per_node[args.small] * args.large / args.small
    print(
        f"instructions, t({args.large:,}) / t({args.small:,}): {ratio:.2f} (linear: "
        f"{args.large / args.small:g})"
    )


if __name__ == "__main__":
    main()
