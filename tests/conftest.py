"""Settings shared by the whole test suite.

The real ``kedro`` package is a test dependency (the reference the engine is compared against).
It ships a telemetry plugin; the suite runs offline and must stay that way, so telemetry is
disabled for this process and every subprocess it starts, before any test imports kedro.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["DO_NOT_TRACK"] = "1"
os.environ["KEDRO_DISABLE_TELEMETRY"] = "true"


@pytest.fixture
def make_shell(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """``make_shell(folder, load=False)``: a real IPython ``InteractiveShell`` working in
    ``folder`` (IPython's own files under ``folder/.ipython``, history in memory, no notebook
    session), with ``%load_ext kedro_nb`` run when ``load``. Cleared again after the test."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    made: list[InteractiveShell] = []

    def make(folder: Path, *, load: bool = False, ipython_dir: Path | None = None) -> Any:
        monkeypatch.chdir(folder)
        monkeypatch.setenv("IPYTHONDIR", str(ipython_dir or folder / ".ipython"))
        monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        InteractiveShell.clear_instance()
        ip = InteractiveShell.instance(config=config)
        made.append(ip)
        if load:
            ip.run_line_magic("load_ext", "kedro_nb")
        return ip

    yield make
    for ip in made:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ip.extension_manager.unload_extension("kedro_nb")
        ip.cleanup()
    InteractiveShell.clear_instance()
