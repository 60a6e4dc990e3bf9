"""A fresh copy of the spaceflights fixture project, and ``kedro-nb`` run as a real command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SPACEFLIGHTS = Path(__file__).resolve().parents[1] / "fixtures" / "spaceflights"


@pytest.fixture
def spaceflights(tmp_path: Path) -> Path:
    """A copy of the Kedro-layout spaceflights project (6 nodes, CSV/pickle/JSON datasets)."""
    target = tmp_path / "spaceflights"
    ignore = shutil.ignore_patterns("__pycache__", ".kedro_nb")
    shutil.copytree(SPACEFLIGHTS, target, ignore=ignore)
    return target


def kedro_nb(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m kedro_nb ARGS`` in ``cwd`` (bytecode caches off: edits between runs are
    read whatever their timestamps)."""
    import os

    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kedro_nb", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=environment,
        timeout=300,
    )


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return kedro_nb


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in the file at ``path``."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))
