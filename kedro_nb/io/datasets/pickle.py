"""``PickleDataset``: any Python object through ``pickle`` or a compatible backend."""

from __future__ import annotations

import importlib
from typing import Any

from kedro_nb.io.datasets.filebased import FileDataset
from kedro_nb.io.errors import CatalogConfigError

__all__ = ["PickleDataset"]


class PickleDataset(FileDataset):
    """Pickled object at ``filepath``.

    Args:
        backend: a module with ``dump(obj, file, **save_args)`` and ``load(file,
            **load_args)``: ``pickle`` (default), ``cloudpickle`` (functions and classes
            defined in a notebook), ``joblib``, ``dill``, ``compress_pickle``...
        **kwargs: see ``FileDataset``.
    """

    def __init__(self, *, filepath: str, backend: str = "pickle", **kwargs: Any) -> None:
        try:
            module = importlib.import_module(backend)
        except ImportError as exc:
            raise CatalogConfigError(
                f"PickleDataset backend '{backend}' cannot be imported ({exc}). Install it or "
                "use backend 'pickle' or 'cloudpickle'."
            ) from exc
        if not (
            callable(getattr(module, "dump", None)) and callable(getattr(module, "load", None))
        ):
            raise CatalogConfigError(
                f"PickleDataset backend '{backend}' has no dump/load "
                "functions: use 'pickle', 'cloudpickle', 'joblib'..."
            )
        self._backend = backend
        self._module = module
        super().__init__(filepath=filepath, **kwargs)

    def _read(self, path: str) -> Any:
        with self._open_read(path) as handle:
            return self._module.load(handle, **self._load_args)

    def _write(self, path: str, data: Any) -> None:
        with self._open_write(path) as handle:
            self._module.dump(data, handle, **self._save_args)

    def _describe(self) -> dict[str, Any]:
        return {**super()._describe(), "backend": self._backend}

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_module"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._module = importlib.import_module(self._backend)
