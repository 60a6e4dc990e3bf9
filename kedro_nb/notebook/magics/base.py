"""What every kedro-nb magic class shares: the project handle, line parsing with ``--help``,
and name checks that answer with the closest names."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics
from IPython.core.magic_arguments import construct_parser, parse_argstring

from kedro_nb.notebook.errors import NoSessionError
from kedro_nb.notebook.kernel_project import NotebookProject
from kedro_nb.shared import did_you_mean

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

    from kedro_nb.project import KedroNbSession

HELP_FLAGS = frozenset({"-h", "--help"})


class KedroNbMagics(Magics):
    """Base of our magic classes: each instance shares the kernel's :class:`NotebookProject`."""

    shell: InteractiveShell  # always given: the extension registers the magics on its shell

    def __init__(self, shell: Any, project: NotebookProject) -> None:
        super().__init__(shell)  # type: ignore[no-untyped-call, unused-ignore]  # IPython 8
        self.project = project

    def session(self) -> KedroNbSession:
        """The current session; a one-line ``UsageError`` when none is loaded."""
        try:
            session: KedroNbSession = self.project.require_session()
            return session
        except NoSessionError as exc:
            raise UsageError(str(exc)) from None


_Magic = Callable[..., Any]


def lazy_magic_arguments(func: _Magic) -> _Magic:
    """IPython's ``@magic_arguments()``, with the parser built at the magic's first use.

    IPython builds each parser, and formats its help into the docstring, when the module is
    imported: 4.5 to 7.7 ms of ``%load_ext kedro_nb`` for our four magics with arguments. Here
    :func:`magic_parser` builds it on the first call, and ``%run_pipeline?`` (or Shift+Tab)
    still shows the full help: IPython's inspector asks an object's ``getdoc()`` first. Use it
    where ``@magic_arguments()`` would go, above the ``@argument`` decorators.
    """
    if not getattr(func, "has_arguments", False):
        func.has_arguments = True  # type: ignore[attr-defined]
        func.decorators = []  # type: ignore[attr-defined]
    func.getdoc = lambda: magic_parser(func).format_help()  # type: ignore[attr-defined]
    return func


def magic_parser(magic: _Magic) -> argparse.ArgumentParser:
    """The argument parser of a magic declared with :func:`lazy_magic_arguments` (a function
    or a bound method), built and kept on the function the first time it is asked for."""
    func: Any = getattr(magic, "__func__", magic)
    parser: argparse.ArgumentParser | None = func.__dict__.get("parser")
    if parser is None:
        parser = func.parser = construct_parser(func)
    return parser


def parse_line(magic: _Magic, name: str, line: str) -> argparse.Namespace | None:
    """Parse a magic's line; prints the help and returns ``None`` for ``-h``/``--help``.

    Bad arguments become a one-line ``UsageError`` naming the magic and pointing to its help.
    """
    parser = magic_parser(magic)
    if HELP_FLAGS.intersection(line.split()):
        text = parser.format_help().rstrip()
        print("usage:" + text[2:] if text.startswith("::") else text)  # drop the reST marker
        return None
    try:
        parsed: argparse.Namespace = parse_argstring(magic, line)
        return parsed
    except UsageError as exc:
        from kedro_nb.cli.parsing import option_hint

        hint = option_hint(parser, str(exc))
        raise UsageError(f"%{name}: {exc}{hint} (see %{name} --help)") from None
    except ValueError as exc:  # unbalanced quotes in the line
        raise UsageError(f"%{name}: cannot split {line!r}: {exc}") from None


def unknown_names(kind: str, given: Iterable[str], known: Iterable[str], where: str) -> str | None:
    """A one-line message for the names in ``given`` missing from ``known``, or ``None``.

    Each unknown name gets its closest known names (difflib), so a typo is fixed at a glance.
    """
    known = sorted(set(known))
    missing = [name for name in given if name not in known]
    if not missing:
        return None
    listing = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return (
        f"unknown {kind} {', '.join(map(repr, missing))} in {where}."
        f"{did_you_mean(missing, known, cutoff=0.5)} Known: {listing or 'none'}."
    )
