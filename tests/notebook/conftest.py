"""Fixtures of the notebook tests: a real IPython shell, fresh for each test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def shell(tmp_path: Path, make_shell: Callable[..., InteractiveShell]) -> InteractiveShell:
    """An ``InteractiveShell`` working in ``tmp_path``, with no history file and no notebook."""
    return make_shell(tmp_path)


@pytest.fixture
def loaded(shell: InteractiveShell) -> InteractiveShell:
    """``shell`` after ``%load_ext kedro_nb``."""
    shell.run_line_magic("load_ext", "kedro_nb")
    return shell
