"""``kedro-nb run``: Kedro's run flags over :class:`KedroNbSession`.

Exit codes (see :mod:`kedro_nb.cli`): 0 success, 1 a node failed (or an unexpected error), 2 a
usage or configuration error. User errors print one line and a hint; ``--verbose`` adds the
traceback. Heavy modules are imported only once the arguments are parsed, and only the pipeline
asked for is imported.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, print_error
from kedro_nb.cli.options import (
    RUN_OPTIONS,
    SLICE_OPTIONS,
    add_options,
    fill_like,
    incremental_options,
    names,
    run_runner,
    slice_options,
)
from kedro_nb.cli.parsing import CommandParser
from kedro_nb.shared import did_you_mean

if TYPE_CHECKING:
    from kedro_nb.project import KedroNbSession
    from kedro_nb.project.records import RunRecord

_VERBOSE_HINT = "(add --verbose for the traceback)"


def _run_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="kedro-nb run",
        description="Run a pipeline of the project (Kedro's 'kedro run' flags).",
    )
    add = parser.add_argument
    add("--pipeline", "-p", help="registered pipeline to run (default: __default__)")
    add("--pipelines", type=names, default=[], help="comma-separated pipelines, run together")
    add_options(parser)  # the options %run_pipeline shares: slicing, runner, params
    add("--env", "-e", help="configuration environment over base (default: local)")
    add("--load-versions", "-lv", type=names, default=[], help="dataset:version pairs to load")
    add("--conf-source", help="configuration folder (default: <project>/conf)")
    add("--config", "-c", help="YAML file whose 'run:' section sets defaults for these options")
    add("--project", help="project folder (default: found from the working directory)")
    add(
        "--notebook",
        help="run the node cells of this notebook (its project, or the catalog.yml and "
        "parameters.yml beside it, supply the data)",
    )
    add(
        "--like",
        metavar="RUN",
        help="run again like a recorded run: its pipeline, slice, runner, env, parameters and "
        "load versions (flags given here win); says first what differs now",
    )
    add("--verbose", "-v", action="store_true", help="show tracebacks and INFO logs")
    return parser


#: keys of a run config file's ``run:`` section (Kedro's option names) -> argparse dest
_CONFIG_KEYS = {
    "pipeline": "pipeline", "pipelines": "pipelines", "nodes": "node_names",
    "namespaces": "node_namespaces", "async": "is_async", "env": "env",
    "load_versions": "load_versions", "conf_source": "conf_source",
    **{option.dest: option.dest for option in RUN_OPTIONS},
}  # fmt: skip
_LIST_DESTS = {"pipelines", "load_versions", *(option.dest for option in SLICE_OPTIONS)}


def _config_defaults(path: str) -> dict[str, Any]:
    """Option defaults from a Kedro run config file (``kedro run --config run.yml``): a YAML
    mapping whose ``run:`` section uses ``kedro run``'s option names. Raises ValueError."""

    import yaml

    try:
        with open(path, encoding="utf-8") as stream:
            data = yaml.safe_load(stream) or {}
    except OSError as exc:
        raise ValueError(f"cannot read run config {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        from kedro_nb.config.files import yaml_error_message

        raise ValueError(yaml_error_message(path, exc)) from None
    section = data.get("run") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        raise ValueError(f"run config {path} needs a 'run:' mapping of option names to values.")
    defaults: dict[str, Any] = {}
    for key, value in section.items():
        dest = _CONFIG_KEYS.get(str(key))
        if dest is None:
            hint = did_you_mean(str(key), _CONFIG_KEYS, n=1)
            raise ValueError(f"unknown key {key!r} in the 'run:' section of {path}.{hint}")
        if dest == "load_versions" and isinstance(value, dict):
            value = [f"{name}:{version}" for name, version in value.items()]
        if dest in _LIST_DESTS and isinstance(value, str):
            value = names(value)
        defaults[dest] = value
    return defaults


def _kedro_cli_slicing(args: argparse.Namespace) -> dict[str, Any]:
    """The slicing filters as ``kedro run`` hands them to ``session.run`` (and so to the
    hooks' ``run_params``): tuples for tags and nodes, lists for the rest, empty when not
    given."""
    slice_options(args)  # validates the combination before anything runs
    return {
        option.dest: (tuple if option.dest in ("tags", "node_names") else list)(
            getattr(args, option.dest) or ()
        )
        for option in SLICE_OPTIONS
    }


def _load_versions(pairs: list[str]) -> dict[str, str]:
    from kedro_nb.project.errors import SessionError

    versions: dict[str, str] = {}
    for pair in pairs:
        name, sep, version = pair.partition(":")
        if not sep or not name.strip() or not version.strip():
            raise SessionError(
                f"--load-versions expects dataset:version pairs, got {pair!r} "
                "(e.g. --load-versions regressor:2024-01-15T10.30.00.123Z)."
            )
        versions[name.strip()] = version.strip()
    return versions


def _resume_command(argv: Sequence[str], resume_from: Sequence[str]) -> str:
    """The same command line, ``--from-nodes`` replaced by the nodes that resume the run."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--from-nodes":
            skip = True
            continue
        if arg.startswith("--from-nodes="):
            continue
        kept.append(arg)
    if resume_from:
        kept += ["--from-nodes", ",".join(resume_from)]
    return shlex.join(["kedro-nb", "run", *kept])


def _is_user_error(exc: BaseException) -> bool:
    from kedro_nb.config import ConfigError
    from kedro_nb.convert.errors import ConvertError
    from kedro_nb.hooks import HookRegistrationError
    from kedro_nb.io import DatasetError
    from kedro_nb.pipeline import PipelineError
    from kedro_nb.project.errors import ProjectError
    from kedro_nb.runner import RunnerError

    return isinstance(
        exc,
        (
            ConfigError,
            ConvertError,
            ProjectError,
            PipelineError,
            DatasetError,
            RunnerError,
            HookRegistrationError,
        ),
    )


def _configure_output(verbose: bool) -> None:
    """Warnings on one line each unless verbose (logging is set once the project is known:
    :func:`kedro_nb.project.logs.configure_logging`)."""
    import warnings

    if not verbose:

        def one_line(message: Any, category: type, *_: Any, **__: Any) -> None:
            first = str(message).strip().splitlines()[0] if str(message).strip() else ""
            print(f"kedro-nb run: {category.__name__}: {first}", file=sys.stderr)

        warnings.showwarning = one_line


def _print_summary(session: KedroNbSession, record: RunRecord, elapsed: float) -> None:
    timings = record.node_timings
    width = max((len(name) for name in timings), default=0)
    print(
        f"Run {record.run_id}: pipeline {record.pipeline_name}, "
        f"{f'env {record.env}' if record.env else 'embedded default config'}, {record.runner}"
    )
    decisions = getattr(session.last_result, "decisions", None)
    if decisions:
        from kedro_nb.runner.incremental import decision_lines

        *lines, counts = decision_lines(decisions, timings, record.node_memory)
        print("\n".join(lines))
        saved = ", ".join(record.saved) if record.saved else "none"
        print(f"{counts} in {elapsed:.2f} s; datasets written: {saved}")
        return
    for name, seconds in timings.items():
        print(f"  {name:<{width}}  {seconds:8.3f} s{_peak(record.node_memory.get(name))}")
    skipped = getattr(session.last_result, "skipped", []) or []
    if skipped:
        print(f"  skipped (outputs exist): {', '.join(skipped)}")
    saved = ", ".join(record.saved) if record.saved else "none"
    print(f"{len(timings)} node(s) in {elapsed:.2f} s; datasets written: {saved}")


def _peak(value: int | None) -> str:
    """``  peak +12.3 MB`` (what the node added to resident memory at most), or nothing."""
    return "" if value is None else f"  peak +{value / 2**20:7.1f} MB"


def _print_dry_run(decisions: dict[str, Any]) -> None:
    from kedro_nb.runner.incremental import decision_lines

    *lines, counts = decision_lines(decisions, {})
    print("Dry run (nothing ran):")
    print("\n".join(lines))
    print(counts.replace("ran", "would run").replace("skipped", "would be skipped"))


def run_main(argv: Sequence[str]) -> int:
    """``kedro-nb run``; returns the exit code."""
    argv = list(argv)
    parser = _run_parser()
    try:
        args = parser.parse_args(argv)
        if args.config:
            parser.set_defaults(**_config_defaults(args.config))
            args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    except ValueError as exc:
        print(f"kedro-nb run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.pipeline and args.pipelines:
        print("kedro-nb run: give --pipeline or --pipelines, not both.", file=sys.stderr)
        return EXIT_USAGE
    _configure_output(args.verbose)
    session = None
    like = None
    started = time.perf_counter()
    try:
        from kedro_nb.project.session import KedroNbSession

        params = dict(args.params or {})
        if args.like:
            like, params = _like(args, params)
        session = KedroNbSession.create(
            args.project,
            start_dir=_notebook_folder(args.notebook),
            env=args.env,
            conf_source=args.conf_source,
            runtime_params=params,
        )
        if not session.is_project and not args.notebook:
            raise _no_project_error(args.project)
        from kedro_nb.project.logs import configure_logging

        configure_logging(
            session.project_path if session.is_project else None,
            session.package_name,
            verbose=args.verbose,
        )
        chosen: dict[str, Any]
        if args.notebook:
            from kedro_nb.convert import notebook_pipeline

            pipeline = notebook_pipeline(
                args.notebook, pipeline=args.pipeline, project=args.project
            )
            if not pipeline.nodes:  # as %run_pipeline --notebook: a run of nothing is a mistake
                from kedro_nb.convert.cells import NODE_TAG_PREFIX

                print(
                    f"kedro-nb run: {Path(args.notebook).name} has no node cells; tag a code "
                    f"cell '{NODE_TAG_PREFIX}<name>' to make it a node (and save the notebook).",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            chosen = {"pipeline_name": f"notebook:{Path(args.notebook).name}", "pipeline": pipeline}
        else:  # as `kedro run`: the hooks see pipeline_names=[] when none was named
            given = [args.pipeline] if args.pipeline else args.pipelines
            chosen = {"pipeline_names": list(dict.fromkeys(given))}
        if args.dry_run and not args.incremental:
            print("kedro-nb run: --dry-run needs --incremental.", file=sys.stderr)
            return EXIT_USAGE
        result = session.run(
            **chosen,
            **_kedro_cli_slicing(args),
            runner=run_runner(args.runner, args.is_async, args.runner_params),
            load_versions=_load_versions(args.load_versions),
            only_missing_outputs=args.only_missing_outputs,
            **incremental_options(args),
        )
        record = result.record
        if args.dry_run:
            _print_dry_run(result.decisions)
            return EXIT_OK
    except KeyboardInterrupt:
        print("kedro-nb run: interrupted.", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:
        return _report_failure(exc, session, argv, args.verbose)
    finally:
        if session is not None:
            if like is not None:
                from kedro_nb.project.reproduce import mark_reproduction

                mark_reproduction(session, like)
            session.close()
    _print_summary(session, record, time.perf_counter() - started)
    return EXIT_OK


def _like(args: argparse.Namespace, params: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """``--like RUN``: fill the options not given from the recorded run, print what differs
    now, and return the record with the runtime parameters to run with (the recorded values,
    ``--params`` over them)."""
    from kedro_nb.project.reproduce import plan_like, plan_summary
    from kedro_nb.project.session import KedroNbSession

    current = KedroNbSession.create(args.project, env=args.env, conf_source=args.conf_source)
    record = current.store.get(args.like)
    if args.env is None and record.env and record.env != current.env:
        args.env = record.env
        current = KedroNbSession.create(args.project, env=args.env, conf_source=args.conf_source)
    plan = plan_like(current, record)
    if not (args.pipeline or args.pipelines or args.notebook):
        if plan.notebook:
            args.notebook = str(current.project_path / plan.notebook)
        else:
            args.pipeline = plan.pipeline_name
    given = dict(pair.partition(":")[::2] for pair in args.load_versions)
    args.load_versions = [f"{k}:{v}" for k, v in {**plan.load_versions, **given}.items()]
    for line in plan_summary(plan):
        print(line)
    if params:
        print(f"  --params over the run's values: {getattr(args.params, 'text', args.params)}")
    args.params = params
    fill_like(args, plan)
    return record, args.params


def _notebook_folder(notebook: str | None) -> Path | None:
    """Where a notebook's session starts looking for its project (or embedded default)."""
    if notebook is None:
        return None
    path = Path(notebook)
    if not path.is_file():
        import difflib

        from kedro_nb.project.errors import ProjectError

        folder = path.parent if path.parent.is_dir() else None
        names = sorted(p.name for p in folder.glob("*.ipynb")) if folder is not None else []
        close = difflib.get_close_matches(path.name, names, n=3)
        hint = f" Did you mean: {', '.join(str(path.parent / c) for c in close)}?" if close else ""
        raise ProjectError(f"--notebook {notebook}: no such file.{hint}")
    return path.resolve().parent


def _no_project_error(project: str | None) -> Exception:
    from kedro_nb.project.errors import ProjectMetadataError

    where = project or "the working directory or any parent"
    return ProjectMetadataError(
        f"No kedro-nb or Kedro project found in {where}: no pyproject.toml with a "
        "[tool.kedro_nb] or [tool.kedro] table. Pass --project DIR, or run inside a project."
    )


def _report_failure(
    exc: Exception, session: KedroNbSession | None, argv: list[str], verbose: bool
) -> int:
    from kedro_nb.runner import node_failure
    from kedro_nb.runner.errors import format_error

    scrub = session.scrub if session is not None else (lambda text: text)
    if verbose:
        print(scrub(format_error(exc)), file=sys.stderr, end="")
    failure = node_failure(exc)
    if failure is not None:
        from kedro_nb.convert.located import cell_location

        location = cell_location(exc)  # a notebook node: its cell and line
        where = f" in {location.describe()}" if location is not None else ""
        print(
            scrub(
                f"kedro-nb run: node '{failure.node_name}' failed{where}: "
                f"{type(exc).__name__}: {exc}"
            ),
            file=sys.stderr,
        )
        if failure.completed:
            completed = ", ".join(failure.completed)
            print(f"  completed before the failure: {completed}", file=sys.stderr)
        if failure.resume_from:
            print(f"  resume with: {_resume_command(argv, failure.resume_from)}", file=sys.stderr)
        else:
            print("  no node completed: fix the error and run the same command.", file=sys.stderr)
        if not verbose:
            print(f"  {_VERBOSE_HINT}", file=sys.stderr)
        return EXIT_FAILED
    from kedro_nb.nbfile import NotebookFileError

    if isinstance(exc, NotebookFileError):  # a bad notebook file: its one line says it all
        return print_error("run", str(exc))
    user_error = _is_user_error(exc)
    first_line = str(exc).strip() or type(exc).__name__
    prefix = "" if user_error else f"{type(exc).__name__}: "
    print(scrub(f"kedro-nb run: {prefix}{first_line}"), file=sys.stderr)
    if not (verbose or user_error):  # bad input is one line: its traceback says nothing more
        print(f"  {_VERBOSE_HINT}", file=sys.stderr)
    return EXIT_USAGE if user_error else EXIT_FAILED
