"""The ``kedro-nb`` command: a thin, lazy dispatcher over one module per command.

All command-line code lives in this package: each command's module parses its own arguments,
calls down into the packages that do the work (convert, project, strip, ...) and prints the
outcome. This module imports none of them until the command is known, so ``kedro-nb strip FILE``,
which a git filter starts once per file, pays only for the stripper's own imports.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # collections.abc costs the git filter (a process per file) milliseconds
if TYPE_CHECKING:
    from collections.abc import Sequence

# The exit codes of every command (docs/exit-codes.md). Defined here, the one module each command's
# process has already imported, so the git filter pays nothing for them.
EXIT_OK = 0  #: done
EXIT_FAILED = 1  #: the work ran and failed or found problems (a node raised, --check found work)
EXIT_USAGE = 2  #: bad input: arguments, configuration, a file that cannot be read; nothing changed

# subcommand -> (module, function, one-line help); the function takes argv, returns an exit code.
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "run": ("kedro_nb.cli.run", "run_main", "run a pipeline of the project or a notebook"),
    "runs": ("kedro_nb.cli.runs", "runs_main", "list and show the project's run records"),
    "strip": ("kedro_nb.cli.strip", "main", "strip outputs (also as git filter, pre-commit hook)"),
    "convert": ("kedro_nb.cli.convert", "convert_main", "turn node cells into pipeline source"),
    "check": ("kedro_nb.cli.check", "check_main", "check node cells for hidden state"),
    "sync": ("kedro_nb.cli.sync", "sync_main", "carry edits of nodes.py back into the notebook"),
    "init": ("kedro_nb.cli.init", "init_main", "grow notebooks into a project (Kedro's layout)"),
    "jupyter": ("kedro_nb.cli.jupyter", "jupyter_main", "install a kernel that loads kedro-nb"),
}


def error_line(command: str, message: str) -> str:
    """The one line every command's error is: ``kedro-nb <command>: <message>``.

    ``command`` is the command's name (``"run"``) or its full ``prog`` (``"kedro-nb run"``).
    Kept free of imports: the git filter's error path uses it too."""
    prog = command if command.startswith("kedro-nb") else f"kedro-nb {command}"
    return f"{prog}: {message}"


def print_error(command: str, message: str) -> int:
    """Print :func:`error_line` on stderr; returns ``EXIT_USAGE`` (bad input) to exit with."""
    print(error_line(command, message), file=sys.stderr, flush=True)
    return EXIT_USAGE


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
        return EXIT_OK if args else EXIT_USAGE
    if args[0] in ("-V", "--version"):
        from kedro_nb import __version__

        print(f"kedro-nb {__version__}")
        return EXIT_OK
    command = args[0]
    if command not in SUBCOMMANDS:
        from kedro_nb.shared import did_you_mean

        hint = did_you_mean(command, SUBCOMMANDS)
        message = f"unknown command {command!r}.{hint} (see kedro-nb --help)"
        print(f"kedro-nb: {message}", file=sys.stderr)
        return EXIT_USAGE
    module_name, function_name, _ = SUBCOMMANDS[command]
    # __import__ rather than importlib.import_module: importing importlib (and the warnings module
    # it loads) is a tenth of what a git filter's process pays on top of Python's own start-up
    __import__(module_name)
    function = getattr(sys.modules[module_name], function_name)
    try:
        return int(function(args[1:]) or 0)
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """The process reading our output closed it (``kedro-nb run | head``): stop quietly, as Unix
    tools do, rather than with a traceback. stdout goes to the null device so that Python's own
    flush at exit does not fail a second time."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_FAILED
