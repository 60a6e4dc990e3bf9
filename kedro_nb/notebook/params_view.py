"""``params`` as the notebook sees it: the session's parameters, in a dict with its own type.

A plain ``dict`` cannot get a rich display without changing how every dict is shown; this subclass
behaves exactly like the dict it copies (equality, ``json.dumps``, ``isinstance(params, dict)``),
gives the formatters something to recognise, and reads nested keys as attributes
(``params.model_options.test_size``), the form the cell analysis turns into
``params:model_options.test_size`` as it does ``params["model_options"]["test_size"]``.
"""

from __future__ import annotations

from typing import Any

from kedro_nb.shared import did_you_mean


class ParamsView(dict[str, Any]):
    """The project's parameters; a ``dict`` in every respect but its display and attribute reads.

    An attribute that is not a dict method reads the key of that name; a nested mapping comes back
    as a ``ParamsView`` too. Dict methods (``keys``, ``items``, ``get``...) win over parameters of
    the same name: read those with ``params["items"]``.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # IPython and pickle probe for _repr_*_, __getstate__ ...
            raise AttributeError(name)
        try:
            value = self[name]
        except KeyError:
            hint = did_you_mean(name, [str(key) for key in self])
            raise AttributeError(f"no parameter {name!r}.{hint}") from None
        if isinstance(value, dict) and not isinstance(value, ParamsView):
            return ParamsView(value)
        return value
