"""Fixtures of the notebook tests: a real IPython shell, fresh for each test."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[InteractiveShell]:
    """An ``InteractiveShell`` working in ``tmp_path``, with no history file and no notebook."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / ".ipython"))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    InteractiveShell.clear_instance()
    ip = InteractiveShell.instance(config=config)
    yield ip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ip.extension_manager.unload_extension("kedro_nb")
    ip.cleanup()
    InteractiveShell.clear_instance()


@pytest.fixture
def loaded(shell: InteractiveShell) -> InteractiveShell:
    """``shell`` after ``%load_ext kedro_nb``."""
    shell.run_line_magic("load_ext", "kedro_nb")
    return shell
