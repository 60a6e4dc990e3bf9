"""Benchmark of the Lab's analysis endpoint: the badges of a 200-cell notebook.

    .venv/bin/python bench/lab_analysis_bench.py [--runs 30]

Target: < 100 ms per answer for a 200-cell notebook. Times, over two notebooks (a generated
200-cell one: setup, 80 chained node cells, exploration and markdown between them; and the
spaceflights example repeated to 200 cells with renamed nodes), both what the handler runs
(``kedro_nb.server.views.analysis``, in process) and the whole HTTP round trip to a real
``jupyter server`` with the extension (token in the header, as the Lab sends it). Prints the
median with min-max, and CPU time: in process per run, and the server's per request (mean
over the runs, from /proc). The peer reference is nbconvert's ``--to python`` export of the
same cells (it only joins cells: no analysis), timed in process.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / ".data" / "lab"


def generated(n_cells: int = 200) -> dict:
    cells = [
        {"cell_type": "code", "source": "import math\n\nSCALE = 2.0\n\n\ndef f(x):\n    return x"},
        {"cell_type": "code", "source": "raw = list(range(1000))"},
    ]
    previous, k = "raw", 0
    while len(cells) < n_cells:
        k += 1
        name = f"step_{k}"
        cells.append({"cell_type": "markdown", "source": f"## Step {k}\nWhat this does."})
        cells.append(
            {
                "cell_type": "code",
                "source": f"# step {k}\nout_{k} = [f(v) * SCALE for v in {previous}]\n"
                f"out_{k} = [math.floor(v) for v in out_{k}]",
                "metadata": {"tags": [f"node:{name}"]},
            }
        )
        cells.append({"cell_type": "code", "source": f"len(out_{k})"})
        previous = f"out_{k}"
    return {"cells": cells[:n_cells]}


def spaceflights_repeated(n_cells: int = 200) -> dict:
    nb = json.loads(
        (REPO / "tests" / "fixtures" / "loose_notebooks" / "spaceflights.ipynb").read_text()
    )
    cells, copy = [], 0
    while len(cells) < n_cells:
        copy += 1
        for cell in nb["cells"]:
            cell = json.loads(json.dumps(cell))
            tags = cell.get("metadata", {}).get("tags", [])
            cell.setdefault("metadata", {})["tags"] = [
                f"{t}_{copy}" if t.startswith("node:") else t for t in tags
            ]
            cell["id"] = f"{cell.get('id')}-{copy}"
            cells.append(cell)
    # later copies rebind the same names: keep one copy's nodes per name to stay a valid pipeline
    for cell in cells[len(nb["cells"]) :]:
        cell["metadata"]["tags"] = []
    return {"cells": cells[:n_cells]}


def for_request(nb: dict) -> list[dict]:
    return [
        {
            "id": cell.get("id") or f"c{i}",
            "cell_type": cell["cell_type"],
            "source": "".join(cell["source"])
            if isinstance(cell["source"], list)
            else cell["source"],
            "metadata": cell.get("metadata", {}),
        }
        for i, cell in enumerate(nb["cells"])
    ]


def timed(work, runs: int, clock=time.perf_counter) -> list[float]:
    """Milliseconds of ``work`` per run on ``clock`` (wall time, or ``time.process_time``
    for this process's CPU time: what a loaded, shared machine distorts least)."""
    work()  # warm: imports, first catalog read
    times = []
    for _ in range(runs):
        start = clock()
        work()
        times.append((clock() - start) * 1000)
    return times


def server_cpu_ms(pid: int) -> float:
    """CPU time (user + system) the server process has used so far, in ms (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def show(label: str, times: list[float]) -> None:
    print(
        f"  {label:<38} median {statistics.median(times):7.1f} ms"
        f"   (min {min(times):.1f}, max {max(times):.1f}, n={len(times)})"
    )


def start_server(root: Path) -> tuple[subprocess.Popen, int, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = secrets.token_hex(16)
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(root / ".runtime")},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}").close()
            return process, port, token
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise SystemExit("jupyter server did not start") from None
            time.sleep(0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    from nbconvert.exporters import PythonExporter
    from nbformat import from_dict

    from kedro_nb.server import views
    from kedro_nb.server.requests import parse_analysis

    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "catalog.yml").write_text("raw_file:\n  type: text.TextDataset\n  filepath: x.txt\n")
    inputs = {
        "generated 200 cells": generated(),
        "spaceflights x12, 200 cells": spaceflights_repeated(),
    }
    process, port, token = start_server(DATA)
    try:
        for label, nb in inputs.items():
            body = {"path": "bench.ipynb", "cells": for_request(nb)}
            request = parse_analysis(body, DATA)
            answer = views.analysis(request)
            assert answer["error"] is None, answer["error"]
            print(f"{label}: {len(nb['cells'])} cells, {len(answer['nodes'])} node cells")
            show(
                "kedro-nb analysis (in process)",
                timed(lambda r=request: views.analysis(r), args.runs),
            )
            show(
                "  the same, CPU time",
                timed(lambda r=request: views.analysis(r), args.runs, time.process_time),
            )
            data = json.dumps(body).encode()

            def over_http(data: bytes = data) -> None:
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/kedro-nb/analysis", data=data, method="POST",
                    headers={"Authorization": f"token {token}"},
                )  # fmt: skip
                with urllib.request.urlopen(req) as response:
                    json.loads(response.read())

            show("kedro-nb analysis (HTTP round trip)", timed(over_http, args.runs))
            before = server_cpu_ms(process.pid)
            for _ in range(args.runs):
                over_http()
            used = (server_cpu_ms(process.pid) - before) / args.runs
            print(f"  {'  server CPU per request (mean)':<38} {used:7.1f} ms")
            notebook = from_dict({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                  "cells": [{**c, "outputs": [], "execution_count": None}
                                            if c["cell_type"] == "code" else c
                                            for c in for_request(nb)]})  # fmt: skip
            exporter = PythonExporter()
            show(
                "nbconvert --to python (reference)",
                timed(lambda e=exporter, n=notebook: e.from_notebook_node(n), args.runs),
            )
    finally:
        process.terminate()
        process.wait(timeout=20)


if __name__ == "__main__":
    main()
