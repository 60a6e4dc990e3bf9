"""``kedro-nb check``: argument parsing and printing only.

``check_main(argv)`` returns the exit code (docs/exit-codes.md): 0 every node isolated, 1 a problem
found, 2 bad input (arguments, a notebook that cannot be read or analysed).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kedro_nb.cli import EXIT_FAILED, EXIT_OK, print_error
from kedro_nb.cli.convert import add_project_option, each_notebook, notebook_parser


def check_main(argv: Sequence[str] | None = None) -> int:
    """``kedro-nb check NOTEBOOK... [--execute]``: report node cells that are not isolated."""
    parser = notebook_parser(
        "check",
        "Warn about node cells that mutate their inputs, read undefined names or "
        "state defined in exploration cells; --execute also runs every node in a namespace "
        "holding only its declared inputs. Exit code 1 when a problem is found.",
    )
    add_project_option(parser)
    parser.add_argument("--execute", action="store_true", help="run each node in isolation")
    parser.add_argument("--runner", default="sequential", help="runner for --execute")
    args = parser.parse_args(argv)
    if args.execute:  # a misspelt runner is bad input, not a problem found in each notebook
        from kedro_nb.runner import UnknownRunnerError, runner_from_name

        try:
            runner_from_name(args.runner)
        except UnknownRunnerError as exc:
            return print_error("check", f"--runner: {exc}")
    from kedro_nb.convert.check import check_notebook

    def check_one(notebook: Path) -> int:
        report = check_notebook(
            notebook, execute=args.execute, project=args.project, runner=args.runner
        )
        print(report.format())
        return EXIT_OK if report.ok else EXIT_FAILED

    return each_notebook("check", args.notebooks, check_one)
