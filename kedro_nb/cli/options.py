"""The one table of run options that ``kedro-nb run`` and ``%run_pipeline`` share.

Each :class:`Option` is written once here, with its flags, help text and how its value is read;
the command line adds them to its ``argparse`` parser with :func:`add_options`, the magic to its
``magic_arguments`` parser with :func:`magic_options`, so both print the same help and a new option
is added in one place. Options only one front door has (``--env``, ``--into-namespace``, ...) stay
with that front door. :func:`slice_options` turns the parsed filters into the
:class:`~kedro_nb.pipeline.SliceOptions` both hand to the session.

``--async`` means what it means in Kedro: each node loads its inputs and saves its outputs in
threads (the runner's ``is_async``). A ``%run_pipeline`` that returns at once and runs in a
background thread is ``--background``.

Only the standard library is imported here: the magic module reads this table at ``%load_ext``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kedro_nb.pipeline import SliceOptions

#: how an option's value is read: a comma-separated list of names, an on/off flag, one value, or
#: runtime parameters (``key=value,group.key=value``)
NAMES, FLAG, VALUE, PARAMS = "names", "flag", "value", "params"


def names(text: str) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]``: the form ``--nodes``/``--tags`` take. Commas inside
    brackets stay, so Kedro's generated node names (``f([a,b]) -> [c]``) can be given."""
    from kedro_nb.config.params import split_top_level

    items = split_top_level(text)
    if not items:
        raise argparse.ArgumentTypeError(f"no names in {text!r}; separate names with commas")
    return items


class GivenParams(dict[str, Any]):
    """Parsed ``--params``, remembering the text typed so a resume line can repeat it verbatim."""

    def __init__(self, parsed: dict[str, Any], text: str) -> None:
        super().__init__(parsed)
        self.text = text


def key_values(text: str) -> GivenParams:
    """``--params`` values, parsed by :func:`kedro_nb.config.parse_params`
    (``"a=1,model.depth=3"`` -> ``{"a": 1, "model": {"depth": 3}}``)."""
    from kedro_nb.config import RuntimeParamsError, parse_params

    try:
        return GivenParams(parse_params(text), text)
    except RuntimeParamsError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass(frozen=True)
class Option:
    """One option: its flags (the long one first), where its value goes, its help text."""

    flags: tuple[str, ...]
    dest: str
    help: str
    kind: str = VALUE
    metavar: str | None = None

    def argparse_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``add_argument`` for this option."""
        kwargs: dict[str, Any] = {"dest": self.dest, "help": self.help}
        if self.kind == FLAG:
            return {**kwargs, "action": "store_true"}
        kwargs["default"] = None
        if self.kind in (NAMES, PARAMS):
            kwargs["type"] = names if self.kind == NAMES else key_values
        if self.metavar:
            kwargs["metavar"] = self.metavar
        return kwargs


#: Kedro's slicing filters; each dest is a field of :class:`~kedro_nb.pipeline.SliceOptions`.
SLICE_OPTIONS: tuple[Option, ...] = (
    Option(("--nodes", "-n"), "node_names", "run only these nodes (comma separated)", NAMES),
    Option(("--from-nodes",), "from_nodes", "run from these nodes and all downstream", NAMES),
    Option(("--to-nodes",), "to_nodes", "run up to these nodes and all they need", NAMES),
    Option(("--from-inputs",), "from_inputs", "run from the nodes reading these datasets", NAMES),
    Option(("--to-outputs",), "to_outputs", "run up to the nodes writing these datasets", NAMES),
    Option(("--tags", "-t"), "tags", "run only nodes with any of these tags", NAMES),
    Option(("--namespaces", "-ns"), "node_namespaces", "run only nodes in these namespaces", NAMES),
)

#: Every option ``kedro-nb run`` and ``%run_pipeline`` share, in help order.
RUN_OPTIONS: tuple[Option, ...] = (
    *SLICE_OPTIONS,
    Option(
        ("--runner", "-r"),
        "runner",
        "sequential (default), thread, parallel, dask, a dask:// address, or a runner class path",
    ),
    Option(
        ("--runner-params",),
        "runner_params",
        "keyword arguments for the runner: max_workers=4 (Kedro's --runner-params)",
        PARAMS,
    ),
    Option(
        ("--async",),
        "is_async",
        "load inputs and save outputs of each node in threads (Kedro's --async)",
        FLAG,
    ),
    Option(("--params",), "params", "runtime parameters: key=value,group.key=value", PARAMS),
    Option(
        ("--only-missing-outputs",),
        "only_missing_outputs",
        "skip nodes whose persisted outputs already exist",
        FLAG,
    ),
    Option(
        ("--incremental",),
        "incremental",
        "skip nodes whose code, parameters and data did not change since their last "
        "successful run (default: [tool.kedro_nb.runner] incremental)",
        FLAG,
    ),
    Option(
        ("--dry-run",),
        "dry_run",
        "with --incremental: say per node whether it would run and why; run nothing",
        FLAG,
    ),
)


def add_options(parser: argparse.ArgumentParser, options: tuple[Option, ...] = RUN_OPTIONS) -> None:
    """Add ``options`` to an ``argparse`` parser (the ``kedro-nb run`` command line)."""
    for option in options:
        parser.add_argument(*option.flags, **option.argparse_kwargs())


def magic_options(
    options: tuple[Option, ...] = RUN_OPTIONS,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A decorator adding ``options`` to a magic's ``magic_arguments`` parser, in table order;
    put it with the magic's own ``@argument`` decorators (they come first in the help)."""
    from IPython.core.magic_arguments import argument

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):  # magic_arguments adds the top decorator first
            func = argument(*option.flags, **option.argparse_kwargs())(func)
        return func

    return decorate


