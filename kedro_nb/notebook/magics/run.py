"""``%run_pipeline``: run a project pipeline, or the notebook's own node cells, with progress."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import line_magic, magics_class
from IPython.core.magic_arguments import argument
from IPython.display import display

from kedro_nb.cli.options import fill_like, magic_options, slice_options
from kedro_nb.notebook.errors import PipelineRunFailed
from kedro_nb.notebook.magics.base import (
    KedroNbMagics,
    lazy_magic_arguments,
    parse_line,
    unknown_names,
)
from kedro_nb.notebook.names import (
    DEFAULT_PIPELINE,
    PIPELINES_VAR,
    RUN_PIPELINE_MAGIC,
)

if TYPE_CHECKING:
    from kedro_nb.project import KedroNbSession

if TYPE_CHECKING:  # the run machinery is imported by the first run, not at %load_ext
    from kedro_nb.notebook.progress import RunProgress
    from kedro_nb.notebook.running import RunRequest

M = RUN_PIPELINE_MAGIC


@magics_class
class RunMagics(KedroNbMagics):
    """Magics that run pipelines."""

    @lazy_magic_arguments
    @argument("-h", "--help", action="store_true", help="show this help")
    @argument("name", nargs="?", default=None, help=f"pipeline name (default: {DEFAULT_PIPELINE})")
    @magic_options()  # shared with kedro-nb run: slicing, runner, --async, params
    @argument(
        "--notebook",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="run the node cells of this notebook's saved file (or of PATH)",
    )
    @argument(
        "--background",
        dest="in_background",
        action="store_true",
        help="run in a background thread and return at once",
    )
    @argument(
        "--like",
        metavar="RUN",
        help="run again like a recorded run (its pipeline, slice, runner, parameters and "
        "load versions; options given here win), saying first what differs now",
    )
    @argument(
        "--into-namespace",
        action="store_true",
        help="afterwards, put every output of the run in the notebook namespace",
    )
    @line_magic(M)  # type: ignore[arg-type, unused-ignore]  # IPython 9 types the magic as Never
    def run_pipeline(self, line: str) -> None:
        """Run a pipeline of the project, or with --notebook the node cells of this notebook,
        showing progress per node and then a summary. Runs are recorded by the session; outputs
        are loadable from ``catalog`` afterwards. A failing node is reported with its source
        cell and the %run_pipeline line that resumes the run."""
        args = parse_line(self.run_pipeline, M, line)
        if args is None:
            return
        from kedro_nb.notebook.progress import LiveDisplay, RunProgress, display_sink, line_sink
        from kedro_nb.notebook.running import run_with_progress

        session = self.session()
        like, load_versions = self._like(args, session) if args.like else (None, {})
        request = self._request(args, session)
        request.load_versions = load_versions
        if request.params:
            session = self._session_with_params(request.params)
        if args.dry_run:
            self._dry_run(session, request, args)
            return
        if not self.project.run_lock.acquire(blocking=False):
            raise UsageError(f"%{M}: another run is still in progress; wait for it to finish.")
        handed_to_thread = False
        try:
            self.project.share_memory(session)  # the kernel's catalog keeps what runs make
            handle = None
            if getattr(self.shell, "kernel", None) is not None:  # Jupyter: one live display
                handle = LiveDisplay()  # shown when the first node starts
            sink = display_sink(handle) if handle is not None else line_sink()
            progress = RunProgress(sink, request.title)
            if args.in_background:
                thread = threading.Thread(
                    target=self._run_in_background,
                    args=(session, request, progress, handle, args.into_namespace),
                    name="kedro-nb-run",
                    daemon=True,
                )
                self.project.background_run = thread
                thread.start()  # the thread releases the lock when the run ends
                handed_to_thread = True
                print(f"{request.title} started in the background.")
                return
            try:
                record = run_with_progress(session, request, progress)
            except Exception as exc:
                failure = self._failure(exc, request, session)
                if handle is not None and isinstance(failure, UsageError):
                    handle.clear()  # refused, not failed: no node table to keep
                raise failure from None
        finally:
            if like is not None and not handed_to_thread:
                from kedro_nb.project.reproduce import mark_reproduction

                mark_reproduction(session, like)
            if not handed_to_thread:
                self._release(session)
        self._finish(session, request, record, progress, handle, args.into_namespace)

    # -- building the request ------------------------------------------------------------
    @staticmethod
    def _like(args: argparse.Namespace, session: KedroNbSession) -> tuple[Any, dict[str, str]]:
        """``--like RUN``: fill the options not given from the recorded run and print what
        differs now; returns the record and the load versions to pin."""
        from kedro_nb.project.errors import ProjectError
        from kedro_nb.project.reproduce import plan_like, plan_summary

        try:
            record = session.store.get(args.like)
        except ProjectError as exc:
            raise UsageError(f"%{M}: {exc}") from None
        plan = plan_like(session, record)
        if args.name is None and args.notebook is None:
            if plan.notebook:
                args.notebook = str(session.project_path / plan.notebook)
            else:
                args.name = plan.pipeline_name
        fill_like(args, plan)
        print("\n".join(plan_summary(plan)))
        return record, plan.load_versions

    def _request(self, args: argparse.Namespace, session: KedroNbSession) -> RunRequest:
        from kedro_nb.notebook.running import RunRequest, notebook_staleness

        request = RunRequest(
            runner=args.runner,
            is_async=args.is_async,
            runner_params=args.runner_params or {},
            params=args.params or {},
            slicing=slice_options(args),
            only_missing_outputs=args.only_missing_outputs,
            incremental=True if args.incremental else None,
        )
        own = getattr(self.shell.user_ns.get(PIPELINES_VAR), "notebook_name", None)
        if args.notebook is None and args.name is not None and args.name == own:
            args.notebook, args.name = "", None  # this notebook's pipeline, by its name
        if args.notebook is not None:
            if args.name:
                raise UsageError(f"%{M}: give a pipeline name or --notebook, not both.")
            request.notebook = self._notebook_file(args.notebook)
            request.notebook_given = args.notebook
            if request.notebook == self.project.notebook_path():  # only this kernel's own
                warning = notebook_staleness(request.notebook, self.project.cells_run_since)
                if warning:
                    print(warning, file=sys.stderr)
            from kedro_nb.convert import notebook_pipeline

            try:
                request.pipeline = notebook_pipeline(request.notebook)
            except Exception as exc:
                raise UsageError(f"%{M}: cannot read {request.notebook.name}: {exc}") from None
            if not request.pipeline.nodes:
                from kedro_nb.convert.cells import NODE_TAG_PREFIX

                raise UsageError(
                    f"%{M}: {request.notebook.name} has no node cells; tag a code cell "
                    f"'{NODE_TAG_PREFIX}<name>' to make it a node (and save the notebook)."
                )
        else:
            name = args.name or DEFAULT_PIPELINE
            known = list(session.pipelines)
            if not known:
                raise UsageError(
                    f"%{M}: no pipelines are registered here ("
                    + ("the project has none" if session.is_project else "no project found")
                    + f"); run this notebook's node cells with %{M} --notebook"
                )
            message = unknown_names("pipeline", [name], known, "this project")
            if message:
                raise UsageError(f"%{M}: {message}")
            request.pipeline_name = args.name
        if args.runner:
            self._check_runner(args.runner)
        return request

    def _dry_run(
        self, session: KedroNbSession, request: RunRequest, args: argparse.Namespace
    ) -> None:
        """``--incremental --dry-run``: print what would run and why; run nothing."""
        from kedro_nb.notebook.running import dry_run

        if not args.incremental:
            raise UsageError(f"%{M}: --dry-run needs --incremental.")
        try:
            lines = dry_run(session, request)
        except Exception as exc:
            raise self._failure(exc, request, session) from None
        finally:
            if session is not self.project.session:
                session.close()
        print("\n".join(lines))

    def _notebook_file(self, given: str) -> Path:
        if given:
            path = Path(given).expanduser()
            if not path.is_file():
                raise UsageError(f"%{M}: notebook {given!r} not found (from {Path.cwd()}).")
            return path.resolve()
        found = self.project.notebook_path()
        if found is None:
            candidates = _notebooks_with_nodes(Path.cwd())
            example = candidates[0] if len(candidates) == 1 else "analysis.ipynb"
            among = f" (node cells in: {', '.join(candidates)})" if len(candidates) > 1 else ""
            raise UsageError(
                f"%{M}: cannot tell which notebook this kernel runs; "
                f"name it: %{M} --notebook {example}{among}"
            )
        return found

    @staticmethod
    def _check_runner(name: str) -> None:
        from kedro_nb.runner import runner_from_name

        try:
            runner_from_name(name)
        except Exception as exc:
            raise UsageError(f"%{M}: {exc}") from None

    def _session_with_params(self, params: dict[str, Any]) -> Any:
        from kedro_nb.config.params import deep_merge
        from kedro_nb.notebook.kernel_project import SessionOptions

        options = self.project.options
        merged = deep_merge(options.runtime_params, params)
        return self.project.create_session(
            SessionOptions(options.project_path, options.env, options.conf_source, merged)
        )

    # -- after the run ---------------------------------------------------------------------
    @staticmethod
    def _failure(exc: Exception, request: RunRequest, session: KedroNbSession) -> Exception:
        from kedro_nb.notebook.running import failure_report
        from kedro_nb.pipeline import PipelineError
        from kedro_nb.runner import node_failure

        if node_failure(exc) is not None:
            return PipelineRunFailed(failure_report(exc, request, session.scrub))
        if isinstance(exc, PipelineError):  # unknown node, dataset, tag... (Pipeline.filter)
            return UsageError(session.scrub(f"%{M}: {exc}"))
        return UsageError(session.scrub(f"%{M}: {type(exc).__name__}: {exc}"))

    def _finish(
        self,
        session: KedroNbSession,
        request: RunRequest,
        record: Any,
        progress: RunProgress,
        handle: Any,
        into_namespace: bool,
    ) -> None:
        from kedro_nb.notebook.displays.run_summary import RunSummary
        from kedro_nb.notebook.kernel_memory import in_memory
        from kedro_nb.notebook.running import run_outputs

        memory = self.project.share_memory(session)
        ran = [node for node in ran_nodes(request, session) if node.name in record.node_timings]
        outputs = [name for node in ran for name in node.outputs]
        injected: list[str] = []
        if into_namespace:  # every output of the run: kept in memory, else read back
            values = run_outputs(outputs, [self.project.catalog, session.catalog])
            if request.notebook is not None:  # the cells' variables, as top to bottom
                from kedro_nb.convert import notebook_namespace

                values = notebook_namespace(request.notebook, values)
            self.shell.push(values)
            injected = list(values)
        kept = in_memory(self.project.catalog) if memory.keeps else {}
        if not memory.keeps:  # keep nothing: free what the run's catalog still holds
            for name in in_memory(session.catalog):  # type: ignore[arg-type]  # session-built
                session.catalog.release(name)
        result = getattr(session, "last_result", None)  # the runner's result: what was skipped
        decisions = getattr(result, "decisions", None) or {}
        summary = RunSummary(
            request.title,
            dict(record.node_timings),
            list(record.saved),
            injected,
            list(getattr(result, "skipped", []))
            if request.only_missing_outputs or decisions
            else [],
            run_id=str(record.run_id),
            kept=[name for name in outputs if name in kept],
            reasons={name: decision.text() for name, decision in decisions.items()},
            node_memory=dict(getattr(record, "node_memory", {}) or {}),
        )
        bundle = {"text/html": summary.html(), "text/plain": summary.text()}
        if handle is not None:
            handle.update(bundle, raw=True)
        else:
            display(bundle, raw=True)

    def _run_in_background(
        self,
        session: KedroNbSession,
        request: RunRequest,
        progress: RunProgress,
        handle: Any,
        into_namespace: bool,
    ) -> None:
        from html import escape

        from kedro_nb.notebook.progress import progress_html
        from kedro_nb.notebook.running import run_with_progress

        try:
            record = run_with_progress(session, request, progress)
            self._finish(session, request, record, progress, handle, into_namespace)
        except Exception as exc:
            report = str(self._failure(exc, request, session))
            if handle is not None:
                handle.update(
                    {
                        "text/html": progress_html(progress) + f"<pre>{escape(report)}</pre>",
                        "text/plain": report,
                    },
                    raw=True,
                )
            else:
                print(report, file=sys.stderr)
        finally:
            self._release(session)

    def _release(self, session: KedroNbSession) -> None:
        """End of a run: a session made for this run's --params releases its runners (a Dask
        cluster it started), then the next run may start."""
        try:
            if session is not self.project.session:
                session.close()
        finally:
            self.project.run_lock.release()


def ran_nodes(request: RunRequest, session: KedroNbSession) -> list[Any]:
    """The nodes of the pipeline the request ran, before slicing (the caller keeps those that
    completed)."""
    if request.pipeline is not None:
        return list(request.pipeline.nodes)
    return list(session.pipelines[request.pipeline_name or DEFAULT_PIPELINE].nodes)


def _notebooks_with_nodes(folder: Path, limit: int = 5) -> list[str]:
    """Names of up to ``limit`` notebooks in ``folder`` whose text has a ``node:`` cell tag.

    A cheap text search (no notebook is parsed): it only picks the name a hint suggests.
    """
    names = []
    for path in sorted(folder.glob("*.ipynb")):
        try:
            if '"node:' in path.read_text(encoding="utf-8", errors="replace"):
                names.append(path.name)
        except OSError:
            continue
        if len(names) == limit:
            break
    return names
