"""File helpers shared by the config tests (imported via conftest's sys.path entry)."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write(root: Path, rel: str, text: str) -> Path:
    """Create ``root/rel`` (and its folders) holding ``text`` dedented, as UTF-8."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


#: the loader arguments a Kedro project's settings give (``CONFIG_LOADER_ARGS`` defaults):
#: ``conf/base`` overlaid by ``conf/local``. A bare ``ConfigLoader(conf)`` reads ``conf`` itself.
PROJECT_ARGS = {"base_env": "base", "default_run_env": "local"}
