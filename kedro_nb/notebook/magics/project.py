"""``%reload_project``: re-read configuration and code, then inject the variables again."""

from __future__ import annotations

from pathlib import Path

from IPython.core.error import UsageError
from IPython.core.magic import line_magic, magics_class
from IPython.core.magic_arguments import argument

from kedro_nb.cli.options import key_values
from kedro_nb.notebook.kernel_project import SessionOptions
from kedro_nb.notebook.magics.base import KedroNbMagics, lazy_magic_arguments, parse_line
from kedro_nb.notebook.names import RELOAD_PROJECT_MAGIC


@magics_class
class ReloadMagics(KedroNbMagics):
    """Magics that (re)load the project into the kernel."""

    @lazy_magic_arguments
    @argument("-h", "--help", action="store_true", help="show this help")
    @argument(
        "path",
        nargs="?",
        default=None,
        help="project folder (default: the one loaded, else found upward from the notebook)",
    )
    @argument("--env", default=None, help="configuration environment, e.g. local or prod")
    @argument(
        "--params",
        type=key_values,
        default=None,
        help="runtime parameters k=v,k2.sub=v2 (override parameters.yml)",
    )
    @argument("--conf-source", default=None, help="configuration folder to read instead of conf/")
    @line_magic(RELOAD_PROJECT_MAGIC)  # type: ignore[arg-type, unused-ignore]  # IPython 9 types the magic as Never
    def reload_project(self, line: str) -> None:
        """Re-read the project's configuration and code and inject catalog, params, session and
        pipelines again. The project's own package is purged from ``sys.modules`` so edited
        nodes and pipelines are imported afresh. Options not given keep their current value."""
        args = parse_line(self.reload_project, RELOAD_PROJECT_MAGIC, line)
        if args is None:
            return
        previous = self.project.options
        if args.path is not None:
            path = Path(args.path).expanduser()
            if not path.is_dir():
                raise UsageError(f"%{RELOAD_PROJECT_MAGIC}: {args.path!r} is not a folder.")
            project_path: Path | None = path.resolve()
        else:
            project_path = previous.project_path
        options = SessionOptions(
            project_path=project_path,
            env=args.env if args.env is not None else previous.env,
            conf_source=args.conf_source if args.conf_source is not None else previous.conf_source,
            runtime_params=args.params if args.params is not None else previous.runtime_params,
        )
        old = self.project.session
        if old is not None and getattr(old, "package_name", None):
            from kedro_nb.project.registry import forget_package

            forget_package(old.package_name)
        try:
            self.project.load(options)
        except Exception as exc:  # config or code errors: say which, keep the old session
            raise UsageError(
                f"%{RELOAD_PROJECT_MAGIC}: could not load the project: {type(exc).__name__}: "
                f"{exc} (the previous session stays in place)"
            ) from None
        print(self.project.describe())