def run_runner(name: str | None, is_async: bool, params: Mapping[str, Any] | None = None) -> Any:
    """What ``session.run(runner=...)`` takes for ``--runner NAME``, ``--runner-params`` and
    ``--async``: the name (the session keeps one runner per name), or a runner built with those
    keyword arguments (``--async`` adds ``is_async=True``, as Kedro's ``kedro run`` does).
    Raises :class:`~kedro_nb.runner.RunnerOptionError` for an argument the runner does not
    take."""
    options = dict(params or {})
    if is_async:
        options["is_async"] = True
    if not options:
        return name
    from kedro_nb.runner import RunnerOptionError, runner_from_name

    try:
        return runner_from_name(name or "sequential", **options)
    except TypeError as exc:
        given = ", ".join(f"{key}={value!r}" for key, value in options.items())
        raise RunnerOptionError(
            f"The runner {name or 'sequential'!r} does not take --runner-params {given}: {exc}."
        ) from None


def slice_options(args: argparse.Namespace) -> SliceOptions:
    """The slicing filters of parsed arguments, as one value for ``session.run``."""
    from kedro_nb.pipeline import SliceOptions

    return SliceOptions(**{option.dest: getattr(args, option.dest) for option in SLICE_OPTIONS})


def fill_like(args: argparse.Namespace, plan: Any) -> None:
    """``--like RUN`` (both front doors): the shared options not given here taken from the
    recorded run's plan (a ``kedro_nb.project.reproduce.LikePlan``): its slice, runner and
    ``only_missing_outputs``, and its parameter values with ``--params`` over them."""
    from kedro_nb.config.params import deep_merge

    if not slice_options(args):
        for key, values in plan.slicing.items():  # SliceOptions fields, the options' dests
            setattr(args, key, list(values))
    args.runner = args.runner or plan.runner
    args.only_missing_outputs = args.only_missing_outputs or plan.only_missing_outputs
    args.params = deep_merge(plan.params, dict(args.params or {}))


def incremental_options(args: argparse.Namespace) -> dict[str, Any]:
    """``session.run``'s ``incremental`` and ``dry_run`` from parsed ``--incremental`` and
    ``--dry-run`` (no ``--incremental``: the project's setting decides)."""
    return {
        "incremental": True if args.incremental else None,
        "dry_run": bool(args.dry_run),
    }


def slice_flags(options: SliceOptions) -> dict[str, str]:
    """The flags that give ``options`` again, to their comma-joined values
    (``{"--tags": "a,b"}``), for the line that repeats or resumes a run."""
    return {
        option.flags[0]: ",".join(values)
        for option in SLICE_OPTIONS
        if (values := getattr(options, option.dest))
    }
