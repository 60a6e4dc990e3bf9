"""``kedro-nb convert``: argument parsing and printing only; the options it shares with
``kedro-nb check`` and ``kedro-nb sync``.

``convert_main(argv)`` returns the exit code (docs/exit-codes.md): 0 success, 1 problems found
(stale sources under ``--check``, user code failing under ``--execute``), 2 bad input (arguments, a
notebook that cannot be converted); a notebook that fails leaves every file as it was.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from kedro_nb.cli import EXIT_FAILED, EXIT_OK, print_error
from kedro_nb.cli.parsing import CommandParser
from kedro_nb.convert.codegen import TARGETS
from kedro_nb.convert.errors import ConvertError


def notebook_parser(
    command: str, description: str, *, many: bool = True
) -> argparse.ArgumentParser:
    """The parser of ``kedro-nb <command>``, whose first arguments are notebooks
    (``notebooks``, one or more; ``notebook`` when not ``many``)."""
    parser = CommandParser(prog=f"kedro-nb {command}", description=description)
    if many:
        parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", type=Path)
    else:
        parser.add_argument("notebook", metavar="NOTEBOOK", type=Path)
    return parser


def each_notebook(command: str, notebooks: Iterable[Path], handle: Callable[[Path], int]) -> int:
    """``handle`` each notebook in turn and return the worst exit code: a notebook that fails
    with a ConvertError is reported in one line (bad input) and the next one still runs."""
    status = EXIT_OK
    for notebook in notebooks:
        try:
            code = handle(notebook)
        except ConvertError as exc:
            code = report_error(command, exc)
        status = max(status, code)
    return status


def add_project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", metavar="DIR", help="project root (default: found upward)")


def add_pipeline_options(parser: argparse.ArgumentParser) -> None:
    add_project_option(parser)
    parser.add_argument(
        "--pipeline", metavar="NAME", help="only cells of this pipeline (default: every pipeline)"
    )


def add_target_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        choices=sorted(TARGETS),
        default=None,
        help="import nodes from kedro_nb.pipeline or kedro.pipeline (default: what the "
        "project recorded for the notebook at its first conversion, else kedro_nb)",
    )


def report_error(command: str, exc: Exception) -> int:
    """Print a conversion error in one line; returns the exit code of bad input."""
    return print_error(command, str(exc))


def convert_main(argv: Sequence[str] | None = None) -> int:
    """``kedro-nb convert NOTEBOOK... [--check]``: write (or diff) the generated sources."""
    parser = notebook_parser(
        "convert",
        "Turn a notebook's node cells (tag 'node:<name>') into "
        "src/<package>/pipelines/<name>/{__init__,nodes,pipeline}.py, or pipelines/<name>/ "
        "beside the notebook outside a project, plus conf catalog entries for the outputs.",
    )
    add_pipeline_options(parser)
    add_target_option(parser)
    parser.add_argument(
        "--execute",
        action="store_true",
        help="run the nodes once (nothing saved) to pick dataset types from the values",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a unified diff if sources are stale",
    )
    parser.add_argument(
        "--accept-catalog",
        action="store_true",
        help="add the proposed catalog entries to catalog_<pipeline>.yml, where runs read them "
        "(by default they go to proposed_catalog_<pipeline>.yml, which runs do not read)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite generated files even if they were edited by hand (the edits are lost)",
    )
    args = parser.parse_args(argv)
    from kedro_nb.convert.converter import convert_notebook, drift, plan_conversion

    options = {"pipeline": args.pipeline, "project": args.project, "target": args.target}

    def convert_one(notebook: Path) -> int:
        if args.check:
            planned = plan_conversion(notebook, with_catalog=False, **options)
            diff = drift(planned)
            if not diff:
                return EXIT_OK
            sys.stdout.write(diff)
            hint = f"run `{planned.command('convert')}`"
            print(f"{notebook}: generated sources are stale; {hint}", file=sys.stderr)
            return EXIT_FAILED
        values = None
        if args.execute:
            from kedro_nb.convert.check import run_outputs

            try:
                values = run_outputs(notebook, project=args.project, pipeline=args.pipeline)
            except Exception as exc:  # the user's code failed: say where, convert nothing
                from kedro_nb.convert.located import cell_location
                from kedro_nb.runner import node_failure

                where = cell_location(exc)
                failure = node_failure(exc)
                place = (f" node {failure.node_name!r}" if failure else "") + (
                    f" in {where.describe()}" if where else ""
                )
                print(
                    f"kedro-nb convert: --execute failed:{place}: {type(exc).__name__}: {exc}",
                    file=sys.stderr,
                )
                return EXIT_FAILED
        conversion = convert_notebook(
            notebook,
            values=values,
            force=args.force,
            accept_catalog=args.accept_catalog,
            **options,
        )
        for issue in conversion.issues:
            print(f"{notebook}: warning: {issue}", file=sys.stderr)
        if not conversion.groups:
            print(
                f"{notebook}: no node cells: tag the cells of the pipeline 'node:<name>'",
                file=sys.stderr,
            )
        for name, nodes in conversion.groups.items():
            print(
                f"{notebook}: pipeline {name!r} ({len(nodes)} nodes) -> "
                f"{conversion.package_dir(name)}"
            )
        for path in conversion.catalogs:
            if path.name.startswith("catalog"):
                print(f"{notebook}: catalog entries accepted -> {path}")
                continue
            accepted = path.name.removeprefix("proposed_")
            print(
                f"{notebook}: catalog entries proposed -> {path} (runs do not read it: accept "
                f"with `{conversion.command('convert', '--accept-catalog')}` or rename it to "
                f"{accepted})"
            )
        return EXIT_OK

    return each_notebook("convert", args.notebooks, convert_one)
