"""The ``kedro-nb`` command: a thin, lazy dispatcher over the packages.

Each subcommand lives in the package that owns it and parses its own arguments with ``argparse``.
This module imports none of them until the subcommand is known, so ``kedro-nb strip FILE``, which a
git filter starts once per file, pays only for the stripper's own imports.
"""

from __future__ import annotations

import sys
from importlib import import_module

TYPE_CHECKING = False  # collections.abc costs the git filter (a process per file) milliseconds
if TYPE_CHECKING:
    from collections.abc import Sequence

# subcommand -> (module, function, one-line help); the function takes argv, returns an exit code.
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "run": ("kedro_nb.project.cli", "run_main", "run a pipeline of the project or a notebook"),
    "runs": ("kedro_nb.project.cli", "runs_main", "list and show the project's run records"),
    "strip": ("kedro_nb.strip.cli", "main", "strip outputs (also as git filter, pre-commit hook)"),
    "convert": ("kedro_nb.convert.cli", "convert_main", "turn node cells into pipeline source"),
    "check": ("kedro_nb.convert.cli", "check_main", "check node cells for hidden state"),
    "sync": ("kedro_nb.convert.cli", "sync_main", "carry edits of nodes.py back into the notebook"),
    "jupyter": ("kedro_nb.notebook.cli", "jupyter_main", "install a kernel that loads kedro-nb"),
}


def _usage() -> str:
    width = max(len(name) for name in SUBCOMMANDS)
    rows = "\n".join(f"  {name:<{width}}  {help_}" for name, (_, _, help_) in SUBCOMMANDS.items())
    return (
        f"usage: kedro-nb <command> [options]\n\ncommands:\n{rows}\n\n"
        "'kedro-nb <command> --help' for a command's options."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``kedro-nb``; returns the process exit code (the console script exits with it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else 2
    if args[0] in ("-V", "--version"):
        from kedro_nb import __version__

        print(f"kedro-nb {__version__}")
        return 0
    command = args[0]
    if command not in SUBCOMMANDS:
        import difflib

        close = difflib.get_close_matches(command, SUBCOMMANDS, n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        print(f"kedro-nb: unknown command {command!r}.{hint}\n\n{_usage()}", file=sys.stderr)
        return 2
    module_name, function_name, _ = SUBCOMMANDS[command]
    function = getattr(import_module(module_name), function_name)
    return int(function(args[1:]) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
