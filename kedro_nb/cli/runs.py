"""``kedro-nb runs``: list the project's run records, or show one.

Exit codes (see :mod:`kedro_nb.cli`): 0 success, 2 a usage error or an unknown run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kedro_nb.cli import EXIT_OK, EXIT_USAGE


def _runs_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kedro-nb runs", description="List the project's run records, or show one."
    )
    parser.add_argument("run_id", nargs="?", help="show this run (a unique prefix is enough)")
    parser.add_argument("--limit", type=int, default=20, help="how many runs to list")
    parser.add_argument("--project", help="project folder (default: found from here)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def runs_main(argv: Sequence[str]) -> int:
    """``kedro-nb runs``; returns the exit code."""
    try:
        args = _runs_parser().parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    import json
    from dataclasses import asdict

    from kedro_nb.project.discovery import find_project_root
    from kedro_nb.project.errors import ProjectError
    from kedro_nb.project.records import RunStore

    start = Path(args.project or Path.cwd())
    store = RunStore.for_root(find_project_root(start) or start.resolve())
    try:
        if args.run_id:
            record = store.get(args.run_id)
            print(json.dumps(asdict(record), indent=2) if args.json else _show(record))
            return EXIT_OK
        records = store.list(args.limit)
    except ProjectError as exc:
        print(f"kedro-nb runs: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps([asdict(r) for r in records], indent=2))
    elif not records:
        print(f"No runs recorded in {store.path} yet.")
    else:
        print(_table(records))
    return EXIT_OK


def _table(records: list[Any]) -> str:
    rows = [("RUN ID", "STATUS", "PIPELINE", "NODES", "SECONDS", "GIT")]
    for r in records:
        seconds = f"{r.duration:.2f}" if r.duration is not None else "-"
        rows.append(
            (
                r.run_id,
                r.status,
                r.pipeline_name or "-",
                str(len(r.node_timings)),
                seconds,
                (r.git_sha or "-")[:10],
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def _show(record: Any) -> str:
    lines = [
        f"run        {record.run_id}",
        f"status     {record.status}",
        f"pipeline   {record.pipeline_name}",
        f"started    {record.started_at}",
        f"ended      {record.ended_at or '-'}",
        f"env        {record.env or '-'}",
        f"runner     {record.runner}",
        f"git        {record.git_sha or '-'}",
        f"params     {record.params_hash} {record.runtime_params or ''}".rstrip(),
    ]
    if record.slicing:
        lines.append("slicing    " + ", ".join(f"{k}={v}" for k, v in record.slicing.items()))
    lines.append("nodes")
    lines += [f"  {name}  {seconds:.3f} s" for name, seconds in record.node_timings.items()]
    lines.append("saved      " + (", ".join(record.saved) or "-"))
    if record.error:
        lines.append(f"error      {record.error}")
    return "\n".join(lines)
