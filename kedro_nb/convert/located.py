"""Where in a notebook an error happened, carried by the node function itself.

A node function compiled from a cell (see :mod:`kedro_nb.convert.build`) is wrapped in a
:class:`CellFunction`. When the cell's code raises, the wrapper finds the innermost frame that ran
cell code (the node's own cell, or a setup cell whose helper it called) and attaches a
:class:`CellLocation` to the exception, plus a one-line note shown with its traceback.

This does not rely on ``co_filename``: cloudpickle (3.1.3 and later) renames it to
``<dynamic-code>`` when it ships a function by value to a worker process. Frames are matched to
cells by code object identity instead, against a table the wrapper carries; pickling keeps that
identity, because the table and the function travel in the same pickle. The exception carries the
location as an attribute, which survives its own trip back from the worker.

Cells are counted the way a Jupyter user counts them: the first cell of the notebook (markdown
cells included) is cell 1. ``cell_index`` keeps the 0-based position in the notebook's ``cells``.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

#: the attribute a located exception carries its :class:`CellLocation` in
LOCATION_ATTRIBUTE = "kedro_nb_location"


def cell_filename(notebook: str, index: int) -> str:
    """The ``co_filename`` given to code compiled from cell ``index`` (0-based) of ``notebook``.

    In the calling process it lets tracebacks and ``linecache`` show the cell's own lines.
    """
    return f"<notebook {notebook} cell {index}>"


@dataclass(frozen=True)
class CellLocation:
    """A line of a notebook cell: ``cell_index`` is 0-based, ``line`` 1-based within the cell."""

    notebook: str
    cell_index: int
    cell_id: str | None = None
    line: int | None = None
    code: str | None = None

    @property
    def cell_number(self) -> int:
        """The cell's position counting from 1, as Jupyter users count cells."""
        return self.cell_index + 1

    def describe(self) -> str:
        """``cell 5 (id 3f2a) of analysis.ipynb, line 2``."""
        cell_id = f" (id {self.cell_id})" if self.cell_id else ""
        line = f", line {self.line}" if self.line else ""
        return f"cell {self.cell_number}{cell_id} of {self.notebook}{line}"

    def __str__(self) -> str:
        return self.describe() + (f": {self.code}" if self.code else "")


@dataclass(frozen=True)
class CellCode:
    """The code objects compiled from one cell, and what a location needs to say about it."""

    cell_index: int
    cell_id: str
    codes: tuple[types.CodeType, ...]
    lines: tuple[str, ...]


def nested_codes(code: types.CodeType) -> Iterator[types.CodeType]:
    """``code`` and every code object compiled inside it (functions, lambdas, comprehensions)."""
    yield code
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from nested_codes(constant)


def cell_code(code: types.CodeType, cell_index: int, cell_id: str, source: str) -> CellCode:
    """The :class:`CellCode` of ``code``, compiled from the cell at ``cell_index``."""
    return CellCode(cell_index, cell_id, tuple(nested_codes(code)), tuple(source.split("\n")))


class CellFunction:
    """A node function compiled from a notebook cell that locates its own errors.

    Calls go to ``func`` unchanged (same signature, name and docstring). An exception raised by
    cell code leaves with a :class:`CellLocation` under :data:`LOCATION_ATTRIBUTE` and a note
    naming the node, the cell and the line. ``cells`` holds the node's cell and the setup cells
    whose functions it may call. ``hints`` maps a variable the analysis found the cell reads
    from an exploration cell to its advice: a ``NameError`` about that variable (which a run,
    where exploration cells never run, is bound to raise) ends with the advice in parentheses.
    """

    __wrapped__: Callable[..., Any]  # set by functools.update_wrapper

    def __init__(
        self,
        func: Callable[..., Any],
        node: str,
        notebook: str,
        cells: tuple[CellCode, ...],
        hints: dict[str, str] | None = None,
    ) -> None:
        functools.update_wrapper(self, func)
        self.__signature__ = inspect.signature(func)
        self.func = func
        self.node = node
        self.notebook = notebook
        self.cells = cells
        self.hints = dict(hints or {})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self.func(*args, **kwargs)
        except BaseException as exc:
            self._hint(exc)
            self._locate(exc)
            raise

    def _hint(self, exc: BaseException) -> None:
        if not (isinstance(exc, NameError) and len(exc.args) == 1 and isinstance(exc.args[0], str)):
            return
        # NameError names the variable in .name; UnboundLocalError only in its message
        name = exc.name or next((n for n in self.hints if f"{n!r}" in exc.args[0]), None)
        hint = self.hints.get(name or "")
        if hint is not None:
            exc.args = (f"{exc.args[0]} ({hint})",)

    def __repr__(self) -> str:
        return f"<node function {self.node!r} of {self.notebook}>"

    def _locate(self, exc: BaseException) -> None:
        if getattr(exc, LOCATION_ATTRIBUTE, None) is not None:
            return
        own = self.cells[0]  # no frame of cell code: e.g. called with the wrong arguments
        location = find_location(exc, self.notebook, self.cells) or CellLocation(
            self.notebook, own.cell_index, own.cell_id
        )
        attach_location(exc, location, f"node {self.node!r} failed")


def find_location(
    exc: BaseException, notebook: str, cells: tuple[CellCode, ...]
) -> CellLocation | None:
    """The innermost frame of ``exc``'s traceback that ran code of one of ``cells``."""
    owners = {id(code): cell for cell in cells for code in cell.codes}
    found: tuple[CellCode, int] | None = None
    tb = exc.__traceback__
    while tb is not None:
        cell = owners.get(id(tb.tb_frame.f_code))
        if cell is not None:
            found = (cell, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return None
    cell, line = found
    code = cell.lines[line - 1].strip() if 0 < line <= len(cell.lines) else None
    return CellLocation(notebook, cell.cell_index, cell.cell_id, line, code or None)


def attach_location(exc: BaseException, location: CellLocation, what: str) -> None:
    """Record ``location`` on ``exc`` and add the note ``kedro-nb: <what> in <location>``."""
    try:
        setattr(exc, LOCATION_ATTRIBUTE, location)
    except (AttributeError, TypeError):  # an exception type without a __dict__
        return
    note = f"kedro-nb: {what} in {location}"
    if hasattr(exc, "add_note"):
        exc.add_note(note)
    else:  # Python 3.10: the attribute 3.11's traceback printing shows
        exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def cell_location(exc: BaseException) -> CellLocation | None:
    """Where in a notebook cell ``exc`` (or an error it was raised from) happened.

    Follows ``__cause__`` / ``__context__`` (an error raised while handling the node's) and
    returns the innermost location attached by a
    :class:`CellFunction` or by a failing setup cell (it survives the error's trip back from a
    worker process). ``None`` when no cell code was involved.
    """
    for error in reversed(_chain(exc)):
        location = getattr(error, LOCATION_ATTRIBUTE, None)
        if isinstance(location, CellLocation):
            return location
    return None
