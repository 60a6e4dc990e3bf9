"""``params`` as the notebook sees it: the session's parameters, in a dict with its own type.

A plain ``dict`` cannot get a rich display without changing how every dict is shown; this subclass
behaves exactly like the dict it copies (equality, ``json.dumps``, ``isinstance(params, dict)``) and
only gives the formatters something to recognise.
"""

from __future__ import annotations

from typing import Any


class ParamsView(dict[str, Any]):
    """The project's parameters; a ``dict`` in every respect but its display."""

    __slots__ = ()
