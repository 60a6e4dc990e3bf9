"""Set up, remove and report the git filter that strips notebooks as they are staged.

``git add`` runs the clean filter on each notebook, so the committed blob has no outputs while the
working copy keeps them; the smudge filter is ``cat``; ``process`` serves both from one process for
all files (git's long-running filter protocol; ``clean``/``smudge`` remain for older git); the
``ipynb`` diff driver's textconv makes ``git diff`` compare stripped text. ``required`` makes git
refuse to stage a notebook the filter cannot read (invalid JSON) rather than silently commit its
outputs. Every key is spelled once, below.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kedro_nb.strip.errors import GitError

FILTER_DRIVER = "kedro-nb"
DIFF_DRIVER = "ipynb"
CLEAN_KEY = f"filter.{FILTER_DRIVER}.clean"
SMUDGE_KEY = f"filter.{FILTER_DRIVER}.smudge"
PROCESS_KEY = f"filter.{FILTER_DRIVER}.process"
REQUIRED_KEY = f"filter.{FILTER_DRIVER}.required"
TEXTCONV_KEY = f"diff.{DIFF_DRIVER}.textconv"
CONFIG_KEYS = (CLEAN_KEY, SMUDGE_KEY, PROCESS_KEY, REQUIRED_KEY, TEXTCONV_KEY)
ATTRIBUTES_LINE = f"*.ipynb filter={FILTER_DRIVER} diff={DIFF_DRIVER}"

SCOPES = ("local", "global")


@dataclass(frozen=True)
class FilterStatus:
    """What ``--status`` reports: git config values (None when unset) and the attributes file."""

    scope: str
    config: dict[str, str | None] = field(default_factory=dict)
    attributes_file: Path | None = None
    attributes_installed: bool = False

    @property
    def installed(self) -> bool:
        """True when the clean filter is configured and the attributes select it for notebooks."""
        return bool(self.config.get(CLEAN_KEY)) and self.attributes_installed


def strip_command(strip_args: Sequence[str] = ()) -> str:
    """The shell command that runs ``kedro-nb strip`` with this interpreter (no PATH lookup)."""
    bin_dir = Path(sys.executable).parent
    script = bin_dir / ("kedro-nb.exe" if os.name == "nt" else "kedro-nb")
    base = (
        shlex.quote(str(script))
        if script.is_file()
        else f"{shlex.quote(sys.executable)} -m kedro_nb"
    )
    return " ".join([base, "strip", *(shlex.quote(arg) for arg in strip_args)])


def install(
    *,
    scope: str = "local",
    attributes: str | os.PathLike[str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    strip_args: Sequence[str] = (),
) -> FilterStatus:
    """Configure the filter and diff driver in git config and add the attributes line (idempotent).

    ``strip_args`` are extra ``kedro-nb strip`` options baked into the filter command (such as
    ``--extra-keys``), so each filter run needs no git lookups of its own.
    """
    attributes_file = _attributes_file(scope, attributes, cwd)
    command = strip_command(strip_args)
    values = {
        CLEAN_KEY: f"{command} --stdin",
        SMUDGE_KEY: "cat",
        PROCESS_KEY: f"{command} --filter-process",  # one process for all files (git >= 2.11)
        REQUIRED_KEY: "true",
        TEXTCONV_KEY: f"{command} --textconv",
    }
    for key, value in values.items():
        _git(["config", f"--{scope}", key, value], cwd)
    lines = _read_lines(attributes_file)
    if ATTRIBUTES_LINE not in lines:
        _write_lines(attributes_file, [*lines, ATTRIBUTES_LINE])
    return status(scope=scope, attributes=attributes_file, cwd=cwd)


def uninstall(
    *,
    scope: str = "local",
    attributes: str | os.PathLike[str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> FilterStatus:
    """Remove our git config keys and attributes line; other settings and lines are left alone."""
    attributes_file = _attributes_file(scope, attributes, cwd)
    for key in CONFIG_KEYS:
        _git(["config", f"--{scope}", "--unset-all", key], cwd, ok_codes=(0, 5))
    # the filter section is ours alone; the diff driver may carry the user's own keys, so it stays
    _git(
        ["config", f"--{scope}", "--remove-section", f"filter.{FILTER_DRIVER}"],
        cwd,
        ok_codes=(0, 1, 128),
    )
    lines = _read_lines(attributes_file)
    if ATTRIBUTES_LINE in lines:
        kept = [line for line in lines if line != ATTRIBUTES_LINE]
        if any(line.strip() for line in kept):
            _write_lines(attributes_file, kept)
        else:
            attributes_file.unlink()
    return status(scope=scope, attributes=attributes_file, cwd=cwd)


def status(
    *,
    scope: str = "local",
    attributes: str | os.PathLike[str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> FilterStatus:
    """Read back the filter's git config values and whether the attributes line is present."""
    attributes_file = _attributes_file(scope, attributes, cwd)
    config = {
        key: _git(["config", f"--{scope}", "--get", key], cwd, ok_codes=(0, 1)) or None
        for key in CONFIG_KEYS
    }
    return FilterStatus(
        scope, config, attributes_file, ATTRIBUTES_LINE in _read_lines(attributes_file)
    )


def _attributes_file(
    scope: str, attributes: str | os.PathLike[str] | None, cwd: str | os.PathLike[str] | None
) -> Path:
    if scope not in SCOPES:
        raise GitError(f"unknown git config scope {scope!r}; expected one of {', '.join(SCOPES)}")
    if attributes is not None:
        path = Path(attributes).expanduser()
        return path if path.is_absolute() else Path(cwd or os.getcwd()) / path
    if scope == "local":
        top = _git(["rev-parse", "--show-toplevel"], cwd)
        return Path(top) / ".gitattributes"
    configured = _git(["config", "--global", "--get", "core.attributesFile"], cwd, ok_codes=(0, 1))
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(xdg) / "git" / "attributes"


def _git(
    args: list[str], cwd: str | os.PathLike[str] | None, ok_codes: Sequence[int] = (0,)
) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise GitError(
            "git is not installed or not on PATH; install git to use the filter"
        ) from exc
    if done.returncode not in ok_codes:
        message = done.stderr.strip() or f"exit code {done.returncode}"
        if "not a git repository" in message:
            raise GitError(
                f"{Path(cwd or os.getcwd())}: not inside a git repository; run "
                "'git init' first or use --global"
            )
        raise GitError(f"'git {' '.join(args)}' failed: {message}")
    return done.stdout.strip() if done.returncode == 0 else ""


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise GitError(f"{path}: cannot read the attributes file ({exc.strerror or exc})") from exc


def _write_lines(path: Path, lines: list[str]) -> None:
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write("\n".join(lines) + "\n")
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        raise GitError(f"{path}: cannot write the attributes file ({exc.strerror or exc})") from exc
