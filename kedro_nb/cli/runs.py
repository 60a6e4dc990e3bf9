"""``kedro-nb runs``: list, show, compare and prune the project's run records.

::

    kedro-nb runs                          the latest 20 (--limit N)
    kedro-nb runs show RUN                 everything needed to reproduce RUN by hand
    kedro-nb runs --compare RUN RUN...     side by side: params, metrics, code, inputs
    kedro-nb runs --last N                 the latest N side by side
    kedro-nb runs --best METRIC [--min]    the best run, beside the latest
    kedro-nb runs --prune --keep N [--with-data] [--yes]
    kedro-nb runs [RUN] --explain [NODE]   why each node of the latest (or RUN's) incremental
                                           run ran or was skipped

``--json`` prints any of them as JSON. Exit codes (see :mod:`kedro_nb.cli`): 0 success, 2 a
usage error or an unknown run or metric (one line on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.cli import EXIT_OK, EXIT_USAGE
from kedro_nb.cli.parsing import CommandParser

if TYPE_CHECKING:
    from kedro_nb.project.records import RunRecord

_PROG = "kedro-nb runs"


def _runs_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=_PROG,
        description="List, show, compare and prune the project's run records.",
        epilog="'kedro-nb runs show RUN' (or 'kedro-nb runs RUN') shows one run; a unique "
        "prefix of a run id is enough everywhere.",
    )
    add = parser.add_argument
    add("run_id", nargs="*", help="'show RUN', or RUN: show this run")
    add("--limit", type=int, default=20, help="how many runs to list (default 20)")
    add("--compare", nargs="+", metavar="RUN", help="compare these runs, the first as baseline")
    add("--last", type=int, metavar="N", help="compare the latest N runs (oldest first)")
    add("--best", metavar="METRIC", help="the run with the highest METRIC, beside the latest")
    add("--min", action="store_true", help="with --best: the lowest value is best")
    add("--prune", action="store_true", help="delete all but the newest --keep N records")
    add("--keep", type=int, metavar="N", help="with --prune: how many records to keep")
    add("--with-data", action="store_true", help="with --prune: also delete dataset versions")
    add("--yes", "-y", action="store_true", help="with --prune --with-data: do not ask")
    add(
        "--explain",
        nargs="?",
        const="",
        metavar="NODE",
        help="why each node (or NODE) of the latest incremental run (or RUN) ran or was skipped",
    )
    add("--project", help="project folder (default: found from here)")
    add("--json", action="store_true", help="print JSON instead of text")
    return parser


def _fail(message: str) -> int:
    print(f"{_PROG}: {message}", file=sys.stderr)
    return EXIT_USAGE


def runs_main(argv: Sequence[str]) -> int:
    """``kedro-nb runs``; returns the exit code."""
    parser = _runs_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    from kedro_nb.project.discovery import find_project_root
    from kedro_nb.project.errors import ProjectError
    from kedro_nb.project.records import RunStore

    problem = _check_combination(args)
    if problem:
        return _fail(problem)
    start = Path(args.project or Path.cwd())
    root = find_project_root(start) or start.resolve()
    store = RunStore.for_root(root)
    try:
        if args.explain is not None:
            return _explain(args, store)
        if args.prune:
            return _prune(args, store, root)
        if args.run_id:
            return _show(args, store)
        if args.compare or args.last or args.best:
            return _compare(args, store)
        records = store.list(args.limit)
    except ProjectError as exc:
        return _fail(str(exc))
    if args.json:
        _print_json([_as_dict(r) for r in records])
    elif not records:
        print(f"No runs recorded in {store.path} yet.")
    else:
        print(_table(records))
    return EXIT_OK


def _explain(args: argparse.Namespace, store: Any) -> int:
    """``--explain [NODE]``: the recorded decision of each node of an incremental run."""
    run_id = store.get(args.run_id[0]).run_id if args.run_id else None
    run_id, rows = store.node_rows(run_id)
    if not rows:
        where = f"run {run_id}" if run_id else str(store.path)
        return _fail(
            f"no incremental run recorded in {where}; run 'kedro-nb run --incremental' first."
        )
    if args.explain:
        chosen = [row for row in rows if row["node"] == args.explain]
        if not chosen:
            from kedro_nb.shared import did_you_mean

            known = [row["node"] for row in rows]
            return _fail(
                f"no node {args.explain!r} in run {run_id}."
                + did_you_mean([args.explain], known, n=1)
            )
        rows = chosen
    if args.json:
        _print_json({"run_id": run_id, "nodes": rows})
        return EXIT_OK
    width = max(len(row["node"]) for row in rows)
    print(f"Run {run_id}:")
    for row in rows:
        seconds = f"{row['seconds']:8.3f} s  " if row["seconds"] is not None else " " * 12
        print(f"  {row['node']:<{width}}  {seconds}{row['reason']}")
    ran = sum(1 for row in rows if row["status"] == "ran")
    print(f"{ran} node(s) ran, {len(rows) - ran} skipped")
    return EXIT_OK


def _check_combination(args: argparse.Namespace) -> str | None:
    if args.explain is not None and (args.compare or args.last or args.best or args.prune):
        return "--explain shows one run; give it alone (and optionally RUN)."
    if args.run_id and args.run_id[0] == "show":
        args.run_id = args.run_id[1:]
        if len(args.run_id) != 1:
            return "'show' takes one run id: kedro-nb runs show RUN."
    elif len(args.run_id) > 1:
        runs = " ".join(args.run_id)
        return f"give one run id to show, or compare several: --compare {runs}."
    if args.compare and (args.last or args.best):
        return "give --compare RUN..., or --last N / --best METRIC, not both."
    if args.min and not args.best:
        return "--min goes with --best METRIC."
    if (args.keep is not None or args.with_data) and not args.prune:
        return "--keep and --with-data go with --prune."
    if args.prune and args.keep is None:
        return "--prune needs --keep N (how many of the newest records to keep)."
    if args.last is not None and args.last < 1:
        return f"--last needs a positive number, got {args.last}."
    return None


def _as_dict(record: RunRecord) -> dict[str, Any]:
    from dataclasses import asdict

    return {**asdict(record), "duration": record.duration}


def _print_json(data: Any) -> None:
    import json

    print(json.dumps(data, indent=2, default=str))


def _compare(args: argparse.Namespace, store: Any) -> int:
    from kedro_nb.project.compare import best_in_store, compare

    if args.compare:
        records = [store.get(run_id) for run_id in args.compare]
        best = None
    elif args.best:
        best, latest = best_in_store(store, args.best, minimize=args.min, among=args.last)
        records = [best] if latest is None else [best, latest]
    else:
        records = list(reversed(store.list(args.last)))
        best = None
    if not records:
        print(f"No runs recorded in {store.path} yet.")
        return EXIT_OK
    comparison = compare(records)
    if args.json:
        data = comparison.to_dict()
        if best is not None:
            data["best"] = {
                "run_id": best.run_id,
                "metric": args.best,
                "value": best.metric(args.best),
                "goal": "min" if args.min else "max",
            }
        _print_json(data)
        return EXIT_OK
    if best is not None:
        goal = "lowest" if args.min else "highest"
        value = best.metric(args.best)
        print(f"Best run by {args.best} ({goal}): {best.run_id}  {args.best} = {value:.6g}")
        if len(records) > 1:
            print("compared with the latest run:\n")
    print(comparison.to_text())
    return EXIT_OK


def _show(args: argparse.Namespace, store: Any) -> int:
    from kedro_nb.project.reproduce import reproduce_command, reproduce_steps

    record = store.get(args.run_id[0])
    if args.json:
        _print_json(
            {**_as_dict(record), "versions": record.versions, "command": reproduce_command(record)}
        )
        return EXIT_OK
    print(_details(record, reproduce_steps(record)))
    return EXIT_OK


def _details(record: RunRecord, steps: list[str]) -> str:
    from kedro_nb.project.compare import flatten

    seconds = f", {record.duration:.2f} s" if record.duration is not None else ""
    lines = [
        f"run        {record.run_id}  ({record.status}{seconds})",
        f"pipeline   {record.pipeline_name or '-'}",
        f"started    {record.started_at}",
        f"ended      {record.ended_at or '-'}",
        f"env        {record.env or '-'}",
        f"runner     {record.runner}",
    ]
    if record.git_sha:
        dirty = " (uncommitted changes)" if record.git_dirty else ""
        lines.append(f"git        {record.git_sha}{dirty}")
    else:
        lines.append("git        - (not a git work tree)")
    if record.slicing:
        lines.append("slicing    " + ", ".join(f"{k}={v}" for k, v in record.slicing.items()))
    if record.like_run:
        lines.append(f"like run   {record.like_run}")
    if record.notebook:
        lines.append(f"notebook   {record.notebook}")
        lines += [f"  {node}  cell {cell}" for node, cell in record.cells.items()]
    if record.error:
        lines.append(f"error      {record.error}")

    def section(title: str, values: dict[str, Any]) -> None:
        if values:
            width = max(len(str(key)) for key in values)
            lines.append(title)
            lines.extend(f"  {key:<{width}}  {value}" for key, value in values.items())

    section("params", flatten(record.params) or record.runtime_params)
    section("metrics", {k: f"{v:.6g}" for k, v in record.metrics.items()})
    section("versions read", record.loaded_versions)
    section("versions written", record.saved_versions)
    section("input files (size-mtime)", record.input_fingerprints)
    section("packages", record.packages)
    section("node seconds", {k: f"{v:.3f}" for k, v in record.node_timings.items()})
    lines.append("saved      " + (", ".join(record.saved) or "-"))
    lines.append("to reproduce by hand:")
    lines += [f"  {step}" for step in steps]
    lines.append(f"or: kedro-nb run --like {record.run_id}")
    return "\n".join(lines)


def _prune(args: argparse.Namespace, store: Any, root: Path) -> int:
    from kedro_nb.project.prune import delete_data, plan_prune

    catalog = None
    if args.with_data:
        from kedro_nb.project.session import KedroNbSession

        catalog = KedroNbSession.create(root).build_catalog()
    plan = plan_prune(store, args.keep, catalog)
    if not plan.pruned:
        print(f"Nothing to prune: {plan.kept} record(s), --keep {args.keep}.")
        return EXIT_OK
    if args.with_data:
        for line in plan.skipped:
            print(f"  not deletable (left in place): {line}", file=sys.stderr)
        if plan.data and not args.yes:
            print(f"Deleting {len(plan.pruned)} run record(s) and these dataset versions:")
            for item in plan.data:
                print(f"  {item.dataset}  {item.version}  {item.location}")
            if not _confirm(f"Delete {len(plan.data)} dataset version(s)? [y/N] "):
                print("Nothing deleted.")
                return EXIT_USAGE
        problems = delete_data(plan)
        for line in problems:
            print(f"{_PROG}: could not delete {line}", file=sys.stderr)
    deleted = store.delete([record.run_id for record in plan.pruned])
    data = f" and {len(plan.data)} dataset version(s)" if args.with_data else ""
    if args.json:
        _print_json(
            {
                "deleted_runs": [r.run_id for r in plan.pruned],
                "deleted_data": [f"{d.dataset}@{d.version}" for d in plan.data],
                "kept": plan.kept,
            }
        )
    else:
        print(f"Deleted {deleted} run record(s){data}; kept the newest {plan.kept}.")
    return EXIT_OK


def _confirm(question: str) -> bool:
    print(question, end="", flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        answer = ""
    if not answer:
        print("\n(no answer: add --yes to delete without asking)")
    return answer.strip().lower() in ("y", "yes")


def _table(records: list[Any]) -> str:
    metric_names: dict[str, None] = {}
    for record in records:
        metric_names.update(dict.fromkeys(record.metrics))
    shown = list(metric_names)[:3]
    rows = [("RUN ID", "STATUS", "PIPELINE", "NODES", "SECONDS", "GIT", *shown)]
    for r in records:
        seconds = f"{r.duration:.2f}" if r.duration is not None else "-"
        git = (r.git_sha or "-")[:10] + ("*" if r.git_dirty else "")
        values = [f"{r.metrics[m]:.4g}" if m in r.metrics else "-" for m in shown]
        rows.append(
            (
                r.run_id,
                r.status,
                r.pipeline_name or "-",
                str(len(r.node_timings)),
                seconds,
                git,
                *values,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    text = "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )
    if any(r.git_dirty for r in records):
        text += "\n(* uncommitted changes in the work tree)"
    return text
