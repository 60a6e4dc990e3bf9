"""``kedro-nb jupyter``: Jupyter set-up commands (today: ``setup``, the kernelspec)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kedro_nb.cli import EXIT_OK, EXIT_USAGE
from kedro_nb.cli.kernelspec import DEFAULT_KERNEL_NAME, EXTENSION_NAME, KernelspecError
from kedro_nb.cli.parsing import CommandParser


def _parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="kedro-nb jupyter", description="Set Jupyter up to work with kedro-nb."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    setup = commands.add_parser(
        "setup",
        help="install a kernelspec that starts with kedro-nb loaded",
        description=(
            "Install a Jupyter kernel for this Python environment that loads the "
            f"{EXTENSION_NAME} extension at start, so notebooks need no %%load_ext line."
        ),
    )
    setup.add_argument(
        "--name",
        default=DEFAULT_KERNEL_NAME,
        help=f"kernelspec name (default: {DEFAULT_KERNEL_NAME})",
    )
    setup.add_argument("--display-name", default=None, help="name shown in Jupyter's kernel menu")
    where = setup.add_mutually_exclusive_group()
    where.add_argument(
        "--user", action="store_true", help="install for the current user (the default)"
    )
    where.add_argument("--prefix", default=None, help="install into PREFIX/share/jupyter/kernels")
    where.add_argument(
        "--sys-prefix", action="store_true", help="install into this environment (sys.prefix)"
    )
    return parser


def jupyter_main(argv: Sequence[str] | None = None) -> int:
    """Run ``kedro-nb jupyter``; returns the exit code: 0 installed, 2 bad input (a kernelspec that
    cannot be written: bad name, unwritable folder)."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    from kedro_nb.cli.kernelspec import default_display_name, install_kernelspec

    prefix = sys.prefix if args.sys_prefix else args.prefix
    display_name = args.display_name or default_display_name()
    try:
        path = install_kernelspec(args.name, display_name, user=prefix is None, prefix=prefix)
    except KernelspecError as exc:
        print(f"kedro-nb jupyter setup: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Installed kernel {display_name!r} ({args.name}) in {path}.")
    print("Pick it in Jupyter's kernel menu: its notebooks start with kedro-nb loaded.")
    return EXIT_OK
