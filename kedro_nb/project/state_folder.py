"""The ``.kedro_nb`` folder of a project (or of a notebook's folder): run records and the
configuration cache live there, kept out of git by a ``.gitignore`` of its own."""

from __future__ import annotations

import os
from pathlib import Path

STATE_DIR = ".kedro_nb"


def make_state_folder(folder: Path) -> None:
    """Create ``folder`` and, when it is a ``.kedro_nb`` folder, a ``.gitignore`` of ``*`` in it
    (as pytest does for its cache), so nothing in it is committed by accident."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if folder.name == STATE_DIR and not ignore.exists():
        temporary = folder / f".gitignore.{os.getpid()}.tmp"
        temporary.write_text("# created by kedro-nb: run records stay out of git\n*\n")
        os.replace(temporary, ignore)
