"""What ``%run_pipeline`` does, as plain functions usable without IPython.

A :class:`RunRequest` is a checked description of one run (which pipeline, which slice, which
runner); :func:`run_with_progress` hands it to the session with a progress hook attached;
:func:`failure_report` turns a failed node into the text the user reads (node, source cell and
line, error, the line that resumes); :func:`run_outputs` picks the results a user may
want as notebook variables. The session and runner do the work; this module only connects them.
"""

from __future__ import annotations

import os
import shlex
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_nb.cli.options import slice_flags
from kedro_nb.notebook.displays.params import flatten
from kedro_nb.notebook.names import RUN_PIPELINE_MAGIC
from kedro_nb.pipeline import SliceOptions

if TYPE_CHECKING:
    from kedro_nb.io.protocol import CatalogProtocol
    from kedro_nb.project import KedroNbSession

_OWN_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])  # frames inside kedro_nb are noise


@dataclass
class RunRequest:
    """One checked ``%run_pipeline`` invocation."""

    pipeline_name: str | None = None
    pipeline: Any = None  # set for notebook runs (the notebook's own pipeline)
    notebook: Path | None = None
    #: the notebook path as typed after ``--notebook`` ("" when the kernel's own was found)
    notebook_given: str = ""
    slicing: SliceOptions = field(default_factory=SliceOptions)
    runner: str | None = None
    #: Kedro's ``--async``: the runner loads and saves each node's data in threads
    is_async: bool = False
    #: Kedro's ``--runner-params``: keyword arguments for the runner (``max_workers=4``)
    runner_params: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    only_missing_outputs: bool = False
    #: ``--incremental``: True, or None for the project's ``runner.incremental`` setting
    incremental: bool | None = None
    #: dataset -> version to load (``--like RUN`` pins the versions that run read)
    load_versions: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        what = (
            f"notebook {self.notebook.name}"
            if self.notebook
            else (f"pipeline {self.pipeline_name or '__default__'!r}")
        )
        return f"Run of {what}" + (f" ({self.runner} runner)" if self.runner else "")

    @property
    def record_name(self) -> str | None:
        """The pipeline name the run is recorded under: ``notebook:<file>`` for a notebook's
        node cells, as ``kedro-nb run --notebook`` records it."""
        if self.notebook is not None:
            return f"notebook:{self.notebook.name}"
        return self.pipeline_name

    def magic_line(self, **slicing: str) -> str:
        """The ``%run_pipeline`` line repeating this request, with ``slicing`` flags added."""
        parts = [f"%{RUN_PIPELINE_MAGIC}"]
        if self.notebook is not None:
            parts.append("--notebook")
            if self.notebook_given:
                parts.append(shlex.quote(self.notebook_given))
        elif self.pipeline_name:
            parts.append(shlex.quote(self.pipeline_name))
        if self.runner:
            parts += ["--runner", shlex.quote(self.runner)]
        if self.runner_params:
            text = getattr(self.runner_params, "text", None) or ",".join(
                f"{key}={value}" for key, value in flatten(self.runner_params)
            )
            parts += ["--runner-params", shlex.quote(text)]
        if self.is_async:
            parts.append("--async")
        if self.only_missing_outputs:
            parts.append("--only-missing-outputs")
        if self.params:
            text = getattr(self.params, "text", None) or ",".join(
                f"{key}={value}" for key, value in flatten(self.params)
            )
            parts += ["--params", shlex.quote(text)]
        parts += [f"{flag} {value}" for flag, value in slicing.items()]
        return " ".join(parts)


def _looks_only(source: str) -> bool:
    """True for a cell no node cell can be an edit of, so that running it unsaved is no reason
    for a note: only line magics, shell escapes and comments (``%run_pipeline --notebook`` typed
    in a new cell), or only values looked at (``big``, ``df.shape``, ``print(df["a"])``)."""
    import ast

    lines = [line.strip() for line in source.splitlines() if line.strip()]
    if all(line.startswith(("%", "!", "#")) and not line.startswith("%%") for line in lines):
        return True
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    looked_at = (ast.Name, ast.Attribute, ast.Subscript, ast.Constant)

    def looks(value: ast.expr) -> bool:  # big, df.shape, print(big), display(df["a"])
        if isinstance(value, ast.Call):
            return (
                isinstance(value.func, ast.Name)
                and value.func.id in ("print", "display")
                and not value.keywords
                and all(isinstance(a, looked_at) for a in value.args)
            )
        return isinstance(value, looked_at)

    return all(isinstance(s, ast.Expr) and looks(s.value) for s in body)


