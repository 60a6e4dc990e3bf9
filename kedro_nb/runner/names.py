"""``runner_from_name``: a runner from the name a user types (``--runner``, ``%run_pipeline``)."""

from __future__ import annotations

import importlib
from typing import Any

from kedro_nb.runner.errors import UnknownRunnerError
from kedro_nb.shared import did_you_mean

#: Aliases accepted by :func:`runner_from_name`, to the class they build.
RUNNER_ALIASES = {
    "sequential": "kedro_nb.runner.sequential.SequentialRunner",
    "thread": "kedro_nb.runner.thread.ThreadRunner",
    "parallel": "kedro_nb.runner.parallel.ParallelRunner",
    "dask": "kedro_nb.runner.dask_runner.DaskRunner",
}
_CLASS_NAMES = {path.rsplit(".", 1)[1]: path for path in RUNNER_ALIASES.values()}
_DASK_SCHEMES = ("dask://", "tcp://", "tls://")


def runner_from_name(name: str, **options: Any) -> Any:
    """Build a runner from ``name``, passing ``options`` to its constructor.

    Accepted: an alias ("sequential", "thread", "parallel", "dask"), a class name
    ("ThreadRunner"), a scheduler address for Dask ("dask://127.0.0.1:8786" or
    "tcp://127.0.0.1:8786"), or a dotted path to a runner class ("my_pkg.runners.MyRunner",
    Kedro's runners included).

    Raises:
        UnknownRunnerError: the name matches nothing; the message suggests the closest alias.
    """
    text = name.strip()
    lowered = text.lower()
    if lowered.startswith(_DASK_SCHEMES):
        address = "tcp://" + text.split("://", 1)[1] if lowered.startswith("dask://") else text
        return _load_class(RUNNER_ALIASES["dask"])(address, **options)
    if lowered in RUNNER_ALIASES:
        return _load_class(RUNNER_ALIASES[lowered])(**options)
    for alias in RUNNER_ALIASES:
        if lowered in (f"{alias}runner", f"{alias}_runner"):
            return _load_class(RUNNER_ALIASES[alias])(**options)
    if text in _CLASS_NAMES:
        return _load_class(_CLASS_NAMES[text])(**options)
    if "." in text:
        cls = _load_class(text)
        if not (isinstance(cls, type) and callable(getattr(cls, "run", None))):
            raise UnknownRunnerError(f"'{text}' is not a runner class (it has no run method).")
        return cls(**options)
    known = [*RUNNER_ALIASES, *_CLASS_NAMES]
    hint = did_you_mean(lowered, known, n=1, cutoff=0.5) or did_you_mean(
        text, known, n=1, cutoff=0.5
    )
    raise UnknownRunnerError(
        f"Unknown runner '{name}'. Expected one of {sorted(RUNNER_ALIASES)}, a dask:// "
        f"scheduler address, or a dotted path to a runner class.{hint}"
    )


def _load_class(path: str) -> Any:
    module_name, _, attribute = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UnknownRunnerError(
            f"Cannot import module '{module_name}' for runner '{path}': {exc}."
        ) from exc
    try:
        return getattr(module, attribute)
    except AttributeError:
        # the closest attribute, named by its dotted path as --runner takes it
        hint = did_you_mean(attribute, dir(module), n=1).replace(": ", f": {module_name}.", 1)
        raise UnknownRunnerError(
            f"Module '{module_name}' has no runner class '{attribute}'.{hint}"
        ) from None
