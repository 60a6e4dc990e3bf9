"""Notebook builders shared by the convert tests (imported via conftest's sys.path entry)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

Cell = tuple  # ("code", source, tags, metadata) / ("md", source)

# generated sources must pass these rules whatever configuration surrounds them; add the path
RUFF_GENERATED = [
    str(Path(sys.executable).parent / "ruff"),
    "check",
    "--no-cache",
    "--isolated",
    "--line-length",
    "100",
    "--select",
    "E,F,W,I,B,UP,SIM,RUF",
]


def code(source: str, node: str | None = None, *, cell_tags: list[str] | None = None, **meta: Any):
    """A code cell spec; ``node`` adds the tag ``node:<node>``, ``meta`` the kedro_nb metadata."""
    all_tags = list(cell_tags or []) + ([f"node:{node}"] if node else [])
    return ("code", source, all_tags, meta)


def md(source: str):
    return ("md", source)


def build_notebook(cells: list[Cell]) -> nbformat.NotebookNode:
    nb = new_notebook()
    for number, spec in enumerate(cells):
        if spec[0] == "md":
            cell = new_markdown_cell(spec[1])
        else:
            cell = new_code_cell(spec[1])
            if spec[2]:
                cell.metadata["tags"] = spec[2]
            if spec[3]:
                cell.metadata["kedro_nb"] = spec[3]
        cell["id"] = f"c{number:02d}"
        nb.cells.append(cell)
    return nb


def kernel_result(nb: nbformat.NotebookNode, workdir: Path, collect: str) -> Any:
    """Execute ``nb`` top to bottom in a real kernel (nbclient) working in ``workdir``, then
    return what the expression ``collect`` evaluates to in the kernel (pickled across; the
    pickle file is removed). ``nb`` gets the collecting cell appended."""
    import pickle
    import uuid

    from nbclient import NotebookClient

    from tests.kernels import IpcKernelManager

    dump = workdir / f"kernel-{uuid.uuid4().hex}.pkl"
    nb.cells.append(
        new_code_cell(
            f"import pickle\nwith open({str(dump)!r}, 'wb') as f:\n    pickle.dump({collect}, f)"
        )
    )
    NotebookClient(
        nb,
        timeout=120,
        startup_timeout=180,  # a kernel starting on a busy machine (60 s by default)
        kernel_manager_class=IpcKernelManager,  # no TCP port to race for
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    ).execute()
    try:
        return pickle.loads(dump.read_bytes())
    finally:
        dump.unlink()


def kernel_globals(notebook: Path, names: list[str], workdir: Path | None = None) -> dict:
    """Run ``notebook`` top to bottom in a real kernel (in ``workdir``, default its folder);
    the kernel's globals ``names``, by name."""
    nb = nbformat.read(notebook, as_version=4)
    collect = f"{{k: globals()[k] for k in {list(names)!r}}}"
    return kernel_result(nb, workdir or notebook.parent, collect)
