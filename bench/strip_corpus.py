"""Build the two notebook corpora of bench/strip_bench.py under bench/.data/strip (gitignored).

``real``: every nbformat 4 notebook in the sdists of twelve Jupyter projects on PyPI (``pip download
--no-deps --no-binary :all:``), 583 files, 7.8 MB: small real notebooks, many already clean, where
start-up and per-file costs dominate.
``outputs``: 52 generated executed analyses of 0.4 to 3.5 MB each, about 100 MB, where large base64
PNG outputs dominate (with long logs and HTML tables): the work of stripping big outputs.
``build()`` returns the union of both (as one folder), for the git benchmark.
Run it on its own to (re)build: ``.venv/bin/python bench/strip_corpus.py [--force]``.
"""

from __future__ import annotations

import base64
import json
import os
import random
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

DATA = Path(__file__).parent / ".data"
SDISTS = DATA / "sdists"
CORPUS = DATA / "strip" / "corpus"  # both corpora together
REAL = DATA / "strip" / "real"
OUTPUTS = DATA / "strip" / "outputs"
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
GENERATED = 52  # output-heavy notebooks
GENERATED_SIZES = (300_000, 2_700_000)  # target bytes of outputs per notebook, drawn uniformly


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


def extract(archives: list[Path], into: Path) -> int:
    count = 0
    for archive in archives:
        for name, data in _members(archive):
            if not _is_v4(data):
                continue
            flat = name.replace("/", "__")
            (into / flat).write_bytes(data)
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


def _fresh(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()


def _ready(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def build_corpora(force: bool = False) -> dict[str, Path]:
    """``{"real": folder, "outputs": folder}``, building either first if missing (or ``force``)."""
    if force or not _ready(REAL):
        _fresh(REAL)
        extract(download(), REAL)
    if force or not _ready(OUTPUTS):
        _fresh(OUTPUTS)
        rng = random.Random(2024)
        for seed in range(GENERATED):
            nb = generated_notebook(seed, rng.randint(*GENERATED_SIZES))
            text = json.dumps(
                nb, sort_keys=True, indent=1, ensure_ascii=False, separators=(",", ": ")
            )
            (OUTPUTS / f"generated_{seed:02d}.ipynb").write_text(text + "\n", encoding="utf-8")
    for name, folder in (("real", REAL), ("outputs", OUTPUTS)):
        files = list(folder.iterdir())
        size = sum(p.stat().st_size for p in files)
        print(f"corpus {name}: {len(files)} notebooks, {size / 1e6:.1f} MB in {folder}")
    return {"real": REAL, "outputs": OUTPUTS}


def build(force: bool = False) -> Path:
    """One folder holding both corpora (links to their files), for bench/strip_git_bench.py."""
    corpora = build_corpora(force)
    if force or not _ready(CORPUS):
        _fresh(CORPUS)
        for folder in corpora.values():
            for path in folder.iterdir():
                os.link(path, CORPUS / path.name)
    return CORPUS


if __name__ == "__main__":
    build(force="--force" in sys.argv)
