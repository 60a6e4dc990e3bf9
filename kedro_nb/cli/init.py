"""``kedro-nb init [DIR] [--from NOTEBOOK...] [--name NAME]``: argument parsing and printing only.

The work is :func:`kedro_nb.convert.scaffold.init_project`. ``init_main(argv)`` returns the exit
code (docs/exit-codes.md): 0 the project was created, 2 bad input (a name, a notebook that cannot
be converted, files already there); on 2 nothing is written.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from kedro_nb.cli import EXIT_OK, EXIT_USAGE
from kedro_nb.cli.convert import report_error
from kedro_nb.cli.parsing import CommandParser
from kedro_nb.convert.codegen import TARGETS
from kedro_nb.convert.errors import ConvertError


def _parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="kedro-nb init",
        description="Create the smallest real project (Kedro's layout: pyproject.toml with "
        "[tool.kedro] and [tool.kedro_nb], conf/base, conf/local, data/, src/<package>) in DIR; "
        "with --from, move each notebook's catalog.yml / parameters.yml / credentials.yml into "
        "conf (data paths rewritten to still resolve) and convert it. Nothing that exists is "
        "overwritten: clashes are listed and nothing is written.",
    )
    parser.add_argument("directory", nargs="?", default=".", metavar="DIR", type=Path)
    parser.add_argument(
        "--from",
        dest="notebooks",
        nargs="+",
        action="extend",  # --from a.ipynb --from b.ipynb is both, not only the last
        default=[],
        metavar="NOTEBOOK",
        type=Path,
        help="notebooks to grow the project from",
    )
    parser.add_argument("--name", help="project name (default: DIR's name); gives the package")
    parser.add_argument(
        "--target",
        choices=sorted(TARGETS),
        default="kedro",
        help="generated pipelines import from kedro.pipeline (default: runs under Kedro and "
        "kedro-nb) or kedro_nb.pipeline",
    )
    return parser


def init_main(argv: Sequence[str] | None = None) -> int:
    """``kedro-nb init``; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    from kedro_nb.convert.scaffold import init_project

    try:
        plan = init_project(args.directory, args.notebooks, name=args.name, target=args.target)
    except ConvertError as exc:
        return report_error("init", exc)
    where = plan.shown(plan.root)
    print(
        f"Created project {plan.project_name!r} (package {plan.package_name}) in {where}: "
        f"{len(plan.files)} file(s)"
    )
    for path in plan.extended:
        print(f"  added to {plan.shown(path)}")
    for source, destination in plan.moves.items():
        merged = " (merged with this conversion's proposal)" if destination in plan.merged else ""
        print(f"  moved {plan.shown(source)} -> {plan.shown(destination)}{merged}")
        for old, new in plan.rewritten.get(destination, []):
            print(f"    data path {old} -> {new}")
    for earlier, now in plan.superseded.items():
        print(
            f"  removed {plan.shown(earlier)}: an earlier conversion, no hand edits "
            f"(now {plan.shown(now)})"
        )
    for conversion in plan.conversions:
        for name, nodes in conversion.groups.items():
            print(
                f"  converted {plan.shown(conversion.notebook)}: pipeline {name!r} "
                f"({len(nodes)} nodes) -> {plan.shown(conversion.package_dir(name))}"
            )
        for path in conversion.catalogs:
            print(f"  proposed catalog entries -> {plan.shown(path)}")
    cd = "" if plan.root == Path.cwd().resolve() else f"cd {where} && "
    if plan.conversions:
        print(f"Next: {cd}kedro-nb run   (or `kedro run`, with Kedro: pip install -e '.[kedro]')")
    else:
        print(
            "Next: tag the cells of a pipeline 'node:<name>' in a notebook of the project and "
            "run `kedro-nb convert NOTEBOOK`"
        )
    print("      kedro-nb strip --install   (once per clone: keep notebook outputs out of git)")
    return EXIT_OK
