"""Write several files as one unit: every file is replaced, or none is.

All new contents are first written to temp files beside their targets (same folder, so the final
``os.replace`` is atomic on POSIX). Only when every temp file exists are they moved into place; if
a move fails, the files already replaced get their old content back and new files are removed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from kedro_nb.convert.errors import WriteError


def write_files(contents: Mapping[Path, str]) -> list[Path]:
    """Write ``{path: text}`` atomically as a group; returns the paths whose content changed.

    Files whose content is already identical are left untouched (their mtime is kept).
    """
    changed = {
        Path(path): text
        for path, text in contents.items()
        if not Path(path).is_file() or Path(path).read_text(encoding="utf-8") != text
    }
    created_dirs: list[Path] = []
    staged: dict[Path, str] = {}
    try:
        for path, text in changed.items():
            missing = [p for p in [path.parent, *path.parent.parents] if not p.exists()]
            for folder in reversed(missing):
                folder.mkdir()
                created_dirs.append(folder)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged[path] = tmp
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
    except OSError as exc:
        _discard(staged, created_dirs)
        raise WriteError(
            f"Could not stage {len(changed)} file(s): {exc}. Nothing was written."
        ) from exc
    previous: dict[Path, bytes | None] = {}
    try:
        for path, tmp in staged.items():
            previous[path] = path.read_bytes() if path.exists() else None
            os.replace(tmp, path)
    except OSError as exc:
        _rollback(previous)
        _discard(staged, created_dirs)
        raise WriteError(
            f"Could not write {path}: {exc}. The other files of this conversion were restored."
        ) from exc
    return sorted(changed)


def _discard(staged: Mapping[Path, str], created_dirs: list[Path]) -> None:
    for tmp in staged.values():
        Path(tmp).unlink(missing_ok=True)
    for folder in reversed(created_dirs):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _rollback(previous: Mapping[Path, bytes | None]) -> None:
    for path, content in previous.items():
        if content is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(content)
