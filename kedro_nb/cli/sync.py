"""``kedro-nb sync``: argument parsing and printing only.

``sync_main(argv)`` returns the exit code (docs/exit-codes.md): 0 synced (or nothing to sync), 2 bad
input (arguments, a conflict: both a function and its cell changed; nothing is written).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kedro_nb.cli import EXIT_OK
from kedro_nb.cli.convert import (
    add_pipeline_options,
    add_target_option,
    notebook_parser,
    report_error,
)
from kedro_nb.convert.errors import ConvertError


def sync_main(argv: Sequence[str] | None = None) -> int:
    """``kedro-nb sync NOTEBOOK``: carry edits of generated ``nodes.py`` back into the cells."""
    parser = notebook_parser(
        "sync",
        "Copy edits made in the generated nodes.py back into the matching node "
        "cells (matched by cell id), then regenerate. Stops with a conflict report, writing "
        "nothing, when a function and its cell both changed since the last conversion.",
        many=False,
    )
    add_pipeline_options(parser)
    add_target_option(parser)
    parser.add_argument(
        "--force",
        action="store_true",
        help="carry the edits that can be carried and drop those that cannot (listed)",
    )
    args = parser.parse_args(argv)
    from kedro_nb.convert.sync import sync_notebook

    try:
        result = sync_notebook(
            args.notebook,
            pipeline=args.pipeline,
            project=args.project,
            target=args.target,
            force=args.force,
        )
    except ConvertError as exc:
        return report_error("sync", exc)
    for note in result.notes:
        print(f"{args.notebook}: note: {note}", file=sys.stderr)
    if result.updated:
        print(f"{args.notebook}: updated cells of nodes {', '.join(result.updated)}")
    else:
        print(f"{args.notebook}: nothing to sync")
    return EXIT_OK
