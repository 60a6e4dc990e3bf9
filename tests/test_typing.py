"""mypy, strict, over the packages ``[tool.mypy]`` in pyproject.toml names: a type error in them
fails the suite, so CI keeps them typed (the engine's nodes, pipelines, configuration, hooks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_strict_packages_type_check() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
