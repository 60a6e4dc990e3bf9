"""Build the notebook corpus of bench/strip_bench.py under bench/.data/strip (gitignored).

Real notebooks come from the sdists of Jupyter projects on PyPI (``pip download --no-deps
--no-binary :all:``); only nbformat 4 files that parse as JSON are kept. Large generated notebooks
(base64 PNG outputs, long streams) bring the corpus to about 100 MB, the size of output-heavy work.
Run it on its own to (re)build: ``.venv/bin/python bench/strip_corpus.py``.
"""

from __future__ import annotations

import base64
import json
import random
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / ".data"
SDISTS = DATA / "sdists"
CORPUS = DATA / "strip" / "corpus"
# Packages whose sdists ship notebooks and whose metadata builds with plain pip (checked by hand:
# jupytext, nbdime, nbformat, voila, nbgrader, statsmodels fail to prepare metadata here).
PACKAGES = [
    "holoviews",
    "hvplot",
    "nbconvert",
    "nbclient",
    "papermill",
    "nbsphinx",
    "nbval",
    "pytest-notebook",
    "nbmake",
    "nbstripout",
    "mkdocs-jupyter",
    "scrapbook",
]
GENERATED = 12  # large notebooks
GENERATED_TARGET_BYTES = 100 * 10**6


def download() -> list[Path]:
    SDISTS.mkdir(parents=True, exist_ok=True)
    for package in PACKAGES:
        stem = package.replace("-", "_").lower()
        if any(p.name.lower().replace("-", "_").startswith(stem + "_") for p in SDISTS.iterdir()):
            continue
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-q",
                "-d",
                str(SDISTS),
                package,
            ],
            check=True,
        )
    return sorted(SDISTS.iterdir())


def _members(archive: Path):
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                if name.endswith(".ipynb"):
                    yield name, zf.read(name)
    else:
        with tarfile.open(archive) as tf:
            for member in tf.getmembers():
                if member.isfile() and member.name.endswith(".ipynb"):
                    yield member.name, tf.extractfile(member).read()


def _is_v4(data: bytes) -> bool:
    try:
        nb = json.loads(data)
    except ValueError:
        return False
    return isinstance(nb, dict) and nb.get("nbformat") == 4 and isinstance(nb.get("cells"), list)


def extract(archives: list[Path]) -> int:
    count = 0
    for archive in archives:
        for name, data in _members(archive):
            if not _is_v4(data):
                continue
            flat = name.replace("/", "__")
            (CORPUS / flat).write_bytes(data)
            count += 1
    return count


def generated_notebook(seed: int, target: int) -> dict:
    """An executed analysis: code, markdown, PNG figures, long logs, HTML tables."""
    rng = random.Random(seed)
    cells, size, n = [], 0, 0
    while size < target:
        n += 1
        png = base64.b64encode(rng.randbytes(rng.randint(20_000, 200_000))).decode() + "\n"
        log = "".join(
            f"epoch {i}: loss={rng.random():.6f} acc={rng.random():.4f}\n"
            for i in range(rng.randint(50, 2000))
        )
        table = (
            "<table>"
            + "".join(f"<tr><td>{i}</td><td>{rng.random()}</td></tr>\n" for i in range(200))
            + "</table>"
        )
        source = [
            f"result_{n} = model.fit(x[{n}], epochs={rng.randint(1, 99)})\n",
            "plot(result)\n",
        ]
        cells.append(
            {
                "cell_type": "markdown",
                "id": f"m{n}",
                "metadata": {},
                "source": [f"## Step {n} — ünïcode ✓\n", "Notes."],
            }
        )
        cells.append(
            {
                "cell_type": "code",
                "execution_count": n,
                "id": f"c{n}",
                "metadata": {
                    "scrolled": True,
                    "ExecuteTime": {"start_time": "2024-01-01T00:00:00Z"},
                },
                "outputs": [
                    {"name": "stdout", "output_type": "stream", "text": log.splitlines(True)},
                    {
                        "data": {
                            "image/png": png,
                            "text/plain": ["<Figure size 640x480 with 1 Axes>"],
                        },
                        "metadata": {},
                        "output_type": "display_data",
                    },
                    {
                        "data": {"text/html": table.splitlines(True), "text/plain": [f"{n}"]},
                        "execution_count": n,
                        "metadata": {},
                        "output_type": "execute_result",
                    },
                ],
                "source": source,
            }
        )
        size += len(png) + len(log) + len(table) + 200
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "widgets": {"state": {}},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def build(force: bool = False) -> Path:
    """Return the corpus folder, building it first if missing (or ``force``)."""
    if CORPUS.is_dir() and any(CORPUS.iterdir()) and not force:
        return CORPUS
    CORPUS.mkdir(parents=True, exist_ok=True)
    for old in CORPUS.iterdir():
        old.unlink()
    real = extract(download())
    real_bytes = sum(p.stat().st_size for p in CORPUS.iterdir())
    per_file = max(1, (GENERATED_TARGET_BYTES - real_bytes) // GENERATED)
    for seed in range(GENERATED):
        nb = generated_notebook(seed, per_file)
        text = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False, separators=(",", ": "))
        (CORPUS / f"generated_{seed:02d}.ipynb").write_text(text + "\n", encoding="utf-8")
    total = sum(p.stat().st_size for p in CORPUS.iterdir())
    print(
        f"corpus: {real} real notebooks ({real_bytes / 1e6:.1f} MB) + {GENERATED} generated, "
        f"{total / 1e6:.1f} MB in {CORPUS}"
    )
    return CORPUS


if __name__ == "__main__":
    build(force="--force" in sys.argv)
