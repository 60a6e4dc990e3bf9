"""``%strip``: remove outputs and volatile metadata from this notebook's saved file."""

from __future__ import annotations

from pathlib import Path

from IPython.core.error import UsageError
from IPython.core.magic import line_magic, magics_class
from IPython.core.magic_arguments import argument

from kedro_nb.notebook.magics.base import KedroNbMagics, lazy_magic_arguments, parse_line
from kedro_nb.notebook.names import STRIP_MAGIC

M = STRIP_MAGIC


@magics_class
class StripMagics(KedroNbMagics):
    """Magics that clean notebook files."""

    @lazy_magic_arguments
    @argument("-h", "--help", action="store_true", help="show this help")
    @argument("path", nargs="?", default=None, help="notebook file (default: this notebook)")
    @line_magic(M)  # type: ignore[arg-type, unused-ignore]  # IPython 9 types the magic as Never
    def strip(self, line: str) -> None:
        """Strip outputs and volatile metadata from the notebook's saved file (this notebook
        unless a path is given), as the kedro-nb git filter does, and say whether it changed.
        Outputs shown in the open notebook stay until it is saved again."""
        args = parse_line(self.strip, M, line)
        if args is None:
            return
        path: Path | None
        if args.path:
            path = Path(args.path).expanduser()
            if not path.is_file():
                raise UsageError(f"%{M}: notebook {args.path!r} not found (from {Path.cwd()}).")
        else:
            path = self.project.notebook_path()
            if path is None:
                raise UsageError(
                    f"%{M}: cannot tell which notebook this kernel runs; name it: %{M} FILE.ipynb"
                )
        from kedro_nb.strip import strip_file
        from kedro_nb.strip.errors import StripError

        try:
            changed = strip_file(path)
        except StripError as exc:
            raise UsageError(f"%{M}: {exc}") from None
        state = "stripped" if changed else "already clean"
        print(f"{path.name}: {state}.")