def notebook_staleness(notebook: Path, cells_run_since: Callable[[float], list[str]]) -> str | None:
    """A note when the kernel ran code after ``notebook`` was last saved that is not in it.

    ``--notebook`` runs the node cells *as saved*. The kernel cannot see edits, only what it
    executed: a cell run after the last save whose source is not a cell of the saved file was
    edited (or added) since, so the run would not use it. Running saved cells again, or running
    right after a save, is no reason to warn. ``cells_run_since(t)`` gives the sources executed
    after ``t``; ``None`` means the saved file holds everything the kernel ran since.
    """
    from kedro_nb.convert.cells import cell_source, read_notebook

    saved_at = os.stat(notebook).st_mtime
    ran = cells_run_since(saved_at)
    if not ran:
        return None
    try:
        saved = {cell_source(cell).strip() for cell in read_notebook(notebook)["cells"]}
    except Exception:  # unreadable: the run itself will say why
        return None
    unsaved = [
        source
        for source in ran
        if source.strip() and source.strip() not in saved and not _looks_only(source)
    ]
    if not unsaved:
        return None
    count = len(dict.fromkeys(source.strip() for source in unsaved))
    what = "a cell" if count == 1 else f"{count} cells"
    return (
        f"Note: {notebook.name} has changes not saved yet ({what} run since the last save "
        "differ from the saved file); this run uses the saved file. Save the notebook to run "
        "your latest edits."
    )


def run_with_progress(session: KedroNbSession, request: RunRequest, progress: Any) -> Any:
    """Run ``request`` on ``session`` with ``progress`` registered as a hook; returns the run's
    :class:`~kedro_nb.project.records.RunRecord`.

    The hook is removed afterwards whatever happens, so runs never stack progress displays.
    """
    from kedro_nb.hooks import register_hooks

    register_hooks(session.hook_manager, [progress])
    try:
        from kedro_nb.cli.options import run_runner

        return session.run(
            request.record_name,
            pipeline=request.pipeline,
            runner=run_runner(request.runner, request.is_async, request.runner_params),
            only_missing_outputs=request.only_missing_outputs,
            incremental=request.incremental,
            load_versions=request.load_versions or None,
            **_slicing_keywords(request),
        ).record
    finally:
        session.hook_manager.unregister(progress)


def _slicing_keywords(request: RunRequest) -> dict[str, Any]:
    """The request's slicing filters as ``session.run`` keywords."""
    return dict(request.slicing.as_dict())


def dry_run(session: KedroNbSession, request: RunRequest) -> list[str]:
    """What ``request`` run incrementally would do: one line per node ("skipped: unchanged" or
    "runs: <why>") and the counts. Nothing runs and nothing is recorded."""
    from kedro_nb.cli.options import run_runner
    from kedro_nb.runner.incremental import decision_lines

    result = session.run(
        request.record_name,
        pipeline=request.pipeline,
        runner=run_runner(request.runner, request.is_async, request.runner_params),
        incremental=True,
        dry_run=True,
        load_versions=request.load_versions or None,
        **_slicing_keywords(request),
    )
    *lines, counts = decision_lines(result.decisions, {})
    counts = counts.replace("ran", "would run").replace("skipped", "would be skipped")
    return [f"{request.title}, dry run (nothing ran):", *lines, counts]


def _user_frames(error: BaseException) -> list[str]:
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not os.path.abspath(frame.filename).startswith(_OWN_PACKAGE_DIR)
    ]
    return traceback.format_list(frames)


def failure_report(
    error: Any, request: RunRequest, scrub: Callable[[str], str] = lambda text: text
) -> str:
    """The text shown when a node failed: which node, where in the user's code, what error, and
    the ``%run_pipeline`` line that resumes the run. ``error`` is the failing node's own
    exception, with the runner's :class:`~kedro_nb.runner.NodeFailure` attached.

    ``scrub`` (the session's) masks credential values in everything but the resume line, which
    repeats what the user typed.
    """
    from kedro_nb.runner import NodeFailure, node_failure

    failure = node_failure(error) or NodeFailure("?")
    cause = error
    lines = [f"Node {failure.node_name!r} failed: {type(cause).__name__}: {cause}"]
    location = None
    if request.notebook is not None:
        from kedro_nb.convert import cell_location

        location = cell_location(cause)
    if location is not None:
        lines.append(f"  in {location.describe()}:")
        if location.code:
            lines.append(f"      {location.code}")
    else:
        frames = _user_frames(cause)
        if frames:
            lines.append("  Traceback (user code, most recent call last):")
            lines += ["  " + row for frame in frames for row in frame.rstrip().splitlines()]
    completed, saved = failure.completed, failure.saved
    lines.append(
        f"  {len(completed)} node(s) completed before it"
        + (f"; datasets saved: {', '.join(saved)}" if saved else "")
    )
    if failure.resume_from:
        lines.append("Resume with:")
        resume = request.magic_line(**{"--from-nodes": shlex.quote(",".join(failure.resume_from))})
    else:
        lines.append("No node completed: fix the error and run the same line again:")
        flags = slice_flags(request.slicing)
        resume = request.magic_line(**{flag: shlex.quote(v) for flag, v in flags.items()})
    return scrub("\n".join(lines)) + "\n  " + resume


def run_outputs(names: list[str], catalogs: list[CatalogProtocol]) -> dict[str, Any]:
    """The data of each of ``names`` (valid identifiers only), from the first catalog holding
    it: the kernel's memory first, then the run's catalog (persisted outputs are read back)."""
    found: dict[str, Any] = {}
    for name in names:
        if not name.isidentifier():
            continue
        for catalog in catalogs:
            try:
                if name in catalog and catalog.exists(name):
                    found[name] = catalog.load(name)
                    break
            except Exception:  # unreadable here: try the next, else not offered
                continue
    return found
